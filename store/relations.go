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
	w, err := b.compileWindow(t, "b", "rel:"+string(near)+"."+field, p, castgraph.DefaultRelatedPage, castgraph.MaxRelatedPage)
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
	if err := castgraph.CheckSource(l.Source, "input.source"); err != nil {
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
			    r.sources = CASE WHEN $source IN r.sources THEN r.sources ELSE r.sources + $source END,
			    r.assertions = `+addAssertion("r", "$assertion")+`
			RETURN r`, map[string]any{"from": l.From, "to": l.To, "props": paramsOf(l.Props), "source": sourceOr(l.Source),
			"assertion": sourceOr(l.Source) + assertedBy(ctx)})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 { // cannot happen while linkEnds locks both ends; never index past the end
			return nil, castgraph.Errorf(castgraph.ENOTFOUND, "input.from", "%q or %q is gone", l.From, l.To)
		}
		v, _ := recs[0].Get("r")
		r := v.(dbtype.Relationship)
		props := relProps(r.Props)
		// Linking again updates the properties given and keeps the others,
		// so the order of since and until is checked on the result; the
		// error rolls the transaction back.
		if err := castgraph.CheckDateOrder(props, "input.props"); err != nil {
			return nil, err
		}
		if err := audit(ctx, tx, castgraph.AuditLink, []string{l.From, l.To}, string(l.Type)); err != nil {
			return nil, err
		}
		return &LinkResult{From: from, To: to, Props: props, Provenance: toProvenance(r.Props)}, nil
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
		if n.(int64) == 0 {
			return false, nil // nothing changed, nothing to record
		}
		return true, audit(ctx, tx, castgraph.AuditUnlink, []string{fromID, toID}, string(rel))
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

// linkEnds loads and write-locks both ends (see mustNodeOfKind) and checks that the relationship may join their kinds.
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
