package deploy_test

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// dockerBuild is the Dockerfile's build step: its environment and the
// arguments of go build.
type dockerBuild struct {
	env  []string
	args []string // after "go build", without -o and its value
	pkg  string
}

var buildLine = regexp.MustCompile(`(?m)^RUN ((?:[A-Z_]+=\S+ )*)go build (.*)$`)

// readDockerfile reads the build step, the ENV lines, ENTRYPOINT and CMD.
func readDockerfile(t *testing.T) (b dockerBuild, env []string, entrypoint, cmd []string) {
	t.Helper()
	raw, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	m := buildLine.FindStringSubmatch(text)
	if m == nil {
		t.Fatal("the Dockerfile has no RUN … go build line")
	}
	b.env = strings.Fields(m[1])
	fields := strings.Fields(m[2])
	for i := 0; i < len(fields); i++ {
		switch {
		case fields[i] == "-o":
			i++
		case strings.HasPrefix(fields[i], "-"):
			b.args = append(b.args, fields[i])
		default:
			b.pkg = fields[i]
		}
	}
	for _, line := range strings.Split(text, "\n") {
		switch {
		case strings.HasPrefix(line, "ENV "):
			env = append(env, strings.Fields(strings.TrimPrefix(line, "ENV "))...)
		case strings.HasPrefix(line, "ENTRYPOINT "):
			entrypoint = jsonArray(t, strings.TrimPrefix(line, "ENTRYPOINT "))
		case strings.HasPrefix(line, "CMD "):
			cmd = jsonArray(t, strings.TrimPrefix(line, "CMD "))
		}
	}
	return b, env, entrypoint, cmd
}

func jsonArray(t *testing.T, s string) []string {
	t.Helper()
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "[") {
		t.Fatalf("%s: use the exec (JSON) form, so that the process gets SIGTERM itself", s)
	}
	var out []string
	for _, f := range strings.Split(strings.Trim(s, "[]"), ",") {
		out = append(out, strings.Trim(strings.TrimSpace(f), `"`))
	}
	return out
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildImageBinary builds castgraph as the Dockerfile does, once per test
// binary.
func buildImageBinary(t *testing.T) string {
	t.Helper()
	b, _, _, _ := readDockerfile(t)
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "castgraph-deploy-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "castgraph")
		args := append([]string{"build"}, b.args...)
		args = append(args, "-o", binPath, b.pkg)
		cmd := exec.Command("go", args...)
		cmd.Dir = ".."
		cmd.Env = append(os.Environ(), b.env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
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

// process is castgraph running as its own process.
type process struct {
	cmd  *exec.Cmd
	out  *syncBuffer
	url  string
	done chan struct{}
	err  error // of Wait, once done is closed
}

// start runs bin with args and env and waits until /readyz answers 200.
func start(t *testing.T, bin string, args, env []string, addr string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), out: &syncBuffer{}, url: "http://" + addr, done: make(chan struct{})}
	p.cmd.Env = env
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("castgraph's output:\n%s", p.out.String())
		}
	})
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if res, err := http.Get(p.url + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("castgraph exited at start: %v\n%s", p.err, p.out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("castgraph did not get ready:\n%s", p.out.String())
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// withEnv is env with the variables of set put in place of their earlier values.
func withEnv(env []string, set ...string) []string {
	out := []string{}
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		replaced := false
		for _, s := range set {
			if n, _, _ := strings.Cut(s, "="); n == name {
				replaced = true
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}
