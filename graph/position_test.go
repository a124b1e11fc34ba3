package graph_test

import "testing"

// A plan item's programs come in the order the plan names them (the
// position on LAUNCHES), whether the field is read on its own or ahead
// with its item's list.
func TestLaunches_InThePlansOrder(t *testing.T) {
	a := newAPI(t)
	check := func(how string, edges []any) {
		t.Helper()
		if len(edges) < 5 {
			t.Fatalf("%s: %d programs prove too little", how, len(edges))
		}
		for i, e := range edges {
			if get(e, "position") != float64(i+1) {
				t.Errorf("%s: program %d (%s) has position %v", how, i, str(e, "node", "name"), get(e, "position"))
			}
		}
	}
	d := a.ok(t, `{ node(id: "item/2024-14") { ... on PlanItem { launches(first: 50) { edges { position node { name } } } } } }`, nil)
	check("node(id)", list(d, "node", "launches", "edges"))
	d = a.ok(t, `{ planItems(where: {number: {eq: 14}}) { nodes { launches(first: 50) { edges { position node { name } } } } } }`, nil)
	check("read ahead", list(d, "planItems", "nodes", 0, "launches", "edges"))
	// An explicit order still wins.
	d = a.ok(t, `{ node(id: "item/2024-14") { ... on PlanItem { launches(first: 50, orderBy: {field: NAME}) { nodes { name } } } } }`, nil)
	names := list(d, "node", "launches", "nodes")
	for i := 1; i < len(names); i++ {
		if str(names[i-1], "name") > str(names[i], "name") {
			t.Errorf("orderBy NAME: %s before %s", str(names[i-1], "name"), str(names[i], "name"))
		}
	}
}
