package store

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Property names every node carries besides its kind's own.
const (
	propID          = "id"
	propName        = "name"
	propAliases     = "aliases"
	propDescription = "description"
	propSources     = "sources"
	propCreatedAt   = "createdAt"
	propUpdatedAt   = "updatedAt"
	// propChangedAt is when a node or relationship last changed or gained a
	// source (the change feed's order); propSourceFirst and propSourceLast
	// hold each source's first and last assertion, aligned with sources.
	propChangedAt   = "changedAt"
	propSourceFirst = "sourceFirst"
	propSourceLast  = "sourceLast"
	// propPosition is a relationship's place among its node's others of the type.
	propPosition = "position"
	// propKey holds the natural key (castgraph.KindSpec.NaturalKey), unique per kind.
	propKey = "key"
	// propAliasText is the aliases joined by spaces, for the full-text index.
	propAliasText = "aliasText"
)

// toNode turns a Neo4j node into a domain node.
func toNode(n dbtype.Node) *castgraph.Node {
	var kind castgraph.Kind
	for _, l := range n.Labels {
		if _, ok := castgraph.SpecOf(castgraph.Kind(l)); ok {
			kind = castgraph.Kind(l)
		}
	}
	return nodeFromProps(kind, n.Props)
}

// nodeFromMap makes a domain node from a projection made by Fields.anyKind.
func nodeFromMap(m map[string]any) *castgraph.Node {
	var kind castgraph.Kind
	for _, l := range toStrings(m[labelsKey]) {
		if _, ok := castgraph.SpecOf(castgraph.Kind(l)); ok {
			kind = castgraph.Kind(l)
		}
	}
	props := make(map[string]any, len(m))
	for k, v := range m {
		if k != labelsKey {
			props[k] = v
		}
	}
	return nodeFromProps(kind, props)
}

// nodeFromProps makes a domain node of the kind from its properties: all of
// them, or the ones a projection returned (what is missing reads as unset).
func nodeFromProps(kind castgraph.Kind, props map[string]any) *castgraph.Node {
	out := &castgraph.Node{Kind: kind, Props: map[string]any{}}
	for k, v := range props {
		switch k {
		case propID:
			out.ID, _ = v.(string)
		case propName:
			out.Name, _ = v.(string)
		case propAliases:
			out.Aliases = toStrings(v)
		case propDescription:
			if s, ok := v.(string); ok {
				out.Description = &s
			}
		case propKey, propAliasText:
		case propSources, propAssertions, propCreatedAt, propUpdatedAt, propChangedAt, propSourceFirst, propSourceLast:
		default:
			if v != nil {
				out.Props[k] = fromNeo4j(v)
			}
		}
	}
	out.Provenance = toProvenance(props)
	if out.Aliases == nil {
		out.Aliases = []string{}
	}
	return out
}

// toProvenance reads the provenance properties of a node or relationship.
func toProvenance(props map[string]any) castgraph.Provenance {
	p := castgraph.Provenance{Sources: toStrings(props[propSources]), Assertions: toAssertions(props[propAssertions])}
	p.CreatedAt, _ = props[propCreatedAt].(time.Time)
	p.UpdatedAt, _ = props[propUpdatedAt].(time.Time)
	p.ChangedAt, _ = props[propChangedAt].(time.Time)
	if p.ChangedAt.IsZero() {
		p.ChangedAt = p.UpdatedAt // written before changedAt was kept
	}
	if p.Sources == nil {
		p.Sources = []string{}
	}
	first, _ := props[propSourceFirst].([]any)
	last, _ := props[propSourceLast].([]any)
	p.SourceTimes = make([]castgraph.SourceTime, len(p.Sources))
	for i, src := range p.Sources {
		st := castgraph.SourceTime{Source: src, First: p.CreatedAt, Last: p.UpdatedAt}
		if i < len(first) {
			if t, ok := first[i].(time.Time); ok {
				st.First = t
			}
		}
		if i < len(last) {
			if t, ok := last[i].(time.Time); ok {
				st.Last = t
			}
		}
		p.SourceTimes[i] = st
	}
	return p
}

// relProps returns a relationship's own properties, without provenance.
func relProps(props map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range props {
		switch k {
		case propSources, propAssertions, propCreatedAt, propUpdatedAt, propChangedAt, propSourceFirst, propSourceLast:
		default:
			out[k] = fromNeo4j(v)
		}
	}
	return out
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, item := range list {
		if s, ok := item.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// fromNeo4j converts a property value read from Neo4j into its domain form.
func fromNeo4j(v any) any {
	if d, ok := v.(dbtype.Date); ok {
		t := d.Time()
		return castgraph.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	return v
}

// toNeo4j converts a domain property value into a Cypher parameter.
func toNeo4j(v any) any {
	switch x := v.(type) {
	case castgraph.Date:
		return neo4j.DateOf(time.Date(x.Year, x.Month, x.Day, 0, 0, 0, 0, time.UTC))
	case time.Time:
		// The driver sends a time's zone by name, and Neo4j knows no "Local".
		return x.UTC()
	}
	return v
}

// paramsOf converts a property map for use as a Cypher parameter; nil values
// stay nil so that SET n += $props removes those properties.
func paramsOf(props map[string]any) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = toNeo4j(v)
	}
	return out
}

// newID makes a stable id for a node created through the API: the kind in
// kebab case, a slash, and 16 random hex digits (e.g. expert/3f2a…).
func newID(k castgraph.Kind) string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return k.Slug() + "/" + hex.EncodeToString(b)
}

func aliasText(aliases []string) string { return strings.Join(aliases, " ") }
