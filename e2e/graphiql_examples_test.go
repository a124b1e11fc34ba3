package e2e_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph/web/graphiql"
	"github.com/chromedp/chromedp"
)

// editorJS returns the query editor's text.
var editorJS = fmt.Sprintf(`(() => {
	const el = document.querySelector(%q);
	return el && el.CodeMirror ? el.CodeMirror.getValue() : "";
})()`, queryEditor)

// TestBrowserGraphiQLTeaches opens GraphiQL in a fresh browser: the editor
// holds the named examples, one of them runs from the ▶ menu, the explorer
// plugin opens, and a link with ?query= and &variables= (as the graph
// explorer makes) fills the editor and runs.
func TestBrowserGraphiQLTeaches(t *testing.T) {
	base := startServer(t)
	b := openTab(t, base)

	if err := chromedp.Do(b.step,
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(queryEditor)),
	); err != nil {
		b.fail("GraphiQL did not render: %v", err)
	}
	text, err := chromedp.Run(b.step, chromedp.Evaluate[string](editorJS))
	if err != nil || text != graphiql.Examples {
		b.fail("the editor does not hold the examples (%v); it holds:\n%s", err, text)
	}

	// The explorer plugin, from its button in the sidebar.
	if err := chromedp.Do(b.step,
		chromedp.Click(chromedp.CSS(`.graphiql-sidebar button[aria-label="Show GraphiQL Explorer"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-explorer-root`)),
	); err != nil {
		b.fail("the explorer plugin did not open: %v", err)
	}

	// ▶ offers the operations by name when the document has several.
	if err := chromedp.Do(b.step, chromedp.Click(chromedp.CSS(executeButton))); err != nil {
		b.fail("clicking ▶: %v", err)
	}
	pick := `(() => {
		const item = [...document.querySelectorAll('[role=menuitem]')].find(e => e.textContent.trim() === "PlanItemLaunches");
		if (!item) return false;
		item.click();
		return true;
	})()`
	if _, err := pollValue(b, pick); err != nil {
		b.fail("no PlanItemLaunches in the ▶ menu: %v", err)
	}
	result, err := pollResult(b.step, func(text string) bool { return strings.Contains(text, "participantCount") })
	if err != nil {
		b.fail("PlanItemLaunches gave no result: %v; result pane:\n%s", err, result)
	}
	if !strings.Contains(result, "全国学会与省级以上经开区、高新区合作") || strings.Contains(result, `"errors"`) {
		b.fail("PlanItemLaunches answered:\n%s", result)
	}
	saveScreenshot(b.step, t, "graphiql-examples")

	// A link that brings a query and its variables.
	query := "query ExplorerSearch($text: String!) {\n  search(text: $text) { node { __typename id name } }\n}"
	link := base + "/?query=" + url.QueryEscape(query) + "&variables=" + url.QueryEscape(`{"text": "生命健康"}`)
	if err := chromedp.Do(b.step,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(queryEditor)),
	); err != nil {
		b.fail("GraphiQL did not open the link: %v", err)
	}
	if text, err := chromedp.Run(b.step, chromedp.Evaluate[string](editorJS)); err != nil || text != query {
		b.fail("the editor holds %q, want the link's query (%v)", text, err)
	}
	if err := chromedp.Do(b.step, chromedp.Click(chromedp.CSS(executeButton))); err != nil {
		b.fail("clicking ▶: %v", err)
	}
	if result, err := pollResult(b.step, func(text string) bool { return strings.Contains(text, "无锡马山生命健康论坛") }); err != nil {
		b.fail("the link's query gave no result: %v; result pane:\n%s", err, result)
	}

	b.watch.log(t)
	if problems := b.watch.problems(); len(problems) > 0 {
		b.fail("the page misbehaved:\n  %s", strings.Join(problems, "\n  "))
	}
}

// pollValue evaluates js until it returns true.
func pollValue(b *tab, js string) (bool, error) {
	for {
		ok, err := chromedp.Run(b.step, chromedp.Evaluate[bool](js))
		if err != nil || ok {
			return ok, err
		}
		if err := chromedp.Do(b.step, chromedp.Sleep(100*time.Millisecond)); err != nil {
			return false, err
		}
	}
}
