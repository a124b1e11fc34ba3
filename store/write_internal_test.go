package store

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
)

// updateWrite rewrites the write path's golden files instead of comparing:
//
//	go test -short -run TestWrite_Golden ./store/ -update-write
var updateWrite = flag.Bool("update-write", false, "rewrite the golden files under testdata/write/")

// TestWrite_Golden holds the statements of the write path, with the
// parameters of a row or two, to their text in testdata/write/NAME.golden: a
// change to a rule shows there, for every write path at once.
func TestWrite_Golden(t *testing.T) {
	desc := "简介"
	plain := nodeShape{}
	plainRow := nodeRow{ID: "society/s1", Key: "示例学会", Name: "示例学会",
		Props: map[string]any{"scope": "PROVINCIAL", "founded": nil}, Sources: []string{"roster a.csv, row 2"}}.param(&plain)
	full := nodeShape{}
	fullRow := nodeRow{ID: "enterprise/e1", Key: "91320000000000000x", Name: "示例科技有限公司",
		Aliases: []string{"示例科技", "示例科技", "示例"}, Description: &desc,
		Props:       map[string]any{"creditCode": "91320000000000000X"},
		CreateProps: map[string]any{"category": "高新技术企业", "none": nil}, Sources: []string{"plan2024.json"}}.param(&full)
	for _, c := range []struct {
		name   string
		cypher string
		params map[string]any
	}{
		{"merge-nodes-plain", mergeNodes(castgraph.KindSociety, plain), map[string]any{"rows": []map[string]any{plainRow}}},
		{"merge-nodes-full", mergeNodes(castgraph.KindEnterprise, full), map[string]any{"rows": []map[string]any{fullRow}}},
		{"edit-nodes", editNodes(castgraph.KindExpert), map[string]any{"rows": []map[string]any{
			editRow("expert/x1", map[string]any{"title": "教授", "field": nil, "key": "张三|示例大学"}, []string{"api"})}}},
		{"merge-rels-by-id", mergeRelsByID(castgraph.RelServes), map[string]any{"rows": []map[string]any{
			relRow("expert/x1", "enterprise/e1", map[string]any{"role": "顾问", "until": nil}, []string{"plan2024.json"}),
			relRow("expert/x1", "enterprise/e2", map[string]any{}, nil)}}},
		{"merge-rel-changed-given", "MERGE (n)-[r:SERVES]->(b0)" + mergeRel("r", "coalesce(row.SERVES_p, {})", "row.sources", "c0"), nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			params, err := json.MarshalIndent(c.params, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got := c.cypher + "\n\n-- params\n" + string(params) + "\n"
			path := filepath.Join("testdata", "write", c.name+".golden")
			if *updateWrite {
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
				t.Fatalf("%v (run with -update-write to create it)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s (run with -update-write to accept):\n%s", c.name, path, got)
			}
		})
	}
}

// TestWrite_NodeRowParam checks what a merge row sends and what it asks of
// the statement.
func TestWrite_NodeRowParam(t *testing.T) {
	var shape nodeShape
	p := nodeRow{ID: "expert/1", Key: "k", Name: "张三", Props: map[string]any{"title": "教授", "field": nil},
		Sources: nil}.param(&shape)
	want := map[string]any{"key": "k", "id": "expert/1", "name": "张三", "props": map[string]any{"title": "教授"}, "sources": []string{}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("plain row = %v, want %v", p, want)
	}
	if shape != (nodeShape{}) {
		t.Errorf("a plain row asks for %+v", shape)
	}
	d := ""
	p = nodeRow{Name: "张三", Aliases: []string{"张叁", "张叁", "张三丰"}, Description: &d,
		CreateProps: map[string]any{"x": nil}}.param(&shape)
	if got := p["aliases"]; !reflect.DeepEqual(got, []string{"张叁", "张三丰"}) {
		t.Errorf("aliases = %v, want each once in order", got)
	}
	if _, ok := p["create"]; ok {
		t.Error("creation properties that are all nil are sent")
	}
	if want := (nodeShape{aliases: true, description: true}); shape != want {
		t.Errorf("shape = %+v, want %+v", shape, want)
	}
}

func TestWrite_EditAliases(t *testing.T) {
	if got := editAliases("张三", []string{"张三", "张叁", "张叁", "Zhang San"}); !reflect.DeepEqual(got, []string{"张叁", "Zhang San"}) {
		t.Errorf("editAliases = %v", got)
	}
	if got := editAliases("张三", nil); got == nil || len(got) != 0 {
		t.Errorf("editAliases of none = %#v, want an empty list (it is stored)", got)
	}
}

func TestWrite_RelRow(t *testing.T) {
	got := relRow("a", "b", map[string]any{"role": "顾问", "until": nil}, nil)
	want := map[string]any{"from": "a", "to": "b", "props": map[string]any{"role": "顾问"}, "sources": []string{}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("relRow = %v, want %v (nil dropped, sources a list)", got, want)
	}
}

func TestWrite_NaturalKey(t *testing.T) {
	expert, _ := castgraph.SpecOf(castgraph.KindExpert)
	key, err := naturalKey(expert, "张三", map[string]any{"disambiguation": "示例大学"}, "input")
	if err != nil || key != expert.NaturalKey("张三", map[string]any{"disambiguation": "示例大学"}) {
		t.Errorf("naturalKey = %q, %v", key, err)
	}
	_, err = naturalKey(expert, "张三", map[string]any{"disambiguation": strings.Repeat("长", castgraph.MaxKeyBytes)}, "nodes[7]")
	var e *castgraph.Error
	if !errors.As(err, &e) || e.Code != castgraph.EINVALID || e.Field != "nodes[7]."+expert.KeyProps[len(expert.KeyProps)-1] {
		t.Errorf("a key too large: %v", err)
	}
}
