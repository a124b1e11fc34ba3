// Package servetest runs `castgraph serve`, built from this checkout, as a
// process of its own on the tests' Neo4j (storetest's), for tests that need
// the real binary: attacks on it (hostile/), several replicas on one
// database (e2e/). It is for tests only.
package servetest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph/store/storetest"
)

// Server is a running castgraph serve.
type Server struct {
	URL   string
	Cmd   *exec.Cmd
	Token string // the admin token serve prints with -demo or -admin-token
	log   *syncBuffer
}

// Log is what the server wrote so far.
func (s *Server) Log() string { return s.log.String() }

// Options say how to run the server.
type Options struct {
	// Args follow `serve`, e.g. -demo.
	Args []string
	// Env is added to the test's environment (NEO4J_* and CASTGRAPH_ADDR are set).
	Env []string
	// AddressSpaceKB caps the process's virtual memory (ulimit -v); 0: no cap.
	AddressSpaceKB int
}

// Build compiles castgraph into the test's temporary directory and returns
// the binary's path.
func Build(t testing.TB) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..")
	bin := filepath.Join(t.TempDir(), "castgraph")
	build := exec.Command("go", "build", "-o", bin, "./cmd/castgraph")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build castgraph: %v\n%s", err, out)
	}
	return bin
}

var adminToken = regexp.MustCompile(`cgt_[A-Za-z0-9_-]{43}`)

// Start runs the binary's serve on a free loopback port and waits until
// /readyz answers 200; the server gets SIGINT when the test ends (and is
// killed if it has not stopped 15 s later), and its log is shown when the
// test failed.
func Start(t testing.TB, bin string, opts Options) *Server {
	t.Helper()
	c := storetest.Config(t) // the real Neo4j, started when needed
	addr := freeAddr(t)
	args := fmt.Sprintf("exec %q serve", bin)
	for _, a := range opts.Args {
		args += fmt.Sprintf(" %q", a)
	}
	if opts.AddressSpaceKB > 0 {
		// ulimit -v caps the address space of the process it execs.
		args = fmt.Sprintf("ulimit -v %d && %s", opts.AddressSpaceKB, args)
	}
	cmd := exec.Command("sh", "-c", args)
	// No drain delay when the test ends it (opts.Env may set one).
	cmd.Env = append(append(os.Environ(),
		"NEO4J_URI="+c.URI, "NEO4J_USER="+c.User, "NEO4J_PASSWORD="+c.Password, "NEO4J_DATABASE="+c.Database,
		"CASTGRAPH_ADDR="+addr, "CASTGRAPH_DRAIN_DELAY=0s"), opts.Env...)
	s := &Server{URL: "http://" + addr, Cmd: cmd, log: &syncBuffer{}}
	cmd.Stdout, cmd.Stderr = s.log, s.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start castgraph: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.Log())
		}
	})
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		res, err := http.Get(s.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				s.Token = adminToken.FindString(s.Log())
				return s
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("castgraph did not get ready: %v\n%s", err, s.Log())
		}
	}
}

func freeAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer is the server's output, written by the process and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
