package castgraph

import "testing"

// A relationship property's name means one property: the link input and
// the relationship type show each name once, with one type.
func TestRelationProps_OneTypePerName(t *testing.T) {
	types := map[string]PropType{}
	for _, r := range Relations {
		for _, p := range r.Props {
			if typ, seen := types[p.Name]; seen && typ != p.Type {
				t.Errorf("%s.%s is %v, elsewhere %v", r.Type, p.Name, p.Type, typ)
			}
			types[p.Name] = p.Type
		}
	}
	if got := len(RelationProps()); got != len(types) {
		t.Errorf("RelationProps lists %d, the registry names %d", got, len(types))
	}
}

// Every relationship field of a kind is found by its name, and names are
// unique per kind (the schema could not say otherwise).
func TestRelationField_FindsEveryEnd(t *testing.T) {
	for _, ks := range Kinds {
		seen := map[string]bool{}
		for _, e := range RelEnds(ks.Kind) {
			if seen[e.Field] {
				t.Errorf("%s has two fields %s", ks.Kind, e.Field)
			}
			seen[e.Field] = true
			got, ok := RelationField(ks.Kind, e.Field)
			if !ok || got.Spec != e.Spec || got.Outgoing != e.Outgoing {
				t.Errorf("%s.%s: %+v %v", ks.Kind, e.Field, got, ok)
			}
			if _, ok := ks.Prop(e.Field); ok {
				t.Errorf("%s.%s is a property and a relationship", ks.Kind, e.Field)
			}
		}
	}
	if _, ok := RelationField(KindExpert, "nosuch"); ok {
		t.Error("found a field that is not there")
	}
}
