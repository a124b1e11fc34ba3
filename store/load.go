package store

import (
	"context"
	"fmt"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// LoadStats counts what a dataset load wrote.
type LoadStats struct {
	Nodes, Relationships int
}

// Load upserts a dataset in one write transaction: all of it or nothing.
// Nodes are merged on their kind's natural key (a node that exists keeps its
// id), relationships on (type, from, to); the dataset's sources are added to
// the provenance. Loading the same dataset twice leaves the graph as it was.
func (s *Store) Load(ctx context.Context, d *castgraph.Dataset) (LoadStats, error) {
	if err := d.Check(); err != nil {
		return LoadStats{}, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (LoadStats, error) {
		var stats LoadStats
		ids := map[string]string{} // dataset id → id in the graph
		for _, ks := range castgraph.Kinds {
			rows := nodeRows(d, &ks)
			if len(rows) == 0 {
				continue
			}
			recs, err := collect(ctx, tx, `UNWIND $rows AS row
				MERGE (n:`+string(ks.Kind)+` {key: row.key})
				ON CREATE SET n:Entity, n.id = row.id, n.createdAt = datetime(), n.updatedAt = n.createdAt, n.sources = []
				WITH n, row, (n.name <> row.name OR n.aliases <> row.aliases
				              OR coalesce(n.description, '') <> coalesce(row.description, '')
				              OR any(k IN keys(row.props) WHERE n[k] IS NULL OR n[k] <> row.props[k])) AS changed
				SET n += row.props, n.name = row.name, n.aliases = row.aliases, n.aliasText = row.aliasText,
				    n.description = row.description,
				    n.sources = CASE WHEN row.source IN n.sources THEN n.sources ELSE n.sources + row.source END,
				    n.updatedAt = CASE WHEN changed THEN datetime() ELSE n.updatedAt END
				RETURN row.id AS given, n.id AS id`, map[string]any{"rows": rows})
			if err != nil {
				return stats, fmt.Errorf("loading %s nodes: %w", ks.Kind, err)
			}
			for _, r := range recs {
				given, _ := r.Get("given")
				id, _ := r.Get("id")
				ids[given.(string)] = id.(string)
			}
			stats.Nodes += len(rows)
		}
		byType := map[castgraph.RelType][]map[string]any{}
		for _, r := range d.Relationships {
			byType[r.Type] = append(byType[r.Type], map[string]any{
				"from": ids[r.From], "to": ids[r.To], "props": paramsOf(r.Props), "source": r.Source,
			})
		}
		for _, rs := range castgraph.Relations {
			rows := byType[rs.Type]
			if len(rows) == 0 {
				continue
			}
			if _, err := collect(ctx, tx, `UNWIND $rows AS row
				MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
				MERGE (a)-[r:`+string(rs.Type)+`]->(b)
				ON CREATE SET r.createdAt = datetime(), r.updatedAt = r.createdAt, r.sources = []
				WITH r, row, any(k IN keys(row.props) WHERE r[k] IS NULL OR r[k] <> row.props[k]) AS changed
				SET r += row.props,
				    r.sources = CASE WHEN row.source IN r.sources THEN r.sources ELSE r.sources + row.source END,
				    r.updatedAt = CASE WHEN changed THEN datetime() ELSE r.updatedAt END`, map[string]any{"rows": rows}); err != nil {
				return stats, fmt.Errorf("loading %s relationships: %w", rs.Type, err)
			}
			stats.Relationships += len(rows)
		}
		return stats, nil
	})
}

func nodeRows(d *castgraph.Dataset, ks *castgraph.KindSpec) []map[string]any {
	var rows []map[string]any
	for _, n := range d.Nodes {
		if n.Kind != ks.Kind {
			continue
		}
		var desc any
		if n.Description != nil {
			desc = *n.Description
		}
		props := paramsOf(n.Props)
		for k, v := range props {
			if v == nil {
				delete(props, k)
			}
		}
		rows = append(rows, map[string]any{
			"id": n.ID, "key": ks.NaturalKey(n.Name, n.Props), "name": n.Name,
			"aliases": nonNil(n.Aliases), "aliasText": aliasText(n.Aliases), "description": desc,
			"props": props, "source": n.Source,
		})
	}
	return rows
}
