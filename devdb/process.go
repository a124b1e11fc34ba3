package devdb

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// start launches a new server and waits for it. The caller holds the lock
// and has checked that none of ours is running.
func (e *env) start(ctx context.Context, password string) (*Server, error) {
	// Before the slow steps, so a busy port fails fast.
	if err := checkPortFree(e.port); err != nil {
		return nil, err
	}
	java, err := findJava(ctx)
	if err != nil {
		return nil, err
	}
	if err := e.ensureJars(ctx); err != nil {
		return nil, err
	}
	for _, d := range []string{"conf", "data", "logs", "run", "plugins", "import"} {
		if err := os.MkdirAll(e.path(d), 0o700); err != nil {
			return nil, fmt.Errorf("devdb: %w", err)
		}
	}
	// Rewritten every start so config changes in this package take effect
	// and runningPort can read the port of the running server from it.
	if err := writeFileAtomic(e.confFile(), []byte(e.neo4jConf()), 0o600); err != nil {
		return nil, fmt.Errorf("devdb: writing %s: %w", e.confFile(), err)
	}
	console, err := os.Create(e.consoleLog())
	if err != nil {
		return nil, fmt.Errorf("devdb: %w", err)
	}
	cmd := exec.Command(java, e.javaArgs()...)
	cmd.Dir = e.home
	cmd.Stdout = console // a file, not a pipe: nothing ties the server to us
	cmd.Stderr = console
	// Own session and process group: the server survives our exit and
	// terminal signals (Ctrl-C on `go test`), and Stop can signal the group.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	e.logf("starting Neo4j %s in %s…", neo4jVersion, e.home)
	t0 := time.Now()
	err = cmd.Start()
	console.Close()
	if err != nil {
		return nil, fmt.Errorf("devdb: starting java: %w", err)
	}
	pid := cmd.Process.Pid
	exited := make(chan struct{})
	var exitErr error
	go func() {
		// Reaps the child if it dies while we live; otherwise it would stay
		// a zombie and look alive to Stop.
		exitErr = cmd.Wait()
		close(exited)
	}()
	if err := writeFileAtomic(e.pidFile(), []byte(strconv.Itoa(pid)+"\n"), 0o600); err != nil {
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		return nil, fmt.Errorf("devdb: writing pid file: %w", err)
	}

	authErr, err := e.waitForBolt(ctx, proc{pid: pid, exited: exited}, password)
	if err != nil {
		select {
		case <-exited:
			_ = os.Remove(e.pidFile())
			if exitErr == nil {
				exitErr = errors.New("exit status 0") // Neo4j exits 0 even on bad config
			}
			return nil, e.startFailed(fmt.Sprintf("Neo4j exited while starting (%v)", exitErr))
		default:
		}
		if ctx.Err() != nil {
			// Leave it starting: the next Ensure finds it and waits for it.
			return nil, fmt.Errorf("devdb: gave up waiting for Neo4j (pid %d) to start: %w", pid, ctx.Err())
		}
		// Timed out: a server that cannot start in two minutes is broken;
		// do not leave 1.5 GB of it behind.
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		_ = os.Remove(e.pidFile())
		return nil, e.startFailed(err.Error() + "; killed it")
	}
	if authErr != nil {
		if err := e.setInitialPassword(ctx, password); err != nil {
			return nil, err
		}
	}
	uri := boltURI(e.port)
	e.logf("Neo4j is up on %s (cold start %.1fs)", uri, time.Since(t0).Seconds())
	return &Server{URI: uri, User: user, Password: password, Home: e.home, Started: true, Pid: pid}, nil
}

func (e *env) startFailed(what string) error {
	return fmt.Errorf("devdb: %s; see %s and %s. Last lines of console.log:\n%s",
		what, e.consoleLog(), e.path("logs", "debug.log"), indent(consoleTail(e.consoleLog(), 15)))
}

// consoleTail is the end of console.log without Java stack frames, which
// would otherwise push the actual error message out of the quote.
func consoleTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	var kept []string
	for _, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "at ") || (strings.HasPrefix(t, "... ") && strings.HasSuffix(t, " more")) {
			continue
		}
		kept = append(kept, line)
	}
	return tailString(strings.Join(kept, "\n"), n)
}

// proc is the server process we wait for: our child (exited is closed when it
// dies), or one started by an earlier process (exited is nil).
type proc struct {
	pid    int
	exited <-chan struct{}
}

// waitForBolt polls until the server completes a Bolt handshake on e.port.
// authErr is nil when it accepted password, or the Unauthorized error when
// the store still has the initial password; err is set when the process died,
// startTimeout passed or ctx ended.
func (e *env) waitForBolt(ctx context.Context, p proc, password string) (authErr, err error) {
	deadline := time.Now().Add(startTimeout)
	addr := fmt.Sprintf("127.0.0.1:%d", e.port)
	var last error
	for {
		if p.exited != nil {
			select {
			case <-p.exited:
				return nil, errors.New("Neo4j exited")
			default:
			}
		} else if !isOurNeo4j(p.pid, e.home) {
			_ = os.Remove(e.pidFile())
			return nil, e.startFailed(fmt.Sprintf("Neo4j (pid %d) exited while starting", p.pid))
		}
		// A plain dial first: cheap, and avoids the driver's retries and
		// failed-login counting while the port is still closed.
		if c, derr := net.DialTimeout("tcp", addr, time.Second); derr == nil {
			c.Close()
			vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			verr := verify(vctx, boltURI(e.port), user, password)
			cancel()
			if verr == nil {
				return nil, nil
			}
			if isUnauthorized(verr) {
				return verr, nil
			}
			last = verr
		} else {
			last = derr
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("Neo4j did not answer on %s within %s (last error: %v)", boltURI(e.port), startTimeout, last)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// runningPid returns the pid from the pid file if that process is our Neo4j.
func (e *env) runningPid() (int, bool) {
	b, err := os.ReadFile(e.pidFile())
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return 0, false
	}
	return pid, isOurNeo4j(pid, e.home)
}

// runningPort reads the Bolt port from the neo4j.conf the running server was
// started with (0 if unknown).
func (e *env) runningPort() int {
	b, err := os.ReadFile(e.confFile())
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "server.bolt.listen_address="); ok {
			_, port, _ := net.SplitHostPort(v)
			p, _ := strconv.Atoi(port)
			return p
		}
	}
	return 0
}

// isOurNeo4j tells whether pid is alive and is the Neo4j of home, not a
// recycled pid after a reboot. Zombies count as dead (their cmdline is empty).
func isOurNeo4j(pid int, home string) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		// No /proc (not Linux): trust the pid file.
		_, statErr := os.Stat("/proc/self")
		return statErr != nil
	}
	args := strings.Split(string(b), "\x00")
	var hasMain, hasHome bool
	for _, a := range args {
		hasMain = hasMain || a == mainClass
		hasHome = hasHome || a == "--home-dir="+home
	}
	return hasMain && hasHome
}

func waitGone(pid int, home string, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for isOurNeo4j(pid, home) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
	return true
}

// checkPortFree fails if anything listens on 127.0.0.1:port. Binding (rather
// than dialling) also catches listeners on 0.0.0.0 and dual-stack [::].
func checkPortFree(port int) error {
	l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("devdb: port %d is already in use by another process; stop it, or set CASTGRAPH_BOLT_PORT to a free port, or set NEO4J_URI to use that server", port)
		}
		return fmt.Errorf("devdb: cannot use port %d: %w", port, err)
	}
	return l.Close()
}

// lockFile takes an exclusive flock on path, polling so ctx can cancel the
// wait; waiting is called once if someone else holds it.
func lockFile(ctx context.Context, path string, waiting func()) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	told := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil // closing releases the lock
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			f.Close()
			return nil, err
		}
		if !told {
			waiting()
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// writeFileAtomic writes via a temp file and rename, so readers never see a
// half-written file.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // no-op after a successful rename
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// tailString returns the last n lines of s.
func tailString(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
