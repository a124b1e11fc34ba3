package deploy_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/castgraph/castgraph/internal/servetest"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/goccy/go-yaml"
)

// composeFile is what the tests read of compose.yaml.
type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Build       any               `yaml:"build"`
		Environment map[string]string `yaml:"environment"`
		Ports       []string          `yaml:"ports"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
		Healthcheck struct {
			Test     []string `yaml:"test"`
			Interval string   `yaml:"interval"`
		} `yaml:"healthcheck"`
		StopGracePeriod string `yaml:"stop_grace_period"`
	} `yaml:"services"`
}

func readCompose(t *testing.T) composeFile {
	t.Helper()
	raw, err := os.ReadFile("../compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(raw, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return c
}

// TestCompose: Neo4j 5.26 Community with its own health check; castgraph
// built here, started once Neo4j is healthy, pointed at it, healthy once
// /readyz answers, its metrics on loopback only, and given time to drain
// and finish its requests when stopped.
func TestCompose(t *testing.T) {
	c := readCompose(t)
	neo, ok := c.Services["neo4j"]
	if !ok {
		t.Fatal("no neo4j service")
	}
	if neo.Image != "neo4j:5.26-community" {
		t.Errorf("neo4j image %q", neo.Image)
	}
	if test := strings.Join(neo.Healthcheck.Test, " "); !strings.Contains(test, "cypher-shell") || !strings.Contains(test, "RETURN 1") {
		t.Errorf("neo4j health check %q does not ask Neo4j", test)
	}
	if !strings.HasPrefix(neo.Environment["NEO4J_AUTH"], "neo4j/${NEO4J_PASSWORD:?") {
		t.Errorf("NEO4J_AUTH %q: the password must come from the environment, and be required", neo.Environment["NEO4J_AUTH"])
	}
	cg, ok := c.Services["castgraph"]
	if !ok {
		t.Fatal("no castgraph service")
	}
	if cg.Build != "." {
		t.Errorf("castgraph is built from %v, want the checkout (.)", cg.Build)
	}
	if cg.DependsOn["neo4j"].Condition != "service_healthy" {
		t.Errorf("castgraph starts before Neo4j is healthy: %+v", cg.DependsOn)
	}
	if want := []string{"CMD", "/castgraph", "probe", "http://127.0.0.1:8080/readyz"}; !slices.Equal(cg.Healthcheck.Test, want) {
		t.Errorf("castgraph health check %q, want %q", cg.Healthcheck.Test, want)
	}
	for k, want := range map[string]string{"NEO4J_URI": "bolt://neo4j:7687", "NEO4J_USER": "neo4j", "CASTGRAPH_ADDR": ":8080",
		"CASTGRAPH_METRICS_ADDR": ":9090", "CASTGRAPH_INTROSPECTION": "off"} {
		if cg.Environment[k] != want {
			t.Errorf("castgraph's %s = %q, want %q", k, cg.Environment[k], want)
		}
	}
	if !slices.Contains(cg.Ports, "127.0.0.1:9090:9090") || slices.Contains(cg.Ports, "9090:9090") {
		t.Errorf("the metrics port is published beyond loopback: %q", cg.Ports)
	}
	drain, _ := time.ParseDuration(cg.Environment["CASTGRAPH_DRAIN_DELAY"])
	timeout, _ := time.ParseDuration(cg.Environment["CASTGRAPH_SHUTDOWN_TIMEOUT"])
	grace, err := time.ParseDuration(cg.StopGracePeriod)
	if err != nil || grace <= drain+timeout {
		t.Errorf("stop_grace_period %q leaves no time for the drain delay (%s) and the shutdown timeout (%s)", cg.StopGracePeriod, drain, timeout)
	}
}

// TestDockerfile_Image: the runtime image runs as a non-root user, exposes
// the API and metrics ports, and builds a static binary.
func TestDockerfile_Image(t *testing.T) {
	b, env, entrypoint, cmd := readDockerfile(t)
	if !slices.Contains(b.env, "CGO_ENABLED=0") {
		t.Errorf("the build is not static: %q", b.env)
	}
	if !slices.Equal(entrypoint, []string{"/castgraph"}) || !slices.Equal(cmd, []string{"serve"}) {
		t.Errorf("ENTRYPOINT %q CMD %q", entrypoint, cmd)
	}
	if !slices.Contains(env, "CASTGRAPH_ADDR=:8080") || !slices.Contains(env, "CASTGRAPH_METRICS_ADDR=:9090") {
		t.Errorf("ENV %q", env)
	}
	raw, _ := os.ReadFile("../Dockerfile")
	text := string(raw)
	for _, want := range []string{"\nUSER nonroot", "\nEXPOSE 8080 9090", "FROM gcr.io/distroless/static-debian12:nonroot"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Dockerfile lacks %q", strings.TrimSpace(want))
		}
	}
}

// TestImageBinary_Serves: the binary built with the Dockerfile's flags,
// run with its entrypoint and the environment of the image and of the
// compose service (Neo4j and the addresses swapped for the test's), serves
// the API, answers the compose health check, serves metrics on their own
// address, logs JSON access lines, refuses introspection, and exits 0 on
// SIGTERM.
func TestImageBinary_Serves(t *testing.T) {
	neo := storetest.Config(t) // skips under -short, as every test that needs Neo4j
	bin := buildImageBinary(t)
	_, imageEnv, entrypoint, cmd := readDockerfile(t)
	compose := readCompose(t).Services["castgraph"]
	addr, metricsAddr := servetest.FreeAddr(t), servetest.FreeAddr(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	env = withEnv(env, imageEnv...)
	for k, v := range compose.Environment {
		env = withEnv(env, k+"="+v)
	}
	env = withEnv(env, "NEO4J_URI="+neo.URI, "NEO4J_USER="+neo.User, "NEO4J_PASSWORD="+neo.Password, "NEO4J_DATABASE="+neo.Database,
		"CASTGRAPH_ADDR="+addr, "CASTGRAPH_METRICS_ADDR="+metricsAddr, "CASTGRAPH_DRAIN_DELAY=0s")
	args := append(entrypoint[1:], cmd...)
	serve := exec.Command(bin, args...)
	serve.Env = env
	p := servetest.Run(t, serve, addr)

	get := func(url string) (int, string) {
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if status, _ := get(p.URL + "/healthz"); status != 200 {
		t.Errorf("/healthz %d", status)
	}
	if status, body := get(p.URL + "/graphql?query=" + "%7B__typename%7D"); status != 200 || !strings.Contains(body, `"__typename":"Query"`) {
		t.Errorf("a query: %d %s", status, body)
	}
	if _, body := get(p.URL + "/graphql?query=" + "%7B__schema%7BqueryType%7Bname%7D%7D%7D"); !strings.Contains(body, "INTROSPECTION_DISABLED") {
		t.Errorf("introspection is on: %s", body)
	}
	if status, body := get("http://" + metricsAddr + "/metrics"); status != 200 || !strings.Contains(body, "castgraph_build_info{") ||
		!strings.Contains(body, `castgraph_requests_total{operation="anonymous",outcome="ok"}`) {
		t.Errorf("/metrics: %d %.500s", status, body)
	}
	if status, _ := get(p.URL + "/metrics"); status != http.StatusNotFound {
		t.Errorf("the API's address answers /metrics with %d, want 404", status)
	}

	// The compose health check, as the container would run it.
	_, port, _ := net.SplitHostPort(addr)
	probe := slices.Clone(compose.Healthcheck.Test[1:])
	probe[0] = bin
	probe[len(probe)-1] = strings.Replace(probe[len(probe)-1], ":8080", ":"+port, 1)
	if out, err := exec.Command(probe[0], probe[1:]...).CombinedOutput(); err != nil {
		t.Errorf("the health check fails: %v %s", err, out)
	}
	if err := exec.Command(bin, "probe", p.URL+"/no-such-page").Run(); err == nil {
		t.Error("the probe passes a 404")
	}

	var access map[string]any
	for _, line := range strings.Split(p.Log(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == "request" {
			access = m
			break
		}
	}
	if access == nil || access["status"] != float64(200) || access["traceId"] == "" {
		t.Errorf("no JSON access line: %v\n%s", access, p.Log())
	}

	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.Exited():
		if p.Err() != nil {
			t.Errorf("castgraph exited with %v after SIGTERM", p.Err())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("castgraph did not exit after SIGTERM")
	}
}
