package store

import (
	"context"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// MaxRelated caps how many relationships of one type one node returns.
const MaxRelated = 1000

// Related returns, for each id, up to limit relationships of the type in the
// direction, with the node at the far end, ordered by that node's name. It
// answers many ids in one statement so that callers can batch.
func (s *Store) Related(ctx context.Context, ids []string, rel castgraph.RelType, outgoing bool, limit int) (map[string][]castgraph.Edge, error) {
	if _, ok := castgraph.RelSpecOf(rel); !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "type", "unknown relationship type %q", rel)
	}
	if limit < 0 || limit > MaxRelated {
		return nil, castgraph.Errorf(castgraph.EINVALID, "first", "first must be between 0 and %d", MaxRelated)
	}
	pattern := "(a)-[r:" + string(rel) + "]->(b)"
	if !outgoing {
		pattern = "(a)<-[r:" + string(rel) + "]-(b)"
	}
	cypher := `UNWIND $ids AS id
		MATCH (a:Entity {id: id})
		MATCH ` + pattern + `
		WITH id, r, b ORDER BY b.name, b.id
		WITH id, collect({r: r, b: b})[..$limit] AS rows
		RETURN id, rows`
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string][]castgraph.Edge, error) {
		recs, err := collect(ctx, tx, cypher, map[string]any{"ids": ids, "limit": limit})
		if err != nil {
			return nil, err
		}
		out := make(map[string][]castgraph.Edge, len(ids))
		for _, rec := range recs {
			idv, _ := rec.Get("id")
			id := idv.(string)
			rows, _ := rec.Get("rows")
			for _, row := range rows.([]any) {
				m := row.(map[string]any)
				r := m["r"].(dbtype.Relationship)
				out[id] = append(out[id], castgraph.Edge{
					Type: rel, NearID: id, Other: toNode(m["b"].(dbtype.Node)), Outgoing: outgoing,
					Props: relProps(r), Provenance: toProvenance(r.Props),
				})
			}
		}
		return out, nil
	})
}

// Link is what a caller asks to relate: a type, two ids, properties and the source.
type Link struct {
	Type     castgraph.RelType
	From, To string
	Props    map[string]any
	Source   string
}

// LinkResult is a written relationship with both ends.
type LinkResult struct {
	From, To   *castgraph.Node
	Props      map[string]any
	Provenance castgraph.Provenance
}

// Link creates the relationship, or updates its properties when the two
// nodes are already related by that type.
func (s *Store) Link(ctx context.Context, l Link) (*LinkResult, error) {
	spec, err := checkLink(l.Type, l.Props)
	if err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*LinkResult, error) {
		from, to, err := linkEnds(ctx, tx, spec, l.From, l.To)
		if err != nil {
			return nil, err
		}
		recs, err := collect(ctx, tx, `MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
			MERGE (a)-[r:`+string(l.Type)+`]->(b)
			ON CREATE SET r.createdAt = datetime(), r.sources = []
			SET r += $props, r.updatedAt = datetime(),
			    r.sources = CASE WHEN $source IN r.sources THEN r.sources ELSE r.sources + $source END
			RETURN r`, map[string]any{"from": l.From, "to": l.To, "props": paramsOf(l.Props), "source": sourceOr(l.Source)})
		if err != nil {
			return nil, err
		}
		v, _ := recs[0].Get("r")
		r := v.(dbtype.Relationship)
		return &LinkResult{From: from, To: to, Props: relProps(r), Provenance: toProvenance(r.Props)}, nil
	})
}

// Unlink removes the relationship of the type between the two nodes and
// reports whether there was one.
func (s *Store) Unlink(ctx context.Context, rel castgraph.RelType, fromID, toID string) (bool, error) {
	spec, err := checkLink(rel, nil)
	if err != nil {
		return false, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		if _, _, err := linkEnds(ctx, tx, spec, fromID, toID); err != nil {
			return false, err
		}
		recs, err := collect(ctx, tx, `MATCH (:Entity {id: $from})-[r:`+string(rel)+`]->(:Entity {id: $to})
			DELETE r RETURN count(*) AS n`, map[string]any{"from": fromID, "to": toID})
		if err != nil {
			return false, err
		}
		n, _ := recs[0].Get("n")
		return n.(int64) > 0, nil
	})
}

func checkLink(rel castgraph.RelType, props map[string]any) (*castgraph.RelSpec, error) {
	spec, ok := castgraph.RelSpecOf(rel)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "input.type", "unknown relationship type %q", rel)
	}
	if err := spec.CheckProps(props, "input.props"); err != nil {
		return nil, err
	}
	return spec, nil
}

// linkEnds loads both ends and checks that the relationship may join their kinds.
func linkEnds(ctx context.Context, tx neo4j.ManagedTransaction, spec *castgraph.RelSpec, fromID, toID string) (*castgraph.Node, *castgraph.Node, error) {
	from, err := mustNodeOfKind(ctx, tx, "", fromID, "input.from")
	if err != nil {
		return nil, nil, err
	}
	to, err := mustNodeOfKind(ctx, tx, "", toID, "input.to")
	if err != nil {
		return nil, nil, err
	}
	if len(spec.Ends(from.Kind, true)) == 0 {
		return nil, nil, castgraph.Errorf(castgraph.EINVALID, "input.from", "%s cannot start from a %s", spec.Type, from.Kind)
	}
	if !spec.Allows(from.Kind, to.Kind) {
		return nil, nil, castgraph.Errorf(castgraph.EINVALID, "input.to", "%s cannot run from a %s to a %s", spec.Type, from.Kind, to.Kind)
	}
	return from, to, nil
}
