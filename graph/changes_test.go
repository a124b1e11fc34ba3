package graph_test

import (
	"context"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store/storetest"
)

const changesQuery = `query($since: DateTime!, $kinds: [NodeKind!], $types: [RelationType!], $sources: [String!], $first: Int, $after: String) {
  changes(since: $since, kinds: $kinds, relationshipTypes: $types, sources: $sources, first: $first, after: $after) {
    edges { cursor node { at action
      node { id provenance { sources sourceTimes { source first last } } }
      relationship { type from { id } to { id } provenance { sources } } } }
    pageInfo { hasNextPage endCursor } } }`

// A write shows up in the feed with its source and time; repeating it does
// not; a new source asserting it does; filters and pages work on it.
func TestChanges_WritesShowUpWithSourceAndTime(t *testing.T) {
	a := newAPI(t)
	tag := unique("changes")
	t.Cleanup(func() { storetest.Forget(t, tag) })
	ctx := context.Background()
	load := func(source string) {
		t.Helper()
		d := &castgraph.Dataset{Source: source, Nodes: []castgraph.DatasetNode{
			{ID: "society/" + tag, Kind: castgraph.KindSociety, Name: tag + " 学会", Source: source},
			{ID: "expert/" + tag, Kind: castgraph.KindExpert, Name: tag + " 专家", Source: source},
		}, Relationships: []castgraph.DatasetRelship{{Type: castgraph.RelMemberOf, From: "expert/" + tag, To: "society/" + tag, Source: source}}}
		if _, err := a.store.Load(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	feed := func(since time.Time, vars map[string]any) []any {
		t.Helper()
		v := map[string]any{"since": since.Format(time.RFC3339Nano), "sources": []string{tag}, "first": 50}
		for k, x := range vars {
			v[k] = x
		}
		return list(a.ok(t, changesQuery, v), "changes", "edges")
	}
	t0 := time.Now().Add(-time.Second)
	load(tag + " roster A")
	entries := feed(t0, nil)
	if len(entries) != 3 {
		t.Fatalf("after the first load: %d entries, want society, expert, membership: %v", len(entries), entries)
	}
	for _, e := range entries {
		if str(e, "node", "action") != "CREATED" {
			t.Errorf("a new one is %s", str(e, "node", "action"))
		}
	}
	if str(entries[0], "node", "node", "provenance", "sourceTimes", 0, "source") != tag+" roster A" {
		t.Errorf("source times: %v", get(entries[0], "node", "node", "provenance"))
	}

	time.Sleep(50 * time.Millisecond)
	t1 := time.Now()
	load(tag + " roster A") // the same again: nothing moved
	if got := feed(t1, nil); len(got) != 0 {
		t.Errorf("a repeated load shows up: %v", got)
	}
	load(tag + " roster C") // a new source: each of the three gained one
	got := feed(t1, nil)
	if len(got) != 3 || str(got[0], "node", "action") != "CHANGED" {
		t.Fatalf("a new source: %v", got)
	}
	for _, e := range got {
		if n := get(e, "node", "node"); n != nil {
			times := list(n, "provenance", "sourceTimes")
			if len(times) != 2 || str(times[1], "source") != tag+" roster C" {
				t.Errorf("source times after C: %v", times)
			}
			first, _ := time.Parse(time.RFC3339Nano, str(times[0], "first"))
			lastC, _ := time.Parse(time.RFC3339Nano, str(times[1], "last"))
			if !first.Before(t1) || lastC.Before(t1) {
				t.Errorf("A first %v, C last %v, t1 %v", first, lastC, t1)
			}
		}
	}

	// Nodes only, relationships only, one page at a time.
	if n := len(feed(t0, map[string]any{"types": []string{}})); n != 2 {
		t.Errorf("nodes only: %d", n)
	}
	rels := feed(t0, map[string]any{"kinds": []string{}})
	if len(rels) != 1 || str(rels[0], "node", "relationship", "type") != "MEMBER_OF" || str(rels[0], "node", "relationship", "from", "id") != "expert/"+tag {
		t.Errorf("relationships only: %v", rels)
	}
	var walked []string
	after := any(nil)
	for range 5 {
		d := a.ok(t, changesQuery, map[string]any{"since": t0.Format(time.RFC3339Nano), "sources": []string{tag}, "first": 1, "after": after})
		for _, e := range list(d, "changes", "edges") {
			walked = append(walked, str(e, "cursor"))
		}
		if get(d, "changes", "pageInfo", "hasNextPage") != true {
			break
		}
		after = get(d, "changes", "pageInfo", "endCursor")
	}
	if len(walked) != 3 {
		t.Errorf("paging one at a time walked %d entries", len(walked))
	}
	a.fails(t, castgraph.EINVALID, "after", changesQuery, map[string]any{"since": t0.Format(time.RFC3339), "after": "nonsense"})
	a.fails(t, castgraph.EINVALID, "first", changesQuery, map[string]any{"since": t0.Format(time.RFC3339), "first": 501})

	// The times are filters of every list.
	const societies = `query($w: SocietyFilter) { societies(where: $w) { totalCount } }`
	count := func(w map[string]any) any {
		w["name"] = map[string]any{"eq": tag + " 学会"}
		return get(a.ok(t, societies, map[string]any{"w": w}), "societies", "totalCount")
	}
	if got := count(map[string]any{"createdAt": map[string]any{"gte": t0.Format(time.RFC3339Nano)}}); got != 1.0 {
		t.Errorf("created since t0: %v", got)
	}
	if got := count(map[string]any{"createdAt": map[string]any{"lt": t0.Format(time.RFC3339Nano)}}); got != 0.0 {
		t.Errorf("created before t0: %v", got)
	}
	if got := count(map[string]any{"changedAt": map[string]any{"gt": t1.Format(time.RFC3339Nano)}, "updatedAt": map[string]any{"lt": t1.Format(time.RFC3339Nano)}}); got != 1.0 {
		t.Errorf("changed (a new source) but not updated since t1: %v", got)
	}
}
