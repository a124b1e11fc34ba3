// Package devdb runs a local Neo4j Community 5.26 server for development and
// tests, so that `go test ./...` works on a fresh checkout with nothing but
// Java 17 (or 21+) and Maven installed.
//
// Ensure starts the server on first use – fetching the Neo4j jars from Maven
// Central with mvn into a per-user cache – or reuses the one already running.
// The server deliberately outlives the process that started it, so the next
// test run finds it warm; Stop shuts it down.
//
// What it must not do: it is not a way to run Neo4j in production. It only
// listens on 127.0.0.1, keeps its data in a throw-away directory (Home/data,
// deleting it starts over), never stops or reconfigures a Neo4j it did not
// start, and never uses a port some other process holds. Callers that honour
// NEO4J_URI should call Ensure only when NEO4J_URI is unset.
package devdb

import (
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// pomXML lists the Neo4j jars; embedded so Ensure works from any directory
// (test binaries run in their package's folder, tools from anywhere).
//
//go:embed pom.xml
var pomXML []byte

const (
	neo4jVersion    = "5.26.30"
	mainClass       = "org.neo4j.server.CommunityEntryPoint"
	defaultBoltPort = 7687
	user            = "neo4j"
	modulePath      = "github.com/castgraph/castgraph"

	startTimeout = 120 * time.Second
	stopTimeout  = 60 * time.Second
)

// Options says where the server lives. The zero value is what tests and
// tools normally use.
type Options struct {
	Home     string    // Neo4j home (conf/, data/, logs/, run/ + password file); default DefaultHome()
	CacheDir string    // where jars are cached; default $XDG_CACHE_HOME or ~/.cache + /castgraph/neo4j-5.26.30/lib
	BoltPort int       // default 7687, env CASTGRAPH_BOLT_PORT overrides the default
	Log      io.Writer // progress lines for humans; may be nil
	// HeapSize and PageCacheSize size a server this call starts (a running
	// one is reused as it is), in Neo4j's notation: "4g", "512m". Defaults:
	// 1g and 512m, or env CASTGRAPH_NEO4J_HEAP and CASTGRAPH_NEO4J_PAGECACHE.
	HeapSize, PageCacheSize string
}

// Server is a running local Neo4j and how to log in to it.
type Server struct {
	URI, User, Password, Home string
	Started                   bool // false when an already running server was reused
	Pid                       int  // the Neo4j process, for tools that watch it
}

// env is Options with every default filled in.
type env struct {
	home      string
	cacheDir  string
	port      int
	log       io.Writer
	heap      string
	pageCache string
}

var memorySizeRe = regexp.MustCompile(`^[1-9][0-9]*[kmgKMG]?$`)

// memorySize picks the size given, else the env variable's, else the default.
func memorySize(given, envName, fallback string) (string, error) {
	src := "the size"
	if given == "" {
		given, src = os.Getenv(envName), envName
	}
	if given == "" {
		return fallback, nil
	}
	if !memorySizeRe.MatchString(given) {
		return "", fmt.Errorf("devdb: %s=%q is not a memory size like 4g or 512m", src, given)
	}
	return strings.ToLower(given), nil
}

func (o Options) resolve() (*env, error) {
	e := &env{home: o.Home, cacheDir: o.CacheDir, port: o.BoltPort, log: o.Log}
	var err error
	if e.heap, err = memorySize(o.HeapSize, "CASTGRAPH_NEO4J_HEAP", defaultHeapSize); err != nil {
		return nil, err
	}
	if e.pageCache, err = memorySize(o.PageCacheSize, "CASTGRAPH_NEO4J_PAGECACHE", defaultPageCacheSize); err != nil {
		return nil, err
	}
	if e.home == "" {
		e.home = DefaultHome()
	}
	if e.cacheDir == "" {
		base := os.Getenv("XDG_CACHE_HOME")
		if base == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return nil, fmt.Errorf("devdb: cannot find a cache directory (set XDG_CACHE_HOME or Options.CacheDir): %w", err)
			}
			base = filepath.Join(h, ".cache")
		}
		e.cacheDir = filepath.Join(base, "castgraph", "neo4j-"+neo4jVersion, "lib")
	}
	if e.port == 0 {
		e.port = defaultBoltPort
		if s := os.Getenv("CASTGRAPH_BOLT_PORT"); s != "" {
			p, err := strconv.Atoi(s)
			if err != nil || p < 1 || p > 65535 {
				return nil, fmt.Errorf("devdb: CASTGRAPH_BOLT_PORT=%q is not a port number", s)
			}
			e.port = p
		}
	}
	// Absolute paths: they go into neo4j.conf and are compared with the
	// running process's command line.
	if e.home, err = filepath.Abs(e.home); err != nil {
		return nil, err
	}
	// One spelling per directory, whichever symlinked path led here.
	if real, err := filepath.EvalSymlinks(e.home); err == nil {
		e.home = real
	}
	if e.cacheDir, err = filepath.Abs(e.cacheDir); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *env) logf(format string, args ...any) {
	if e.log != nil {
		fmt.Fprintf(e.log, format+"\n", args...)
	}
}

func (e *env) path(elem ...string) string {
	return filepath.Join(append([]string{e.home}, elem...)...)
}

func (e *env) pidFile() string      { return e.path("run", "neo4j.pid") }
func (e *env) passwordFile() string { return e.path("password") }
func (e *env) confFile() string     { return e.path("conf", "neo4j.conf") }
func (e *env) consoleLog() string   { return e.path("logs", "console.log") }

func boltURI(port int) string { return fmt.Sprintf("bolt://127.0.0.1:%d", port) }

// DefaultHome is where the local Neo4j keeps its files: .neo4j in the
// castgraph checkout containing the working directory, so each checkout has
// its own database; outside a checkout, a per-user data directory.
// CASTGRAPH_NEO4J_HOME overrides both.
func DefaultHome() string {
	if h := os.Getenv("CASTGRAPH_NEO4J_HOME"); h != "" {
		return h
	}
	if dir, err := os.Getwd(); err == nil {
		for {
			if isCastgraphModule(filepath.Join(dir, "go.mod")) {
				return filepath.Join(dir, ".neo4j")
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	base := os.Getenv("XDG_DATA_HOME")
	if base == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			h = os.TempDir()
		}
		base = filepath.Join(h, ".local", "share")
	}
	return filepath.Join(base, "castgraph", "neo4j")
}

func isCastgraphModule(goMod string) bool {
	b, err := os.ReadFile(goMod)
	if err != nil {
		return false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(first) == "module "+modulePath
}

// Ensure returns a running local Neo4j, starting it if needed. It is safe to
// call from several processes at once: they serialise on Home/ensure.lock and
// all but the first reuse the server the first one started.
func Ensure(ctx context.Context, opts Options) (*Server, error) {
	e, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(e.home, 0o700); err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	unlock, err := lockFile(ctx, e.path("ensure.lock"), func() {
		e.logf("waiting for another process that is starting Neo4j in %s…", e.home)
	})
	if err != nil {
		return nil, fmt.Errorf("devdb: locking %s: %w", e.path("ensure.lock"), err)
	}
	defer unlock()

	password, err := e.loadOrCreatePassword()
	if err != nil {
		return nil, err
	}
	if pid, ok := e.runningPid(); ok {
		return e.reuse(ctx, pid, password)
	}
	// A pid file naming a dead (or recycled) pid is left over from a crash
	// or reboot.
	_ = os.Remove(e.pidFile())
	return e.start(ctx, password)
}

// reuse connects to the server a previous Ensure started. It may still be
// starting (its starter gave up waiting), so this waits like a cold start.
func (e *env) reuse(ctx context.Context, pid int, password string) (*Server, error) {
	if port := e.runningPort(); port != 0 && port != e.port {
		return nil, fmt.Errorf("devdb: the local Neo4j in %s (pid %d) runs on port %d, not %d; stop it first (devdb.Stop) or ask for port %d",
			e.home, pid, port, e.port, port)
	}
	t0 := time.Now()
	authErr, err := e.waitForBolt(ctx, proc{pid: pid}, password)
	if err != nil {
		return nil, err
	}
	if authErr != nil {
		if err := e.setInitialPassword(ctx, password); err != nil {
			return nil, err
		}
	}
	uri := boltURI(e.port)
	e.logf("reusing Neo4j on %s (pid %d, checked in %s)", uri, pid, time.Since(t0).Round(time.Millisecond))
	return &Server{URI: uri, User: user, Password: password, Home: e.home, Pid: pid}, nil
}

// Stop shuts the local Neo4j down cleanly: SIGTERM to its process group,
// up to a minute for it to finish, then SIGKILL. Not running is not an error.
func Stop(opts Options) error {
	e, err := opts.resolve()
	if err != nil {
		return err
	}
	if _, err := os.Stat(e.home); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	// Waits for an Ensure in progress rather than killing a half-started
	// server under it.
	unlock, err := lockFile(context.Background(), e.path("ensure.lock"), func() {
		e.logf("waiting for another process that is starting Neo4j in %s…", e.home)
	})
	if err != nil {
		return fmt.Errorf("devdb: locking %s: %w", e.path("ensure.lock"), err)
	}
	defer unlock()

	pid, ok := e.runningPid()
	if !ok {
		_ = os.Remove(e.pidFile())
		return nil
	}
	e.logf("stopping Neo4j (pid %d)…", pid)
	t0 := time.Now()
	// Setsid made the java process a group leader, so -pid is its group.
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	if !waitGone(pid, e.home, stopTimeout) {
		e.logf("Neo4j did not stop within %s; killing it", stopTimeout)
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		if !waitGone(pid, e.home, 10*time.Second) {
			return fmt.Errorf("devdb: Neo4j (pid %d) survived SIGKILL", pid)
		}
	}
	if err := os.Remove(e.pidFile()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("devdb: %w", err)
	}
	e.logf("Neo4j stopped (%s)", time.Since(t0).Round(100*time.Millisecond))
	return nil
}

// Status reports whether the local Neo4j is running and answering Bolt with
// the stored password. A server process that exists but does not answer
// (still starting, or wedged) gives running=false and an error saying so.
func Status(opts Options) (running bool, uri string, err error) {
	e, err := opts.resolve()
	if err != nil {
		return false, "", err
	}
	pid, ok := e.runningPid()
	if !ok {
		return false, "", nil
	}
	port := e.runningPort()
	if port == 0 {
		port = e.port
	}
	uri = boltURI(port)
	b, err := os.ReadFile(e.passwordFile())
	if err != nil {
		return false, "", fmt.Errorf("devdb: Neo4j (pid %d) is running but its password is unreadable: %w", pid, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := verify(ctx, uri, user, strings.TrimSpace(string(b))); err != nil {
		return false, "", fmt.Errorf("devdb: Neo4j (pid %d) is running but does not answer on %s: %w", pid, uri, err)
	}
	return true, uri, nil
}
