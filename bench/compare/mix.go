package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/castgraph/castgraph/store"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// query is one question of the mix, asked three ways: castgraph's GraphQL,
// the peer's GraphQL (the library's own filter, sort and connection syntax)
// and hand-written Cypher. Each variant is one set of arguments; a
// measurement cycles through them. The norm functions turn each system's
// answer into the same comparable value.
type query struct {
	name, title string
	castgraph   string
	peer        string
	cypher      string
	variants    []variant
	// nested marks the queries with a throughput target against the peer.
	nested bool

	normCastgraph, normPeer, normFloor func(data any) any

	// floorRun, when set, is the floor's answer in more than one statement
	// (in one read transaction); cypher then shows them all.
	floorRun func(ctx context.Context, tx neo4j.ManagedTransaction, params map[string]any) ([]*neo4j.Record, error)
}

type variant struct {
	label                   string
	castgraphVars, peerVars map[string]any
	params                  map[string]any
}

// anchors are the arguments of the variants, picked from the database
// deterministically (by size, ties broken by id or name) so every run asks
// the same questions.
type anchors struct {
	experts  []string // spread over the id order
	titles   []string // the commonest expert titles
	fields   []string // the commonest expert fields
	clusters []string // clusters with enterprises, biggest first
	searches []string // full-text queries with at least one hit
}

// searchTexts are words of the synthetic graph's names (package synth): a
// common ending (hundreds of hits), a program ending (tens), a city with
// a field (a dozen), part of a person's name (ten).
var searchTexts = []string{"智能科技", "科技服务行动", "岚原 集成电路", "秦辉"}

func pick(ctx context.Context, f *floorTarget) (anchors, error) {
	var a anchors
	strs := func(cypher string, params map[string]any) ([]string, error) {
		rec, err := f.one(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		v, _ := rec.Get("v")
		list, _ := v.([]any)
		out := make([]string, 0, len(list))
		for _, x := range list {
			s, _ := x.(string)
			out = append(out, s)
		}
		return out, nil
	}
	all, err := strs(`MATCH (x:Expert) WITH x.id AS id ORDER BY id RETURN collect(id) AS v`, nil)
	if err != nil {
		return a, err
	}
	if len(all) < 100 {
		return a, fmt.Errorf("only %d experts in the database", len(all))
	}
	for _, q := range []int{1, 3, 5, 7} {
		a.experts = append(a.experts, all[len(all)*q/8])
	}
	if a.titles, err = strs(`MATCH (x:Expert) WHERE x.title IS NOT NULL WITH x.title AS t, count(*) AS n
		ORDER BY n DESC, t LIMIT 3 RETURN collect(t) AS v`, nil); err != nil {
		return a, err
	}
	if a.fields, err = strs(`MATCH (x:Expert) WHERE x.field IS NOT NULL WITH x.field AS f, count(*) AS n
		ORDER BY n DESC, f LIMIT 12 RETURN collect(f) AS v`, nil); err != nil {
		return a, err
	}
	clusters, err := strs(`MATCH (c:IndustryCluster)
		WITH c, COUNT { (c)<-[:PART_OF]-(:IndustryChain)<-[:IN_CHAIN]-(:Enterprise)<-[:SERVES]-(:Expert) } AS n WHERE n > 0
		WITH c, n ORDER BY n DESC, c.id RETURN collect(c.id) AS v`, nil)
	if err != nil {
		return a, err
	}
	if len(a.titles) < 3 || len(a.fields) < 12 || len(clusters) < 3 {
		return a, fmt.Errorf("the database has too few expert titles (%d), fields (%d) or served clusters (%d) for the mix: is it the synthetic graph?",
			len(a.titles), len(a.fields), len(clusters))
	}
	// The biggest, a middling and the smallest cluster with a serving expert.
	a.clusters = []string{clusters[0], clusters[len(clusters)/2], clusters[len(clusters)-1]}
	for _, t := range searchTexts {
		rec, err := f.one(ctx, `CALL db.index.fulltext.queryNodes($index, $q, {limit: 1}) YIELD node RETURN count(node) AS n`,
			map[string]any{"index": store.FullTextIndex, "q": store.LuceneQuery(strings.Fields(t))})
		if err != nil {
			return a, err
		}
		if n, _ := rec.Get("n"); n.(int64) == 0 {
			return a, fmt.Errorf("full-text search for %q finds nothing: is it the synthetic graph?", t)
		}
		a.searches = append(a.searches, t)
	}
	return a, nil
}

// The mix, by name, in the order of the table.
func queryNames() []string {
	return []string{"lookup", "list", "nested", "relfilter", "connection", "search"}
}

func selectQueries(mix []*query, names []string) []*query {
	var out []*query
	for _, q := range mix {
		for _, n := range names {
			if q.name == n {
				out = append(out, q)
			}
		}
	}
	return out
}

// first is the page size at every level, as the issue asks.
const first = 20

// The floor of the relationship filter picks its plan by the size of the
// cluster, as a person who knows the graph would. Walking experts in name
// order and stopping at the 20th that serves the cluster is cheap when many
// experts do (several times faster than the walk from the cluster for the
// synthetic clusters) and hopeless when almost none do (it reads the whole
// index for a cluster with 2 enterprises, which the walk from the cluster
// answers at once); README.md has the figures. No single statement gets
// both: the planner does not choose between the branches of a UNION by a
// count. Both statements run in one
// read transaction.
const relWalkFrom = 500

const (
	relReach = `MATCH (c:Entity {id: $c}) WHERE c:IndustryCluster
MATCH (c)<-[:PART_OF]-(ch:IndustryChain)
RETURN sum(COUNT { (ch)<-[:IN_CHAIN]-() }) AS reach`
	// Without the hint the planner may scan every expert, test each and sort
	// (two orders of magnitude slower for the biggest cluster), depending on
	// how the rows are returned.
	relWalk = `MATCH (x:Expert) USING INDEX x:Expert(name, id)
WHERE x.name IS NOT NULL AND x.id IS NOT NULL
  AND EXISTS { (x)-[:SERVES]->(:Enterprise)-[:IN_CHAIN]->(:IndustryChain)-[:PART_OF]->(c:IndustryCluster {id: $c}) }
RETURN x.id AS id, x.name AS name ORDER BY x.name, x.id LIMIT $first`
	relTraverse = `MATCH (c:Entity {id: $c}) WHERE c:IndustryCluster
MATCH (c)<-[:PART_OF]-(:IndustryChain)<-[:IN_CHAIN]-(:Enterprise)<-[:SERVES]-(x:Expert)
WITH DISTINCT x
RETURN x.id AS id, x.name AS name ORDER BY name, id LIMIT $first`
)

func buildMix(a anchors) []*query {
	lookup := &query{
		name:  "lookup",
		title: "lookup by id",
		castgraph: `query Lookup($id: ID!) {
  node(id: $id) { id name aliases ... on Expert { title field } }
}`,
		peer: `query Lookup($id: ID!) {
  experts(where: {id: {eq: $id}}) { id name aliases title field }
}`,
		cypher: `MATCH (x:Entity {id: $id}) WHERE x:Expert
RETURN x.id AS id, x.name AS name, x.aliases AS aliases, x.title AS title, x.field AS field`,
		normCastgraph: func(d any) any { return pickFields(at(d, "node"), "id", "name", "aliases", "title", "field") },
		normPeer:      func(d any) any { return onlyOne(at(d, "experts"), "id", "name", "aliases", "title", "field") },
		normFloor:     func(d any) any { return onlyOne(at(d, "rows"), "id", "name", "aliases", "title", "field") },
	}
	for _, id := range a.experts {
		lookup.variants = append(lookup.variants, variant{label: id,
			castgraphVars: map[string]any{"id": id}, peerVars: map[string]any{"id": id}, params: map[string]any{"id": id}})
	}

	list := &query{
		name:  "list",
		title: "list with filter and sort",
		castgraph: `query List($title: String!, $fields: [String!]) {
  experts(where: {title: {eq: $title}, field: {in: $fields}}, orderBy: [{field: NAME}], first: 20) {
    nodes { id name title field }
  }
}`,
		peer: `query List($title: String!, $fields: [String!]) {
  experts(where: {title: {eq: $title}, field: {in: $fields}}, sort: [{name: ASC}, {id: ASC}], limit: 20) {
    id name title field
  }
}`,
		cypher: `MATCH (x:Expert) WHERE x.title = $title AND x.field IN $fields
RETURN x.id AS id, x.name AS name, x.title AS title, x.field AS field
ORDER BY name, id LIMIT $first`,
		normCastgraph: func(d any) any { return eachFields(at(d, "experts", "nodes"), "id", "name", "title", "field") },
		normPeer:      func(d any) any { return eachFields(at(d, "experts"), "id", "name", "title", "field") },
		normFloor:     func(d any) any { return eachFields(at(d, "rows"), "id", "name", "title", "field") },
	}
	for i, fs := range [][]string{{a.fields[0], a.fields[1]}, {a.fields[2]}, {a.fields[3], a.fields[4], a.fields[5]}} {
		vars := map[string]any{"title": a.titles[i], "fields": fs}
		list.variants = append(list.variants, variant{label: a.titles[i] + " in " + strings.Join(fs, ","),
			castgraphVars: vars, peerVars: vars, params: map[string]any{"title": a.titles[i], "fields": fs, "first": first}})
	}

	nested := &query{
		name:   "nested",
		title:  "3-level nested: cluster → chains → enterprises → experts",
		nested: true,
		castgraph: `query Nested($id: ID!) {
  industryClusters(where: {id: {eq: $id}}) {
    nodes { id name
      parts(first: 20) { nodes { id name
        enterprises(first: 20) { nodes { id name
          servedBy(first: 20) { nodes { id name } } } } } } }
  }
}`,
		peer: `query Nested($id: ID!) {
  industryClusters(where: {id: {eq: $id}}) { id name
    parts(limit: 20, sort: [{name: ASC}, {id: ASC}]) { id name
      enterprises(limit: 20, sort: [{name: ASC}, {id: ASC}]) { id name
        servedBy(limit: 20, sort: [{name: ASC}, {id: ASC}]) { id name } } }
  }
}`,
		cypher: `MATCH (c:Entity {id: $id}) WHERE c:IndustryCluster
CALL (c) {
  MATCH (c)<-[:PART_OF]-(ch:IndustryChain)
  WITH ch ORDER BY ch.name, ch.id LIMIT $first
  CALL (ch) {
    MATCH (ch)<-[:IN_CHAIN]-(e:Enterprise)
    WITH e ORDER BY e.name, e.id LIMIT $first
    CALL (e) {
      MATCH (e)<-[:SERVES]-(x:Expert)
      WITH x ORDER BY x.name, x.id LIMIT $first
      RETURN collect(x {.id, .name}) AS servedBy
    }
    RETURN collect(e {.id, .name, servedBy: servedBy}) AS enterprises
  }
  RETURN collect(ch {.id, .name, enterprises: enterprises}) AS parts
}
RETURN c.id AS id, c.name AS name, parts`,
		normCastgraph: func(d any) any {
			return treeOf(at(d, "industryClusters", "nodes"), []string{"parts", "enterprises", "servedBy"}, true)
		},
		normPeer: func(d any) any {
			return treeOf(at(d, "industryClusters"), []string{"parts", "enterprises", "servedBy"}, false)
		},
		normFloor: func(d any) any { return treeOf(at(d, "rows"), []string{"parts", "enterprises", "servedBy"}, false) },
	}
	relfilter := &query{
		name:   "relfilter",
		title:  "relationship filter: experts serving cluster C",
		nested: true,
		castgraph: `query RelFilter($c: ID!) {
  experts(where: {serves: {some: {chains: {some: {partOf: {some: {id: {eq: $c}}}}}}}}, first: 20, orderBy: [{field: NAME}]) {
    nodes { id name }
  }
}`,
		peer: `query RelFilter($c: ID!) {
  experts(where: {serves: {some: {chains: {some: {partOf: {some: {id: {eq: $c}}}}}}}}, sort: [{name: ASC}, {id: ASC}], limit: 20) {
    id name
  }
}`,
		cypher: "// how many enterprises the cluster's chains hold (degrees, no traversal):\n" + relReach +
			"\n\n// at least 500: experts in name order (the Expert(name, id) index), the first 20 that serve the cluster:\n" + relWalk +
			"\n\n// fewer: from the cluster to its serving experts, then sorted:\n" + relTraverse,
		floorRun: func(ctx context.Context, tx neo4j.ManagedTransaction, params map[string]any) ([]*neo4j.Record, error) {
			recs, err := collectRows(ctx, tx, relReach, params)
			if err != nil || len(recs) == 0 {
				return recs, err
			}
			reach, _ := recs[0].Get("reach")
			if n, _ := reach.(int64); n >= relWalkFrom {
				return collectRows(ctx, tx, relWalk, params)
			}
			return collectRows(ctx, tx, relTraverse, params)
		},
		normCastgraph: func(d any) any { return eachFields(at(d, "experts", "nodes"), "id", "name") },
		normPeer:      func(d any) any { return eachFields(at(d, "experts"), "id", "name") },
		normFloor:     func(d any) any { return eachFields(at(d, "rows"), "id", "name") },
	}
	for _, c := range a.clusters {
		nested.variants = append(nested.variants, variant{label: c,
			castgraphVars: map[string]any{"id": c}, peerVars: map[string]any{"id": c}, params: map[string]any{"id": c, "first": first}})
		relfilter.variants = append(relfilter.variants, variant{label: c,
			castgraphVars: map[string]any{"c": c}, peerVars: map[string]any{"c": c}, params: map[string]any{"c": c, "first": first}})
	}

	connection := &query{
		name:  "connection",
		title: "connection with totalCount",
		castgraph: `query Connection($field: String!) {
  experts(where: {field: {eq: $field}}, first: 20) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage endCursor }
  }
}`,
		peer: `query Connection($field: String!) {
  expertsConnection(where: {field: {eq: $field}}, first: 20, sort: [{name: ASC}, {id: ASC}]) {
    totalCount
    edges { cursor node { id name } }
    pageInfo { hasNextPage endCursor }
  }
}`,
		cypher: `CALL () { MATCH (x:Expert) WHERE x.field = $field RETURN count(x) AS totalCount }
CALL () {
  MATCH (x:Expert) WHERE x.field = $field
  WITH x ORDER BY x.name, x.id LIMIT $first + 1
  RETURN collect(x {.id, .name}) AS page
}
RETURN totalCount, page[..$first] AS nodes, size(page) > $first AS hasNextPage`,
		normCastgraph: func(d any) any { return connectionOf(at(d, "experts")) },
		normPeer:      func(d any) any { return connectionOf(at(d, "expertsConnection")) },
		normFloor: func(d any) any {
			row := at(d, "rows", 0)
			return map[string]any{"totalCount": at(row, "totalCount"), "hasNextPage": at(row, "hasNextPage"),
				"nodes": eachFields(at(row, "nodes"), "id", "name")}
		},
	}
	for _, f := range []string{a.fields[6], a.fields[9], a.fields[11]} {
		connection.variants = append(connection.variants, variant{label: f,
			castgraphVars: map[string]any{"field": f}, peerVars: map[string]any{"field": f}, params: map[string]any{"field": f, "first": first}})
	}

	search := &query{
		name:  "search",
		title: "full-text search",
		castgraph: `query Search($text: String!) {
  search(text: $text, first: 20) { score node { id name } }
}`,
		peer: `query Search($phrase: String!) {
  searchEntities(phrase: $phrase, first: 20, sort: [{score: DESC}, {node: {name: ASC}}, {node: {id: ASC}}]) {
    edges { score node { id name } }
  }
}`,
		// What castgraph's store.Search runs for a search without kinds.
		cypher: `CALL db.index.fulltext.queryNodes($index, $query, {limit: $first}) YIELD node, score
RETURN node.id AS id, node.name AS name, score ORDER BY score DESC, name, id LIMIT $first`,
		normCastgraph: func(d any) any { return rankedOf(flatHits(at(d, "search"), "node")) },
		normPeer:      func(d any) any { return rankedOf(flatHits(at(d, "searchEntities", "edges"), "node")) },
		normFloor:     func(d any) any { return rankedOf(flatHits(at(d, "rows"), "")) },
	}
	for _, t := range a.searches {
		// castgraph turns the text into this Lucene query (every term a
		// quoted phrase, all required); the peer's phrase and the floor's
		// query are the same, so all three ask the index the same thing.
		lucene := store.LuceneQuery(strings.Fields(t))
		search.variants = append(search.variants, variant{label: t,
			castgraphVars: map[string]any{"text": t}, peerVars: map[string]any{"phrase": lucene},
			params: map[string]any{"index": store.FullTextIndex, "query": lucene, "first": first}})
	}

	return []*query{lookup, list, nested, relfilter, connection, search}
}
