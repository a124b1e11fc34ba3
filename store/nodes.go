package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// MaxPageSize caps `first` on lists.
const MaxPageSize = 500

// Node returns the node with the id, or nil when there is none.
func (s *Store) Node(ctx context.Context, id string) (*castgraph.Node, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*castgraph.Node, error) {
		return nodeByID(ctx, tx, id)
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

// Page is one page of a list in name order.
type Page struct {
	Nodes       []*castgraph.Node
	Cursors     []string
	HasNextPage bool
	TotalCount  int
}

// cursor is the keyset position after a node: its name and id. Cursors are
// opaque to clients (base64 JSON) and stay valid when nodes are inserted.
type cursor struct {
	Name string `json:"n"`
	ID   string `json:"i"`
}

func encodeCursor(n *castgraph.Node) string {
	b, _ := json.Marshal(cursor{Name: n.Name, ID: n.ID})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (*cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID == "" {
		return nil, castgraph.Errorf(castgraph.EINVALID, "after", "the cursor is not one this API gave out")
	}
	return &c, nil
}

// List returns up to first nodes of the kind, in (name, id) order, after the
// cursor; nameContains filters on names and aliases, case-insensitively.
func (s *Store) List(ctx context.Context, kind castgraph.Kind, nameContains string, first int, after string) (*Page, error) {
	if _, ok := castgraph.SpecOf(kind); !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	if first < 0 || first > MaxPageSize {
		return nil, castgraph.Errorf(castgraph.EINVALID, "first", "first must be between 0 and %d", MaxPageSize)
	}
	params := map[string]any{"name": nil, "afterName": nil, "afterID": nil, "limit": first + 1}
	if q := strings.TrimSpace(nameContains); q != "" {
		params["name"] = strings.ToLower(q)
	}
	if after != "" {
		c, err := decodeCursor(after)
		if err != nil {
			return nil, err
		}
		params["afterName"], params["afterID"] = c.Name, c.ID
	}
	match := "MATCH (n:" + string(kind) + ") WHERE ($name IS NULL OR toLower(n.name) CONTAINS $name OR any(a IN coalesce(n.aliases, []) WHERE toLower(a) CONTAINS $name))"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*Page, error) {
		recs, err := collect(ctx, tx, match+
			" AND ($afterName IS NULL OR n.name > $afterName OR (n.name = $afterName AND n.id > $afterID))"+
			" RETURN n ORDER BY n.name, n.id LIMIT $limit", params)
		if err != nil {
			return nil, err
		}
		page := &Page{}
		for i, r := range recs {
			if i == first {
				page.HasNextPage = true
				break
			}
			v, _ := r.Get("n")
			n := toNode(v.(dbtype.Node))
			page.Nodes = append(page.Nodes, n)
			page.Cursors = append(page.Cursors, encodeCursor(n))
		}
		count, err := collect(ctx, tx, match+" RETURN count(n) AS c", params)
		if err != nil {
			return nil, err
		}
		c, _ := count[0].Get("c")
		page.TotalCount = int(c.(int64))
		return page, nil
	})
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
		recs, err := collect(ctx, tx, "CREATE (n:Entity:"+string(kind)+") SET n = $props, n.createdAt = datetime(), n.updatedAt = n.createdAt RETURN n",
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
