package graph_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/devdb"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

func TestPaging_CursorsWalkEveryNodeOnce(t *testing.T) {
	a := newAPI(t)
	var names, ids []string
	after, total := "", -1.0
	for page := 0; page < 100; page++ {
		d := a.ok(t, `query($after: String) { programs(first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }`,
			map[string]any{"after": after})
		total = get(d, "programs", "totalCount").(float64)
		for _, e := range list(d, "programs", "edges") {
			names = append(names, str(e, "node", "name"))
			ids = append(ids, str(e, "node", "id"))
		}
		if get(d, "programs", "pageInfo", "hasNextPage") != true {
			break
		}
		after = str(d, "programs", "pageInfo", "endCursor")
	}
	if float64(len(ids)) != total || total < 30 {
		t.Fatalf("walked %d programs, totalCount %v", len(ids), total)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("%s appeared twice", id)
		}
		seen[id] = true
	}
	if !sort.StringsAreSorted(names) {
		t.Errorf("not in name order")
	}
}

func TestHealth_ReadyWhenMigrated(t *testing.T) {
	a := newAPI(t)
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		res, err := http.Get(a.url + path)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != 200 || body["status"] != want {
			t.Errorf("%s: %d %v", path, res.StatusCode, body)
		}
	}
}

// TestSchemes_BoltAndNeo4j shows that both URI schemes work: bolt:// talks to
// one server, neo4j:// asks it for a routing table first, as with a cluster.
func TestSchemes_BoltAndNeo4j(t *testing.T) {
	newAPI(t) // the demo data is loaded
	base := storetest.Config(t)
	fifty := 50
	for _, scheme := range []string{"bolt", "neo4j"} {
		t.Run(scheme, func(t *testing.T) {
			c := base
			c.URI = scheme + "://" + strings.SplitN(base.URI, "://", 2)[1]
			s := storetest.MustOpenWith(t, c)
			page, err := s.List(context.Background(), "PlanItem", &store.Plan{Window: store.Window{First: &fifty}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Nodes) != 21 {
				t.Errorf("%d plan items over %s://", len(page.Nodes), scheme)
			}
			if _, err := s.Create(context.Background(), "Region", castgraphInput(unique("测试地区"))); err != nil {
				t.Errorf("write over %s://: %v", scheme, err)
			}
		})
	}
}

func TestDeadDatabase_IsUnavailableNotAPanic(t *testing.T) {
	t.Run("nothing listens", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err = store.Open(ctx, store.Config{URI: "bolt://" + addr, User: "neo4j", Password: "x"}, storetest.Logger())
		if err == nil || !strings.Contains(err.Error(), "UNAVAILABLE") {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("the database dies under a running server", func(t *testing.T) {
		if testing.Short() {
			t.Skip("starts Neo4j (skipped under -short)")
		}
		// A Neo4j of this test's own, so that stopping it disturbs no other test.
		opts := devdb.Options{Home: filepath.Join(t.TempDir(), "neo4j"), BoltPort: freePort(t)}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		srv, err := devdb.Ensure(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = devdb.Stop(opts) })
		s := storetest.MustOpenWith(t, store.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: "neo4j"})
		h := httptest.NewServer(graph.NewHTTPHandler(s, graph.Options{Log: storetest.Logger()}))
		defer h.Close()
		a := &api{url: h.URL, store: s}
		a.ok(t, `{ experts { totalCount } }`, nil)

		if err := devdb.Stop(opts); err != nil {
			t.Fatal(err)
		}
		e := a.fails(t, "UNAVAILABLE", "", `{ experts { totalCount } }`, nil)
		if len(e.Path) == 0 || e.Path[0] != "experts" {
			t.Errorf("error has no path: %+v", e)
		}
		res, err := http.Get(h.URL + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("/readyz = %d with the database down", res.StatusCode)
		}
	})
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func castgraphInput(name string) castgraph.NodeInput {
	return castgraph.NodeInput{Name: &name, Props: map[string]any{"regionType": "AREA"}}
}
