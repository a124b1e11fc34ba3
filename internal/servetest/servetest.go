// Package servetest runs `castgraph serve`, built from this checkout, as a
// process of its own on the tests' Neo4j (storetest's), for tests that need
// the real binary: attacks on it (hostile/), several replicas on one
// database (e2e/); Run and FreeAddr run any castgraph command line, for
// tests of how the image runs it (deploy/). It is for tests only.
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
	*Process
	Token string // the admin token serve prints with -demo or -admin-token
}

// Process is a castgraph process a test runs, with its output kept.
type Process struct {
	URL  string // http:// and the address it listens on
	Cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	err  error // of Wait, once done is closed
}

// Log is what the process wrote so far.
func (p *Process) Log() string { return p.log.String() }

// Exited is closed once the process has exited.
func (p *Process) Exited() <-chan struct{} { return p.done }

// Err waits for the process to exit and returns what Wait returned.
func (p *Process) Err() error {
	<-p.done
	return p.err
}

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

// Start runs the binary's serve on a free loopback port of the tests'
// Neo4j and waits until it is ready (Run).
func Start(t testing.TB, bin string, opts Options) *Server {
	t.Helper()
	c := storetest.Config(t) // the real Neo4j, started when needed
	addr := FreeAddr(t)
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
	p := Run(t, cmd, addr)
	return &Server{Process: p, Token: adminToken.FindString(p.Log())}
}

// Run starts cmd, a castgraph that listens on addr, keeping its output,
// and waits until /readyz answers 200; the test fails if the process exits
// first or is not ready within 90 s. When the test ends, a process still
// running gets SIGINT (and is killed if it has not stopped 15 s later), and
// its output is shown when the test failed.
func Run(t testing.TB, cmd *exec.Cmd, addr string) *Process {
	t.Helper()
	p := &Process{URL: "http://" + addr, Cmd: cmd, log: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start castgraph: %v", err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Signal(os.Interrupt)
			select {
			case <-p.done:
			case <-time.After(15 * time.Second):
				_ = cmd.Process.Kill()
				<-p.done
			}
		}
		if t.Failed() {
			t.Logf("castgraph's output:\n%s", p.Log())
		}
	})
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		res, err := http.Get(p.URL + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("castgraph exited at start: %v\n%s", p.err, p.Log())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("castgraph did not get ready: %v\n%s", err, p.Log())
		}
	}
}

// FreeAddr is a loopback address with a port nothing listens on.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// syncBuffer is a process's output, written by it and read by the test.
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
