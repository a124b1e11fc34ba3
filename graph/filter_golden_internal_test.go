package graph

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// update rewrites the golden files instead of comparing with them:
//
//	go test -short -run TestFilter_Golden ./graph/ -update
var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// goldenFilters are filters as GraphQL gives them and what they are on;
// each is parsed into a condition (filterParser) and compiled by the store
// (store.CheckFilter) into the Cypher text and parameters (or the error) in
// testdata/filter/NAME.golden.
var goldenFilters = []struct {
	name   string
	kind   castgraph.Kind // empty: nodes of several kinds
	filter map[string]any
}{
	{"empty", castgraph.KindExpert, map[string]any{}},
	{"null-fields-skipped", castgraph.KindExpert, map[string]any{"name": nil, "title": map[string]any{"eq": nil}}},
	{"name-eq", castgraph.KindExpert, map[string]any{"name": map[string]any{"eq": "张三"}}},
	{"id-in", castgraph.KindExpert, map[string]any{"id": map[string]any{"in": []any{"expert/1", "expert/2"}}}},
	{"text-operators", castgraph.KindExpert, map[string]any{"title": map[string]any{"contains": "Prof", "startsWith": "研究"}}},
	{"value-is-not-syntax", castgraph.KindExpert, map[string]any{"name": map[string]any{"contains": "x' OR 1=1 //"}}},
	{"int-range", castgraph.KindPlanItem, map[string]any{"year": map[string]any{"gte": 2020, "lt": int64(2025)}, "number": map[string]any{"eq": 3}}},
	{"bool", castgraph.KindExpert, map[string]any{"academician": map[string]any{"eq": true}}},
	{"enum-in", castgraph.KindSociety, map[string]any{"scope": map[string]any{"in": []any{"NATIONAL", "PROVINCIAL"}}}},
	{"date-range", castgraph.KindPlan, map[string]any{"issuedOn": map[string]any{"gt": "2024-01-01", "lte": "2024-12-31"}}},
	{"and-or-not", castgraph.KindExpert, map[string]any{
		"AND": []any{map[string]any{"academician": map[string]any{"eq": true}}, map[string]any{"field": map[string]any{"eq": "化学"}}},
		"OR":  []any{map[string]any{"title": map[string]any{"eq": "教授"}}, map[string]any{"title": map[string]any{"eq": "研究员"}}},
		"NOT": map[string]any{"name": map[string]any{"startsWith": "王"}},
	}},
	{"empty-and-or", castgraph.KindExpert, map[string]any{"AND": []any{}, "OR": []any{}}},
	{"relationship-quantifiers", castgraph.KindExpert, map[string]any{"memberOf": map[string]any{
		"some":   map[string]any{"scope": map[string]any{"eq": "NATIONAL"}},
		"none":   map[string]any{"name": map[string]any{"contains": "学会"}},
		"all":    map[string]any{"field": map[string]any{"eq": "化学"}},
		"single": map[string]any{},
	}}},
	{"incoming-relationship", castgraph.KindPark, map[string]any{"cooperatingSocieties": map[string]any{"some": map[string]any{"scope": map[string]any{"eq": "NATIONAL"}}}}},
	{"nested-relationships", castgraph.KindExpert, map[string]any{"memberOf": map[string]any{"some": map[string]any{
		"members": map[string]any{"some": map[string]any{"name": map[string]any{"eq": "李四"}}},
	}}}},
	// A society's members are experts and societies: only id and name are common.
	{"error-far-end-of-several-kinds", castgraph.KindExpert, map[string]any{"memberOf": map[string]any{"some": map[string]any{
		"members": map[string]any{"some": map[string]any{"title": map[string]any{"eq": "院士"}}},
	}}}},
	{"several-kinds-id-name", "", map[string]any{"id": map[string]any{"eq": "x"}, "name": map[string]any{"contains": "江苏"}}},
	{"error-several-kinds-property", "", map[string]any{"title": map[string]any{"eq": "教授"}}},
	{"error-unknown-field", castgraph.KindExpert, map[string]any{"salary": map[string]any{"eq": 1}}},
	{"error-unknown-operator", castgraph.KindExpert, map[string]any{"name": map[string]any{"like": "x%"}}},
	{"error-order-on-enum", castgraph.KindSociety, map[string]any{"scope": map[string]any{"gt": "NATIONAL"}}},
	{"error-enum-value", castgraph.KindSociety, map[string]any{"scope": map[string]any{"eq": "GALACTIC"}}},
	{"error-contains-on-int", castgraph.KindPlanItem, map[string]any{"year": map[string]any{"contains": "20"}}},
	{"error-bad-date", castgraph.KindPlan, map[string]any{"issuedOn": map[string]any{"eq": "2024-02-30"}}},
	// GraphQL reads one value given for a list as a list of one.
	{"or-one-filter-for-a-list", castgraph.KindExpert, map[string]any{"OR": map[string]any{}}},
	{"error-unknown-quantifier", castgraph.KindExpert, map[string]any{"memberOf": map[string]any{"most": map[string]any{}}}},
}

// goldenText is what a golden file holds: the filter as JSON, then the
// Cypher and its parameters in name order, or the error.
func goldenText(kind castgraph.Kind, filter map[string]any) string {
	in, err := json.Marshal(filter)
	if err != nil {
		panic(err)
	}
	var b strings.Builder
	label := string(kind)
	if kind == "" {
		label = castgraph.EntityLabel
	}
	fmt.Fprintf(&b, "# filter on %s\n%s\n", label, in)
	var pr filterParser
	cond, err := pr.parse(kind, filter, "where", 0)
	var (
		cypher string
		params map[string]any
	)
	if err == nil {
		cypher, params, err = store.CheckFilter(kind, cond)
	}
	if err != nil {
		fmt.Fprintf(&b, "# error\n%v\n", err)
		return b.String()
	}
	fmt.Fprintf(&b, "# cypher\n%s\n# parameters\n", cypher)
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(&b, "$%s = %s\n", name, goldenValue(params[name]))
	}
	return b.String()
}

// goldenValue writes a parameter with its type, so that "1" and 1 differ.
func goldenValue(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case dbtype.Date:
		return "date " + time.Time(x).Format(time.DateOnly)
	case []any:
		parts := make([]string, len(x))
		for i, item := range x {
			parts[i] = goldenValue(item)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return fmt.Sprintf("%T %v", v, v)
	}
}

func TestFilter_Golden(t *testing.T) {
	for _, c := range goldenFilters {
		t.Run(c.name, func(t *testing.T) {
			got := goldenText(c.kind, c.filter)
			path := filepath.Join("testdata", "filter", c.name+".golden")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if got != string(want) {
				t.Errorf("%s changed (run with -update if that is meant):\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

// Every golden file belongs to a case, so a renamed case leaves none behind.
func TestFilter_GoldenFilesHaveCases(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "filter", "*.golden"))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{}
	for _, c := range goldenFilters {
		if cases[c.name] {
			t.Errorf("two cases named %s", c.name)
		}
		cases[c.name] = true
	}
	for _, f := range files {
		if name := strings.TrimSuffix(filepath.Base(f), ".golden"); !cases[name] {
			t.Errorf("%s has no case in goldenFilters", f)
		}
	}
}
