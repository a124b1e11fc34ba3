package graph_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/telemetry"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	collectortrace "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"
)

// collector is an OTLP/HTTP trace receiver (protobuf), as a collector
// would run it.
type collector struct {
	mu    sync.Mutex
	spans []*tracepb.Span
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var req collectortrace.ExportTraceServiceRequest
	if r.URL.Path != "/v1/traces" || proto.Unmarshal(body, &req) != nil {
		http.Error(w, "bad export", http.StatusBadRequest)
		return
	}
	c.mu.Lock()
	for _, rs := range req.ResourceSpans {
		for _, ss := range rs.ScopeSpans {
			c.spans = append(c.spans, ss.Spans...)
		}
	}
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-protobuf")
	b, _ := proto.Marshal(&collectortrace.ExportTraceServiceResponse{})
	_, _ = w.Write(b)
}

// TestObserved_MetricsLogsAndTraces: a lookup leaves one access line (its
// operation, status, actor, bytes and trace id, not its variables), counts
// in the metrics by operation and by statement, and a trace, exported over
// OTLP/HTTP, of the request's span with the statement's span beneath it.
func TestObserved_MetricsLogsAndTraces(t *testing.T) {
	col := &collector{}
	colSrv := httptest.NewServer(col)
	defer colSrv.Close()
	ctx := context.Background()
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(colSrv.URL+"/v1/traces"))
	if err != nil {
		t.Fatal(err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(exp))
	defer tp.Shutdown(ctx)

	tel := telemetry.New(telemetry.Options{Tracer: tp})
	var logs syncBuffer
	a := newAPIWith(t, graph.Options{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Telemetry: tel})
	tel.WatchStore(a.store)

	const marker = "program/MARKER-13812345678"
	var lines []map[string]any
	for _, id := range []string{"program/wuxi-mashan-health-forum", marker} {
		body, _ := json.Marshal(map[string]any{"query": `query Lookup($id: ID!) { node(id: $id) { id name } }`, "variables": map[string]any{"id": id}})
		req, _ := http.NewRequest(http.MethodPost, a.url+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+a.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		answer, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%d: %s", res.StatusCode, answer)
		}
		traceID := res.Header.Get(graph.TraceHeader)
		if _, err := hex.DecodeString(traceID); err != nil || len(traceID) != 32 {
			t.Fatalf("%s is %q, not a trace id", graph.TraceHeader, traceID)
		}
		line := lastLine(t, logs.String())
		if line["traceId"] != traceID {
			t.Errorf("the access line's trace id %v is not the header's %s", line["traceId"], traceID)
		}
		if line["bytes"] != float64(len(answer)) {
			t.Errorf("the access line says %v bytes, the answer had %d", line["bytes"], len(answer))
		}
		lines = append(lines, line)
	}
	line := lines[0]
	for k, want := range map[string]any{"msg": "request", "operation": "Lookup", "operationType": "query", "status": float64(200),
		"outcome": "ok", "method": "POST", "cost": float64(1)} {
		if line[k] != want {
			t.Errorf("access line %s = %v, want %v (%v)", k, line[k], want, line)
		}
	}
	if actor, _ := line["actor"].(string); !strings.HasPrefix(actor, "token:") {
		t.Errorf("access line actor = %v, want the token's", line["actor"])
	}
	if _, ok := line["documentSha256"].(string); !ok {
		t.Errorf("access line without documentSha256: %v", line)
	}
	if _, ok := line["durationMs"].(float64); !ok {
		t.Errorf("access line without durationMs: %v", line)
	}
	if out := logs.String(); strings.Contains(out, "MARKER") || strings.Contains(out, "node(id") {
		t.Errorf("the log copies the request: %s", out)
	}

	rec := httptest.NewRecorder()
	tel.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	metrics := rec.Body.String()
	for _, want := range []string{
		`castgraph_requests_total{operation="Lookup",outcome="ok"} 2`,
		`castgraph_request_duration_seconds_count{operation="Lookup"} 2`,
		`castgraph_operation_cost_count{operation="Lookup"} 2`,
		`castgraph_neo4j_statements_total{mode="read",outcome="ok",statement="Node"} 2`,
		`castgraph_neo4j_statement_duration_seconds_count{mode="read",statement="Node"} 2`,
		`castgraph_neo4j_transactions_in_flight 0`,
		`castgraph_neo4j_transactions_max 64`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
	if strings.Contains(metrics, "MARKER") {
		t.Error("the metrics copy a variable")
	}

	col.mu.Lock()
	defer col.mu.Unlock()
	var request *tracepb.Span
	for _, s := range col.spans {
		if s.Name == "GraphQL query Lookup" && hex.EncodeToString(s.TraceId) == lines[0]["traceId"] {
			request = s
		}
	}
	if request == nil {
		t.Fatalf("no request span of trace %v among %d exported", lines[0]["traceId"], len(col.spans))
	}
	var statement *tracepb.Span
	for _, s := range col.spans {
		if bytes.Equal(s.ParentSpanId, request.SpanId) && s.Name == "Node" {
			statement = s
		}
	}
	if statement == nil {
		t.Fatalf("the request span has no statement span beneath it")
	}
	for _, s := range col.spans {
		for _, kv := range s.Attributes {
			if strings.Contains(kv.Value.String(), "MARKER") || strings.Contains(kv.Value.String(), "wuxi") {
				t.Errorf("span %s copies a variable in %s", s.Name, kv.Key)
			}
		}
	}
}

// TestObserved_RefusedRequests: a request refused before GraphQL (a body
// that is not JSON) is logged and counted too, under the operation "none".
func TestObserved_RefusedRequests(t *testing.T) {
	tel := telemetry.New(telemetry.Options{})
	var logs syncBuffer
	a := newAPIWith(t, graph.Options{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Telemetry: tel})
	res := send(t, "POST", a.url+"/graphql", "application/json", strings.NewReader(`{"query":`), nil)
	if res.status != http.StatusBadRequest {
		t.Fatalf("status %d", res.status)
	}
	line := lastLine(t, logs.String())
	if line["status"] != float64(400) || line["outcome"] != "refused" || line["actor"] != "anonymous" {
		t.Errorf("access line %v", line)
	}
	if codes, _ := line["errorCodes"].([]any); len(codes) != 1 || codes[0] != "BAD_REQUEST" {
		t.Errorf("access line error codes %v", line["errorCodes"])
	}
	rec := httptest.NewRecorder()
	tel.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`castgraph_requests_total{operation="none",outcome="refused"} 1`, `castgraph_errors_total{code="BAD_REQUEST"} 1`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
}

// TestObserved_OperationNamesBounded: through the API, distinct operation
// names past the bound are counted as "other".
func TestObserved_OperationNamesBounded(t *testing.T) {
	tel := telemetry.New(telemetry.Options{MaxOperations: 3})
	a := newAPIWith(t, graph.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Telemetry: tel})
	for _, name := range []string{"A", "B", "C", "D", "E", "A"} {
		a.ok(t, "query "+name+" { __typename }", nil)
	}
	rec := httptest.NewRecorder()
	tel.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	for _, want := range []string{`castgraph_requests_total{operation="A",outcome="ok"} 2`, `castgraph_requests_total{operation="other",outcome="ok"} 2`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
	if strings.Contains(rec.Body.String(), `operation="D"`) {
		t.Error("a name past the bound has a series")
	}
}

// lastLine is the last access line of a JSON log.
func lastLine(t *testing.T, log string) map[string]any {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(log), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		var m map[string]any
		if json.Unmarshal([]byte(lines[i]), &m) == nil && m["msg"] == "request" {
			return m
		}
	}
	t.Fatalf("no access line in the log:\n%s", log)
	return nil
}

// TestObserved_ImportRowsAndBatches: a dry-run import counts its rows by
// outcome; relationship fields of search hits count their batch.
func TestObserved_ImportRowsAndBatches(t *testing.T) {
	tel := telemetry.New(telemetry.Options{})
	a := newAPIWith(t, graph.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Telemetry: tel})
	tag := unique("metrics")
	roster := strings.Join([]string{
		"姓名,工作单位,职称,所属学会,入会时间,所在城市",
		"专家" + tag + ",江苏示例大学,教授,江苏省示例电力工程学会,2024/3/1,南京",
		"另一位" + tag + ",,研究员,没有这个学会" + tag + ",2024-13-01,南京",
	}, "\n")
	r := a.upload(t, importRosterMutation, map[string]any{"options": map[string]any{"dryRun": true}}, "experts-"+tag+".csv", []byte(roster))
	if len(r.Errors) > 0 {
		t.Fatalf("dry run: %+v", r.Errors)
	}
	a.ok(t, `{ search(text: "学会", first: 10) { node { id ... on Society { members(first: 5) { totalCount } } } } }`, nil)
	rec := httptest.NewRecorder()
	tel.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	metrics := rec.Body.String()
	for _, want := range []string{
		`castgraph_import_rows_total{dry_run="true",outcome="ok"} 1`,
		`castgraph_import_rows_total{dry_run="true",outcome="rejected"} 1`,
		`castgraph_loader_batch_size_count{loader="dataloader",what="`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("the metrics lack %s", want)
		}
	}
	if t.Failed() {
		t.Logf("%s", metrics)
	}
}

// TestObserved_HostileOperationName: an operation name of 20 KB with line
// breaks and quotes cannot forge log lines or fill the log: it is cut to
// 100 bytes and escaped, and counted as "other".
func TestObserved_HostileOperationName(t *testing.T) {
	tel := telemetry.New(telemetry.Options{})
	var logs syncBuffer
	a := newAPIWith(t, graph.Options{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Telemetry: tel})
	name := "X\n{\"msg\":\"request\",\"actor\":\"admin\"}\n" + strings.Repeat("y", 20_000)
	body, _ := json.Marshal(map[string]any{"query": "query X { __typename }", "operationName": name})
	started := len(logs.String()) // what the handler logged when it was made is not the request's
	send(t, "POST", a.url+"/graphql", "application/json", bytes.NewReader(body), nil)
	out := logs.String()[started:]
	if lines := strings.Count(strings.TrimSpace(out), "\n") + 1; lines != 1 || len(out) > 2000 {
		t.Errorf("one request left %d lines, %d bytes:\n%.3000s", lines, len(out), out)
	}
	line := lastLine(t, out)
	if op, _ := line["operation"].(string); !strings.HasPrefix(op, "X\n{") || len(op) > 200 {
		t.Errorf("operation logged as %q", op)
	}
	rec := httptest.NewRecorder()
	tel.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.Contains(rec.Body.String(), `castgraph_requests_total{operation="other",outcome="refused"} 1`) {
		t.Error("the hostile name is not counted as other")
	}
}
