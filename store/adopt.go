package store

import (
	"context"
	"fmt"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// AdoptKeys prepares a graph for a dataset whose natural keys have changed
// since the graph was loaded: a node of the dataset that the graph holds
// under the same id and kind but another key takes the dataset's key, so
// that Load, which merges on keys, finds it instead of trying to create a
// second node with its id. (Regions became keyed by their GB/T 2260 code:
// a graph loaded before holds 南京市 under the key 南京市, the seed now under
// 320100.) A node whose new key another node of the kind already holds keeps
// its own, and Load reports the conflict. It returns how many nodes took a
// new key.
func (s *Store) AdoptKeys(ctx context.Context, d *castgraph.Dataset) (int, error) {
	byKind := map[castgraph.Kind][]map[string]any{}
	for i := range d.Nodes {
		n := &d.Nodes[i]
		ks, ok := castgraph.SpecOf(n.Kind)
		if !ok || len(ks.KeyProps) == 0 {
			// A key made of the name alone has not changed its recipe.
			continue
		}
		byKind[n.Kind] = append(byKind[n.Kind], map[string]any{"id": n.ID, "key": ks.NaturalKey(n.Name, n.Props)})
	}
	total := 0
	for _, ks := range castgraph.Kinds {
		rows := byKind[ks.Kind]
		if len(rows) == 0 {
			continue
		}
		n, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
			recs, err := collect(ctx, tx, adoptKeysCypher(ks.Kind), map[string]any{"rows": rows})
			if err != nil || len(recs) == 0 {
				return 0, err
			}
			v, _ := recs[0].Get("n")
			c, _ := v.(int64)
			return int(c), nil
		})
		if err != nil {
			return total, fmt.Errorf("adopting the keys of %s nodes: %w", ks.Kind, err)
		}
		total += n
	}
	return total, nil
}

// adoptKeysCypher re-keys the rows' nodes of one kind, each row one seek of
// the id index. The hint is needed: planned on the statistics of an empty
// database (a restore's first part), Neo4j chose to scan the kind's key
// index once a row instead, and a 5 000-node part of a dump then took over
// two minutes against 25 000 enterprises. The kind's label is spliced from
// the registry, never from input.
func adoptKeysCypher(kind castgraph.Kind) string {
	return `UNWIND $rows AS row
		MATCH (n:Entity {id: row.id}) USING INDEX n:Entity(id)
		WHERE n:` + string(kind) + ` AND n.key <> row.key
		  AND NOT EXISTS { MATCH (:` + string(kind) + ` {key: row.key}) }
		SET n.key = row.key
		RETURN count(n) AS n`
}
