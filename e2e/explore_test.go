package e2e_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The demo data the explorer test walks: an expert found by a Chinese name
// shared by two experts, the society he is a member of (expanded by a
// click), and a park that society cooperates with, two steps from him.
const (
	exploreSearch  = "王建华"
	exploreExpert  = "expert/wang-jianhua-grid"
	exploreSociety = "society/jiangsu-demo-electrical-engineering"
	explorePark    = "park/nanjing-demo-htz"
)

// explorerJS evaluates expr with ex bound to the page's test handle
// (window.castgraphExplorer) and cy to its cytoscape instance.
func explorerJS(expr string) string {
	return `(() => { const ex = window.castgraphExplorer; const cy = ex && ex.graph(); return (` + expr + `); })()`
}

// waitFor polls a boolean expression of explorerJS until it holds and the
// page has no request or layout under way.
func (b *tab) waitFor(what, expr string) {
	b.t.Helper()
	js := explorerJS(`!!ex && ex.state.busy === 0 && !!(` + expr + `)`)
	for {
		ok, err := chromedp.Run(b.step, chromedp.Evaluate[bool](js))
		if err != nil {
			b.fail("waiting for %s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-b.step.Done():
			b.fail("timed out waiting for %s", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// eval returns the value of an expression of explorerJS.
func evalIn[T any](b *tab, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.step, chromedp.Evaluate[T](explorerJS(expr)))
	if err != nil {
		b.fail("evaluating %s: %v", expr, err)
	}
	return v
}

// clickNode clicks, with the mouse, where the graph draws the node, and
// checks that the click selected it.
func (b *tab) clickNode(id string) {
	b.t.Helper()
	xy := evalIn[[]float64](b, fmt.Sprintf(`(() => {
		const p = cy.getElementById(%q).renderedPosition();
		const r = cy.container().getBoundingClientRect();
		return [r.left + p.x, r.top + p.y];
	})()`, id))
	if len(xy) != 2 {
		b.fail("no position for node %s: %v", id, xy)
	}
	if err := chromedp.Do(b.step, chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		b.fail("clicking node %s: %v", id, err)
	}
	b.waitFor("node "+id+" selected and read", fmt.Sprintf(`ex.state.selected === %q && ex.state.details[%q]`, id, id))
}

// text returns the text of the element the selector finds.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.step, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ""`, sel)))
	if err != nil {
		b.fail("reading %s: %v", sel, err)
	}
	return s
}

func (b *tab) expectText(sel string, want ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range want {
		if !strings.Contains(got, w) {
			b.fail("%s does not show %q; it shows:\n%s", sel, w, got)
		}
	}
}

// TestBrowserExplore opens the graph explorer on the demo data in headless
// Chromium and does what an analyst does: searches a Chinese name, draws the
// neighbourhood of a hit, expands a node by clicking it, picks two nodes and
// finds the shortest paths between them, reads the side panel, filters by
// kind, switches to English and follows the GraphiQL link's query; nothing
// may leave the origin or offend the Content-Security-Policy.
func TestBrowserExplore(t *testing.T) {
	base := startServer(t)
	b := openTab(t, base)

	if err := chromedp.Do(b.step,
		// Larger than GraphiQL's window: the screenshots show legend, graph and panel.
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(base+"/explore/"),
		chromedp.WaitVisible(chromedp.CSS(`#kind-filters input`)),
	); err != nil {
		b.fail("the explorer did not render at %s/explore/: %v", base, err)
	}
	b.waitFor("the explorer to start", `cy && ex.state.registry`)
	// The legend names every kind in Chinese, from the registry.
	b.expectText("#kind-filters", "专家", "学会", "企业", "园区", "海外联络站")
	b.expectText("#rel-filters", "服务", "会员")

	// Search a Chinese name: both experts of that name are found.
	if err := chromedp.Do(b.step,
		chromedp.SendKeys(chromedp.CSS("#search-input"), exploreSearch),
		chromedp.Click(chromedp.CSS("#search-button")),
		chromedp.WaitVisible(chromedp.CSS(`#results button[data-id="`+exploreExpert+`"]`)),
	); err != nil {
		b.fail("searching %s: %v", exploreSearch, err)
	}
	if n := evalIn[int](b, `document.querySelectorAll('#results li').length`); n != 2 {
		b.fail("search for %s found %d results, want the 2 experts of that name:\n%s", exploreSearch, n, b.text("#results"))
	}

	// Draw the expert's neighbourhood.
	if err := chromedp.Do(b.step, chromedp.Click(chromedp.CSS(`#results button[data-id="`+exploreExpert+`"]`))); err != nil {
		b.fail("picking the search result: %v", err)
	}
	b.waitFor("the neighbourhood", fmt.Sprintf(`cy.getElementById(%q).nonempty() && cy.nodes().length === 4 && ex.state.details[%q]`, exploreSociety, exploreExpert))

	// The side panel: name, kind, properties, relationships, provenance.
	b.expectText("#details", "王建华", "专家", "职称", "正高级工程师", "特高压输变电", "关系（3）", "会员", "江苏省示例电力工程学会", "来源", "synthetic demo roster")

	// Expand the society by clicking it in the graph.
	before := evalIn[int](b, `cy.nodes().length`)
	b.clickNode(exploreSociety)
	b.waitFor("the society's neighbourhood", fmt.Sprintf(`cy.nodes().length > %d && cy.getElementById(%q).nonempty()`, before, explorePark))
	b.expectText("#details", "江苏省示例电力工程学会", "学会", "合作")

	// Pick two nodes and find the shortest paths between them.
	b.clickNode(exploreExpert)
	if err := chromedp.Do(b.step, chromedp.Click(chromedp.CSS("#set-from"))); err != nil {
		b.fail("set as start: %v", err)
	}
	b.clickNode(explorePark)
	if err := chromedp.Do(b.step,
		chromedp.Click(chromedp.CSS("#set-to")),
		chromedp.Click(chromedp.CSS("#find-paths")),
	); err != nil {
		b.fail("finding paths: %v", err)
	}
	b.waitFor("the paths", `document.getElementById('path-result').textContent !== ''`)
	b.expectText("#path-result", "找到 2 条最短路径，每条 2 步")
	b.expectText(".path-ends", "王建华", "南京示例高新技术产业开发区")
	if n := evalIn[int](b, `cy.edges('.path').length`); n != 4 {
		b.fail("%d relationships highlighted, want the 4 of the two paths", n)
	}
	if got := evalIn[[]string](b, `cy.nodes('.path').map(n => n.id()).sort()`); strings.Join(got, " ") !=
		"enterprise/nj-smart-grid expert/wang-jianhua-grid park/nanjing-demo-htz society/jiangsu-demo-electrical-engineering" {
		b.fail("highlighted nodes %v", got)
	}
	b.expectText("#details", "南京示例高新技术产业开发区", "园区", "园区类型", "HIGH_TECH_ZONE")
	saveScreenshot(b.step, t, "explore")

	// The GraphiQL link carries the last query (the paths) and its variables.
	href := evalIn[string](b, `document.getElementById('graphiql-link').href`)
	u, err := url.Parse(href)
	if err != nil || u.Host != strings.TrimPrefix(base, "http://") || u.Path != "/" ||
		!strings.Contains(u.Query().Get("query"), "query ExplorerPaths") || !strings.Contains(u.Query().Get("variables"), explorePark) {
		b.fail("GraphiQL link %q does not carry the paths query", href)
	}

	// Filter by kind: hiding parks hides the park.
	if err := chromedp.Do(b.step, chromedp.Click(chromedp.CSS(`#kind-Park`))); err != nil {
		b.fail("unticking parks: %v", err)
	}
	// (cytoscape's visible() lags behind the style; the style is what is drawn.)
	if shown := evalIn[string](b, fmt.Sprintf(`cy.getElementById(%q).pstyle("display").strValue`, explorePark)); shown != "none" {
		b.fail("the park is still drawn (display %q) with parks filtered out", shown)
	}
	// And by relationship type.
	if err := chromedp.Do(b.step, chromedp.Click(chromedp.CSS(`#rel-MEMBER_OF`))); err != nil {
		b.fail("unticking MEMBER_OF: %v", err)
	}
	if n := evalIn[int](b, `cy.edges('[type = "MEMBER_OF"]').filter(e => e.pstyle("display").strValue !== "none").length`); n != 0 {
		b.fail("%d MEMBER_OF relationships still drawn", n)
	}
	if err := chromedp.Do(b.step,
		chromedp.Click(chromedp.CSS(`#kind-Park`)),
		chromedp.Click(chromedp.CSS(`#rel-MEMBER_OF`)),
	); err != nil {
		b.fail("ticking filters again: %v", err)
	}

	// English: the same names from the registry, in English.
	if err := chromedp.Do(b.step, chromedp.Click(chromedp.CSS("#lang-switch"))); err != nil {
		b.fail("switching to English: %v", err)
	}
	b.expectText("#kind-filters", "Expert", "Society", "Enterprise", "Park", "Overseas station")
	b.expectText("#details", "Park type", "Provenance", "Sources")
	b.expectText("#path-result", "2 shortest paths of 2 hops found")
	if got := evalIn[string](b, `cy.edges('[type = "MEMBER_OF"]')[0].data('label')`); got != "Member of" {
		b.fail("MEMBER_OF is labelled %q in English", got)
	}
	saveScreenshot(b.step, t, "explore-en")

	// Following the GraphiQL link opens the paths query in GraphiQL's editor.
	if err := chromedp.Do(b.step,
		chromedp.Navigate(href),
		chromedp.WaitVisible(chromedp.CSS(queryEditor)),
	); err != nil {
		b.fail("GraphiQL did not open the link %s: %v", href, err)
	}
	if text, err := chromedp.Run(b.step, chromedp.Evaluate[string](editorJS)); err != nil || !strings.HasPrefix(text, "query ExplorerPaths(") {
		b.fail("GraphiQL's editor holds %q (%v), want the explorer's paths query", text, err)
	}

	b.watch.log(t)
	if problems := b.watch.problems(); len(problems) > 0 {
		b.fail("the page misbehaved:\n  %s", strings.Join(problems, "\n  "))
	}
}

// TestBrowserExploreSignIn runs the explorer against a server that refuses
// anonymous requests (CASTGRAPH_ANONYMOUS=none): the page asks for a token,
// says so when it is refused, and with a good one searches as a bearer.
func TestBrowserExploreSignIn(t *testing.T) {
	base, token := startClosedServer(t)
	b := openTab(t, base)

	if err := chromedp.Do(b.step,
		chromedp.Navigate(base+"/explore/"),
		chromedp.WaitVisible(chromedp.CSS(`#signin-token`)),
		chromedp.SendKeys(chromedp.CSS("#signin-token"), "cgt_not-a-token"),
		chromedp.Click(chromedp.CSS("#signin-button")),
	); err != nil {
		b.fail("the sign-in dialog: %v", err)
	}
	b.waitForText("#signin-error", "令牌被拒绝")
	saveScreenshot(b.step, t, "explore-signin")
	if err := chromedp.Do(b.step,
		chromedp.SendKeys(chromedp.CSS("#signin-token"), token),
		chromedp.Click(chromedp.CSS("#signin-button")),
		chromedp.WaitNotVisible(chromedp.CSS(`#signin`)),
		chromedp.SendKeys(chromedp.CSS("#search-input"), "生命健康"),
		chromedp.Click(chromedp.CSS("#search-button")),
		chromedp.WaitVisible(chromedp.CSS(`#results button[data-id]`)),
	); err != nil {
		b.fail("signing in and searching: %v", err)
	}
	b.expectText("#results", "无锡马山生命健康论坛")
	if got := b.watch.countPOST("/graphql"); got < 3 {
		b.fail("%d POSTs to /graphql, want the refused ones and the search", got)
	}
	// The refused requests are 401s, which the watch counts as failures;
	// nothing else may go wrong.
	for _, p := range b.watch.problems() {
		if !strings.Contains(p, "HTTP 401") {
			b.fail("the page misbehaved: %s", p)
		}
	}
}

// waitForText waits until the element's text holds want.
func (b *tab) waitForText(sel, want string) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(b.text(sel), want) {
		if time.Now().After(deadline) {
			b.fail("%s never showed %q; it shows %q", sel, want, b.text(sel))
		}
		select {
		case <-b.step.Done():
			b.fail("timed out waiting for %s", sel)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
