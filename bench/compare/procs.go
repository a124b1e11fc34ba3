package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proc is a server this run started; stop ends it (and only it: its own
// process group, which it leads).
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

func start(name, dir, logPath string, env []string, argv ...string) (*proc, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	logf("started %s (pid %d, log %s)", name, cmd.Process.Pid, logPath)
	return p, nil
}

func (p *proc) running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// stop sends SIGTERM to the process group and, after 10 s, SIGKILL.
func (p *proc) stop() {
	if !p.running() {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
	logf("stopped %s", p.name)
}

// tail is the end of the log, for error messages.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls ready until it says yes, the process exits or the time is up.
func waitReady(ctx context.Context, p *proc, timeout time.Duration, ready func(context.Context) bool) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		if ready(ctx) {
			return nil
		}
		if !p.running() {
			return fmt.Errorf("%s exited before it was ready; the end of its log:\n%s", p.name, p.tail())
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s was not ready after %s; the end of its log:\n%s", p.name, timeout, p.tail())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func neo4jEnv(c conn) []string {
	env := withoutEnv(os.Environ(), "NEO4J_URI", "NEO4J_USER", "NEO4J_PASSWORD", "NEO4J_DATABASE")
	return append(env, "NEO4J_URI="+c.URI, "NEO4J_USER="+c.User, "NEO4J_PASSWORD="+c.Password, "NEO4J_DATABASE="+c.Database)
}

// startCastgraph builds cmd/castgraph of this checkout and runs `castgraph
// serve` on a free loopback port against the benchmark database. It builds
// first rather than `go run` so that the server is the process stopped at
// the end, not a go command with a child.
func startCastgraph(ctx context.Context, root, work string, c conn) (*proc, string, error) {
	bin := filepath.Join(work, "castgraph")
	logf("building cmd/castgraph")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/castgraph")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return nil, "", fmt.Errorf("go build ./cmd/castgraph: %w", err)
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	// The load generator is one client sending thousands of requests a
	// second: the per-client rate limit would measure itself.
	env := append(neo4jEnv(c), "CASTGRAPH_ADDR="+addr, "CASTGRAPH_RATE_LIMIT=off")
	p, err := start("castgraph", root, filepath.Join(work, "castgraph.log"), env, bin, "serve", "-addr", addr)
	if err != nil {
		return nil, "", err
	}
	base := "http://" + addr
	err = waitReady(ctx, p, 2*time.Minute, func(ctx context.Context) bool {
		return httpOK(ctx, http.MethodGet, base+"/readyz", nil)
	})
	if err != nil {
		p.stop()
		return nil, "", err
	}
	return p, base + "/graphql", nil
}

// startPeer installs the peer's packages when needed and runs server.js on a
// free loopback port.
func startPeer(ctx context.Context, root, work string, c conn, npmMode string) (*proc, string, error) {
	dir := filepath.Join(root, "bench", "compare", "peer")
	node, err := exec.LookPath("node")
	if err != nil {
		return nil, "", errors.New("the peer needs Node.js 20 or newer (node is not on PATH)")
	}
	if out, err := exec.CommandContext(ctx, node, "--version").Output(); err == nil {
		v := strings.TrimPrefix(strings.TrimSpace(string(out)), "v")
		if major, _ := strconv.Atoi(strings.Split(v, ".")[0]); major < 20 {
			return nil, "", fmt.Errorf("the peer needs Node.js 20 or newer, found %s", v)
		}
	}
	if err := npmInstall(ctx, dir, npmMode); err != nil {
		return nil, "", err
	}
	port, err := freePort()
	if err != nil {
		return nil, "", err
	}
	env := append(neo4jEnv(c), "PEER_HOST=127.0.0.1", "PEER_PORT="+strconv.Itoa(port), "NODE_ENV=production")
	p, err := start("peer (@neo4j/graphql)", dir, filepath.Join(work, "peer.log"), env, node, "server.js")
	if err != nil {
		return nil, "", err
	}
	endpoint := fmt.Sprintf("http://127.0.0.1:%d/graphql", port)
	err = waitReady(ctx, p, 2*time.Minute, func(ctx context.Context) bool {
		return httpOK(ctx, http.MethodPost, endpoint, []byte(`{"query":"{ __typename }"}`))
	})
	if err != nil {
		p.stop()
		return nil, "", err
	}
	return p, endpoint, nil
}

// npmInstall runs `npm ci` in the peer's folder: always with mode ci, with
// auto only when node_modules was not installed from this package-lock.json.
func npmInstall(ctx context.Context, dir, mode string) error {
	if mode == "skip" {
		return nil
	}
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	stamp := filepath.Join(dir, "node_modules", ".castgraph-compare-lock-sha256")
	if mode == "auto" {
		if got, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(got)) == want {
			return nil
		}
	}
	logf("installing the peer's packages: npm ci (in %s)", dir)
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm ci in %s: %w (the peer needs npm and the npm registry)", dir, err)
	}
	return os.WriteFile(stamp, []byte(want+"\n"), 0o644)
}

func httpOK(ctx context.Context, method, url string, body []byte) bool {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return false
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}
