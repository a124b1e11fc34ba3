package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// TestWrite_OneRuleForEveryPath writes one society and one membership
// through the dataset loader, the roster import and the API, and checks that
// every path follows the same rules (store/write.go): sources and
// assertions grow each once, aliases are a union, a merge keeps the name and
// the description it does not replace and removes no property, and
// updatedAt moves only when what the node or relationship says changes.
func TestWrite_OneRuleForEveryPath(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	f := newFixture(t)
	srcB, srcC, srcD := f.source+" b", f.source+" c", f.source+" d"
	for _, src := range []string{srcB, srcC, srcD} {
		unload(t, src)
		t.Cleanup(func() { unload(t, src) })
	}
	desc := "第一份数据集的简介"
	society := f.society("s")
	society.Aliases = []string{"甲"}
	society.Description = &desc
	society.Props = map[string]any{"scope": "PROVINCIAL", "field": "化学"}
	expert := f.expert("a")
	member := f.rel(castgraph.RelMemberOf, expert.ID, society.ID)
	member.Props = map[string]any{"role": "会员"}
	if _, err := s.Load(ctx, &castgraph.Dataset{Nodes: []castgraph.DatasetNode{society, expert}, Relationships: []castgraph.DatasetRelship{member}}); err != nil {
		t.Fatal(err)
	}

	type state struct {
		name, desc, field  any
		aliases, sources   any
		aliasText, updated any
		relSources         any
		relRole, relUpdate any
	}
	read := func() state {
		t.Helper()
		rows := storetest.Query(t, `MATCH (e:Expert {id: $e})-[r:MEMBER_OF]->(n:Society {id: $s})
			RETURN n.name AS name, n.description AS desc, n.field AS field, n.aliases AS aliases, n.aliasText AS aliasText,
			       n.sources AS sources, toString(n.updatedAt) AS updated,
			       r.sources AS relSources, r.role AS relRole, toString(r.updatedAt) AS relUpdated`,
			map[string]any{"e": expert.ID, "s": society.ID})
		if len(rows) != 1 {
			t.Fatalf("%d rows for the society and its member", len(rows))
		}
		r := rows[0]
		return state{r["name"], r["desc"], r["field"], r["aliases"], r["sources"], r["aliasText"], r["updated"], r["relSources"], r["relRole"], r["relUpdated"]}
	}
	// datetime() is the transaction's start; make sure a later write could
	// tell its time from the one before.
	tick := func() { time.Sleep(5 * time.Millisecond) }
	first := read()
	tick()

	// Another dataset names the same society (same key, another id) with
	// another alias and no description, and leaves out a property.
	again := society
	again.ID = f.id("society", "other-id")
	again.Source = srcB
	again.Aliases = []string{"乙", "甲"}
	again.Description = nil
	again.Props = map[string]any{"scope": "PROVINCIAL"}
	againMember := member
	againMember.To, againMember.Source = again.ID, srcB
	againExpert := expert
	againExpert.Source = srcB
	load := func() {
		t.Helper()
		if _, err := s.Load(ctx, &castgraph.Dataset{Nodes: []castgraph.DatasetNode{again, againExpert}, Relationships: []castgraph.DatasetRelship{againMember}}); err != nil {
			t.Fatal(err)
		}
	}
	load()
	got := read()
	if got.name != first.name || got.desc != desc || got.field != "化学" {
		t.Errorf("after the second dataset: name %v, description %v, field %v; want all kept", got.name, got.desc, got.field)
	}
	if !reflect.DeepEqual(got.aliases, []any{"甲", "乙"}) || got.aliasText != "甲 乙" {
		t.Errorf("aliases %v (%q), want the union [甲 乙]", got.aliases, got.aliasText)
	}
	if !reflect.DeepEqual(got.sources, []any{f.source, srcB}) || !reflect.DeepEqual(got.relSources, []any{f.source, srcB}) {
		t.Errorf("sources %v, relationship sources %v; want both datasets", got.sources, got.relSources)
	}
	if got.updated == first.updated {
		t.Error("the node gained an alias and kept its updatedAt")
	}
	if got.relUpdate != first.relUpdate {
		t.Error("the membership said the same and its updatedAt moved")
	}
	second := got
	tick()
	load()
	if got := read(); !reflect.DeepEqual(got, second) {
		t.Errorf("loading the same dataset again changed the graph:\n%+v\n%+v", second, got)
	}

	// The roster import adds a spelling, and the same one again changes nothing.
	key := storetest.Query(t, "MATCH (n:Society {id: $s}) RETURN n.key AS key", map[string]any{"s": society.ID})[0]["key"].(string)
	for range 2 {
		if err := s.ImportWrite(ctx, func(tx *store.ImportTx) error {
			_, err := tx.UpsertNodes(castgraph.KindSociety, []store.NodeUpsert{{Key: key, ID: "society/unused", Name: "丙",
				Alias: "丙", Props: map[string]any{"field": "化学"}, Sources: []string{srcC}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	got = read()
	if !reflect.DeepEqual(got.aliases, []any{"甲", "乙", "丙"}) || got.aliasText != "甲 乙 丙" || got.name != first.name {
		t.Errorf("after the import: name %v, aliases %v (%q)", got.name, got.aliases, got.aliasText)
	}
	third := got
	tick()

	// The API: an update that says what the node says already adds its
	// source and leaves updatedAt alone; one that changes a property moves it.
	if _, err := s.Update(ctx, castgraph.KindSociety, society.ID, castgraph.NodeInput{Props: map[string]any{"field": "化学"}, Source: srcD}); err != nil {
		t.Fatal(err)
	}
	got = read()
	if got.updated != third.updated || !reflect.DeepEqual(got.sources, []any{f.source, srcB, srcC, srcD}) {
		t.Errorf("a repeating update: updatedAt %v (was %v), sources %v", got.updated, third.updated, got.sources)
	}
	if _, err := s.Update(ctx, castgraph.KindSociety, society.ID, castgraph.NodeInput{Props: map[string]any{"field": nil}, Source: srcD}); err != nil {
		t.Fatal(err)
	}
	got = read()
	if got.updated == third.updated || got.field != nil {
		t.Errorf("an update removing a property: field %v, updatedAt %v (was %v)", got.field, got.updated, third.updated)
	}

	// Link: the same properties again add the source only; another value
	// moves updatedAt.
	tick()
	link := func(role string) {
		t.Helper()
		if _, err := s.Link(ctx, store.Link{Type: castgraph.RelMemberOf, From: expert.ID, To: society.ID, Props: map[string]any{"role": role}, Source: srcD}); err != nil {
			t.Fatal(err)
		}
	}
	link("会员")
	got = read()
	if got.relUpdate != second.relUpdate || !reflect.DeepEqual(got.relSources, []any{f.source, srcB, srcD}) {
		t.Errorf("a repeating link: updatedAt %v (was %v), sources %v", got.relUpdate, second.relUpdate, got.relSources)
	}
	link("理事")
	if got := read(); got.relRole != "理事" || got.relUpdate == second.relUpdate {
		t.Errorf("a link changing the role: role %v, updatedAt %v", got.relRole, got.relUpdate)
	}

	// The actors are recorded with every source, each pair once.
	rows := storetest.Query(t, "MATCH (n:Society {id: $s}) RETURN size(n.assertions) AS n", map[string]any{"s": society.ID})
	if rows[0]["n"] != int64(4) {
		t.Errorf("%v assertions, want 4 (one per source, one actor)", rows[0]["n"])
	}
}
