package store

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Caps of paths and neighbourhoods.
const (
	MaxPathHops      = 6
	MaxPaths         = 50
	MaxNeighborDepth = 2
	MaxNeighborLimit = 500
)

// Path is a path through the graph: Nodes[i] and Nodes[i+1] are joined by Steps[i].
type Path struct {
	Nodes []*castgraph.Node
	Steps []PathStep
}

// PathStep is one relationship of a path. From and To are the ids of its
// real start and end; Forward says whether it points along the path.
type PathStep struct {
	Type       castgraph.RelType
	From, To   string
	Forward    bool
	Props      map[string]any
	Provenance castgraph.Provenance
}

// PathQuery asks for the shortest paths between two nodes.
type PathQuery struct {
	From, To string
	MaxHops  int
	// Types limits the relationships a path may use; empty means every type.
	Types []castgraph.RelType
	First int
}

// allTypes is every registered relationship type, for patterns that must
// not wander onto relationships the registry does not know.
func allTypes() []castgraph.RelType {
	out := make([]castgraph.RelType, len(castgraph.Relations))
	for i, r := range castgraph.Relations {
		out[i] = r.Type
	}
	return out
}

// typeList checks the types against the registry and joins them for a
// pattern (`A|B|C`); empty means every registered type.
func typeList(types []castgraph.RelType, field string) (string, error) {
	if len(types) == 0 {
		types = allTypes()
	}
	names := make([]string, 0, len(types))
	seen := map[castgraph.RelType]bool{}
	for _, t := range types {
		if _, ok := castgraph.RelSpecOf(t); !ok {
			return "", castgraph.Errorf(castgraph.EINVALID, field, "unknown relationship type %q", t)
		}
		if !seen[t] {
			seen[t] = true
			names = append(names, string(t))
		}
	}
	return strings.Join(names, "|"), nil
}

// The hop bound and the type list are spliced (Cypher takes no parameters
// there) after checking: the bound is an int in 1..MaxPathHops, the types
// come from the registry.
const pathsCypher = `
OPTIONAL MATCH (a:Entity {id: $from})
OPTIONAL MATCH (b:Entity {id: $to})
CALL (a, b) {
  WITH a, b WHERE a <> b
  MATCH p = allShortestPaths((a)-[:{types}*..{hops}]-(b))
  WITH p LIMIT $first
  RETURN collect(p) AS paths
}
RETURN a, b, paths`

// Paths returns all shortest paths (all of the same, minimal length) between
// two nodes, ignoring direction, up to q.MaxHops long and q.First many.
func (s *Store) Paths(ctx context.Context, q PathQuery) ([]Path, error) {
	if q.MaxHops < 1 || q.MaxHops > MaxPathHops {
		return nil, castgraph.Errorf(castgraph.EINVALID, "maxHops", "maxHops must be between 1 and %d", MaxPathHops)
	}
	if err := checkFirst(q.First, MaxPaths, "first"); err != nil {
		return nil, err
	}
	types, err := typeList(q.Types, "relationshipTypes")
	if err != nil {
		return nil, err
	}
	cypher := strings.NewReplacer("{types}", types, "{hops}", strconv.Itoa(q.MaxHops)).Replace(pathsCypher)
	paths, err := readTimeout(ctx, s, pathsTimeout, func(tx neo4j.ManagedTransaction) ([]Path, error) {
		rec, err := single(ctx, tx, cypher, map[string]any{"from": q.From, "to": q.To, "first": q.First})
		if err != nil {
			return nil, err
		}
		from, err := anchor(rec, "a", "", "id "+strconv.Quote(q.From), "from")
		if err != nil {
			return nil, err
		}
		if _, err := anchor(rec, "b", "", "id "+strconv.Quote(q.To), "to"); err != nil {
			return nil, err
		}
		out := []Path{}
		if q.From == q.To {
			if q.First > 0 {
				out = append(out, Path{Nodes: []*castgraph.Node{from}, Steps: []PathStep{}})
			}
			return out, nil
		}
		for _, v := range listOf(rec, "paths") {
			out = append(out, toPath(v.(dbtype.Path)))
		}
		// allShortestPaths returns its paths in no particular order.
		sort.Slice(out, func(i, j int) bool { return pathKey(out[i]) < pathKey(out[j]) })
		return out, nil
	})
	if timedOut(err) {
		return nil, castgraph.Errorf(castgraph.EINVALID, "maxHops",
			"the path search took longer than %s; lower maxHops or give relationshipTypes", pathsTimeout)
	}
	return paths, err
}

// pathsTimeout bounds a path search: a breadth-first search through a few
// hubs can touch much of the graph even within MaxPathHops.
var pathsTimeout = 10 * time.Second

// readTimeout is read with its own transaction timeout; a timeout comes back
// as the driver's error, for the caller to explain.
func readTimeout[T any](ctx context.Context, s *Store, timeout time.Duration, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	v, err := transact(ctx, s, neo4j.AccessModeRead, timeout, work)
	if err != nil && !timedOut(err) {
		return v, s.mapError(err)
	}
	return v, err
}

func timedOut(err error) bool {
	var neoErr *neo4j.Neo4jError
	return errors.As(err, &neoErr) && strings.HasPrefix(neoErr.Code, "Neo.ClientError.Transaction.TransactionTimedOut")
}

func toPath(p dbtype.Path) Path {
	out := Path{Nodes: make([]*castgraph.Node, len(p.Nodes)), Steps: make([]PathStep, len(p.Relationships))}
	ids := make(map[string]string, len(p.Nodes))
	for i, n := range p.Nodes {
		out.Nodes[i] = toNode(n)
		ids[n.ElementId] = out.Nodes[i].ID
	}
	for i, r := range p.Relationships {
		out.Steps[i] = PathStep{
			Type: castgraph.RelType(r.Type), From: ids[r.StartElementId], To: ids[r.EndElementId],
			Forward: r.StartElementId == p.Nodes[i].ElementId, Props: relProps(r.Props), Provenance: toProvenance(r.Props),
		}
	}
	return out
}

func pathKey(p Path) string {
	var b strings.Builder
	for i, n := range p.Nodes {
		if i > 0 {
			b.WriteString("\x00" + string(p.Steps[i-1].Type) + "\x00")
		}
		b.WriteString(n.ID)
	}
	return b.String()
}

// Neighborhood is the nodes and relationships around a node.
type Neighborhood struct {
	Nodes     []NeighborNode
	Edges     []NeighborEdge
	Truncated bool
}

// NeighborNode is a node of a neighbourhood and its distance from the centre.
type NeighborNode struct {
	Node  *castgraph.Node
	Depth int
}

// NeighborEdge is a relationship of a neighbourhood, from Source to Target.
type NeighborEdge struct {
	Type           castgraph.RelType
	Source, Target string
	Props          map[string]any
	Provenance     castgraph.Provenance
}

// Every ring reads at most $cap relationships, lazily (no ORDER BY before
// the LIMIT), so a hub with a million neighbours costs what a small node
// does. The second ring skips the way back to the centre and counts a
// relationship between two first-ring nodes once, from its lower end.
const neighborhoodCypher = `
OPTIONAL MATCH (c:Entity {id: $id})
CALL (c) {
  MATCH (c)-[r:{types}]-(n:{labels})
  WITH r, n LIMIT $cap
  RETURN collect(r) AS rels1, collect(DISTINCT n) AS ring1
}
CALL (c, ring1) {
  UNWIND CASE WHEN $depth >= 2 THEN ring1 ELSE [] END AS n
  MATCH (n)-[r:{types}]-(m:{labels})
  WHERE m <> c AND (NOT m IN ring1 OR elementId(n) < elementId(m))
  WITH r, m LIMIT $cap
  RETURN collect(r) AS rels2, collect(DISTINCT m) AS ring2
}
RETURN c, rels1, ring1, rels2, ring2`

// NeighborQuery asks for the neighbourhood of the node ID: within Depth (1
// or 2) relationships of the Types (all when none), through and to nodes of
// the Kinds (all when none), at most Limit nodes.
type NeighborQuery struct {
	ID           string
	Depth, Limit int
	Types        []castgraph.RelType
	Kinds        []castgraph.Kind
}

// Neighborhood returns the nodes within depth (1 or 2) relationships of a
// node, at most limit of them (the centre included), and the relationships
// read between them. Relationship types and kinds are spliced into the
// statement from the registry only, after checking.
func (s *Store) Neighborhood(ctx context.Context, q NeighborQuery) (*Neighborhood, error) {
	id, depth, limit := q.ID, q.Depth, q.Limit
	if depth < 1 || depth > MaxNeighborDepth {
		return nil, castgraph.Errorf(castgraph.EINVALID, "depth", "depth must be 1 or 2")
	}
	if limit < 1 || limit > MaxNeighborLimit {
		return nil, castgraph.Errorf(castgraph.EINVALID, "limit", "limit must be between 1 and %d", MaxNeighborLimit)
	}
	types, err := typeList(q.Types, "relationshipTypes")
	if err != nil {
		return nil, err
	}
	labels := castgraph.EntityLabel
	if len(q.Kinds) > 0 {
		names := make([]string, 0, len(q.Kinds))
		for _, k := range q.Kinds {
			if _, ok := castgraph.SpecOf(k); !ok {
				return nil, castgraph.Errorf(castgraph.EINVALID, "kinds", "unknown kind %q", k)
			}
			names = append(names, string(k))
		}
		labels = strings.Join(names, "|")
	}
	cypher := strings.NewReplacer("{types}", types, "{labels}", labels).Replace(neighborhoodCypher)
	// One more than the limit, to tell "exactly limit" from "cut short".
	rowCap := limit + 1
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*Neighborhood, error) {
		rec, err := single(ctx, tx, cypher, map[string]any{"id": id, "depth": depth, "cap": rowCap})
		if err != nil {
			return nil, err
		}
		centre, err := anchor(rec, "c", "", "id "+strconv.Quote(id), "id")
		if err != nil {
			return nil, err
		}
		rels1, rels2 := listOf(rec, "rels1"), listOf(rec, "rels2")
		out := &Neighborhood{Truncated: len(rels1) >= rowCap || len(rels2) >= rowCap}

		c, _ := valueOf(rec, "c").(dbtype.Node)
		byElement := map[string]*castgraph.Node{c.ElementId: centre}
		type ringNode struct {
			element string
			NeighborNode
		}
		var ring []ringNode
		for d, key := range []string{"ring1", "ring2"} {
			for _, v := range listOf(rec, key) {
				n := v.(dbtype.Node)
				if _, seen := byElement[n.ElementId]; seen {
					continue
				}
				node := toNode(n)
				byElement[n.ElementId] = node
				ring = append(ring, ringNode{n.ElementId, NeighborNode{Node: node, Depth: d + 1}})
			}
		}
		sort.Slice(ring, func(i, j int) bool {
			a, b := ring[i], ring[j]
			if a.Depth != b.Depth {
				return a.Depth < b.Depth
			}
			if a.Node.Name != b.Node.Name {
				return a.Node.Name < b.Node.Name
			}
			return a.Node.ID < b.Node.ID
		})
		if len(ring) > limit-1 {
			for _, n := range ring[limit-1:] {
				delete(byElement, n.element)
			}
			ring, out.Truncated = ring[:limit-1], true
		}
		out.Nodes = []NeighborNode{{Node: centre, Depth: 0}}
		for _, n := range ring {
			out.Nodes = append(out.Nodes, n.NeighborNode)
		}

		seen := map[string]bool{}
		for _, v := range append(rels1, rels2...) {
			r := v.(dbtype.Relationship)
			from, okFrom := byElement[r.StartElementId]
			to, okTo := byElement[r.EndElementId]
			if !okFrom || !okTo || seen[r.ElementId] {
				continue
			}
			seen[r.ElementId] = true
			out.Edges = append(out.Edges, NeighborEdge{
				Type: castgraph.RelType(r.Type), Source: from.ID, Target: to.ID,
				Props: relProps(r.Props), Provenance: toProvenance(r.Props),
			})
		}
		sort.Slice(out.Edges, func(i, j int) bool {
			a, b := out.Edges[i], out.Edges[j]
			if a.Type != b.Type {
				return a.Type < b.Type
			}
			if a.Source != b.Source {
				return a.Source < b.Source
			}
			return a.Target < b.Target
		})
		if out.Edges == nil {
			out.Edges = []NeighborEdge{}
		}
		return out, nil
	})
}
