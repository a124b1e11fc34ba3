package store

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
)

// The writes and lookups that reference rosters (societies, parks, regions
// …) and -create-missing add to an import transaction: aliases added to
// nodes that exist, relationships that point at a row's subject, and the
// nearest names for a name that finds nothing.

// AliasAdd is the aliases one existing node gains from a roster row.
type AliasAdd struct {
	ID      string
	Aliases []string
}

// AddAliases adds aliases to existing nodes of the kind: each alias that is
// neither the name nor an alias yet, while the node has fewer than
// castgraph.MaxAliases (as through the API); aliasText follows, for the
// full-text index, and updatedAt moves only on a node that gained one. It
// returns the ids of those nodes.
func (t *ImportTx) AddAliases(kind castgraph.Kind, rows []AliasAdd) ([]string, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	if err := t.checkWrite(kind); err != nil {
		return nil, err
	}
	params := make([]map[string]any, 0, len(rows))
	for _, r := range rows {
		if len(r.Aliases) > 0 {
			params = append(params, map[string]any{"id": r.ID, "aliases": r.Aliases})
		}
	}
	if len(params) == 0 {
		return nil, nil
	}
	// reduce keeps the cap while it adds, and drops repeats within the row.
	recs, err := collect(t.ctx, t.tx, `UNWIND $rows AS row
		MATCH (n:`+string(kind)+` {id: row.id})
		WITH n, reduce(acc = coalesce(n.aliases, []), a IN row.aliases |
			CASE WHEN a = n.name OR a IN acc OR size(acc) >= `+strconv.Itoa(castgraph.MaxAliases)+` THEN acc ELSE acc + a END) AS merged
		WITH n, merged, [a IN merged WHERE NOT a IN coalesce(n.aliases, [])] AS added
		WHERE size(added) > 0
		SET n.aliases = merged, n.aliasText = trim(reduce(s = coalesce(n.aliasText, ''), a IN added | s + ' ' + a)),
		    n.updatedAt = datetime()
		RETURN n.id AS id`, map[string]any{"rows": params})
	if err != nil {
		return nil, fmt.Errorf("adding aliases to %s nodes: %w", kind, err)
	}
	ids := make([]string, 0, len(recs))
	for _, r := range recs {
		id, _ := r.Values[0].(string)
		ids = append(ids, id)
		t.wrote(kind, id)
	}
	return ids, nil
}

// RelMerge is a relationship between two nodes that exist, by id.
type RelMerge struct {
	Type     castgraph.RelType
	From, To string
	Props    map[string]any
	Sources  []string
}

// MergeRels merges relationships between existing nodes on (type, from,
// to), as UpsertRows merges a row's: a new one gets the properties and
// sources, an existing one the properties set (never removed), the sources
// added and updatedAt moved only when a property changed. Every end must
// exist, or the transaction fails. It is what a roster row writes towards
// its subject (the association that GUIDES a society).
func (t *ImportTx) MergeRels(rels []RelMerge) (created, updated int, err error) {
	if len(rels) == 0 {
		return 0, 0, nil
	}
	if !t.writable {
		return 0, 0, castgraph.Errorf(castgraph.EINTERNAL, "", "a dry run cannot write")
	}
	byType := map[castgraph.RelType][]map[string]any{}
	var types []castgraph.RelType
	for _, r := range rels {
		if _, ok := castgraph.RelSpecOf(r.Type); !ok {
			return 0, 0, castgraph.Errorf(castgraph.EINVALID, "type", "unknown relationship type %q", r.Type)
		}
		if err := checkSources(r.Sources); err != nil {
			return 0, 0, err
		}
		if _, ok := byType[r.Type]; !ok {
			types = append(types, r.Type)
		}
		byType[r.Type] = append(byType[r.Type], map[string]any{"from": r.From, "to": r.To, "props": nonNilParams(r.Props), "sources": nonNil(r.Sources)})
	}
	for _, typ := range types {
		rows := byType[typ]
		// The type is spliced in only from the registry (checked above).
		recs, err := collect(t.ctx, t.tx, `UNWIND $rows AS row
			MATCH (a:Entity {id: row.from}) MATCH (b:Entity {id: row.to})
			OPTIONAL MATCH (a)-[o:`+string(typ)+`]->(b)
			WITH a, b, row, o IS NULL AS isNew,
			     o IS NOT NULL AND any(k IN keys(row.props) WHERE o[k] IS NULL OR o[k] <> row.props[k]) AS changed
			MERGE (a)-[r:`+string(typ)+`]->(b)
			ON CREATE SET r.createdAt = datetime(), r.updatedAt = datetime(), r.sources = row.sources, r += row.props,
			              r.assertions = [s IN row.sources | s + $by]
			ON MATCH SET r.updatedAt = CASE WHEN changed THEN datetime() ELSE r.updatedAt END,
			             r.sources = coalesce(r.sources, []) + [s IN row.sources WHERE NOT s IN coalesce(r.sources, [])],
			             r.assertions = `+addAssertions("r", "row.sources")+`,
			             r += row.props
			RETURN sum(CASE WHEN isNew THEN 1 ELSE 0 END) AS created, sum(CASE WHEN changed THEN 1 ELSE 0 END) AS updated, count(r) AS n`,
			map[string]any{"rows": rows, "by": t.by})
		if err != nil {
			return created, updated, fmt.Errorf("writing %s relationships: %w", typ, err)
		}
		c, _ := recs[0].Values[0].(int64)
		u, _ := recs[0].Values[1].(int64)
		n, _ := recs[0].Values[2].(int64)
		created += int(c)
		updated += int(u)
		if int(n) != len(rows) {
			return created, updated, castgraph.Errorf(castgraph.ECONFLICT, "", "%d of %d %s relationships lost a node during the import", len(rows)-int(n), len(rows), typ)
		}
		for _, r := range rows {
			t.touched = append(t.touched, r["from"].(string), r["to"].(string))
		}
	}
	return created, updated, nil
}

// The bounds of Similar: how many terms of a name it asks the index for,
// and how many hits it reads per name before filtering by kind.
const (
	similarTerms = 32
	similarScan  = 10
)

// Similar finds, for each text, up to limit nodes of the kinds whose name
// or aliases share the most of its terms (Chinese bigrams, Latin words), best
// first: candidates for "did you mean …?" when a name finds nothing. The
// work is bounded whatever the size of the graph: at most similarTerms terms
// a text, and at most limit × similarScan index hits read per text (the
// index knows no labels; hits of other kinds are dropped after).
func (t *ImportTx) Similar(kinds []castgraph.Kind, texts []string, limit int) (map[string][]Found, error) {
	out := make(map[string][]Found, len(texts))
	if len(texts) == 0 || len(kinds) == 0 || limit <= 0 {
		return out, nil
	}
	labels := make([]string, len(kinds))
	for i, k := range kinds {
		if _, ok := castgraph.SpecOf(k); !ok {
			return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", k)
		}
		labels[i] = string(k)
	}
	queries := make([]map[string]any, 0, len(texts))
	for _, text := range texts {
		if q := similarQuery(text); q != "" {
			queries = append(queries, map[string]any{"text": text, "query": q})
		}
	}
	if len(queries) == 0 {
		return out, nil
	}
	recs, err := collect(t.ctx, t.tx, `UNWIND $queries AS q
		CALL (q) {
			CALL db.index.fulltext.queryNodes($index, q.query, {limit: $scan}) YIELD node, score
			WITH node AS n, score WHERE any(l IN labels(n) WHERE l IN $labels)
			RETURN n ORDER BY score DESC LIMIT $limit
		}
		RETURN q.text AS text, `+foundReturn,
		map[string]any{"queries": queries, "index": FullTextIndex, "labels": labels, "limit": limit, "scan": limit * similarScan})
	if err != nil {
		return nil, fmt.Errorf("looking for names like %v: %w", texts, err)
	}
	for _, r := range recs {
		text := r.Values[0].(string)
		out[text] = append(out[text], toFound(r, 1))
	}
	return out, nil
}

// similarQuery is a Lucene query that any of the text's terms satisfies:
// the bigrams of its runs of Chinese characters (what the cjk analyzer
// indexes) and its other words, at most similarTerms of them, ORed.
func similarQuery(text string) string {
	var terms []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] && len(terms) < similarTerms {
			seen[s] = true
			terms = append(terms, escapeLucene(s))
		}
	}
	var han, word []rune
	flush := func() {
		switch {
		case len(han) == 1:
			add(string(han))
		case len(han) > 1:
			for i := 0; i+1 < len(han); i++ {
				add(string(han[i : i+2]))
			}
		}
		if len(word) > 0 {
			add(strings.ToLower(string(word)))
		}
		han, word = han[:0], word[:0]
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Han, r):
			if len(word) > 0 {
				flush()
			}
			han = append(han, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if len(han) > 0 {
				flush()
			}
			word = append(word, r)
		default:
			flush()
		}
	}
	flush()
	if len(terms) == 0 || utf8.RuneCountInString(text) == 0 {
		return ""
	}
	return strings.Join(terms, " OR ")
}
