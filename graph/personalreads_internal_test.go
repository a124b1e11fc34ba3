package graph

import (
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph/model"
	"github.com/vektah/gqlparser/v2/ast"
)

// The collector's parts without a schema or a database: which fields count
// as personal, and the id of the object a field belongs to however gqlgen
// holds it.
func TestPersonalReadsParts(t *testing.T) {
	def := func(permission string) *ast.FieldDefinition {
		return &ast.FieldDefinition{Directives: ast.DirectiveList{{Name: "requires", Arguments: ast.ArgumentList{
			{Name: "permission", Value: &ast.Value{Raw: permission, Kind: ast.EnumValue}}}}}}
	}
	if !personalField(def("READ_PERSONAL")) || personalField(def("WRITE")) || personalField(&ast.FieldDefinition{}) {
		t.Error("personalField")
	}
	e := &model.Expert{Node: &castgraph.Node{ID: "expert/1"}}
	var n model.Node = e
	for _, obj := range []any{e, &e, n, &n} {
		if got := nodeID(obj); got != "expert/1" {
			t.Errorf("nodeID(%T) = %q", obj, got)
		}
	}
	if nodeID(nil) != "" || nodeID((*model.Expert)(nil)) != "" || nodeID(&model.Expert{}) != "" || nodeID("x") != "" {
		t.Error("nodeID of no node")
	}
	c := &readCollector{seen: map[string]bool{}}
	for range 2 {
		c.note("expert/1")
	}
	if c.count != 1 || len(c.ids) != 1 {
		t.Errorf("collector %+v", c)
	}
}
