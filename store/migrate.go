package store

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// migration is one versioned step of the database schema. Its statements
// must be idempotent (IF NOT EXISTS), so that servers starting together may
// both apply it.
type migration struct {
	version     int
	description string
	statements  []string
}

// metaLabel marks the single node that records the applied schema version.
const metaLabel = "CastgraphSchema"

// FullTextIndex is the name of the full-text index over names and aliases.
const FullTextIndex = "entity_names"

func migrations() []migration {
	v1 := migration{version: 1, description: "ids, natural keys, name indexes, cjk full-text index"}
	v1.statements = append(v1.statements,
		"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE")
	for _, ks := range castgraph.Kinds {
		slug := strings.ReplaceAll(KindSlug(ks.Kind), "-", "_")
		v1.statements = append(v1.statements,
			fmt.Sprintf("CREATE CONSTRAINT %s_key IF NOT EXISTS FOR (n:%s) REQUIRE n.key IS UNIQUE", slug, ks.Kind),
			fmt.Sprintf("CREATE INDEX %s_name IF NOT EXISTS FOR (n:%s) ON (n.name, n.id)", slug, ks.Kind))
	}
	v1.statements = append(v1.statements,
		"CREATE FULLTEXT INDEX "+FullTextIndex+" IF NOT EXISTS FOR (n:Entity) ON EACH [n.name, n.aliasText] "+
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}")
	// Filters on the properties of the two big kinds (100 000 experts and
	// 30 000 enterprises on the benchmark graph) scanned every node of the
	// kind: experts(where: {field: {in: …}, title: {eq: …}}) cost 214 000 db
	// hits, 44 ms per statement; with an index, 27 000 and 5 ms. The
	// smaller kinds (a thousand nodes at most) scan in well under a
	// millisecond. Range indexes serve eq, in, gt/gte/lt/lte and sorting
	// after them; the filters' contains and startsWith compare lower-cased
	// text, which no index holds.
	v2 := migration{version: 2, description: "indexes on the filterable properties of experts and enterprises"}
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
			panic(fmt.Sprintf("store: migration 2 indexes %s.%s, which the registry does not have", ip.kind, ip.prop))
		}
		slug := strings.ReplaceAll(KindSlug(ip.kind), "-", "_")
		v2.statements = append(v2.statements, fmt.Sprintf("CREATE INDEX %s_%s IF NOT EXISTS FOR (n:%s) ON (n.%s)",
			slug, snake(ip.prop), ip.kind, ip.prop))
	}
	// API tokens live outside the entity graph (no Entity label), so no
	// list, search, node(id), neighbourhood or path can reach them.
	v3 := migration{version: 3, description: "API tokens: unique names and hashes"}
	v3.statements = append(v3.statements,
		"CREATE CONSTRAINT "+tokenLabel+"_name IF NOT EXISTS FOR (t:"+tokenLabel+") REQUIRE t.name IS UNIQUE",
		"CREATE CONSTRAINT "+tokenLabel+"_hash IF NOT EXISTS FOR (t:"+tokenLabel+") REQUIRE t.hash IS UNIQUE")
	// The audit log (audit.go) is outside the entity graph too. Admins ask
	// for it newest first, by actor, action or node, within a time range.
	v4 := migration{version: 4, description: "audit log: entries by time, actor and action; node references"}
	v4.statements = append(v4.statements,
		"CREATE INDEX "+auditLabel+"_at IF NOT EXISTS FOR (a:"+auditLabel+") ON (a.at)",
		"CREATE INDEX "+auditLabel+"_actor IF NOT EXISTS FOR (a:"+auditLabel+") ON (a.actor, a.at)",
		"CREATE INDEX "+auditLabel+"_action IF NOT EXISTS FOR (a:"+auditLabel+") ON (a.action, a.at)",
		"CREATE INDEX "+auditRefLabel+"_node IF NOT EXISTS FOR (r:"+auditRefLabel+") ON (r.node)")
	return []migration{v1, v2, v3, v4}
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
func LatestVersion() int {
	all := migrations()
	return all[len(all)-1].version
}

// Migrate applies the migrations newer than the recorded version, records
// each one, and waits for the indexes to come online.
func (s *Store) Migrate(ctx context.Context) error {
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	for _, m := range migrations() {
		if m.version <= current {
			continue
		}
		s.log.Info("applying migration", "version", m.version, "description", m.description)
		for _, stmt := range m.statements {
			// Schema statements cannot share a transaction with data writes.
			if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
				_, err := tx.Run(ctx, stmt, nil)
				return 0, err
			}); err != nil {
				return fmt.Errorf("migration %d: %w", m.version, err)
			}
		}
		if _, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
			_, err := tx.Run(ctx, "MERGE (m:"+metaLabel+" {name: 'castgraph'}) SET m.version = $v, m.appliedAt = datetime()",
				map[string]any{"v": m.version})
			return 0, err
		}); err != nil {
			return err
		}
	}
	return s.awaitIndexes(ctx)
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
