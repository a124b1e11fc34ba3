package telemetry

import (
	"fmt"
	"io"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestOperationNames_Bounded: an attacker sending 100 000 distinct
// operation names adds at most DefaultMaxOperations series (then "other"),
// and the memory of the metrics stops growing with them.
func TestOperationNames_Bounded(t *testing.T) {
	m := New(Options{})
	send := func(from, to int) {
		for i := from; i < to; i++ {
			m.Request(m.Operation(fmt.Sprintf("Attack%06d", i)), "ok", time.Millisecond, 10, []string{"INVALID_ARGUMENT"})
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	send(0, 1_000)
	before := heap()
	send(1_000, 100_000)
	after := heap()
	if n := m.ops.size(); n != DefaultMaxOperations {
		t.Errorf("%d operation names kept, want %d", n, DefaultMaxOperations)
	}
	if got := m.ops.dropped(); got != 100_000-DefaultMaxOperations {
		t.Errorf("%d names counted as other, want %d", got, 100_000-DefaultMaxOperations)
	}
	if after > before+1<<20 {
		t.Errorf("the heap grew by %d bytes over 99 000 more names", after-before)
	}
	text := scrape(t, m)
	if n := strings.Count(text, "castgraph_requests_total{"); n != 3*(DefaultMaxOperations+1) {
		t.Errorf("%d request series, want %d (the names and other, 3 outcomes each)", n, 3*(DefaultMaxOperations+1))
	}
	for _, want := range []string{
		`castgraph_requests_total{operation="other",outcome="ok"} 99900`,
		`castgraph_requests_total{operation="Attack000000",outcome="ok"} 1`,
		`castgraph_operation_names_dropped_total 99900`,
		`castgraph_errors_total{code="INVALID_ARGUMENT"} 100000`,
		`castgraph_build_info{`,
		`go_goroutines `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
}

// TestOperationNames_Persisted: with persisted documents only their
// operations' names get series; names that are not GraphQL names never do.
func TestOperationNames_Persisted(t *testing.T) {
	m := New(Options{Operations: []string{"Lookup", "List"}})
	for name, want := range map[string]string{"Lookup": "Lookup", "List": "List", "Other1": OpOther, "": OpAnonymous} {
		if got := m.Operation(name); got != want {
			t.Errorf("Operation(%q) = %q, want %q", name, got, want)
		}
	}
	free := New(Options{})
	for _, bad := range []string{"a b", "名字", strings.Repeat("x", 101), "1abc", `x"}`} {
		if got := free.Operation(bad); got != OpOther {
			t.Errorf("Operation(%q) = %q, want other", bad, got)
		}
	}
}

func scrape(t *testing.T, m *Telemetry) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}
