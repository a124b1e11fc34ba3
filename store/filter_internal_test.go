package store

import (
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
)

// The compiler of conditions is pure: these tests need no database. (graph
// tests the way from GraphQL filters to conditions, with golden files.)

func TestFilter_ValuesBecomeParameters(t *testing.T) {
	cypher, params, err := CheckFilter(castgraph.KindExpert, All{
		Compare{Prop: "name", Op: OpContains, Value: "x' OR 1=1 //"},
		Compare{Prop: "title", Op: OpIn, Value: []any{"研究员", "教授"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(cypher, "1=1") || len(params) != 2 {
		t.Fatalf("value spliced into Cypher: %s %v", cypher, params)
	}
}

func TestFilter_Compiles(t *testing.T) {
	for _, c := range []struct {
		name string
		kind castgraph.Kind
		cond Cond
		want string
	}{
		{"nothing", castgraph.KindExpert, nil, "true"},
		{"empty all and any", castgraph.KindExpert, All{All{}, Any{}}, "true AND false"},
		{"or inside and", castgraph.KindExpert, All{Compare{Prop: "title", Op: OpEq, Value: "教授"},
			Any{Compare{Prop: "field", Op: OpEq, Value: "化学"}, Not{Compare{Prop: "academician", Op: OpEq, Value: true}}}},
			"n.title = $p0 AND ((n.field = $p1) OR (NOT (n.academician = $p2)))"},
		{"quantifiers", castgraph.KindPark, Related{Field: "cooperatingSocieties", Quant: Every, Where: Compare{Prop: "scope", Op: OpEq, Value: "NATIONAL"}},
			"NOT EXISTS { MATCH (n)<-[:COOPERATES_WITH]-(m1:Society) WHERE NOT (m1.scope = $p0) }"},
		{"several kinds: id and name", "", Compare{Prop: "name", Op: OpStartsWith, Value: "江苏"}, "toLower(n.name) STARTS WITH $p0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, _, err := CheckFilter(c.kind, c.cond)
			if err != nil || got != c.want {
				t.Errorf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

// Conditions the store refuses whoever built them: the bounds, and what
// the registry does not know.
func TestFilter_Refuses(t *testing.T) {
	many := func(n int, c Cond) Any {
		out := make(Any, n)
		for i := range out {
			out[i] = c
		}
		return out
	}
	values := make([]any, MaxInValues+1)
	for i := range values {
		values[i] = "x"
	}
	var deep Cond = Compare{Prop: "id", Op: OpEq, Value: "x"}
	for range MaxFilterDepth + 1 {
		deep = Related{Field: "memberOf", Quant: Some, Where: Related{Field: "affiliatedExperts", Quant: Some, Where: deep}}
	}
	for name, c := range map[string]Cond{
		"an OR of 10 000 conditions":      many(10_000, Compare{Prop: "name", Op: OpEq, Value: "x"}),
		"an OR of 10 000 empty filters":   many(10_000, All{}),
		"an in of too many values":        Compare{Prop: "name", Op: OpIn, Value: values},
		"relationships nested too deep":   deep,
		"a property the kind lacks":       Compare{Prop: "salary", Op: OpEq, Value: int64(1)},
		"a property on several kinds":     Related{Field: "memberOf", Quant: Some, Where: Related{Field: "members", Quant: Some, Where: Compare{Prop: "title", Op: OpEq, Value: "x"}}},
		"an order on a choice":            Related{Field: "memberOf", Quant: Some, Where: Compare{Prop: "scope", Op: OpGt, Value: "NATIONAL"}},
		"text operators on a number":      Related{Field: "participatesIn", Quant: Some, Where: Compare{Prop: "year", Op: OpContains, Value: "20"}},
		"an unknown relationship":         Related{Field: "friends", Quant: Some},
		"an unknown quantifier":           Related{Field: "memberOf", Quant: "most"},
		"an unknown operator":             Compare{Prop: "name", Op: "like", Value: "x%"},
		"in without a list":               Compare{Prop: "name", Op: OpIn, Value: "x"},
		"a property name that is not one": Compare{Prop: "name} RETURN 1 //", Op: OpEq, Value: "x"},
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, err := CheckFilter(castgraph.KindExpert, c); castgraph.ErrorCode(err) != castgraph.EINVALID {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, _, err := CheckFilter(castgraph.KindExpert, many(MaxFilterTerms/2, Compare{Prop: "name", Op: OpEq, Value: "x"})); err != nil {
		t.Fatalf("a filter within the limit: %v", err)
	}
}

// The anchor of a list's filter: a chain of `some` ending at ids is walked
// from the ids, and the rest of the filter stays a filter.
func TestAnchor_FindsChainsOfSome(t *testing.T) {
	chain := Related{Field: "serves", Quant: Some, Where: Related{Field: "chains", Quant: Some,
		Where: Related{Field: "partOf", Quant: Some, Where: Compare{Prop: "id", Op: OpEq, Value: "industry-cluster/x"}}}}
	title := Compare{Prop: "title", Op: OpEq, Value: "教授"}
	b := newBuilder()
	a, ok := b.anchor(castgraph.KindExpert, "n", All{title, chain})
	if !ok || len(a.hops) != 3 || a.farKind != castgraph.KindIndustryCluster {
		t.Fatalf("not anchored: %+v %v", a, ok)
	}
	if rest, _ := a.rest.(All); len(rest) != 1 || rest[0] != title {
		t.Errorf("rest %#v", a.rest)
	}
	want := "MATCH (a:Entity) WHERE a.id IN $p0 AND a:IndustryCluster MATCH (a)<-[:PART_OF]-(:IndustryChain)<-[:IN_CHAIN]-(:Enterprise)<-[:SERVES]-(n:Expert) WITH DISTINCT n"
	if a.match != want {
		t.Errorf("match\n got %s\nwant %s", a.match, want)
	}
	for name, c := range map[string]Cond{
		"none, not some":      Related{Field: "serves", Quant: None, Where: Compare{Prop: "id", Op: OpEq, Value: "x"}},
		"a name, not an id":   Related{Field: "serves", Quant: Some, Where: Compare{Prop: "name", Op: OpEq, Value: "x"}},
		"an id and more":      Related{Field: "serves", Quant: Some, Where: All{Compare{Prop: "id", Op: OpEq, Value: "x"}, title}},
		"the node's own id":   Compare{Prop: "id", Op: OpEq, Value: "x"},
		"inside an OR":        Any{chain},
		"an id range, not in": Related{Field: "serves", Quant: Some, Where: Compare{Prop: "id", Op: OpGt, Value: "x"}},
	} {
		if _, ok := newBuilder().anchor(castgraph.KindExpert, "n", c); ok {
			t.Errorf("%s: anchored", name)
		}
	}
}
