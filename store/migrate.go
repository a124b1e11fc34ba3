package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// schemaItem is one constraint or index the database must have: its name,
// as SHOW CONSTRAINTS and SHOW INDEXES list it, and the statement that
// creates it (IF NOT EXISTS, so that servers starting together may both
// run it).
type schemaItem struct {
	name, create string
}

// metaLabel marks the single node that records the applied schema version.
const metaLabel = "CastgraphSchema"

// FullTextIndex is the name of the full-text index over names and aliases.
const FullTextIndex = "entity_names"

// schemaVersion is recorded once the schema is in sync; /readyz waits for
// it. Raise it with any change to schema() or a new data migration.
const schemaVersion = 6

// dataMigrations change data that an older build wrote, once per database:
// those above the recorded version run, in order, after the schema is in
// sync, each as an auto-commit statement (so that one over a big graph can
// commit in batches, CALL … IN TRANSACTIONS); then schemaVersion is
// recorded. Each must be safe to run twice (servers starting together may
// both run it) and after a partial run.
var dataMigrations = []struct {
	version      int
	name, cypher string
}{
	{5, "program kind PROGRAMME is PROGRAM (one spelling in the schema)",
		"MATCH (p:Program {kind: 'PROGRAMME'}) SET p.kind = 'PROGRAM'"},
	{6, "changedAt on nodes written before the change feed",
		"MATCH (n:Entity) WHERE n.changedAt IS NULL CALL (n) { SET n.changedAt = coalesce(n.updatedAt, n.createdAt, datetime()) } IN TRANSACTIONS OF 10000 ROWS"},
	{6, "changedAt on relationships written before the change feed",
		"MATCH ()-[r]->() WHERE r.changedAt IS NULL AND r.createdAt IS NOT NULL CALL (r) { SET r.changedAt = coalesce(r.updatedAt, r.createdAt) } IN TRANSACTIONS OF 10000 ROWS"},
}

// schema lists every constraint and index castgraph needs, derived from the
// registry: a kind added to the registry gets its key constraint and name
// index on the next start of any database, however old.
func schema() []schemaItem {
	items := []schemaItem{{"entity_id", "CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE"}}
	for _, ks := range castgraph.Kinds {
		slug := strings.ReplaceAll(ks.Kind.Slug(), "-", "_")
		items = append(items,
			schemaItem{slug + "_key", fmt.Sprintf("CREATE CONSTRAINT %s_key IF NOT EXISTS FOR (n:%s) REQUIRE n.key IS UNIQUE", slug, ks.Kind)},
			schemaItem{slug + "_name", fmt.Sprintf("CREATE INDEX %s_name IF NOT EXISTS FOR (n:%s) ON (n.name, n.id)", slug, ks.Kind)})
	}
	items = append(items, schemaItem{FullTextIndex, "CREATE FULLTEXT INDEX " + FullTextIndex + " IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliasText] " +
		"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}"})
	// Filters on the properties of the two big kinds scanned every node of
	// the kind without these (bench/README.md has the figures); the
	// smaller kinds scan in well under a millisecond. Range indexes serve
	// eq, in, gt/gte/lt/lte and sorting after them; the filters' contains
	// and startsWith compare lower-cased text, which no index holds.
	for _, ip := range []struct {
		kind castgraph.Kind
		prop string
	}{
		{castgraph.KindExpert, "title"}, {castgraph.KindExpert, "field"}, {castgraph.KindExpert, "academician"},
		{castgraph.KindEnterprise, "category"}, {castgraph.KindEnterprise, "creditCode"},
	} {
		spec, ok := castgraph.SpecOf(ip.kind)
		if ok {
			_, ok = spec.Prop(ip.prop)
		}
		if !ok {
			// A renamed property must not leave an index on nothing; every test that migrates fails here.
			panic(fmt.Sprintf("store: an index on %s.%s, which the registry does not have", ip.kind, ip.prop))
		}
		name := strings.ReplaceAll(ip.kind.Slug(), "-", "_") + "_" + snake(ip.prop)
		items = append(items, schemaItem{name, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR (n:%s) ON (n.%s)", name, ip.kind, ip.prop)})
	}
	// The change feed (changes.go) reads nodes and relationships in
	// changedAt order from these.
	items = append(items, schemaItem{"entity_changed", "CREATE INDEX entity_changed IF NOT EXISTS FOR (n:Entity) ON (n.changedAt)"})
	for _, r := range castgraph.Relations {
		name := "rel_" + strings.ToLower(string(r.Type)) + "_changed"
		items = append(items, schemaItem{name, fmt.Sprintf("CREATE INDEX %s IF NOT EXISTS FOR ()-[r:%s]-() ON (r.changedAt)", name, r.Type)})
	}
	// API tokens live outside the entity graph (no Entity label), so no
	// list, search, node(id), neighbourhood or path can reach them.
	items = append(items,
		schemaItem{tokenLabel + "_name", "CREATE CONSTRAINT " + tokenLabel + "_name IF NOT EXISTS FOR (t:" + tokenLabel + ") REQUIRE t.name IS UNIQUE"},
		schemaItem{tokenLabel + "_hash", "CREATE CONSTRAINT " + tokenLabel + "_hash IF NOT EXISTS FOR (t:" + tokenLabel + ") REQUIRE t.hash IS UNIQUE"})
	// The audit log (audit.go) is outside the entity graph too. Admins ask
	// for it newest first, by actor, action or node, within a time range.
	items = append(items,
		schemaItem{auditLabel + "_at", "CREATE INDEX " + auditLabel + "_at IF NOT EXISTS FOR (a:" + auditLabel + ") ON (a.at)"},
		schemaItem{auditLabel + "_actor", "CREATE INDEX " + auditLabel + "_actor IF NOT EXISTS FOR (a:" + auditLabel + ") ON (a.actor, a.at)"},
		schemaItem{auditLabel + "_action", "CREATE INDEX " + auditLabel + "_action IF NOT EXISTS FOR (a:" + auditLabel + ") ON (a.action, a.at)"},
		schemaItem{auditRefLabel + "_node", "CREATE INDEX " + auditRefLabel + "_node IF NOT EXISTS FOR (r:" + auditRefLabel + ") ON (r.node)"})
	return items
}

// snake turns a property name into the snake case of index names: creditCode → credit_code.
func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// LatestVersion is the schema version this build expects.
func LatestVersion() int { return schemaVersion }

// Migrate brings the database's schema in sync with schema(): it creates
// every constraint and index that is missing (whatever version the database
// records, so a kind added since, or an index dropped by hand, is made
// again), waits for new indexes to come online, and records schemaVersion.
// With everything in place it costs two reads.
func (s *Store) Migrate(ctx context.Context) error {
	existing, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]bool, error) {
		names := map[string]bool{}
		for _, show := range []string{"SHOW CONSTRAINTS YIELD name", "SHOW INDEXES YIELD name"} {
			recs, err := collect(ctx, tx, show, nil)
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				n, _ := r.Get("name")
				name, _ := n.(string)
				names[name] = true
			}
		}
		return names, nil
	})
	if err != nil {
		return err
	}
	created := 0
	for _, item := range schema() {
		if existing[item.name] {
			continue
		}
		s.log.Info("creating", "schema", item.name)
		// Schema statements cannot share a transaction with data writes.
		if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
			_, err := tx.Run(ctx, item.create, nil)
			return 0, err
		}); err != nil {
			return fmt.Errorf("schema %s: %w", item.name, err)
		}
		created++
	}
	if created > 0 {
		if err := s.awaitIndexes(ctx); err != nil {
			return err
		}
	}
	version, err := s.SchemaVersion(ctx)
	if err != nil || version == schemaVersion {
		return err
	}
	for _, m := range dataMigrations {
		if m.version <= version {
			continue
		}
		s.log.Info("migrating data", "version", m.version, "migration", m.name)
		if err := s.autoCommit(ctx, m.cypher); err != nil {
			return fmt.Errorf("data migration %d (%s): %w", m.version, m.name, err)
		}
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		_, err := tx.Run(ctx, "MERGE (m:"+metaLabel+" {name: 'castgraph'}) SET m.version = $v, m.appliedAt = datetime()",
			map[string]any{"v": schemaVersion})
		return 0, err
	})
	return err
}

// autoCommit runs one statement in an auto-commit transaction of its own.
func (s *Store) autoCommit(ctx context.Context, cypher string) error {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	res, err := session.Run(ctx, cypher, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return s.mapError(err)
	}
	return nil
}

func (s *Store) awaitIndexes(ctx context.Context) error {
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: s.database})
	defer session.Close(ctx)
	// CALL db.awaitIndexes cannot run inside an explicit transaction with other work; an auto-commit run is fine.
	res, err := session.Run(ctx, "CALL db.awaitIndexes(300)", nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	if err != nil {
		return s.mapError(err)
	}
	return nil
}

// SchemaVersion returns the applied schema version, 0 on an empty database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		recs, err := collect(ctx, tx, "MATCH (m:"+metaLabel+" {name: 'castgraph'}) RETURN m.version AS v", nil)
		if err != nil || len(recs) == 0 {
			return 0, err
		}
		v, _ := recs[0].Get("v")
		n, _ := v.(int64)
		return int(n), nil
	})
}
