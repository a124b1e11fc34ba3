package store_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// RelatedTree answers a nested read in one statement; level by level,
// RelatedPages and RelatedCounts answer the same questions one statement a
// level. Both must give the same pages (nodes, edges, cursors, flags) and
// counts at every level, whatever the windows, filters, orders and
// projections of the branches.
func TestRelatedTree_SameAnswersAsLevelByLevel(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	loadDemo(t, s)
	n := func(i int) *int { return &i }
	cases := []struct {
		name     string
		kind     castgraph.Kind
		branches []store.Branch
	}{
		{"clusters → chains → enterprises → experts", castgraph.KindIndustryCluster, []store.Branch{{
			Field: "parts", Plan: &store.Plan{Window: store.Window{First: n(3)}, Count: true,
				Branches: []store.Branch{{
					Field: "enterprises", Plan: &store.Plan{Window: store.Window{First: n(2)}, Fields: store.Fields{Partial: true, Props: []string{"creditCode"}},
						Branches: []store.Branch{
							{Field: "servedBy", Plan: &store.Plan{Count: true, Window: store.Window{Last: n(2)},
								Fields: store.Fields{Partial: true, Props: []string{"title", "sources"}, Edges: true}}},
							{Field: "servedBy", Plan: &store.Plan{Where: store.Compare{Prop: "title", Op: store.OpEq, Value: "教授"},
								Order: []store.Order{{Field: "name", Desc: true}}}},
						}},
				}}},
		}}},
		{"sections → items → programs → who runs them (several kinds)", castgraph.KindPlanSection, []store.Branch{{
			Field: "parts", Plan: &store.Plan{Window: store.Window{First: n(4)},
				Branches: []store.Branch{{
					Field: "launches", Plan: &store.Plan{Window: store.Window{First: n(5)}, Count: true,
						Branches: []store.Branch{{Field: "runBy", Plan: &store.Plan{Count: true,
							Where: store.Compare{Prop: "name", Op: store.OpContains, Value: "协会"}}}}},
				}}},
		}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			roots, err := s.List(ctx, c.kind, &store.Plan{Window: store.Window{First: n(50)}})
			if err != nil {
				t.Fatal(err)
			}
			ids := idsOfNodes(roots.Nodes)
			before := s.Statements()
			tree, err := s.RelatedTree(ctx, c.kind, ids, c.branches)
			if err != nil {
				t.Fatal(err)
			}
			if used := s.Statements() - before; used != 1 {
				t.Errorf("the tree took %d statements", used)
			}
			seen := compareLevel(t, s, c.kind, ids, c.branches, func(id string) map[*store.Plan]*store.Fetched { return tree[id] })
			if seen < 5 {
				t.Errorf("only %d nodes compared: the data proves too little", seen)
			}
		})
	}
}

// compareLevel asks the branches of the nodes level by level and compares
// with the tree's answers; it returns how many far nodes it compared.
func compareLevel(t *testing.T, s *store.Store, kind castgraph.Kind, ids []string, branches []store.Branch, tree func(id string) map[*store.Plan]*store.Fetched) int {
	t.Helper()
	ctx := context.Background()
	seen := 0
	for _, br := range branches {
		pages, err := s.RelatedPages(ctx, kind, br.Field, ids, br.Plan)
		if err != nil {
			t.Fatal(err)
		}
		var counts map[string]int
		if br.Plan.Count {
			if counts, err = s.RelatedCounts(ctx, kind, br.Field, ids, br.Plan.Where); err != nil {
				t.Fatal(err)
			}
		}
		under := map[string]map[*store.Plan]*store.Fetched{} // far id → its sub-answers in the tree
		var next []string
		for _, id := range ids {
			got := tree(id)[br.Plan]
			if got == nil {
				t.Fatalf("%s %s: no %s in the tree", kind, id, br.Field)
			}
			want := pages[id]
			if !reflect.DeepEqual(got.Page, want) {
				t.Errorf("%s %s.%s:\n tree  %+v\n level %+v", kind, id, br.Field, pageSummary(got.Page), pageSummary(want))
			}
			if br.Plan.Count && (!got.Counted || got.Count != counts[id]) {
				t.Errorf("%s %s.%s: tree counts %d (%v), level %d", kind, id, br.Field, got.Count, got.Counted, counts[id])
			}
			for _, far := range got.Page.Nodes {
				seen++
				if under[far.ID] == nil {
					next = append(next, far.ID)
				}
				under[far.ID] = got.Under[far]
			}
		}
		if len(br.Plan.Branches) > 0 && len(next) > 0 {
			end, _ := castgraph.RelationField(kind, br.Field)
			seen += compareLevel(t, s, end.Far[0], next, br.Plan.Branches, func(id string) map[*store.Plan]*store.Fetched { return under[id] })
		}
	}
	return seen
}

func idsOfNodes(nodes []*castgraph.Node) []string {
	var ids []string
	for _, n := range nodes {
		ids = append(ids, n.ID)
	}
	return ids
}

func pageSummary(p *store.Page) map[string]any {
	var names []string
	for _, n := range p.Nodes {
		names = append(names, n.ID+" "+n.Name)
	}
	return map[string]any{"nodes": names, "next": p.HasNextPage, "prev": p.HasPreviousPage, "cursors": len(p.Cursors)}
}

// loadDemo loads the 2024 plan and the demo roster (idempotent: a second
// load changes nothing).
func loadDemo(t *testing.T, s *store.Store) {
	t.Helper()
	for _, read := range []func() (*castgraph.Dataset, error){data.Seed, data.Demo} {
		d, err := read()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
}
