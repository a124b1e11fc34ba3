package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// TestToken_CreateUseListRevoke walks the life of an API token as an
// operator and a batch loader see it: an anonymous write is refused and
// writes nothing; `token create -role editor` prints a secret with which the
// same write succeeds and the audit log names the token; `token list` shows
// it; after `token revoke` it is
// refused within a second.
func TestToken_CreateUseListRevoke(t *testing.T) {
	s := storetest.MustOpen(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	tag := hex.EncodeToString(b)
	name := "ci-" + tag
	t.Cleanup(func() { storetest.ForgetToken(t, name) })

	t.Setenv("CASTGRAPH_ANONYMOUS", "read")
	authn, err := serveAuth(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(graph.NewHTTPHandler(s, graph.Options{Auth: authn, Log: storetest.Logger()}))
	defer srv.Close()
	society := "令牌测试学会" + tag
	create := func(token string) (code string) {
		body, _ := json.Marshal(map[string]any{"query": `mutation($n: String!) { createSociety(input: {name: $n}) { id } }`, "variables": map[string]any{"n": society}})
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out struct {
			Errors []struct{ Extensions map[string]any }
		}
		_ = json.NewDecoder(res.Body).Decode(&out)
		if len(out.Errors) > 0 {
			code, _ = out.Errors[0].Extensions["code"].(string)
		}
		return code
	}
	societies := func() int {
		rows := storetest.Query(t, "MATCH (n:Society {name: $n}) RETURN count(n) AS n", map[string]any{"n": society})
		return int(rows[0]["n"].(int64))
	}
	token := func(args ...string) (stdout, stderr string, err error) {
		var out, errOut bytes.Buffer
		err = runToken(context.Background(), s, args, &out, &errOut)
		return out.String(), errOut.String(), err
	}

	if code := create(""); code != "UNAUTHENTICATED" || societies() != 0 {
		t.Fatalf("anonymous createSociety: %q, %d written", code, societies())
	}
	secret, stderr, err := token("create", "-name", name, "-role", "editor", "-expires", "1d")
	secret = strings.TrimSpace(secret)
	if err != nil || !strings.HasPrefix(secret, "cgt_") || !strings.Contains(stderr, "shown this once") {
		t.Fatalf("token create: %q %q %v", secret, stderr, err)
	}
	if _, _, err := token("create", "-name", name, "-role", "viewer"); err == nil {
		t.Error("a second token of the same name was created")
	}
	if code := create(secret); code != "" || societies() != 1 {
		t.Fatalf("createSociety with the editor's token: %q, %d written", code, societies())
	}
	t.Cleanup(func() {
		rows := storetest.Query(t, "MATCH (n:Society {name: $n}) RETURN n.id AS id", map[string]any{"n": society})
		for _, r := range rows {
			_ = s.Delete(context.Background(), castgraph.KindSociety, r["id"].(string))
		}
	})
	log, err := s.AuditLog(context.Background(), store.AuditQuery{Actor: "token:" + name, Action: castgraph.AuditCreate, First: 10})
	if err != nil || len(log.Entries) != 1 {
		t.Errorf("the audit log of token:%s: %+v %v", name, log, err)
	}
	if code := create("cgt_" + strings.Repeat("x", 43)); code != "UNAUTHENTICATED" {
		t.Errorf("an unknown token: %q", code)
	}
	time.Sleep(200 * time.Millisecond) // the last-used time is written in the background
	list, _, err := token("list")
	if err != nil || !strings.Contains(list, name) || !strings.Contains(list, "editor") || !strings.Contains(list, "in force") {
		t.Errorf("token list:\n%s %v", list, err)
	}
	if strings.Contains(list, secret) {
		t.Error("token list shows the secret")
	}
	if _, _, err := token("revoke", name); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the authenticator's cache holds a token for a second
	if code := create(secret); code != "UNAUTHENTICATED" {
		t.Errorf("a revoked token: %q", code)
	}
	if _, _, err := token("revoke", "no-such-token-"+tag); err == nil {
		t.Error("revoking an unknown token succeeded")
	}
}

func TestParseLifetime(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "12h": 12 * time.Hour, "30m": 30 * time.Minute, "never": 0} {
		if got, err := parseLifetime(in); err != nil || got != want {
			t.Errorf("%s: %v %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0d", "-1h", "soon", "1y"} {
		if _, err := parseLifetime(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
