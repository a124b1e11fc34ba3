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

// mustNodeOfKind loads a node for a write and checks its kind; field names the
// argument that gave the id.
func mustNodeOfKind(ctx context.Context, tx neo4j.ManagedTransaction, kind castgraph.Kind, id, field string) (*castgraph.Node, error) {
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
		return toNode(v.(dbtype.Node)), nil
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
		key := spec.NaturalKey(name, merged)
		if err := checkKeyFree(ctx, tx, spec, key, id, name); err != nil {
			return nil, err
		}
		set[propKey] = key
		recs, err := collect(ctx, tx, `MATCH (n:Entity {id: $id})
			SET n += $set, n.updatedAt = datetime(),
			    n.sources = CASE WHEN $source IN n.sources THEN n.sources ELSE n.sources + $source END
			RETURN n`, map[string]any{"id": id, "set": set, "source": sourceOr(in.Source)})
		if err != nil {
			return nil, err
		}
		v, _ := recs[0].Get("n")
		return toNode(v.(dbtype.Node)), nil
	})
}

// Delete removes a node of the kind and all its relationships.
func (s *Store) Delete(ctx context.Context, kind castgraph.Kind, id string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		if _, err := mustNodeOfKind(ctx, tx, kind, id, "id"); err != nil {
			return 0, err
		}
		_, err := tx.Run(ctx, "MATCH (n:Entity {id: $id}) DETACH DELETE n", map[string]any{"id": id})
		return 0, err
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
