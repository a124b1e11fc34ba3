package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// checkResult says whether the systems gave the same answer to every
// variant of a query, and where they did not.
type checkResult struct {
	agree bool
	notes []string
}

// checkAnswers asks every variant of every query of each system once and
// compares the normalised answers with castgraph's (or the first system's).
// The floor is always asked: it must answer the same question too.
func checkAnswers(ctx context.Context, mix []*query, targets map[string]target, systems []string, verbose bool) map[string]*checkResult {
	order := []string{}
	for _, s := range systemNames {
		if _, ok := targets[s]; ok && (slices.Contains(systems, s) || s == "floor") {
			order = append(order, s)
		}
	}
	out := map[string]*checkResult{}
	for _, q := range mix {
		cr := &checkResult{agree: true}
		out[q.name] = cr
		for v := range q.variants {
			var refName, ref string
			for _, s := range order {
				raw, err := targets[s].answer(ctx, q, v)
				if err != nil {
					cr.agree = false
					cr.notes = append(cr.notes, fmt.Sprintf("%s (%s): %s failed: %v", q.name, q.variants[v].label, s, err))
					continue
				}
				norm := normaliser(q, s)(raw)
				b, _ := json.Marshal(norm)
				got := string(b)
				if verbose {
					fmt.Fprintf(os.Stderr, "%s (%s) %s: %.600s\n", q.name, q.variants[v].label, s, got)
				}
				if empty(norm) {
					cr.agree = false
					cr.notes = append(cr.notes, fmt.Sprintf("%s (%s): %s gave an empty answer, which proves nothing: %.300s",
						q.name, q.variants[v].label, s, rawJSON(raw)))
					continue
				}
				if refName == "" {
					refName, ref = s, got
					continue
				}
				if got != ref {
					cr.agree = false
					var want any
					_ = json.Unmarshal([]byte(ref), &want)
					cr.notes = append(cr.notes, fmt.Sprintf("%s (%s): %s and %s differ: %s",
						q.name, q.variants[v].label, refName, s, firstDifference("", want, norm)))
				}
			}
		}
	}
	return out
}

func normaliser(q *query, system string) func(any) any {
	switch system {
	case "castgraph":
		return q.normCastgraph
	case "peer":
		return q.normPeer
	}
	return q.normFloor
}

func allAgree(checks map[string]*checkResult) bool {
	for _, c := range checks {
		if !c.agree {
			return false
		}
	}
	return true
}

func printChecks(checks map[string]*checkResult) {
	for _, name := range queryNames() {
		c, ok := checks[name]
		if !ok {
			continue
		}
		if c.agree {
			logf("answer check %-10s: same answers from every system", name)
			continue
		}
		logf("answer check %-10s: ANSWERS DIFFER, not timed", name)
		for _, n := range c.notes {
			fmt.Fprintln(os.Stderr, "    "+n)
		}
	}
}

func rawJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// empty is an answer that agrees with anything: no rows, no nodes.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case []any:
		return len(x) == 0
	case map[string]any:
		if len(x) == 0 {
			return true
		}
		if n, ok := x["nodes"]; ok {
			return empty(n)
		}
		if h, ok := x["hits"]; ok {
			return empty(h) && x["boundary"] == nil
		}
	}
	return false
}

// firstDifference names the first place where two JSON values differ.
func firstDifference(path string, a, b any) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			if rawJSON(x[k]) != rawJSON(y[k]) {
				return firstDifference(path+"."+k, x[k], y[k])
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok {
			break
		}
		for i := 0; i < min(len(x), len(y)); i++ {
			if rawJSON(x[i]) != rawJSON(y[i]) {
				return firstDifference(fmt.Sprintf("%s[%d]", path, i), x[i], y[i])
			}
		}
		if len(x) != len(y) {
			return fmt.Sprintf("%s: %d items against %d", orRoot(path), len(x), len(y))
		}
	}
	return fmt.Sprintf("%s: %.200s against %.200s", orRoot(path), rawJSON(a), rawJSON(b))
}

func orRoot(path string) string {
	if path == "" {
		return "the answer"
	}
	return strings.TrimPrefix(path, ".")
}

// at follows a path of map keys (string) and list indexes (int); nil when
// anything on the way is missing.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// pickFields keeps the named fields of an object (nil for a missing object).
func pickFields(v any, keys ...string) any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		out[k] = m[k]
	}
	return out
}

func eachFields(v any, keys ...string) []any {
	l, _ := v.([]any)
	out := make([]any, 0, len(l))
	for _, x := range l {
		out = append(out, pickFields(x, keys...))
	}
	return out
}

// onlyOne is the object of a one-item list, or the whole list when it has
// some other length (which then differs from a single object).
func onlyOne(v any, keys ...string) any {
	if l, ok := v.([]any); ok && len(l) == 1 {
		return pickFields(l[0], keys...)
	}
	return map[string]any{"items": eachFields(v, keys...)}
}

// treeOf keeps id and name at every level of a nested answer; levels are
// the relationship fields from the top down, connections (castgraph) keep
// their nodes under "nodes".
func treeOf(v any, levels []string, connection bool) []any {
	l, _ := v.([]any)
	out := make([]any, 0, len(l))
	for _, x := range l {
		n := map[string]any{"id": at(x, "id"), "name": at(x, "name")}
		if len(levels) > 0 {
			child := at(x, levels[0])
			if connection {
				child = at(child, "nodes")
			}
			n[levels[0]] = treeOf(child, levels[1:], connection)
		}
		out = append(out, n)
	}
	return out
}

// connectionOf is what two connections must share: the total, whether there
// is a next page and the nodes in order. Cursors are each system's own.
func connectionOf(v any) any {
	nodes := []any{}
	edges, _ := at(v, "edges").([]any)
	for _, e := range edges {
		nodes = append(nodes, pickFields(at(e, "node"), "id", "name"))
	}
	return map[string]any{"totalCount": at(v, "totalCount"), "hasNextPage": at(v, "pageInfo", "hasNextPage"), "nodes": nodes}
}

// hit is one full-text result.
type hit struct {
	id, name string
	score    float64
}

func flatHits(v any, nodeKey string) []hit {
	l, _ := v.([]any)
	out := make([]hit, 0, len(l))
	for _, x := range l {
		n := x
		if nodeKey != "" {
			n = at(x, nodeKey)
		}
		id, _ := at(n, "id").(string)
		name, _ := at(n, "name").(string)
		score, _ := at(x, "score").(float64)
		out = append(out, hit{id, name, score})
	}
	return out
}

// rankedOf compares full-text results fairly: every hit scoring above the
// last score of a full page, in order (score, then name, then id), and of
// the hits with that last score only how many there are. castgraph and the
// floor let the index pick the best 20 (queryNodes' limit: of equal scores,
// whichever Lucene meets first), the peer sorts every hit; both are right,
// and they can only differ in which of the equally scored hits at the cut
// make the page.
func rankedOf(hits []hit) any {
	if len(hits) < first {
		return map[string]any{"hits": hitsJSON(hits), "boundary": nil}
	}
	last := score6(hits[len(hits)-1].score)
	cut := len(hits)
	for cut > 0 && score6(hits[cut-1].score) == last {
		cut--
	}
	return map[string]any{"hits": hitsJSON(hits[:cut]), "boundary": map[string]any{"score": last, "count": len(hits) - cut}}
}

func hitsJSON(hits []hit) []any {
	out := make([]any, 0, len(hits))
	for _, h := range hits {
		out = append(out, map[string]any{"id": h.id, "name": h.name, "score": score6(h.score)})
	}
	return out
}

// score6 is a Lucene score to six significant digits: JSON printers differ
// in the last digits of a float.
func score6(f float64) string { return fmt.Sprintf("%.6g", f) }
