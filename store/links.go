package store

import (
	"context"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

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
		row := relRow(l.From, l.To, l.Props, []string{sourceOr(l.Source)})
		recs, err := collect(ctx, tx, mergeRelsByID(l.Type)+"\n\t\tRETURN r",
			map[string]any{"rows": []map[string]any{row}, "by": assertedBy(ctx)})
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
