package store

import (
	"context"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// RelatedPages returns, for each id, one page of its relationships of the
// type in the direction, with the node at the far end; the query's filter,
// order and window apply to the far nodes (its Count and Branches do not:
// see RelatedCounts and RelatedTree). One statement answers all ids, so
// that callers can batch sibling fields.
func (s *Store) RelatedPages(ctx context.Context, near castgraph.Kind, field string, ids []string, p *Plan) (map[string]*Page, error) {
	b := newBuilder()
	end, t, w, err := b.compileRelated(near, field, p)
	if err != nil {
		return nil, err
	}
	b.params["ids"], b.params["limit"] = ids, w.limit
	nodeExpr, relExpr, partial := p.Fields.projection(t, "b", "r")
	if !partial {
		nodeExpr, relExpr = "b", "r"
	}
	cypher := `UNWIND $ids AS id
		MATCH (a:Entity {id: id})
		CALL {
			WITH a
			MATCH ` + pattern(end, "a", "r", "b", t.label()) + `
			WHERE ` + w.where + `
			WITH r, b ORDER BY ` + w.order + ` LIMIT $limit
			RETURN ` + relExpr + ` AS r, ` + nodeExpr + ` AS b, ` + w.sortKey + ` AS k
		}
		RETURN id, collect([r, b, k]) AS rows`
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]*Page, error) {
		recs, err := collect(ctx, tx, cypher, b.params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*Page, len(ids))
		for _, rec := range recs {
			idv, _ := rec.Get("id")
			id := idv.(string)
			rows, _ := rec.Get("rows")
			var nodes []*castgraph.Node
			var edges []castgraph.Edge
			var keys [][]any
			for _, row := range rows.([]any) {
				cols := row.([]any)
				edge := edgeOf(end, id, cols, t.kind, partial)
				nodes, edges, keys = append(nodes, edge.Other), append(edges, edge), append(keys, cols[2].([]any))
			}
			out[id] = w.finish(nodes, edges, keys)
		}
		for _, id := range ids {
			if out[id] == nil {
				out[id] = w.finish(nil, []castgraph.Edge{}, nil)
			}
		}
		return out, nil
	})
}

// edgeOf reads a row's relationship (cols[0]) and far node (cols[1]) as
// the edge from nearID: whole entities, or, when partial, the projections
// Fields made of them (the far node then of kind far).
func edgeOf(e castgraph.RelEnd, nearID string, cols []any, far castgraph.Kind, partial bool) castgraph.Edge {
	var other *castgraph.Node
	var rel map[string]any
	if partial {
		other = nodeFromProps(far, cols[1].(map[string]any))
		rel, _ = cols[0].(map[string]any)
	} else {
		other = toNode(cols[1].(dbtype.Node))
		rel = cols[0].(dbtype.Relationship).Props
	}
	return castgraph.Edge{Type: e.Spec.Type, NearID: nearID, Other: other, Outgoing: e.Outgoing,
		Props: relProps(rel), Provenance: toProvenance(rel)}
}

// compileRelated compiles the window of a relationship field's pages.
func (b *cypherBuilder) compileRelated(near castgraph.Kind, field string, p *Plan) (castgraph.RelEnd, target, *window, error) {
	end, err := relationField(near, field, "field")
	if err != nil {
		return end, target{}, nil, err
	}
	t := farTarget(end)
	w, err := b.compileWindow(t, "b", relVar{"r", end.Spec}, "rel:"+string(near)+"."+field, p, castgraph.DefaultRelatedPage, castgraph.MaxRelatedPage)
	return end, t, w, err
}

// CheckRelated reports what RelatedPages would reject in the plan, without
// reading anything (see CheckList).
func CheckRelated(near castgraph.Kind, field string, p *Plan) error {
	_, _, _, err := newBuilder().compileRelated(near, field, p)
	return err
}

// RelatedCounts counts, for each id, its relationships of the field's type
// whose far node matches the filter.
func (s *Store) RelatedCounts(ctx context.Context, near castgraph.Kind, field string, ids []string, where Cond) (map[string]int, error) {
	end, err := relationField(near, field, "field")
	if err != nil {
		return nil, err
	}
	b := newBuilder()
	t := farTarget(end)
	cond, err := b.filter(t, "b", where, 0, "where")
	if err != nil {
		return nil, err
	}
	b.params["ids"] = ids
	cypher := `UNWIND $ids AS id
		MATCH (a:Entity {id: id})
		RETURN id, COUNT { MATCH ` + pattern(end, "a", "r", "b", t.label()) + ` WHERE ` + cond + ` } AS c`
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]int, error) {
		recs, err := collect(ctx, tx, cypher, b.params)
		if err != nil {
			return nil, err
		}
		out := make(map[string]int, len(ids))
		for _, rec := range recs {
			id, _ := rec.Get("id")
			c, _ := rec.Get("c")
			out[id.(string)] = int(c.(int64))
		}
		return out, nil
	})
}
