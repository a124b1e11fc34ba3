package synth_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/synth"
)

func small(t *testing.T, seed uint64) *synth.Generator {
	t.Helper()
	g, err := synth.New(synth.Scaled(seed, 100)) // 1 000 experts, 300 enterprises, …
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func firstRows(g *synth.Generator, n int) []synth.Row {
	var out []synth.Row
	for row := range g.Rows() {
		out = append(out, row)
		if len(out) == n {
			break
		}
	}
	return out
}

func TestGenerator_SameSeedGivesTheSameRows(t *testing.T) {
	a, b := firstRows(small(t, 7), 5000), firstRows(small(t, 7), 5000)
	if len(a) != 5000 {
		t.Fatalf("only %d rows", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		for i := range a {
			if !reflect.DeepEqual(a[i], b[i]) {
				t.Fatalf("row %d differs: %+v / %+v", i, a[i], b[i])
			}
		}
	}
}

func TestGenerator_DifferentSeedsGiveDifferentRows(t *testing.T) {
	a, b := firstRows(small(t, 7), 2000), firstRows(small(t, 8), 2000)
	same := 0
	for i := range a {
		if reflect.DeepEqual(a[i], b[i]) {
			same++
		}
	}
	// The fixed country list is the same for every seed; little else is.
	if same > len(a)/10 {
		t.Errorf("%d of %d rows are the same for seeds 7 and 8", same, len(a))
	}
}

func TestGenerator_DatasetsChunkTheRowsInOrder(t *testing.T) {
	g := small(t, 3)
	var rows []synth.Row
	for row := range g.Rows() {
		rows = append(rows, row)
	}
	i, parts := 0, 0
	for d, err := range g.Datasets(777) {
		if err != nil {
			t.Fatal(err)
		}
		parts++
		if d.Rows() > 777 || (d.Rows() < 777 && i+d.Rows() != len(rows)) {
			t.Fatalf("part %d has %d rows", parts, d.Rows())
		}
		// A part keeps the stream's order within nodes and within relationships.
		ni, ri := 0, 0
		for range d.Rows() {
			if rows[i].Node != nil {
				if !reflect.DeepEqual(*rows[i].Node, d.Nodes[ni]) {
					t.Fatalf("row %d: node %v, part has %v", i, rows[i].Node.ID, d.Nodes[ni].ID)
				}
				ni++
			} else {
				if !reflect.DeepEqual(*rows[i].Rel, d.Relationships[ri]) {
					t.Fatalf("row %d: relationship differs", i)
				}
				ri++
			}
			i++
		}
	}
	if i != len(rows) {
		t.Fatalf("datasets hold %d rows, the stream %d", i, len(rows))
	}
	n, r := g.Count()
	if n+r != len(rows) {
		t.Errorf("Count = %d + %d, stream has %d rows", n, r, len(rows))
	}
}

// The whole graph, merged into one dataset, follows the API's rules, every
// relationship points back to nodes made before it, and every node is marked.
func TestGenerator_GraphPassesTheDatasetCheck(t *testing.T) {
	g := small(t, 11)
	d := &castgraph.Dataset{Source: g.Source()}
	seen := map[string]bool{}
	for row := range g.Rows() {
		if n := row.Node; n != nil {
			seen[n.ID] = true
			if n.Description == nil || !strings.HasPrefix(*n.Description, synth.Marker) {
				t.Fatalf("%s is not marked synthetic: %v", n.ID, n.Description)
			}
			if n.Source != "synthetic graph seed=11" {
				t.Fatalf("%s has source %q", n.ID, n.Source)
			}
			d.Nodes = append(d.Nodes, *n)
			continue
		}
		r := row.Rel
		if !seen[r.From] || !seen[r.To] {
			t.Fatalf("%s %s→%s comes before its nodes", r.Type, r.From, r.To)
		}
		if r.Source != g.Source() {
			t.Fatalf("relationship source %q", r.Source)
		}
		d.Relationships = append(d.Relationships, *r)
	}
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	// Merging on (type, from, to) would drop duplicates: there must be none.
	type rk struct {
		t        castgraph.RelType
		from, to string
	}
	rels := map[rk]bool{}
	for _, r := range d.Relationships {
		k := rk{r.Type, r.From, r.To}
		if rels[k] {
			t.Fatalf("relationship %v appears twice", k)
		}
		rels[k] = true
	}
}

// Natural keys are unique within the graph and never those of the curated
// data, so loading both into one database cannot overwrite curated nodes.
func TestGenerator_NaturalKeysAreUniqueAndApartFromTheCuratedData(t *testing.T) {
	curated, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	taken := map[string]string{}
	for _, n := range curated.Nodes {
		spec, _ := castgraph.SpecOf(n.Kind)
		taken[string(n.Kind)+"|"+spec.NaturalKey(n.Name, n.Props)] = n.ID
	}
	o := synth.Scaled(5, 20)
	o.Cities = 100 // every city name there is
	g, err := synth.New(o)
	if err != nil {
		t.Fatal(err)
	}
	mine := map[string]string{}
	for row := range g.Rows() {
		n := row.Node
		if n == nil {
			continue
		}
		spec, _ := castgraph.SpecOf(n.Kind)
		key := string(n.Kind) + "|" + spec.NaturalKey(n.Name, n.Props)
		if id, ok := taken[key]; ok {
			t.Errorf("%s has the natural key of curated %s (%s)", n.ID, id, key)
		}
		if id, ok := mine[key]; ok {
			t.Errorf("%s and %s have the same natural key %s", n.ID, id, key)
		}
		mine[key] = n.ID
	}
}

func TestGenerator_TargetsAreSkewed(t *testing.T) {
	g, err := synth.New(synth.DefaultOptions()) // a second to generate
	if err != nil {
		t.Fatal(err)
	}
	degree := map[castgraph.RelType]map[string]int{}
	for row := range g.Rows() {
		if r := row.Rel; r != nil {
			if degree[r.Type] == nil {
				degree[r.Type] = map[string]int{}
			}
			degree[r.Type][r.To]++
		}
	}
	for _, c := range []struct {
		rel   castgraph.RelType
		ratio int
	}{{castgraph.RelServes, 1000}, {castgraph.RelMemberOf, 20}, {castgraph.RelInChain, 5}, {castgraph.RelCooperatesWith, 10}, {castgraph.RelAffiliatedWith, 1000}} {
		var ds []int
		for _, d := range degree[c.rel] {
			ds = append(ds, d)
		}
		slices.Sort(ds)
		top, median := ds[len(ds)-1], ds[len(ds)/2]
		t.Logf("%s: %d targets, top %d, median %d", c.rel, len(ds), top, median)
		if top < c.ratio*median {
			t.Errorf("%s: top degree %d is not %d× the median %d", c.rel, top, c.ratio, median)
		}
	}
}

func TestCreditCode_MatchesTheDemoToolAndChecks(t *testing.T) {
	demo, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, n := range demo.Nodes {
		if code, ok := n.Props["creditCode"].(string); ok {
			checked++
			if !synth.ValidCreditCode(code) {
				t.Errorf("demo code %s of %s does not check", code, n.Name)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no credit codes in the demo data")
	}
	for _, bad := range []string{"91320115D3M0000147", "91320115D3M0000246", "91320115D3M00001", "91320115D3M00001I6"} {
		if synth.ValidCreditCode(bad) {
			t.Errorf("%s passes", bad)
		}
	}
	g := small(t, 1)
	codes := 0
	for row := range g.Rows() {
		if n := row.Node; n != nil && n.Kind == castgraph.KindEnterprise {
			code, _ := n.Props["creditCode"].(string)
			if !synth.ValidCreditCode(code) || !strings.HasPrefix(code, "913290") {
				t.Fatalf("%s has credit code %q", n.ID, code)
			}
			codes++
		}
	}
	if codes != g.Options().Enterprises {
		t.Errorf("%d codes for %d enterprises", codes, g.Options().Enterprises)
	}
}

func TestNew_RejectsBadSizes(t *testing.T) {
	o := synth.DefaultOptions()
	o.Experts = 0
	if _, err := synth.New(o); castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), "experts") {
		t.Errorf("experts=0: %v", err)
	}
	o = synth.DefaultOptions()
	o.Cities = 1000
	if _, err := synth.New(o); castgraph.ErrorCode(err) != castgraph.EINVALID {
		t.Errorf("cities=1000: %v", err)
	}
}

// Sized scales every kind of many nodes with the experts and keeps the
// fixed kinds; a million experts passes the checks, enterprises beyond the
// credit code's six digits do not.
func TestSized_ScalesTheManyKindsAlike(t *testing.T) {
	if got, want := synth.Sized(1, 100000), synth.DefaultOptions(); got != want {
		t.Errorf("Sized(1, 100000) = %+v, want the default %+v", got, want)
	}
	o := synth.Sized(7, 1000000)
	d := synth.DefaultOptions()
	if o.Seed != 7 || o.Experts != 1000000 || o.Enterprises != 300000 || o.Societies != 10000 || o.Programs != 3000 ||
		o.Clusters != d.Clusters || o.Chains != d.Chains || o.Cities != d.Cities || o.Countries != d.Countries {
		t.Errorf("Sized(7, 1000000) = %+v", o)
	}
	if small := synth.Sized(1, 10); small.Stations != 1 || small.Experts != 10 {
		t.Errorf("a tiny size keeps at least one of each kind: %+v", small)
	}
	g, err := synth.New(o)
	if err != nil {
		t.Fatalf("a million experts: %v", err)
	}
	if nodes, rels := g.Count(); nodes < 1300000 || rels < 9900000 {
		t.Errorf("a million experts: %d nodes, %d relationships", nodes, rels)
	}
	o.Enterprises = 1000000
	if _, err := synth.New(o); castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), "enterprises") {
		t.Errorf("a million enterprises (credit codes have six digits for the serial): %v", err)
	}
}
