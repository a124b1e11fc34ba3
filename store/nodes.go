package store

import (
	"context"
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
	key := spec.NaturalKey(*in.Name, in.Props)
	if err := checkKeySize(spec, key); err != nil {
		return nil, err
	}
	props := paramsOf(in.Props)
	for k, v := range props {
		if v == nil {
			delete(props, k)
		}
	}
	props[propID] = newID(kind)
	props[propName] = *in.Name
	props[propKey] = key
	props[propAliases] = nonNil(in.Aliases)
	props[propAliasText] = aliasText(in.Aliases)
	props[propSources] = []string{sourceOr(in.Source)}
	props[propAssertions] = []string{sourceOr(in.Source) + assertedBy(ctx)}
	if in.Description != nil {
		props[propDescription] = *in.Description
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*castgraph.Node, error) {
		if err := checkKeyFree(ctx, tx, spec, key, "", *in.Name); err != nil {
			return nil, err
		}
		recs, err := collect(ctx, tx, "CREATE (n:Entity:"+string(kind)+") SET n = $props, n.createdAt = datetime(), n.updatedAt = datetime() RETURN n",
			map[string]any{"props": props})
		if err != nil {
			return nil, err
		}
		v, _ := recs[0].Get("n")
		n := toNode(v.(dbtype.Node))
		return n, audit(ctx, tx, castgraph.AuditCreate, []string{n.ID}, string(kind))
	})
}

// checkKeySize refuses a natural key too large for the uniqueness
// constraint's index before the write: Neo4j would fail the transaction with
// "Property value is too large to index", which is no client's error code.
// Names are bounded already (castgraph.CheckText); this holds the sum of a
// name and the key properties beside it.
func checkKeySize(spec *castgraph.KindSpec, key string) error {
	if len(key) <= castgraph.MaxKeyBytes {
		return nil
	}
	field := "input.name"
	if len(spec.KeyProps) > 0 {
		field = "input." + spec.KeyProps[len(spec.KeyProps)-1]
	}
	return castgraph.Errorf(castgraph.EINVALID, field, "the natural key of this %s would be %d bytes; at most %d fit in its index", spec.Kind, len(key), castgraph.MaxKeyBytes)
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
		field := "input.name"
		if len(spec.KeyProps) > 0 && spec.KeyWithoutName {
			field = "input." + spec.KeyProps[len(spec.KeyProps)-1]
		}
		return castgraph.Errorf(castgraph.ECONFLICT, field, "%s %q has the same natural key (%s) as %s", spec.Kind, name, key, id)
	}
	return nil
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
		set := paramsOf(in.Props)
		name := old.Name
		if in.Name != nil {
			name = *in.Name
			set[propName] = name
		}
		if in.Aliases != nil {
			set[propAliases] = in.Aliases
			set[propAliasText] = aliasText(in.Aliases)
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
		key := spec.NaturalKey(name, merged)
		if err := checkKeySize(spec, key); err != nil {
			return nil, err
		}
		if err := checkKeyFree(ctx, tx, spec, key, id, name); err != nil {
			return nil, err
		}
		set[propKey] = key
		recs, err := collect(ctx, tx, `MATCH (n:Entity {id: $id})
			SET n += $set, n.updatedAt = datetime(),
			    n.sources = CASE WHEN $source IN n.sources THEN n.sources ELSE n.sources + $source END,
			    n.assertions = `+addAssertion("n", "$assertion")+`
			RETURN n`, map[string]any{"id": id, "set": set, "source": sourceOr(in.Source), "assertion": sourceOr(in.Source) + assertedBy(ctx)})
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
