package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// clusterWorld loads a cluster of its own, tagged, and forgets it at the end:
//
//	chains k1, k2, k3 PART_OF cluster c (k3 has no enterprise); cluster d is empty
//	e1 IN_CHAIN k1; e2 IN_CLUSTER c; e3 IN_CHAIN k1 and k2 and IN_CLUSTER c;
//	e4 tied to nothing; e5 IN_CHAIN k2
//	x1 SERVES e1; x2 SERVES e2; x3 SERVES e3; x4 SERVES e4; x5 SERVES e1 and e2;
//	x6 AFFILIATED_WITH e2
//	society s COOPERATES_WITH park p; e2 and e4 are LOCATED_IN p
//
// Hand-computed: c is served by x1, x2, x3, x5 (4; 5 with x6 affiliated);
// its enterprises are e1, e2, e3, e5 (4), e2 and e3 directly (2), e1, e3, e5
// through chains (3); 2 of its 3 chains have enterprises; p's enterprises
// belong to c only, through e2 (directly).
func clusterWorld(t *testing.T) (s *store.Store, tag string, id func(string) string) {
	t.Helper()
	s = storetest.MustOpen(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	tag = "t" + hex.EncodeToString(b)
	t.Cleanup(func() { storetest.Forget(t, tag) })
	src := "cluster test " + tag
	id = func(x string) string {
		kinds := map[byte]castgraph.Kind{'c': castgraph.KindIndustryCluster, 'd': castgraph.KindIndustryCluster, 'k': castgraph.KindIndustryChain,
			'e': castgraph.KindEnterprise, 'x': castgraph.KindExpert, 's': castgraph.KindSociety, 'p': castgraph.KindPark}
		return kinds[x[0]].Slug() + "/" + tag + "-" + x
	}
	d := &castgraph.Dataset{Source: src}
	for _, x := range []string{"c", "d", "k1", "k2", "k3", "e1", "e2", "e3", "e4", "e5", "x1", "x2", "x3", "x4", "x5", "x6", "s", "p"} {
		kind := castgraph.Kind(strings.SplitN(id(x), "/", 2)[0])
		for _, k := range castgraph.Kinds {
			if k.Kind.Slug() == string(kind) {
				kind = k.Kind
			}
		}
		d.Nodes = append(d.Nodes, castgraph.DatasetNode{ID: id(x), Kind: kind, Name: x + " " + tag, Source: src})
	}
	for _, r := range [][3]string{
		{"PART_OF", "k1", "c"}, {"PART_OF", "k2", "c"}, {"PART_OF", "k3", "c"},
		{"IN_CHAIN", "e1", "k1"}, {"IN_CLUSTER", "e2", "c"}, {"IN_CHAIN", "e3", "k1"}, {"IN_CHAIN", "e3", "k2"}, {"IN_CLUSTER", "e3", "c"},
		{"IN_CHAIN", "e5", "k2"},
		{"SERVES", "x1", "e1"}, {"SERVES", "x2", "e2"}, {"SERVES", "x3", "e3"}, {"SERVES", "x4", "e4"}, {"SERVES", "x5", "e1"}, {"SERVES", "x5", "e2"},
		{"AFFILIATED_WITH", "x6", "e2"},
		{"COOPERATES_WITH", "s", "p"}, {"LOCATED_IN", "e2", "p"}, {"LOCATED_IN", "e4", "p"},
	} {
		d.Relationships = append(d.Relationships, castgraph.DatasetRelship{Type: castgraph.RelType(r[0]), From: id(r[1]), To: id(r[2]), Source: src})
	}
	if _, err := s.Load(context.Background(), d); err != nil {
		t.Fatalf("load: %v", err)
	}
	return s, tag, id
}

func TestClusterQuestions_CountEnterprisesTiedEitherWayOnce(t *testing.T) {
	s, tag, id := clusterWorld(t)
	ctx := context.Background()
	short := func(n *castgraph.Node) string { return strings.TrimSuffix(n.Name, " "+tag) }

	rows, err := s.ExpertsServingCluster(ctx, id("c"), 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		var es, cs []string
		for _, e := range r.Enterprises {
			es = append(es, short(e))
		}
		for _, c := range r.Chains {
			cs = append(cs, short(c))
		}
		got = append(got, fmt.Sprintf("%s[%s|%s]", short(r.Expert), strings.Join(es, ","), strings.Join(cs, ",")))
	}
	want := "x1[e1|k1] x2[e2|] x3[e3|k1,k2] x5[e1,e2|k1]"
	if strings.Join(got, " ") != want {
		t.Errorf("experts serving c: %v, want %s", got, want)
	}
	if rows, err := s.ExpertsServingCluster(ctx, id("d"), 50); err != nil || len(rows) != 0 {
		t.Errorf("experts serving d: %v, %v", rows, err)
	}

	for _, c := range []struct {
		affiliated bool
		want       int
	}{{false, 4}, {true, 5}} {
		counts, err := s.ExpertsPerCluster(ctx, c.affiliated, nil, "cluster test "+tag, 500)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]int{}
		for _, n := range counts {
			byID[n.Node.ID] = n.Count
		}
		if byID[id("c")] != c.want || byID[id("d")] != 0 {
			t.Errorf("experts per cluster (affiliated %v): c %d, d %d; want %d, 0", c.affiliated, byID[id("c")], byID[id("d")], c.want)
		}
	}

	cov, err := s.ClusterCoverage(ctx, id("c"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.ClusterCoverage{Chains: 3, ChainsWithEnterprises: 2, Enterprises: 4, EnterprisesDirect: 2, EnterprisesViaChains: 3, ServingExperts: 4}); cov != want {
		t.Errorf("coverage of c: %+v, want %+v", cov, want)
	}
	if cov, err := s.ClusterCoverage(ctx, id("d")); err != nil || cov != (store.ClusterCoverage{}) {
		t.Errorf("coverage of d: %+v, %v", cov, err)
	}
	if cov, err := s.ClusterCoverage(ctx, id("e1")); err != nil || cov != (store.ClusterCoverage{}) {
		t.Errorf("coverage of an enterprise: %+v, %v", cov, err)
	}

	coops, err := s.SocietyParkCooperation(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(coops, func(c store.Cooperation) bool { return c.Society.ID == id("s") })
	if i < 0 || len(coops[i].Clusters) != 1 || coops[i].Clusters[0].ID != id("c") {
		t.Errorf("the park's clusters: %+v", coops)
	}
}

func TestRegions_LoadWithCodesAndEachCountyInItsCity(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	d, err := data.Seed()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	// Loading again changes nothing: the divisions merge on their codes.
	again, err := s.Load(ctx, d)
	if err != nil || again.NodesCreated != 0 || again.RelationshipsCreated != 0 {
		t.Fatalf("second load: %+v, %v", again, err)
	}
	row := storetest.Query(t, `MATCH (k:Region {code: '320583'})-[:LOCATED_IN]->(c:Region)-[:LOCATED_IN]->(p:Region)
		RETURN k.id AS k, k.name AS name, k.key AS key, c.id AS c, c.code AS cc, p.id AS p`, nil)
	if len(row) != 1 || row[0]["k"] != "region/320583" || row[0]["name"] != "昆山市" || row[0]["key"] != "320583" ||
		row[0]["c"] != "region/suzhou" || row[0]["cc"] != "320500" || row[0]["p"] != "region/jiangsu" {
		t.Errorf("昆山市: %v", row)
	}
	// Every county lies in the city whose code it starts with; 鼓楼区 is two nodes.
	n := storetest.Query(t, `MATCH (k:Region {regionType: 'COUNTY'}) WHERE k.code STARTS WITH '32'
		OPTIONAL MATCH (k)-[:LOCATED_IN]->(c:Region {regionType: 'CITY'}) WHERE substring(c.code, 0, 4) = substring(k.code, 0, 4)
		RETURN count(k) AS counties, count(c) AS inCity, count(CASE WHEN k.name = '鼓楼区' THEN 1 END) AS gulou`, nil)
	if n[0]["counties"] != int64(95) || n[0]["inCity"] != int64(95) || n[0]["gulou"] != int64(2) {
		t.Errorf("counties: %v", n[0])
	}
}

// A graph loaded before regions were keyed by code holds a city under its
// name; AdoptKeys lets the coded dataset load onto it instead of failing on
// the id.
func TestAdoptKeys_OldRegionKeysTakeTheCode(t *testing.T) {
	s := storetest.MustOpen(t)
	ctx := context.Background()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	tag := "t" + hex.EncodeToString(b)
	t.Cleanup(func() { storetest.Forget(t, tag) })
	src := "adopt test " + tag
	id, name := "region/"+tag+"-city", "旧键市"+tag
	// As an older build wrote it: no code, keyed by the name.
	storetest.Exec(t, `CREATE (:Entity:Region {id: $id, key: $name, name: $name, regionType: 'CITY', sources: [$src]})`,
		map[string]any{"id": id, "name": name, "src": src})
	code := "329" + fmt.Sprintf("%03d", int(b[0])%1000)
	d := &castgraph.Dataset{Source: src, Nodes: []castgraph.DatasetNode{{ID: id, Kind: castgraph.KindRegion, Name: name,
		Props: map[string]any{"regionType": "CITY", "code": code}, Source: src}}}
	if _, err := s.Load(ctx, d); err == nil {
		t.Fatal("loading onto the old key should fail on the id without AdoptKeys")
	}
	n, err := s.AdoptKeys(ctx, d)
	if err != nil || n != 1 {
		t.Fatalf("AdoptKeys: %d, %v", n, err)
	}
	if n, err := s.AdoptKeys(ctx, d); err != nil || n != 0 {
		t.Fatalf("AdoptKeys again: %d, %v", n, err)
	}
	stats, err := s.Load(ctx, d)
	if err != nil || stats.NodesCreated != 0 {
		t.Fatalf("load: %+v, %v", stats, err)
	}
	row := storetest.Query(t, `MATCH (r:Region {id: $id}) RETURN r.key AS key, r.code AS code, count { (:Region {name: $name}) } AS same`, map[string]any{"id": id, "name": name})
	if len(row) != 1 || row[0]["key"] != code || row[0]["code"] != code || row[0]["same"] != int64(1) {
		t.Errorf("after the load: %v", row)
	}
}

// AdoptKeys runs on every part of a streamed load, so its statement must
// seek each row by id: a plan that scans the kind's nodes once a row is
// quadratic (a dump's 5 000-node part against 25 000 enterprises took over
// two minutes). Which plan Neo4j makes depends on the statistics it plans
// with (an empty database's made it scan), so the statement fixes the seek
// with a hint; this checks that Neo4j's plan starts from that seek and
// scans nothing.
func TestAdoptKeys_SeeksEachRowByID(t *testing.T) {
	storetest.MustOpen(t) // the schema, with its indexes
	c := storetest.Config(t)
	ctx := context.Background()
	driver, err := neo4j.NewDriverWithContext(c.URI, neo4j.BasicAuth(c.User, c.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer driver.Close(ctx)
	checked := 0
	for _, ks := range castgraph.Kinds {
		if len(ks.KeyProps) == 0 {
			continue
		}
		// PROFILE (EXPLAIN's plan comes back through the driver with its
		// children mixed up); the id matches no node, so nothing is written.
		res, err := neo4j.ExecuteQuery(ctx, driver, "PROFILE "+store.AdoptKeysCypher(ks.Kind),
			map[string]any{"rows": []any{map[string]any{"id": "adopt-test/none", "key": "y"}}}, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithDatabase(c.Database))
		if err != nil {
			t.Fatalf("%s: %v", ks.Kind, err)
		}
		var ops []string
		seek := false
		var walk func(p neo4j.ProfiledPlan)
		walk = func(p neo4j.ProfiledPlan) {
			ops = append(ops, p.Operator())
			details, _ := p.Arguments()["Details"].(string)
			seek = seek || strings.HasPrefix(p.Operator(), "NodeUniqueIndexSeek") && strings.Contains(details, "n:Entity(id)")
			for _, child := range p.Children() {
				walk(child)
			}
		}
		walk(res.Summary.Profile())
		if !seek {
			t.Errorf("%s: no seek of the id index for n: %v", ks.Kind, ops)
		}
		for _, op := range ops {
			if strings.Contains(op, "Scan") {
				t.Errorf("%s: the plan scans (%s): %v", ks.Kind, op, ops)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no kind with a key made of properties")
	}
}
