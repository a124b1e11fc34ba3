package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
)

// The files schemagen writes are what the registry says now: a change to
// the registry without `go generate .` fails here.
func TestGeneratedFilesAreUpToDate(t *testing.T) {
	root := filepath.Join("..", "..")
	for path, want := range map[string][]byte{
		filepath.Join("schema", "kinds.graphqls"):       []byte(schema()),
		filepath.Join("graph", "model", "kinds_gen.go"): goSource(models()),
		filepath.Join("graph", "kinds_gen.go"):          goSource(resolvers()),
		"gqlgen.yml":                                    []byte(gqlgenConfig()),
	} {
		got, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s is not what the registry says: run `go generate .`", path)
		}
	}
}

// A relationship property is declared once, in the registry; the schema's
// edges, the link input, the relationship type and their Go glue follow.
func TestRelationPropertyDeclaredOnce(t *testing.T) {
	serves, ok := castgraph.RelSpecOf(castgraph.RelServes)
	if !ok {
		t.Fatal("no SERVES")
	}
	saved := serves.Props
	t.Cleanup(func() { serves.Props = saved })
	serves.Props = append(append([]castgraph.PropSpec{}, saved...), castgraph.PropSpec{Name: "hoursServed", Type: castgraph.PropInt, Doc: "Hours served."})

	sch, res := schema(), resolvers()
	for _, typ := range []string{"ServesEnterpriseEdge", "ServesExpertEdge", "RelationPropsInput", "Relationship", "PathStep", "GraphEdge"} {
		if !strings.Contains(block(sch, typ), "hoursServed: Int") {
			t.Errorf("%s lacks the property:\n%s", typ, block(sch, typ))
		}
	}
	for _, glue := range []string{`HoursServed: model.PropInt(e.Props, "hoursServed")`, `r.HoursServed = model.PropInt(props, "hoursServed")`,
		`s.HoursServed = model.PropInt(props, "hoursServed")`, `e.HoursServed = model.PropInt(props, "hoursServed")`} {
		if !strings.Contains(res, glue) {
			t.Errorf("the resolvers lack %s", glue)
		}
	}
	if block(sch, "MemberOfSocietyEdge") == "" || strings.Contains(block(sch, "MemberOfSocietyEdge"), "hoursServed") {
		t.Error("another relationship's edges got the property")
	}
}

// block returns the definition of a GraphQL type or input, or "".
func block(schema, name string) string {
	for _, kw := range []string{"type ", "input "} {
		if i := strings.Index(schema, kw+name+" {"); i >= 0 {
			end := strings.Index(schema[i:], "\n}")
			return schema[i : i+end]
		}
	}
	return ""
}
