package store

import (
	"context"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Caps of search.
const (
	MaxSearchHits  = 100
	MaxSearchTerms = 20
	MaxSearchText  = 200 // characters
	// searchScan is how many index hits a search with a kind filter reads
	// before filtering: the index knows no labels.
	searchScan = 1000
)

// SearchHit is a node found by full-text search.
type SearchHit struct {
	Node  *castgraph.Node
	Score float64
	// MatchedField is "name" when the name holds every term, else "aliases".
	MatchedField string
}

const searchCypher = `
CALL db.index.fulltext.queryNodes($index, $query, {limit: $scan}) YIELD node, score
WHERE $kinds IS NULL OR any(l IN labels(node) WHERE l IN $kinds)
WITH node, score ORDER BY score DESC, node.name, node.id
LIMIT $first
RETURN ` + searchReturn + `, score`

// searchReturn is replaced by the hit's projection when the caller asks for
// some fields only.
const searchReturn = "node"

// Search finds nodes whose names or aliases hold every term of the text, in
// the entity_names full-text index (cjk analyzer), best first. Kinds, when
// given, restricts the hits to those kinds.
func (s *Store) Search(ctx context.Context, text string, kinds []castgraph.Kind, first int, f Fields) ([]SearchHit, error) {
	terms, err := searchTerms(text)
	if err != nil {
		return nil, err
	}
	if err := checkFirst(first, MaxSearchHits, "first"); err != nil {
		return nil, err
	}
	params := map[string]any{"index": FullTextIndex, "query": LuceneQuery(terms), "kinds": nil, "first": first, "scan": max(first, 1)}
	if len(kinds) > 0 {
		names := make([]string, 0, len(kinds))
		for _, k := range kinds {
			if _, ok := castgraph.SpecOf(k); !ok {
				return nil, castgraph.Errorf(castgraph.EINVALID, "kinds", "unknown kind %q", k)
			}
			names = append(names, string(k))
		}
		params["kinds"], params["scan"] = names, searchScan
	}
	cypher := searchCypher
	// The aliases are read either way: matchedField needs them.
	proj, partial := f.anyKind("node", propAliases)
	if partial {
		cypher = strings.Replace(cypher, "RETURN "+searchReturn+",", "RETURN "+proj+" AS node,", 1)
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]SearchHit, error) {
		recs, err := collect(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := make([]SearchHit, 0, len(recs))
		for _, rec := range recs {
			v, _ := rec.Get("node")
			score, _ := rec.Get("score")
			var n *castgraph.Node
			if partial {
				n = nodeFromMap(v.(map[string]any))
			} else {
				n = toNode(v.(dbtype.Node))
			}
			f, _ := score.(float64)
			out = append(out, SearchHit{Node: n, Score: f, MatchedField: matchedField(n, terms)})
		}
		return out, nil
	})
}

// searchTerms splits the text at white space into terms.
func searchTerms(text string) ([]string, error) {
	if utf8.RuneCountInString(text) > MaxSearchText {
		return nil, castgraph.Errorf(castgraph.EINVALID, "text", "text must be at most %d characters", MaxSearchText)
	}
	terms := strings.Fields(text)
	if len(terms) == 0 {
		return nil, castgraph.Errorf(castgraph.EINVALID, "text", "text must not be blank")
	}
	if len(terms) > MaxSearchTerms {
		return nil, castgraph.Errorf(castgraph.EINVALID, "text", "text must have at most %d terms", MaxSearchTerms)
	}
	return terms, nil
}

// LuceneQuery turns terms into a Lucene query that matches a node when every
// term does, in its name or its aliases. Each term becomes a quoted phrase
// with every character that Lucene's syntax knows escaped, so user input is
// always text, never syntax: `生命健康" OR *:*` is three phrases that must all
// match, not a query for everything. The index's cjk analyzer turns a Chinese
// phrase into consecutive bigrams, which is a match anywhere inside a name;
// terms the analyzer drops (English stop words such as AND, OR, NOT, and
// punctuation) drop out of the query. A single Chinese character, which no
// bigram equals, becomes a wildcard over the indexed bigrams that hold it.
func LuceneQuery(terms []string) string {
	clauses := make([]string, 0, len(terms))
	for _, t := range terms {
		if r, size := utf8.DecodeRuneInString(t); size == len(t) && unicode.Is(unicode.Han, r) {
			clauses = append(clauses, "("+t+"* OR *"+t+")")
			continue
		}
		clauses = append(clauses, `"`+escapeLucene(t)+`"`)
	}
	return strings.Join(clauses, " AND ")
}

// escapeLucene puts a backslash before every character with a meaning in
// Lucene's classic query syntax (QueryParser.escape, plus white space).
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\+-!():^[]"{}~*?|&/`, r) || unicode.IsSpace(r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// matchedField says which field the terms matched: the name when it holds
// every term, else the aliases. Terms and name are compared roughly as the
// analyzer sees them: width-folded, lower case, letters and digits only;
// terms the analyzer drops (punctuation, English stop words) are skipped.
func matchedField(n *castgraph.Node, terms []string) string {
	name := searchable(n.Name)
	for _, t := range terms {
		t = searchable(t)
		if t == "" || stopWords[t] {
			continue
		}
		if !strings.Contains(name, t) {
			return "aliases"
		}
	}
	return "name"
}

func searchable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, castgraph.NormalizeName(s))
}

// stopWords are the English stop words of Lucene's analyzers (the cjk one included).
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with") {
		stopWords[w] = true
	}
}
