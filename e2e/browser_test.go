package e2e_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browserTimeout bounds the browser steps of TestBrowserGraphiQL; starting
// and stopping Chromium get a little more on top.
const browserTimeout = 60 * time.Second

// defaultChromium is where Debian's chromium package puts the browser.
const defaultChromium = "/usr/bin/chromium"

// Selectors and scripts for GraphiQL 3 (CodeMirror 5 editors). A CodeMirror 5
// editor keeps its instance in the .CodeMirror property of its wrapper div.
const (
	graphiqlContainer = ".graphiql-container"
	queryEditor       = ".graphiql-query-editor .CodeMirror"
	executeButton     = ".graphiql-execute-button"
	resultEditor      = ".result-window .CodeMirror"

	testQuery      = "{ planItems(first: 21, orderBy: [{field: NUMBER}]) { totalCount nodes { number name partOf { nodes { name } } launches { edges { role node { name kind } } } } } }"
	expectedResult = `"totalCount": 21`
)

// setQueryJS replaces the query editor's text and returns what it now holds.
var setQueryJS = fmt.Sprintf(`(() => {
	const cm = document.querySelector(%q).CodeMirror;
	cm.setValue(%q);
	return cm.getValue();
})()`, queryEditor, testQuery)

// resultJS returns the text of the result pane ("" until it exists).
var resultJS = fmt.Sprintf(`(() => {
	const el = document.querySelector(%q);
	return el && el.CodeMirror ? el.CodeMirror.getValue() : "";
})()`, resultEditor)

// TestBrowserGraphiQL loads GraphiQL from the server in headless Chromium,
// checks that nothing is fetched from any other origin, runs a query through
// the UI and waits for its result.
func TestBrowserGraphiQL(t *testing.T) {
	base := startServer(t)
	b := openTab(t, base)
	stepCtx, fail, watch := b.step, b.fail, b.watch

	if err := chromedp.Do(stepCtx,
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(graphiqlContainer)),
		chromedp.WaitVisible(chromedp.CSS(queryEditor)),
	); err != nil {
		fail("GraphiQL did not render %s at %s: %v", graphiqlContainer, base, err)
	}

	got, err := chromedp.Run(stepCtx, chromedp.Evaluate[string](setQueryJS))
	if err != nil {
		fail("setting the query editor's text: %v", err)
	}
	if strings.TrimSpace(got) != testQuery {
		fail("query editor holds %q after setValue, want %q", got, testQuery)
	}

	// GraphiQL reads the operations of the text 100 ms (debounced) after an
	// edit; clicked before, ▶ would still see the several operations of the
	// default document and offer a menu of them instead of running.
	if err := chromedp.Do(stepCtx, chromedp.Sleep(500*time.Millisecond)); err != nil {
		fail("waiting for GraphiQL to read the query: %v", err)
	}

	// GraphiQL has already POSTed its introspection query (and, if that
	// failed, shows the error in the result pane), so only a POST sent
	// after the click counts as our query's.
	postsBefore := watch.countPOST("/graphql")
	if err := chromedp.Do(stepCtx, chromedp.Click(chromedp.CSS(executeButton))); err != nil {
		fail("clicking %s: %v", executeButton, err)
	}

	// chromedp.Poll builds its predicate with new Function, which the page's
	// Content-Security-Policy (rightly) forbids; poll from Go instead.
	result, err := pollResult(stepCtx, func(text string) bool {
		return watch.countPOST("/graphql") > postsBefore && strings.Contains(text, expectedResult)
	})
	if err != nil {
		fail("result pane never showed %s after a new POST to /graphql (last text %q): %v", expectedResult, result, err)
	}
	t.Logf("result pane:\n%s", result)

	saveScreenshot(stepCtx, t, "graphiql")

	watch.log(t)
	if problems := watch.problems(); len(problems) > 0 {
		fail("the page misbehaved:\n  %s", strings.Join(problems, "\n  "))
	}
}

// tab is a headless Chromium with one tab, watched by a pageWatch.
type tab struct {
	t     *testing.T
	ctx   context.Context // lives as long as the browser
	step  context.Context // bounds the test's steps (browserTimeout)
	watch *pageWatch
}

// openTab starts Chromium for a test of the server at base; the browser is
// stopped when the test ends. It fails the test when there is no Chromium.
func openTab(t *testing.T, base string) *tab {
	t.Helper()
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = defaultChromium
	}
	if _, err := exec.LookPath(chromium); err != nil {
		t.Fatalf("no Chromium at %s (%v): install Debian's with `apt-get install -y chromium`, or set CHROMIUM to a Chromium binary", chromium, err)
	}
	baseURL, err := url.Parse(base)
	if err != nil || baseURL.Host == "" {
		t.Fatalf("startServer returned %q, not an absolute URL: %v", base, err)
	}

	// Hard bound on everything below, including starting and stopping the
	// browser, so that the test can never hang.
	hardCtx, hardCancel := context.WithTimeout(context.Background(), browserTimeout+30*time.Second)
	t.Cleanup(hardCancel)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests run as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(hardCtx, opts...)
	t.Cleanup(allocCancel) // kills Chromium and waits for it

	watch := &pageWatch{origin: baseURL}
	ctx, cancel := chromedp.NewContext(allocCtx,
		chromedp.WithListener(watch.event),
		chromedp.WithErrorf(t.Logf),
	)
	t.Cleanup(cancel)
	// The first Do starts the browser and the tab; they live as long as ctx,
	// not as long as the step deadline below.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	stepCtx, stepCancel := context.WithTimeout(ctx, browserTimeout)
	t.Cleanup(stepCancel)
	return &tab{t: t, ctx: ctx, step: stepCtx, watch: watch}
}

// fail takes a screenshot of what the browser shows, then fails the test.
func (b *tab) fail(format string, args ...any) {
	b.t.Helper()
	b.watch.log(b.t)
	shotCtx, shotCancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer shotCancel()
	saveScreenshot(shotCtx, b.t, "failure")
	b.t.Fatalf(format, args...)
}

// pollResult waits until done accepts the result pane's text, and returns
// the last text it read.
func pollResult(ctx context.Context, done func(text string) bool) (string, error) {
	var last string
	for {
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](resultJS))
		if err != nil {
			return last, err
		}
		last = text
		if done(text) {
			return text, nil
		}
		select {
		case <-ctx.Done():
			return last, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// saveScreenshot writes a PNG of the viewport to a temporary file that
// outlives the test, and logs its path. With CASTGRAPH_SCREENSHOTS set to a
// directory, it writes NAME.png there instead (docs/ keeps the ones the
// README shows: CASTGRAPH_SCREENSHOTS=$PWD/docs go test ./e2e/).
func saveScreenshot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot failed: %v", err)
		return
	}
	var f *os.File
	if dir := os.Getenv("CASTGRAPH_SCREENSHOTS"); dir != "" {
		f, err = os.Create(filepath.Join(dir, name+".png"))
	} else {
		f, err = os.CreateTemp("", "castgraph-"+name+"-*.png")
	}
	if err != nil {
		t.Logf("screenshot not saved: %v", err)
		return
	}
	_, werr := f.Write(png)
	if err := errors.Join(werr, f.Close()); err != nil {
		t.Logf("screenshot not saved: %v", err)
		return
	}
	t.Logf("screenshot: %s", f.Name())
}

// pageWatch records what the tab does. Its event method runs in chromedp's
// message loop, so it only appends under a lock.
type pageWatch struct {
	origin *url.URL

	mu         sync.Mutex
	urls       map[network.RequestID]string
	requests   []string // "METHOD URL"
	offOrigin  []string
	failed     []string
	security   []string
	exceptions []string
	console    []string
}

func (w *pageWatch) event(ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		u := ev.Request.URL
		if w.urls == nil {
			w.urls = make(map[network.RequestID]string)
		}
		w.urls[ev.RequestID] = u
		w.requests = append(w.requests, ev.Request.Method+" "+u)
		if !w.sameOrigin(u) {
			w.offOrigin = append(w.offOrigin, ev.Request.Method+" "+u)
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			w.failed = append(w.failed, fmt.Sprintf("HTTP %d for %s", ev.Response.Status, ev.Response.URL))
		}
	case *network.EventLoadingFailed:
		w.failed = append(w.failed, fmt.Sprintf("%s for %s (blocked: %q)", ev.ErrorText, w.urls[ev.RequestID], ev.BlockedReason))
	case *log.EventEntryAdded:
		e := ev.Entry
		line := fmt.Sprintf("%s %s: %s %s", e.Source, e.Level, e.Text, e.URL)
		if e.Source == log.EntrySourceSecurity || strings.Contains(e.Text, "Content Security Policy") {
			w.security = append(w.security, line)
		} else {
			w.console = append(w.console, line)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			text += " " + d.Exception.Description
		}
		w.exceptions = append(w.exceptions, fmt.Sprintf("%s (%s:%d)", text, d.URL, d.LineNumber+1))
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, string(a.Value))
			}
		}
		line := fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		if strings.Contains(line, "Content Security Policy") {
			w.security = append(w.security, line)
		} else {
			w.console = append(w.console, line)
		}
	}
}

// sameOrigin reports whether a request for rawURL stays on the test server
// (data:, blob: and about: URLs never leave the browser).
func (w *pageWatch) sameOrigin(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	case "http", "https", "ws", "wss":
		return u.Host == w.origin.Host
	}
	return false
}

func (w *pageWatch) problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	var p []string
	for _, r := range w.offOrigin {
		p = append(p, "request left the origin "+w.origin.Host+": "+r)
	}
	for _, f := range w.failed {
		p = append(p, "request failed: "+f)
	}
	for _, s := range w.security {
		p = append(p, "security: "+s)
	}
	for _, e := range w.exceptions {
		p = append(p, "uncaught exception: "+e)
	}
	return p
}

// countPOST returns how many POSTs to path on the server the tab has sent.
func (w *pageWatch) countPOST(path string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, r := range w.requests {
		method, raw, _ := strings.Cut(r, " ")
		if u, err := url.Parse(raw); method == "POST" && err == nil && u.Host == w.origin.Host && u.Path == path {
			n++
		}
	}
	return n
}

func (w *pageWatch) log(t *testing.T) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	lines := make([]string, len(w.requests))
	for i, r := range w.requests {
		if len(r) > 120 {
			r = r[:117] + "..."
		}
		lines[i] = r
	}
	t.Logf("requests (%d):\n  %s", len(lines), strings.Join(lines, "\n  "))
	if len(w.console) > 0 {
		t.Logf("console:\n  %s", strings.Join(w.console, "\n  "))
	}
}
