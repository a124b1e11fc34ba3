package graph_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/castgraph/castgraph/graph"
)

// syncBuffer collects log output written from the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestLogs_NeverCopyTheRequest: requests that fail in every way the
// transport knows, each carrying a marker in its body or variables, leave
// no trace of the marker in the log.
func TestLogs_NeverCopyTheRequest(t *testing.T) {
	var logs syncBuffer
	a := newAPIWith(t, graph.Options{Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	gql := a.url + "/graphql"
	const marker = "SECRET-马山-7f3a"
	pad := strings.Repeat(marker, 3000) // about 60 KB, like the bodies that used to be logged whole
	for name, body := range map[string]string{
		"malformed JSON":    `{"query":"{ __typename }","variables":{"x":"` + pad + `"`,
		"a batch":           `[{"query":"{ __typename }","variables":{"x":"` + pad + `"}}]`,
		"over the limit":    `{"query":"{ __typename }","variables":{"x":"` + strings.Repeat(marker, 60000) + `"}}`,
		"bad variables":     `{"query":"query($n: Int) { experts(first: $n) { totalCount } }","variables":{"n":"` + pad + `"}}`,
		"a bad id":          `{"query":"query($id: ID!) { node(id: $id) { id } }","variables":{"id":"` + pad + `"}}`,
		"a bad filter":      `{"query":"query($w: ExpertFilter) { experts(where: $w) { totalCount } }","variables":{"w":{"name":{"eq":"` + pad + `"}}}}`,
		"a bad document":    `{"query":"{ experts(name: \"` + pad + `\") { ` + pad + ` } }"}`,
		"an unknown cursor": `{"query":"query($c: String) { experts(after: $c) { totalCount } }","variables":{"c":"` + pad + `"}}`,
	} {
		send(t, "POST", gql, "application/json", strings.NewReader(body), nil)
		_ = name
	}
	if out := logs.String(); strings.Contains(out, marker) {
		i := strings.Index(out, marker)
		t.Errorf("the log copies the request: …%s…", out[max(0, i-300):min(len(out), i+100)])
	}
}
