package store_test

import (
	"context"
	"testing"

	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

func TestMigrate_IsIdempotentAndRecordsItsVersion(t *testing.T) {
	s := storetest.MustOpen(t) // migrates once
	ctx := context.Background()
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != store.LatestVersion() {
		t.Fatalf("version = %d, %v; want %d", v, err, store.LatestVersion())
	}
	if rows := storetest.Query(t, "MATCH (m:CastgraphSchema) RETURN count(m) AS c", nil); rows[0]["c"] != int64(1) {
		t.Errorf("%v schema version nodes", rows[0]["c"])
	}

	constraints := map[string]bool{}
	for _, r := range storetest.Query(t, "SHOW CONSTRAINTS YIELD name, type RETURN name, type", nil) {
		constraints[r["name"].(string)] = r["type"] == "UNIQUENESS"
	}
	for _, name := range []string{"entity_id", "expert_key", "enterprise_key", "plan_item_key", "overseas_station_key", "program_key"} {
		if !constraints[name] {
			t.Errorf("no uniqueness constraint %s (have %v)", name, constraints)
		}
	}

	rows := storetest.Query(t, "SHOW FULLTEXT INDEXES YIELD name, state, labelsOrTypes, properties, options WHERE name = $n RETURN *",
		map[string]any{"n": store.FullTextIndex})
	if len(rows) != 1 {
		t.Fatalf("no full-text index %s", store.FullTextIndex)
	}
	config, _ := rows[0]["options"].(map[string]any)["indexConfig"].(map[string]any)
	if config["fulltext.analyzer"] != "cjk" || rows[0]["state"] != "ONLINE" {
		t.Errorf("full-text index = %v", rows[0])
	}
}

func TestMigrate_FullTextIndexFindsPartialChineseNames(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	name := "测试马山生命健康论坛"
	in := castgraphInput(name)
	n, err := s.Create(ctx, "Program", in)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Delete(context.Background(), "Program", n.ID) })
	rows := storetest.Query(t, "CALL db.index.fulltext.queryNodes($index, $q) YIELD node RETURN node.id AS id",
		map[string]any{"index": store.FullTextIndex, "q": "生命健康"})
	for _, r := range rows {
		if r["id"] == n.ID {
			return
		}
	}
	t.Errorf("searching 生命健康 did not find %s (%d hits)", name, len(rows))
}

// TestMigrate_MakesWhatIsMissingWhateverTheVersion: a database that records
// the latest version but lacks a kind's key constraint and name index (as one
// made before the kind was added to the registry does) gets them on the next
// start.
func TestMigrate_MakesWhatIsMissingWhateverTheVersion(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	storetest.Exec(t, "DROP CONSTRAINT society_key IF EXISTS", nil)
	storetest.Exec(t, "DROP INDEX society_name IF EXISTS", nil)
	t.Cleanup(func() { _ = s.Migrate(context.Background()) }) // leave the shared database whole, whatever happens
	if v, _ := s.SchemaVersion(ctx); v != store.LatestVersion() {
		t.Fatalf("the database records version %d; the test needs the latest, %d", v, store.LatestVersion())
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if rows := storetest.Query(t, "SHOW CONSTRAINTS YIELD name WHERE name = 'society_key' RETURN name", nil); len(rows) != 1 {
		t.Error("the society key constraint was not made again")
	}
	if rows := storetest.Query(t, "SHOW INDEXES YIELD name, state WHERE name = 'society_name' RETURN state", nil); len(rows) != 1 || rows[0]["state"] != "ONLINE" {
		t.Errorf("the society name index: %v", rows)
	}
}

// A database an older build wrote gets the data migrations above its
// version: a programme kind written PROGRAMME reads PROGRAM afterwards.
func TestMigrate_DataMigrationsRunOnceAboveTheVersion(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	tag := "migrate-data-test"
	t.Cleanup(func() {
		storetest.Forget(t, tag)
		_ = s.Migrate(context.Background()) // leave the version whole
	})
	storetest.Exec(t, `CREATE (:Entity:Program {id: 'program/migrate-data-test', name: 'migrate-data-test', key: 'migrate-data-test',
		kind: 'PROGRAMME', sources: [$tag]})`, map[string]any{"tag": tag})
	storetest.Exec(t, "MATCH (m:CastgraphSchema {name: 'castgraph'}) SET m.version = 4", nil)
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rows := storetest.Query(t, "MATCH (p:Program {id: 'program/migrate-data-test'}) RETURN p.kind AS kind", nil)
	if len(rows) != 1 || rows[0]["kind"] != "PROGRAM" {
		t.Errorf("after migrating: %v", rows)
	}
	if v, _ := s.SchemaVersion(ctx); v != store.LatestVersion() {
		t.Errorf("version %d, want %d", v, store.LatestVersion())
	}
}
