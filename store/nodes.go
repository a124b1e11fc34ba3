package store

import (
	"context"
	"maps"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Node returns the node with the id, or nil when there is none.
func (s *Store) Node(ctx context.Context, id string, f Fields) (*castgraph.Node, error) {
	proj, partial := f.anyKind("n")
	if !partial {
		return read(ctx, s, func(tx neo4j.ManagedTransaction) (*castgraph.Node, error) {
			return nodeByID(ctx, tx, id)
		})
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*castgraph.Node, error) {
		recs, err := collect(ctx, tx, "MATCH (n:Entity {id: $id}) RETURN "+proj+" AS n", map[string]any{"id": id})
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		n, _ := recs[0].Get("n")
		return nodeFromMap(n.(map[string]any)), nil
	})
}

func nodeByID(ctx context.Context, tx neo4j.ManagedTransaction, id string) (*castgraph.Node, error) {
	recs, err := collect(ctx, tx, "MATCH (n:Entity {id: $id}) RETURN n", map[string]any{"id": id})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	n, _ := recs[0].Get("n")
	return toNode(n.(dbtype.Node)), nil
}

// mustNodeOfKind loads a node for a write, write-locked until the
// transaction ends, and checks its kind; field names the argument that gave
// the id.
//
// The lock is what keeps a write racing a delete from failing as INTERNAL: a
// plain read lets the other transaction delete the node between this read
// and the write, which then matches nothing or touches a deleted node. With
// the lock taken first, a delete that committed before is seen here (no node:
// NOT_FOUND), and one that comes after waits for this transaction.
func mustNodeOfKind(ctx context.Context, tx neo4j.ManagedTransaction, kind castgraph.Kind, id, field string) (*castgraph.Node, error) {
	// Setting a property, even to its own value, takes the node's write
	// lock. The node is read again after: the statement that waited for the
	// lock may hold a node deleted meanwhile, which has no labels left.
	if _, err := collect(ctx, tx, "MATCH (n:Entity {id: $id}) SET n.id = n.id", map[string]any{"id": id}); err != nil {
		return nil, err
	}
	n, err := nodeByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if n == nil {
		return nil, castgraph.Errorf(castgraph.ENOTFOUND, field, "no node has id %q", id)
	}
	if kind != "" && n.Kind != kind {
		return nil, castgraph.Errorf(castgraph.EINVALID, field, "%q is a %s, not a %s", id, n.Kind, kind)
	}
	return n, nil
}

// Create writes a new node of the kind. It fails with CONFLICT when another
// node of the kind has the same natural key.
func (s *Store) Create(ctx context.Context, kind castgraph.Kind, in castgraph.NodeInput) (*castgraph.Node, error) {
	spec, ok := castgraph.SpecOf(kind)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	if err := spec.CheckNode(&in, true, "input"); err != nil {
		return nil, err
	}
	key, err := naturalKey(spec, *in.Name, in.Props, "input")
	if err != nil {
		return nil, err
	}
	var shape nodeShape
	row := nodeRow{ID: newID(kind), Key: key, Name: *in.Name, Aliases: in.Aliases, Description: in.Description,
		Props: in.Props, Sources: []string{sourceOr(in.Source)}}.param(&shape)
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*castgraph.Node, error) {
		if err := checkKeyFree(ctx, tx, spec, key, "", *in.Name); err != nil {
			return nil, err
		}
		// The same merge as every other write: the key is free, so it
		// creates. A create that raced this one and took the key meanwhile
		// is merged onto instead; the ids tell, and the error rolls back.
		recs, err := collect(ctx, tx, mergeNodes(kind, shape)+"\n\t\tRETURN n",
			map[string]any{"rows": []map[string]any{row}, "by": assertedBy(ctx)})
		if err != nil {
			return nil, err
		}
		v, _ := recs[0].Get("n")
		n := toNode(v.(dbtype.Node))
		if n.ID != row["id"] {
			return nil, castgraph.Errorf(castgraph.ECONFLICT, keyField(spec), "%s %q has the same natural key (%s) as %s", kind, *in.Name, key, n.ID)
		}
		return n, audit(ctx, tx, castgraph.AuditCreate, []string{n.ID}, string(kind))
	})
}

// checkKeyFree fails with CONFLICT when a node other than exceptID holds the key.
func checkKeyFree(ctx context.Context, tx neo4j.ManagedTransaction, spec *castgraph.KindSpec, key, exceptID, name string) error {
	recs, err := collect(ctx, tx, "MATCH (n:"+string(spec.Kind)+" {key: $key}) WHERE n.id <> $except RETURN n.id AS id",
		map[string]any{"key": key, "except": exceptID})
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		id, _ := recs[0].Get("id")
		return castgraph.Errorf(castgraph.ECONFLICT, keyField(spec), "%s %q has the same natural key (%s) as %s", spec.Kind, name, key, id)
	}
	return nil
}

// keyField is the input field a key conflict names: the name, or the key
// property of a kind whose key leaves the name out.
func keyField(spec *castgraph.KindSpec) string {
	if len(spec.KeyProps) > 0 && spec.KeyWithoutName {
		return "input." + spec.KeyProps[len(spec.KeyProps)-1]
	}
	return "input.name"
}

// Update sets the given fields of a node of the kind; a property given as nil
// is removed. The natural key is recomputed and must stay unique.
func (s *Store) Update(ctx context.Context, kind castgraph.Kind, id string, in castgraph.NodeInput) (*castgraph.Node, error) {
	spec, ok := castgraph.SpecOf(kind)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	if err := spec.CheckNode(&in, false, "input"); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*castgraph.Node, error) {
		old, err := mustNodeOfKind(ctx, tx, kind, id, "id")
		if err != nil {
			return nil, err
		}
		set := maps.Clone(in.Props)
		if set == nil {
			set = map[string]any{}
		}
		name := old.Name
		if in.Name != nil {
			name = *in.Name
			set[propName] = name
		}
		if in.Aliases != nil {
			aliases := editAliases(name, in.Aliases)
			set[propAliases] = aliases
			set[propAliasText] = aliasText(aliases)
		}
		if in.Description != nil {
			set[propDescription] = *in.Description
			if *in.Description == "" {
				set[propDescription] = nil // removes it
			}
		}
		merged := map[string]any{}
		for k, v := range old.Props {
			merged[k] = v
		}
		for k, v := range in.Props {
			merged[k] = v
		}
		// The order of start and end dates holds for the node as it will be,
		// not only for the fields given: an update may set one end only.
		if err := castgraph.CheckDateOrder(merged, "input"); err != nil {
			return nil, err
		}
		key, err := naturalKey(spec, name, merged, "input")
		if err != nil {
			return nil, err
		}
		if err := checkKeyFree(ctx, tx, spec, key, id, name); err != nil {
			return nil, err
		}
		set[propKey] = key
		recs, err := collect(ctx, tx, editNodes(kind)+"\n\t\tRETURN n",
			map[string]any{"rows": []map[string]any{editRow(id, set, []string{sourceOr(in.Source)})}, "by": assertedBy(ctx)})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 { // cannot happen while mustNodeOfKind locks; never index past the end
			return nil, castgraph.Errorf(castgraph.ENOTFOUND, "id", "no node has id %q", id)
		}
		v, _ := recs[0].Get("n")
		return toNode(v.(dbtype.Node)), audit(ctx, tx, castgraph.AuditUpdate, []string{id}, string(kind))
	})
}

// Delete removes a node of the kind and all its relationships.
func (s *Store) Delete(ctx context.Context, kind castgraph.Kind, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		if _, err := mustNodeOfKind(ctx, tx, kind, id, "id"); err != nil {
			return 0, err
		}
		if _, err := collect(ctx, tx, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": id}); err != nil {
			return 0, err
		}
		return 0, audit(ctx, tx, castgraph.AuditDelete, []string{id}, string(kind))
	})
	return err
}

func sourceOr(s string) string {
	if strings.TrimSpace(s) == "" {
		return "api"
	}
	return strings.TrimSpace(s)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
