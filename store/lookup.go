package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// NamedNodes finds the nodes of the kinds (every kind when none is given)
// that bear a name: exactly as their name, or, when no name is it, as one
// of their aliases. It reads at most limit+1 nodes, so a caller can tell
// one from several. Names go through each kind's (name, id) index; aliases
// through the full-text index, then compared exactly.
func (s *Store) NamedNodes(ctx context.Context, kinds []castgraph.Kind, name string, limit int) ([]*castgraph.Node, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, castgraph.Errorf(castgraph.EINVALID, "name", "the name is empty")
	}
	if err := castgraph.CheckText(name, castgraph.TextName); err != nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "name", "%v", err)
	}
	if len(kinds) == 0 {
		for _, ks := range castgraph.Kinds {
			kinds = append(kinds, ks.Kind)
		}
	}
	var byName []string
	labels := make([]string, 0, len(kinds))
	for _, k := range kinds {
		if _, ok := castgraph.SpecOf(k); !ok {
			return nil, castgraph.Errorf(castgraph.EINVALID, "kinds", "unknown kind %q", k)
		}
		byName = append(byName, fmt.Sprintf("MATCH (n:%s) WHERE n.name = $name RETURN n", k))
		labels = append(labels, string(k))
	}
	named := "CALL () {\n" + strings.Join(byName, "\nUNION\n") + "\n}\nRETURN n LIMIT $cap"
	aliased := `CALL db.index.fulltext.queryNodes($index, $phrase) YIELD node
		WHERE $name IN node.aliases AND any(l IN labels(node) WHERE l IN $labels)
		RETURN node AS n LIMIT $cap`
	params := map[string]any{"name": name, "cap": limit + 1, "index": FullTextIndex,
		"phrase": `"` + escapeLucene(name) + `"`, "labels": labels}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*castgraph.Node, error) {
		var out []*castgraph.Node
		for _, cypher := range []string{named, aliased} {
			recs, err := collect(ctx, tx, cypher, params)
			if err != nil {
				return nil, err
			}
			for _, r := range recs {
				v, _ := r.Get("n")
				out = append(out, toNode(v.(dbtype.Node)))
			}
			if len(out) > 0 {
				break
			}
		}
		return out, nil
	})
}
