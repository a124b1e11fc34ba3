package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// auditResult is one graphql-http server audit as testdata/audit/audit.js prints it.
type auditResult struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Status      string `json:"status"` // ok, notice, warn or error
	Reason      string `json:"reason"`
	HTTPStatus  int    `json:"httpStatus"`
	ContentType string `json:"contentType"`
	Body        string `json:"body"`
}

// TestGraphQLOverHTTP_Audit runs graphql-http's server audits (the GraphQL
// over HTTP spec's conformance suite, in Node.js) against the real server:
// every audit must pass, warnings included.
func TestGraphQLOverHTTP_Audit(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("the audit needs Node.js 20 or newer (node is not on PATH)")
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "audit"))
	if err != nil {
		t.Fatal(err)
	}
	npmCI(t, dir)
	a := newAPI(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "audit.js", a.url+"/graphql")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node audit.js: %v\n%s", err, stderr.String())
	}
	var results []auditResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("audit output: %v\n%s", err, out)
	}
	ok := 0
	for _, r := range results {
		if r.Status == "ok" {
			ok++
			continue
		}
		t.Errorf("%s %s [%s] %s: HTTP %d %s %s", r.ID, r.Name, r.Status, r.Reason, r.HTTPStatus, r.ContentType, r.Body)
	}
	t.Logf("graphql-http server audits: %d/%d ok", ok, len(results))
	if len(results) < 61 {
		t.Errorf("only %d audits ran, want 61", len(results))
	}
}

// npmCI installs the audit's packages with `npm ci` unless node_modules was
// installed from this very package-lock.json (a stamp file records its hash),
// as bench/compare installs its peer.
func npmCI(t *testing.T, dir string) {
	t.Helper()
	lock, err := os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lock)
	want := hex.EncodeToString(sum[:])
	stamp := filepath.Join(dir, "node_modules", ".castgraph-audit-lock-sha256")
	if got, err := os.ReadFile(stamp); err == nil && strings.TrimSpace(string(got)) == want {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v (the audit needs npm and the npm registry)\n%s", dir, err, out)
	}
	if err := os.WriteFile(stamp, []byte(want+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
}
