package deploy_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
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
