// Package bench_test measures what the GraphQL API costs on the synthetic
// benchmark graph (package synth, seed 1; by default 100 000 experts, 30 000
// enterprises, about a million relationships, but any size `castgraph
// generate -size N` makes) with the 2024 plan and the demo roster on top. Each benchmark sends its GraphQL query over HTTP to an
// httptest server running graph.NewHTTPHandler on the benchmark Neo4j, checks
// that the answer has no errors and is not empty, and reports the median and
// 99th percentile of the per-request latency (p50-ms, p99-ms) beside ns/op.
//
// There are only benchmarks here: `go test ./...` runs none of them and
// starts no database. Other benchmarks share the package (the roster import
// of import_bench_test.go, with its own database), so select these by name:
//
//	go test -run '^$' -bench '^Benchmark(Q[1-8]_|List_|Nested_|RelationshipFilter|LookupByID)' -benchtime 100x ./bench/
//
// README.md in this folder says how to create the database and what each
// benchmark asks.
package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph/bench"
	"github.com/castgraph/castgraph/devdb"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/neo4jenv"
	"github.com/castgraph/castgraph/store"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The benchmark Neo4j, as `castgraph generate -bench-db` sets it up
// (cmd/castgraph/generate.go): its own home beside .neo4j/, its own port and
// more memory than the development one.
const (
	benchHomeName  = ".neo4j-bench"
	benchBoltPort  = 7688
	benchHeap      = "4g"
	benchPageCache = "2g"

	// The prefix of the synthetic graph's ids (seed 1, any size).
	synthPrefix = "synth-1-"

	createGraph = "go run ./cmd/castgraph generate -bench-db"
	loadDemo    = "CASTGRAPH_NEO4J_HOME=.neo4j-bench CASTGRAPH_BOLT_PORT=7688 CASTGRAPH_NEO4J_HEAP=4g CASTGRAPH_NEO4J_PAGECACHE=2g go run ./cmd/castgraph load -demo"
)

// env is what every benchmark shares: one server, one store, and the ids
// the cases ask about, picked once by Cypher.
type env struct {
	url    string
	client *http.Client
	ids    picks
}

// picks are the anchors of the cases, chosen deterministically (by degree
// or size, ties broken by id) so that every run asks the same questions.
type picks struct {
	hubCluster, smallCluster   string // most enterprises in its chains; fewest with a serving expert
	bigItemYear, bigItemNumber int64  // the plan item that launches the most
	smallItem                  string // the plan item that launches the least (at least one)
	bigCountry                 string // the region with the most overseas stations
	smallCountryName           string // the region with the fewest (at least one)
	hubExpert, leafExpert      string // most and fewest relationships (synthetic experts)
	hubEnterprise              string // most relationships (synthetic enterprises)
	leafEnterprise             string // fewest relationships (synthetic enterprises)
	lastExpert                 string // the synthetic expert with the greatest id
}

var (
	setupOnce sync.Once
	shared    *env
	setupErr  error
)

// setup opens the benchmark database once per test binary; a benchmark that
// cannot have it fails with the command that makes it.
func setup(b *testing.B) *env {
	b.Helper()
	setupOnce.Do(func() { shared, setupErr = open() })
	if setupErr != nil {
		b.Fatal(setupErr)
	}
	return shared
}

func open() (*env, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cfg, err := benchConfig(ctx)
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("CASTGRAPH_BENCH_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	s, err := store.Open(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	// As the server does at start: the benchmarks measure the schema (and
	// its indexes) of this build.
	if err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	ids, err := pick(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// Never closed: the benchmarks of one binary share it until it exits.
	srv := httptest.NewServer(graph.NewHTTPHandler(s, graph.Options{Log: log, Bounds: graph.Bounds{RatePerSecond: -1}}))
	return &env{url: srv.URL + "/graphql", client: srv.Client(), ids: ids}, nil
}

// benchConfig is CASTGRAPH_BENCH_NEO4J_URI (with …_USER, …_PASSWORD,
// …_DATABASE) when set, else the local benchmark Neo4j, started if needed.
// NEO4J_URI is deliberately ignored: it names the database the tests share.
func benchConfig(ctx context.Context) (store.Config, error) {
	cfg := store.Config{
		URI:      os.Getenv("CASTGRAPH_BENCH_NEO4J_URI"),
		User:     neo4jenv.Getenv("CASTGRAPH_BENCH_NEO4J_USER", "neo4j"),
		Password: os.Getenv("CASTGRAPH_BENCH_NEO4J_PASSWORD"),
		Database: neo4jenv.Getenv("CASTGRAPH_BENCH_NEO4J_DATABASE", "neo4j"),
	}
	if cfg.URI != "" {
		return cfg, nil
	}
	opts := devdb.Options{
		Home:     filepath.Join(filepath.Dir(devdb.DefaultHome()), benchHomeName),
		BoltPort: benchBoltPort,
		Log:      os.Stderr,
	}
	if os.Getenv("CASTGRAPH_NEO4J_HEAP") == "" {
		opts.HeapSize = benchHeap
	}
	if os.Getenv("CASTGRAPH_NEO4J_PAGECACHE") == "" {
		opts.PageCacheSize = benchPageCache
	}
	srv, err := devdb.Ensure(ctx, opts)
	if err != nil {
		return cfg, fmt.Errorf("the benchmark Neo4j: %w (create it with `%s`)", err, createGraph)
	}
	cfg.URI, cfg.User, cfg.Password = srv.URI, srv.User, srv.Password
	return cfg, nil
}

// pick checks that the database holds the synthetic graph and the plan, and
// chooses the anchors of the cases.
func pick(ctx context.Context, cfg store.Config) (picks, error) {
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		return picks{}, err
	}
	defer driver.Close(ctx)
	query := func(cypher string, params map[string]any) ([]*neo4j.Record, error) {
		res, err := neo4j.ExecuteQuery(ctx, driver, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(cfg.Database), neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			return nil, err
		}
		return res.Records, nil
	}
	one := func(cypher string, params map[string]any) (*neo4j.Record, error) {
		recs, err := query(cypher, params)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, fmt.Errorf("no answer to %s", cypher)
		}
		return recs[0], nil
	}

	rec, err := one(`OPTIONAL MATCH (x:Expert) WHERE x.id STARTS WITH $x
		WITH x ORDER BY x.id DESC LIMIT 1
		RETURN x.id AS lastExpert, COUNT { (:Expert) } AS experts, COUNT { (:Enterprise) } AS enterprises,
		       COUNT { (:Entity) } AS nodes, COUNT { ()-->() } - COUNT { ()-[:AUDIT_OF]->() } AS relationships,
		       COUNT { (i:PlanItem)-[:LAUNCHES]->() } AS launches`,
		map[string]any{"x": "expert/" + synthPrefix})
	if err != nil {
		return picks{}, err
	}
	if x, _ := rec.Get("lastExpert"); x == nil {
		return picks{}, fmt.Errorf("%s holds no synthetic benchmark graph (seed 1): create it with `%s`, then `%s`", cfg.URI, createGraph, loadDemo)
	}
	var p picks
	str := func(rec *neo4j.Record, key string) string { v, _ := rec.Get(key); s, _ := v.(string); return s }
	p.lastExpert = str(rec, "lastExpert")
	// The size, for whoever compares runs on graphs of several sizes: the
	// entities and their relationships, not the audit log's records.
	count := func(key string) int64 { v, _ := rec.Get(key); n, _ := v.(int64); return n }
	fmt.Fprintf(os.Stderr, "benchmark graph: %d nodes, %d relationships, %d experts, %d enterprises\n",
		count("nodes"), count("relationships"), count("experts"), count("enterprises"))
	if n, _ := rec.Get("launches"); n.(int64) == 0 {
		return picks{}, fmt.Errorf("%s holds no 2024 plan (question 3 has nothing to report): load it with `%s`", cfg.URI, loadDemo)
	}

	// Clusters by the enterprises in their chains.
	recs, err := query(`MATCH (c:IndustryCluster)
		WHERE EXISTS { (c)<-[:PART_OF]-(:IndustryChain)<-[:IN_CHAIN]-(:Enterprise)<-[:SERVES]-(:Expert) }
		WITH c, COUNT { (c)<-[:PART_OF]-(:IndustryChain)<-[:IN_CHAIN]-(:Enterprise) } AS n
		RETURN c.id AS id ORDER BY n DESC, id`, nil)
	if err != nil {
		return p, err
	}
	p.hubCluster, p.smallCluster = str(recs[0], "id"), str(recs[len(recs)-1], "id")

	recs, err = query(`MATCH (i:PlanItem) WITH i, COUNT { (i)-[:LAUNCHES]->() } AS n WHERE n > 0
		RETURN i.id AS id, i.year AS year, i.number AS number ORDER BY n DESC, id`, nil)
	if err != nil {
		return p, err
	}
	y, _ := recs[0].Get("year")
	num, _ := recs[0].Get("number")
	p.bigItemYear, p.bigItemNumber, p.smallItem = y.(int64), num.(int64), str(recs[len(recs)-1], "id")

	recs, err = query(`MATCH (st:OverseasStation)-[:LOCATED_IN]->(r:Region)
		WITH r, count(st) AS n RETURN r.id AS id, r.name AS name ORDER BY n DESC, id`, nil)
	if err != nil {
		return p, err
	}
	p.bigCountry, p.smallCountryName = str(recs[0], "id"), str(recs[len(recs)-1], "name")

	// Degrees come from Neo4j's degree store: cheap even over 100 000 nodes.
	for _, q := range []struct {
		dst   *string
		label string
		order string
	}{{&p.hubExpert, "Expert", "DESC"}, {&p.leafExpert, "Expert", "ASC"},
		{&p.hubEnterprise, "Enterprise", "DESC"}, {&p.leafEnterprise, "Enterprise", "ASC"}} {
		rec, err := one(`MATCH (n:`+q.label+`) WHERE n.id STARTS WITH $prefix
			WITH n, COUNT { (n)--() } AS d RETURN n.id AS id ORDER BY d `+q.order+`, id LIMIT 1`,
			map[string]any{"prefix": strings.ToLower(q.label) + "/" + synthPrefix})
		if err != nil {
			return p, err
		}
		*q.dst = str(rec, "id")
	}
	return p, nil
}

// gqlResponse is a GraphQL answer.
type gqlResponse struct {
	Data   map[string]any    `json:"data"`
	Errors []json.RawMessage `json:"errors"`
}

// benchCase is one request of a benchmark and how to tell a useful answer.
type benchCase struct {
	name  string
	query string
	vars  func(ids picks) map[string]any
	// nonEmpty is a path (field names) to a value in data that must not be
	// null or, for a list, empty.
	nonEmpty []string
}

// run measures each case as a sub-benchmark: one HTTP request per
// iteration, its latency recorded for the percentiles.
func run(b *testing.B, cases ...benchCase) {
	e := setup(b)
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			body, err := json.Marshal(map[string]any{"query": c.query, "variables": c.vars(e.ids)})
			if err != nil {
				b.Fatal(err)
			}
			// One request before the clock starts: the plan cache and the
			// page cache should be as warm as a serving process keeps them.
			if err := e.do(body, c.nonEmpty); err != nil {
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				err := e.do(body, c.nonEmpty)
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(ms(bench.Percentile(lat, 50)), "p50-ms")
			b.ReportMetric(ms(bench.Percentile(lat, 99)), "p99-ms")
		})
	}
}

// do sends one request and checks the answer.
func (e *env) do(body []byte, nonEmpty []string) error {
	resp, err := e.client.Post(e.url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
	}
	var r gqlResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("%v: %s", err, raw)
	}
	if len(r.Errors) > 0 {
		return fmt.Errorf("errors: %s", r.Errors)
	}
	var v any = r.Data
	for _, field := range nonEmpty {
		m, _ := v.(map[string]any)
		v = m[field]
	}
	if l, isList := v.([]any); v == nil || isList && len(l) == 0 {
		return fmt.Errorf("empty answer at %s: %.500s", strings.Join(nonEmpty, "."), raw)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func vars(kv ...any) func(picks) map[string]any {
	return func(picks) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
}

// Q1 (README.md, Analyst questions): which experts serve enterprises in cluster C, through which
// enterprises and chains.
func BenchmarkQ1_ExpertsServingCluster(b *testing.B) {
	const q = `query($id: ID!) {
  expertsServingCluster(clusterId: $id, first: 50) {
    expert { id name title }
    enterprises { id name }
    chains { id name }
    via
  }
}`
	run(b,
		benchCase{"hub-cluster", q, func(p picks) map[string]any { return map[string]any{"id": p.hubCluster} }, []string{"expertsServingCluster"}},
		benchCase{"small-cluster", q, func(p picks) map[string]any { return map[string]any{"id": p.smallCluster} }, []string{"expertsServingCluster"}},
	)
}

// Q2 (README.md, Analyst questions): which societies cooperate with which parks, and which clusters
// those parks' enterprises belong to.
func BenchmarkQ2_SocietyParkCooperation(b *testing.B) {
	const q = `query($first: Int) {
  societyParkCooperation(first: $first) {
    society { id name }
    park { id name }
    role year
    clusters { id name }
  }
}`
	run(b,
		benchCase{"first-100", q, vars("first", 100), []string{"societyParkCooperation"}},
		benchCase{"first-500", q, vars("first", 500), []string{"societyParkCooperation"}},
	)
}

// Q3 (README.md, Analyst questions): what plan item N launches, who runs it, who takes part.
func BenchmarkQ3_PlanItemReport(b *testing.B) {
	const byNumber = `query($year: Int, $number: Int) {
  planItemReport(year: $year, number: $number) {
    item { id name }
    programs { program { id name } role kind participantCount
      runBy { node { id name } relation }
      participants { node { id name } relation year } }
  }
}`
	const byID = `query($id: ID) {
  planItemReport(planItemId: $id) {
    item { id name }
    programs { program { id name } role kind participantCount
      runBy { node { id name } relation }
      participants { node { id name } relation year } }
  }
}`
	run(b,
		benchCase{"most-launches", byNumber, func(p picks) map[string]any {
			return map[string]any{"year": p.bigItemYear, "number": p.bigItemNumber}
		}, []string{"planItemReport", "programs"}},
		benchCase{"fewest-launches", byID, func(p picks) map[string]any { return map[string]any{"id": p.smallItem} },
			[]string{"planItemReport", "programs"}},
	)
}

// Q4 (README.md, Analyst questions): the overseas stations in country X, who liaises through them,
// which enterprises they reached.
func BenchmarkQ4_OverseasStationsIn(b *testing.B) {
	const byID = `query($id: ID) {
  overseasStationsIn(countryId: $id) {
    country { id name }
    stations { station { id name } liaisons { expert { id name } role enterprises { id name } } }
  }
}`
	const byName = `query($name: String) {
  overseasStationsIn(countryName: $name) {
    country { id name }
    stations { station { id name } liaisons { expert { id name } role enterprises { id name } } }
  }
}`
	run(b,
		benchCase{"most-stations", byID, func(p picks) map[string]any { return map[string]any{"id": p.bigCountry} },
			[]string{"overseasStationsIn", "stations"}},
		benchCase{"fewest-stations-by-name", byName, func(p picks) map[string]any { return map[string]any{"name": p.smallCountryName} },
			[]string{"overseasStationsIn", "stations"}},
	)
}

// Q5 (README.md, Analyst questions): how two entities are connected: shortest paths up to 4 hops.
func BenchmarkQ5_Paths(b *testing.B) {
	const q = `query($from: ID!, $to: ID!) {
  paths(from: $from, to: $to, maxHops: 4, first: 10) {
    length
    nodes { id name }
    relationships { type from to forward }
  }
}`
	run(b,
		benchCase{"hub-expert-hub-enterprise", q, func(p picks) map[string]any {
			return map[string]any{"from": p.hubExpert, "to": p.hubEnterprise}
		}, []string{"paths"}},
		benchCase{"leaf-expert-leaf-enterprise", q, func(p picks) map[string]any {
			return map[string]any{"from": p.leafExpert, "to": p.leafEnterprise}
		}, []string{"paths"}},
	)
}

// Q6 (README.md, Analyst questions): Chinese full-text search across all kinds, partial names included.
func BenchmarkQ6_Search(b *testing.B) {
	const q = `query($text: String!, $kinds: [NodeKind!]) {
  search(text: $text, kinds: $kinds, first: 20) { node { id name } score matchedField }
}`
	run(b,
		benchCase{"partial-name", q, vars("text", "生命健康"), []string{"search"}},
		benchCase{"every-enterprise", q, vars("text", "科技有限公司"), []string{"search"}},
		benchCase{"single-char", q, vars("text", "瑞"), []string{"search"}},
		benchCase{"kinds-filter", q, vars("text", "论坛", "kinds", []string{"Program"}), []string{"search"}},
	)
}

// Q7 (README.md, Analyst questions): counts and breakdowns.
func BenchmarkQ7_Breakdowns(b *testing.B) {
	run(b,
		benchCase{"experts-per-cluster", `{ expertsPerCluster { key { id name } count } }`, vars(), []string{"expertsPerCluster"}},
		benchCase{"enterprises-per-city", `{ enterprisesPerCity { key { id name } count } }`, vars(), []string{"enterprisesPerCity"}},
		benchCase{"programs-per-section", `{ programsPerSection(year: 2024) { key { id name } count } }`, vars(), []string{"programsPerSection"}},
	)
}

// Q8 (README.md, Analyst questions): the neighbourhood of an entity, depth 1–2, shaped for drawing.
func BenchmarkQ8_Neighborhood(b *testing.B) {
	const q = `query($id: ID!, $depth: Int) {
  neighborhood(id: $id, depth: $depth, limit: 100) {
    nodes { id kind label depth }
    edges { id source target type }
    truncated
  }
}`
	run(b,
		benchCase{"hub-depth-1", q, func(p picks) map[string]any { return map[string]any{"id": p.hubEnterprise, "depth": 1} },
			[]string{"neighborhood", "edges"}},
		benchCase{"hub-depth-2", q, func(p picks) map[string]any { return map[string]any{"id": p.hubEnterprise, "depth": 2} },
			[]string{"neighborhood", "edges"}},
		benchCase{"leaf-depth-2", q, func(p picks) map[string]any { return map[string]any{"id": p.leafExpert, "depth": 2} },
			[]string{"neighborhood", "edges"}},
	)
}

// A list with filters and a sort on properties that no index covers.
func BenchmarkList_FilteredSorted(b *testing.B) {
	run(b,
		benchCase{"experts", `{
  experts(where: {field: {in: ["人工智能", "集成电路"]}, title: {eq: "教授"}},
          orderBy: [{field: DISAMBIGUATION, direction: DESC}], first: 50) {
    totalCount
    nodes { id name title field }
    pageInfo { hasNextPage endCursor }
  }
}`, vars(), []string{"experts", "nodes"}},
		benchCase{"enterprises-name-contains", `{
  enterprises(name: "智芯", where: {category: {eq: "高新技术企业"}}, first: 50) {
    nodes { id name category }
    pageInfo { hasNextPage endCursor }
  }
}`, vars(), []string{"enterprises", "nodes"}},
	)
}

// Three levels of relationships under a list, 20 at each level: clusters →
// chains → enterprises → the experts serving them (one statement per level).
func BenchmarkNested_ClusterChainsEnterprisesExperts(b *testing.B) {
	run(b, benchCase{"20x20x20x20", `{
  industryClusters(first: 20) {
    nodes { id name
      parts(first: 20) { nodes { id name
        enterprises(first: 20) { nodes { id name
          servedBy(first: 20) { nodes { id name } } } } } } }
  }
}`, vars(), []string{"industryClusters", "nodes"}})
}

// Experts with some SERVES to an enterprise in a chain of the cluster: a
// relationship filter three levels deep.
func BenchmarkRelationshipFilter(b *testing.B) {
	const q = `query($id: ID!) {
  experts(where: {serves: {some: {chains: {some: {partOf: {some: {id: {eq: $id}}}}}}}}, first: 20) {
    nodes { id name }
    pageInfo { hasNextPage endCursor }
  }
}`
	run(b,
		benchCase{"hub-cluster", q, func(p picks) map[string]any { return map[string]any{"id": p.hubCluster} }, []string{"experts", "nodes"}},
		benchCase{"small-cluster", q, func(p picks) map[string]any { return map[string]any{"id": p.smallCluster} }, []string{"experts", "nodes"}},
	)
}

// node(id) for ids of several kinds: the last synthetic expert and the hub
// enterprise (among 100 000 and 30 000 of their kind on the default graph)
// and a curated program.
func BenchmarkLookupByID(b *testing.B) {
	const q = `query($id: ID!) {
  node(id: $id) { id name description provenance { sources createdAt } ... on Expert { title field } ... on Enterprise { creditCode category } }
}`
	run(b,
		benchCase{"last-expert", q, func(p picks) map[string]any { return map[string]any{"id": p.lastExpert} }, []string{"node"}},
		benchCase{"hub-enterprise", q, func(p picks) map[string]any { return map[string]any{"id": p.hubEnterprise} }, []string{"node"}},
		benchCase{"curated-program", q, vars("id", "program/wuxi-mashan-health-forum"), []string{"node"}},
	)
}
