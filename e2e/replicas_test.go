package e2e_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/internal/servetest"
	"github.com/castgraph/castgraph/store/storetest"
)

// Replicas: castgraph keeps no state, so any number of processes serve one
// Neo4j (or cluster) behind a load balancer. A write answers with the
// bookmarks of its transaction; a read that brings them back, through
// another process, sees the write (causal consistency; on a cluster the
// read waits until its member has the write).
func TestReplicas_ReadYourWriteThroughAnother(t *testing.T) {
	bin := servetest.Build(t)
	one := servetest.Start(t, bin, servetest.Options{Args: []string{"-admin-token"}})
	two := servetest.Start(t, bin, servetest.Options{Args: []string{"-admin-token"}})
	tag := "replicas-" + strings.ReplaceAll(t.Name(), "/", "-")
	t.Cleanup(func() { storetest.Forget(t, tag) })

	create := post(t, one.URL, one.Token, `mutation($in: CreateSocietyInput!) { createSociety(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"name": tag + " 学会", "source": tag}}, "")
	if create.status != http.StatusOK || create.bookmark == "" {
		t.Fatalf("a write answers with a bookmark: %d %q %s", create.status, create.bookmark, create.body)
	}
	var out struct {
		Data struct{ CreateSociety struct{ ID string } }
	}
	_ = json.Unmarshal(create.body, &out)
	id := out.Data.CreateSociety.ID

	read := post(t, two.URL, two.Token, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": id}, create.bookmark)
	if read.status != http.StatusOK || !strings.Contains(string(read.body), id) {
		t.Fatalf("the other replica, with the bookmark: %d %s", read.status, read.body)
	}
	if read.bookmark != "" {
		t.Errorf("a read answered with a bookmark %q", read.bookmark)
	}

	// A bookmark Neo4j never gave out, and too many, are refused with a code.
	bad := post(t, two.URL, two.Token, `{ societies(first: 1) { totalCount } }`, nil, "not-a-bookmark")
	if !strings.Contains(string(bad.body), "INVALID_ARGUMENT") {
		t.Errorf("a forged bookmark: %d %s", bad.status, bad.body)
	}
	many := post(t, two.URL, two.Token, `{ societies(first: 1) { totalCount } }`, nil, strings.Repeat("b,", 17))
	if many.status != http.StatusBadRequest || !strings.Contains(string(many.body), "INVALID_ARGUMENT") {
		t.Errorf("17 bookmarks: %d %s", many.status, many.body)
	}
}

type answer struct {
	status   int
	bookmark string
	body     []byte
}

func post(t *testing.T, url, token, query string, vars map[string]any, bookmark string) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if bookmark != "" {
		req.Header.Set("Castgraph-Bookmark", bookmark)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	return answer{status: res.StatusCode, bookmark: res.Header.Get("Castgraph-Bookmark"), body: buf.Bytes()}
}
