package hostile_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph/internal/servetest"
	"github.com/castgraph/castgraph/store/storetest"
)

// Memory bounds of the server under attack. GOMEMLIMIT makes the collector
// work hard near memLimit; the address-space cap stops a runaway process
// from taking the machine down with it (an attack once reached 21 GB); the
// suite fails when the peak resident set passes maxPeakRSS.
const (
	memLimit       = "256MiB"
	addressSpaceKB = 4 << 20 // 4 GiB of virtual memory
	maxPeakRSS     = 512 << 20
)

// server is castgraph serve, built from this checkout and run as its own
// process on the tests' Neo4j with the demo data.
type server struct {
	*servetest.Server
	url   string
	cmd   *exec.Cmd
	token string // the admin token serve -demo prints
}

func startServer(t *testing.T) *server {
	t.Helper()
	s := servetest.Start(t, servetest.Build(t), servetest.Options{Args: []string{"-demo"},
		Env: []string{"GOMEMLIMIT=" + memLimit}, AddressSpaceKB: addressSpaceKB})
	if s.Token == "" {
		t.Fatalf("serve -demo printed no admin token:\n%s", s.Log())
	}
	return &server{Server: s, url: s.URL, cmd: s.Cmd, token: s.Token}
}

// peakRSS is the server's high-water mark of resident memory (VmHWM).
func (s *server) peakRSS(t *testing.T) int64 {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		t.Fatalf("the server is gone: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	t.Fatal("no VmHWM in /proc status")
	return 0
}

// answer is what the server said: status, the first error's code, the raw body.
type answer struct {
	status int
	code   string
	data   bool
	took   time.Duration
	body   []byte
}

func (s *server) send(t *testing.T, req *http.Request) answer {
	t.Helper()
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s: %v (did the server fall over?)", req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	a := answer{status: res.StatusCode, took: time.Since(start), body: body}
	var out struct {
		Data   json.RawMessage `json:"data"`
		Errors []struct {
			Extensions map[string]any `json:"extensions"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("not JSON (%d): %.300s", res.StatusCode, body)
	}
	a.data = len(out.Data) > 0 && string(out.Data) != "null"
	if len(out.Errors) > 0 {
		a.code, _ = out.Errors[0].Extensions["code"].(string)
	}
	return a
}

func (s *server) post(t *testing.T, query string, vars map[string]any) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return s.postRaw(t, "application/json", body)
}

func (s *server) postRaw(t *testing.T, contentType string, body []byte) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	return s.send(t, req)
}

// upload sends a roster through importRoster (a dry run), as the GraphQL
// multipart request spec has it.
func (s *server) upload(t *testing.T, filename string, content []byte, preflight bool) answer {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("operations", `{"query":"mutation($f: Upload!) { importRoster(file: $f, options: {dryRun: true}) { summary } }","variables":{"f":null}}`)
	_ = w.WriteField("map", `{"0": ["variables.f"]}`)
	part, _ := w.CreateFormFile("0", filename)
	_, _ = part.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if preflight {
		req.Header.Set("GraphQL-Require-Preflight", "1")
	}
	req.Header.Set("Authorization", "Bearer "+s.token) // imports need a token
	return s.send(t, req)
}

// runningTransactions counts the transactions on Neo4j other than the
// question itself.
func runningTransactions(t *testing.T) int {
	rows := storetest.Query(t, `SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' RETURN count(*) AS n`, nil)
	return int(rows[0]["n"].(int64))
}

func eventually(limit time.Duration, cond func() bool) bool {
	for deadline := time.Now().Add(limit); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func withTimeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}
