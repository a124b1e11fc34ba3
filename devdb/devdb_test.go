package devdb_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph/devdb"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// logWriter sends Ensure's progress lines to the test log.
type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestEnsureShared uses the default-home server that other packages' tests
// share, so it never stops it.
func TestEnsureShared(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Neo4j (skipped under -short)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	t0 := time.Now()
	srv, err := devdb.Ensure(ctx, devdb.Options{Log: logWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first Ensure: started=%v in %s", srv.Started, time.Since(t0).Round(time.Millisecond))

	t1 := time.Now()
	again, err := devdb.Ensure(ctx, devdb.Options{})
	reuse := time.Since(t1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("second Ensure: %s", reuse.Round(time.Millisecond))
	if again.Started {
		t.Error("second Ensure started a new server instead of reusing the first")
	}
	if again.URI != srv.URI || again.Password != srv.Password || again.Home != srv.Home {
		t.Errorf("second Ensure = %+v, want the same server as %+v", again, srv)
	}
	if reuse > 5*time.Second {
		t.Errorf("reusing the server took %s, want well under 5s", reuse)
	}

	for _, uri := range []string{srv.URI, strings.Replace(srv.URI, "bolt://", "neo4j://", 1)} {
		if got := returnOne(ctx, t, uri, srv); got != int64(1) {
			t.Errorf("RETURN 1 over %s = %v", uri, got)
		}
	}

	fi, err := os.Stat(filepath.Join(srv.Home, "password"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("password file mode = %v, want 0600", fi.Mode().Perm())
	}

	running, uri, err := devdb.Status(devdb.Options{})
	if err != nil || !running || uri != srv.URI {
		t.Errorf("Status() = %v, %q, %v; want true, %q, nil", running, uri, err, srv.URI)
	}
}

func returnOne(ctx context.Context, t *testing.T, uri string, srv *devdb.Server) any {
	t.Helper()
	d, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(srv.User, srv.Password, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, d, "RETURN 1 AS one", nil, neo4j.EagerResultTransformer)
	if err != nil {
		t.Fatalf("RETURN 1 over %s: %v", uri, err)
	}
	v, _ := res.Records[0].Get("one")
	return v
}

func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	_, err = devdb.Ensure(context.Background(), devdb.Options{Home: t.TempDir(), BoltPort: port})
	if err == nil {
		t.Fatal("Ensure on an occupied port succeeded")
	}
	if !strings.Contains(err.Error(), "already in use by another process") ||
		!strings.Contains(err.Error(), "CASTGRAPH_BOLT_PORT") {
		t.Errorf("Ensure on an occupied port: %v; want the port-in-use error", err)
	}
}

// TestStop runs a second, short-lived server in its own home and port.
func TestStop(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Neo4j (skipped under -short)")
	}
	// Smaller than the default, which also shows the sizes are configurable.
	opts := devdb.Options{Home: t.TempDir(), BoltPort: freePort(t), Log: logWriter{t}, HeapSize: "768m", PageCacheSize: "64m"}
	t.Cleanup(func() { _ = devdb.Stop(opts) }) // if the test fails half way

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, err := devdb.Ensure(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !srv.Started {
		t.Error("Ensure in a fresh home reused a server")
	}
	if running, _, err := devdb.Status(opts); !running || err != nil {
		t.Fatalf("Status before Stop = %v, %v", running, err)
	}
	conf, err := os.ReadFile(filepath.Join(opts.Home, "conf", "neo4j.conf"))
	if err != nil || !strings.Contains(string(conf), "server.memory.heap.max_size=768m\n") ||
		!strings.Contains(string(conf), "server.memory.pagecache.size=64m\n") {
		t.Errorf("neo4j.conf does not have the sizes asked for (%v):\n%s", err, conf)
	}
	if err := devdb.Stop(opts); err != nil {
		t.Fatal(err)
	}
	if running, uri, err := devdb.Status(opts); running || uri != "" || err != nil {
		t.Errorf("Status after Stop = %v, %q, %v; want false, \"\", nil", running, uri, err)
	}
	if _, err := os.Stat(filepath.Join(opts.Home, "run", "neo4j.pid")); !os.IsNotExist(err) {
		t.Errorf("pid file still there after Stop (%v)", err)
	}
	if c, err := net.Dial("tcp", srv.URI[len("bolt://"):]); err == nil {
		c.Close()
		t.Error("Bolt port still open after Stop")
	}
	if err := devdb.Stop(opts); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func TestEnsure_RejectsBadMemorySizes(t *testing.T) {
	for _, opts := range []devdb.Options{
		{Home: t.TempDir(), HeapSize: "lots"},
		{Home: t.TempDir(), PageCacheSize: "2 GB"},
	} {
		_, err := devdb.Ensure(context.Background(), opts)
		if err == nil || !strings.Contains(err.Error(), "is not a memory size") {
			t.Errorf("Ensure(%+v) = %v, want a memory size error", opts, err)
		}
	}
	t.Setenv("CASTGRAPH_NEO4J_HEAP", "4gb")
	if _, err := devdb.Ensure(context.Background(), devdb.Options{Home: t.TempDir()}); err == nil ||
		!strings.Contains(err.Error(), "CASTGRAPH_NEO4J_HEAP") {
		t.Errorf("CASTGRAPH_NEO4J_HEAP=4gb: %v", err)
	}
}
