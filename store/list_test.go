package store_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// A list filtered by a chain of `some` relationship filters ending at an id
// has two plans: walk from the anchor and sort what it reaches, or walk the
// kind's name index and test each node. Whichever runs, the pages, their
// order and their cursors are the same, and they are the right experts.
func TestList_AnchoredFilterGivesTheSameAnswersWithEitherPlan(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	tag := fmt.Sprintf("plans-%d", time.Now().UnixNano())
	d := &castgraph.Dataset{Source: "test " + tag}
	node := func(kind castgraph.Kind, id, name string, props map[string]any) {
		d.Nodes = append(d.Nodes, castgraph.DatasetNode{ID: id, Kind: kind, Name: name, Props: props, Source: d.Source})
	}
	rel := func(typ castgraph.RelType, from, to string) {
		d.Relationships = append(d.Relationships, castgraph.DatasetRelship{Type: typ, From: from, To: to, Source: d.Source})
	}
	cluster, other := "industry-cluster/"+tag, "industry-cluster/"+tag+"-other"
	node(castgraph.KindIndustryCluster, cluster, "集群 "+tag, nil)
	node(castgraph.KindIndustryCluster, other, "另一集群 "+tag, nil)
	for c := 0; c < 3; c++ {
		chain := fmt.Sprintf("industry-chain/%s-%d", tag, c)
		node(castgraph.KindIndustryChain, chain, fmt.Sprintf("产业链 %s %d", tag, c), nil)
		rel(castgraph.RelPartOf, chain, map[bool]string{true: other, false: cluster}[c == 2])
	}
	for e := 0; e < 12; e++ {
		id := fmt.Sprintf("enterprise/%s-%02d", tag, e)
		node(castgraph.KindEnterprise, id, fmt.Sprintf("企业 %s %02d", tag, e), nil)
		rel(castgraph.RelInChain, id, fmt.Sprintf("industry-chain/%s-%d", tag, e%3))
	}
	titles := []string{"教授", "研究员"}
	var want, wantProfessors []string // experts serving an enterprise of cluster's chains 0 and 1
	for x := 0; x < 40; x++ {
		id := fmt.Sprintf("expert/%s-%02d", tag, x)
		// Names out of id order, with ties, so that the order is name, then id.
		node(castgraph.KindExpert, id, fmt.Sprintf("专家 %s %02d", tag, (x*7)%13), map[string]any{"title": titles[x%2], "disambiguation": id})
		served := false
		for _, e := range []int{x % 12, (x * 5) % 12} {
			if x%4 == 3 {
				break // serves nobody
			}
			rel(castgraph.RelServes, id, fmt.Sprintf("enterprise/%s-%02d", tag, e))
			served = served || e%3 != 2
		}
		if served {
			want = append(want, id)
			if x%2 == 0 {
				wantProfessors = append(wantProfessors, id)
			}
		}
	}
	if _, err := s.Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, n := range d.Nodes {
		names[n.ID] = n.Name
	}
	byName := func(ids []string) []string {
		out := slices.Clone(ids)
		sort.Slice(out, func(i, j int) bool {
			if names[out[i]] != names[out[j]] {
				return names[out[i]] < names[out[j]]
			}
			return out[i] < out[j]
		})
		return out
	}
	inCluster := store.Related{Field: "serves", Quant: store.Some, Where: store.Related{Field: "chains", Quant: store.Some,
		Where: store.Related{Field: "partOf", Quant: store.Some, Where: store.Compare{Prop: "id", Op: store.OpEq, Value: cluster}}}}

	// walkAll pages through the list, five at a time, with the enterprises
	// each expert serves read ahead, and counts statements.
	two := 2
	serves := &store.Plan{Window: store.Window{First: &two}, Count: true}
	walkAll := func(t *testing.T, where store.Cond) (ids, cursors []string, statements int64) {
		t.Helper()
		first, after := 5, ""
		before := s.Statements()
		for {
			res, err := s.ListWith(ctx, castgraph.KindExpert, &store.Plan{Where: where, Window: store.Window{First: &first, After: after},
				Branches: []store.Branch{{Field: "serves", Plan: serves}}})
			if err != nil {
				t.Fatal(err)
			}
			p := res.Page
			for i, n := range p.Nodes {
				f := res.Under[n][serves]
				var far []string
				for _, e := range f.Page.Nodes {
					far = append(far, e.ID)
				}
				// The id carries what was read ahead, so the plans compare on it too.
				ids = append(ids, fmt.Sprintf("%s %v %d", n.ID, far, f.Count))
				cursors = append(cursors, p.Cursors[i])
			}
			if !p.HasNextPage {
				return ids, cursors, s.Statements() - before
			}
			after = p.Cursors[len(p.Cursors)-1]
		}
	}
	for _, c := range []struct {
		name  string
		where store.Cond
		want  []string
	}{
		{"chain only", inCluster, byName(want)},
		{"chain and a title", store.All{inCluster, store.Compare{Prop: "title", Op: store.OpEq, Value: "教授"}}, byName(wantProfessors)},
	} {
		t.Run(c.name, func(t *testing.T) {
			restore := store.ForceListPlan("anchor")
			fromAnchor, anchorCursors, _ := walkAll(t, c.where)
			restore()
			restore = store.ForceListPlan("walk")
			fromIndex, indexCursors, statements := walkAll(t, c.where)
			restore()
			if !slices.Equal(fromAnchor, fromIndex) {
				t.Errorf("walked from the anchor: %v\nalong the name index: %v", fromAnchor, fromIndex)
			}
			var got []string
			for _, row := range fromIndex {
				got = append(got, strings.Fields(row)[0])
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v\nwant %v", got, c.want)
			}
			if !slices.Equal(anchorCursors, indexCursors) {
				t.Error("the two plans give different cursors")
			}
			// Each page: the estimate and the index walk; the last page
			// (the walk finds no sixth row to say there is more) is answered
			// from the anchor after all.
			pages := int64((len(c.want) + 4) / 5)
			if statements != 2*pages+1 {
				t.Errorf("%d statements for %d pages; want %d (estimate + index walk a page, one more for the last)", statements, pages, 2*pages+1)
			}
		})
	}
}
