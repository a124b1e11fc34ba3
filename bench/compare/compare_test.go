package main

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"strings"
	"testing"
	"time"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestTreeOf_ConnectionsAndListsNormaliseAlike(t *testing.T) {
	castgraph := decode(t, `{"industryClusters":{"nodes":[{"id":"c","name":"C","parts":{"nodes":[
		{"id":"ch","name":"CH","enterprises":{"nodes":[{"id":"e","name":"E","servedBy":{"nodes":[{"id":"x","name":"X"}]}}]}}]}}]}}`)
	peer := decode(t, `{"industryClusters":[{"id":"c","name":"C","parts":[
		{"id":"ch","name":"CH","enterprises":[{"id":"e","name":"E","servedBy":[{"id":"x","name":"X"}]}]}]}]}`)
	levels := []string{"parts", "enterprises", "servedBy"}
	a := rawJSON(treeOf(at(castgraph, "industryClusters", "nodes"), levels, true))
	b := rawJSON(treeOf(at(peer, "industryClusters"), levels, false))
	if a != b || !strings.Contains(a, `"x"`) {
		t.Fatalf("castgraph %s, peer %s", a, b)
	}
}

func TestRankedOf_TiesAtTheCutCompareByCount(t *testing.T) {
	page := func(lastIDs ...string) []hit {
		hits := []hit{{"a", "A", 3}}
		for len(hits) < first-len(lastIDs) {
			hits = append(hits, hit{"b" + string(rune('a'+len(hits))), "B", 2})
		}
		for _, id := range lastIDs {
			hits = append(hits, hit{id, id, 1})
		}
		return hits
	}
	if x, y := rawJSON(rankedOf(page("p", "q"))), rawJSON(rankedOf(page("r", "s"))); x != y {
		t.Errorf("equally scored hits at the cut should compare equal:\n%s\n%s", x, y)
	}
	if x, y := rawJSON(rankedOf(page("p", "q"))), rawJSON(rankedOf(page("p"))); x == y {
		t.Errorf("a different number of hits at the cut should differ: %s", x)
	}
	short := []hit{{"a", "A", 3}, {"b", "B", 1}}
	if x, y := rawJSON(rankedOf(short)), rawJSON(rankedOf([]hit{{"a", "A", 3}, {"c", "C", 1}})); x == y {
		t.Errorf("a page that is not full holds every hit, so ids count: %s", x)
	}
}

func TestFirstDifference_NamesThePath(t *testing.T) {
	a := decode(t, `{"nodes":[{"id":"1"},{"id":"2"}],"totalCount":2}`)
	b := decode(t, `{"nodes":[{"id":"1"},{"id":"3"}],"totalCount":2}`)
	if got := firstDifference("", a, b); !strings.HasPrefix(got, "nodes[1].id:") {
		t.Errorf("got %q", got)
	}
}

func TestEmpty_AnswersThatProveNothing(t *testing.T) {
	for _, v := range []any{nil, []any{}, map[string]any{}, map[string]any{"nodes": []any{}},
		map[string]any{"hits": []any{}, "boundary": nil}} {
		if !empty(v) {
			t.Errorf("%s should count as empty", rawJSON(v))
		}
	}
	if empty(map[string]any{"hits": []any{}, "boundary": map[string]any{"count": 20}}) {
		t.Error("a page of tied hits is an answer")
	}
}

func TestLoopbackOnly(t *testing.T) {
	for _, ok := range []string{"http://127.0.0.1:8080/graphql", "http://localhost:1/graphql", "http://[::1]:2/graphql"} {
		if err := loopbackOnly(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	if err := loopbackOnly("http://10.0.0.1:8080/graphql"); err == nil {
		t.Error("a non-loopback address should be refused")
	}
}

func TestReport_ChartAndTableFromResults(t *testing.T) {
	mix := buildMix(anchors{
		experts: []string{"expert/a"}, titles: []string{"t1", "t2", "t3"},
		fields:   []string{"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9", "f10", "f11"},
		clusters: []string{"c1", "c2", "c3"}, searches: []string{"s"},
	})
	cfg := &config{duration: time.Second, warmup: time.Second, maxRequests: 10, concurrency: []int{1, 8, 32}, label: "test"}
	r := &report{cfg: cfg, mix: mix, checks: map[string]*checkResult{}, started: time.Now(), finished: time.Now()}
	for i, q := range mix {
		r.checks[q.name] = &checkResult{agree: q.name != "search", notes: []string{"search (s): castgraph and peer differ: x"}}
		for _, c := range cfg.concurrency {
			for j, s := range systemNames {
				lat := time.Duration(i+j+1) * time.Duration(c) * time.Millisecond
				cpu := cpuSample{"neo4j": 200 * time.Millisecond, "harness": 50 * time.Millisecond}
				if s != "floor" {
					cpu["server"] = 100 * time.Millisecond
				}
				r.results = append(r.results, &result{query: q.name, system: s, concurrency: c, requests: 100 * (j + 1),
					elapsed: time.Second, p50: lat, p90: 2 * lat, p99: 3 * lat, cpu: cpu})
			}
		}
	}
	svg := r.chart()
	if err := xml.Unmarshal([]byte(svg), new(struct{})); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v", err)
	}
	for _, want := range []string{"0.5×", "not timed: the answers differ", "test"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	md := r.markdown()
	for _, want := range []string{"| nested | 8 | 100.0 | 200.0 | 300.0 |", "castgraph and peer differ", "(target ≥ 1.5×) | ",
		"| nested | castgraph | 2.000 | 1.000 | 0.500 | 3.500 |", "| nested | floor | 0.667 | – | 0.167 | 0.833 |"} {
		if !strings.Contains(md, want) {
			t.Errorf("the table lacks %q", want)
		}
	}
	if out := os.Getenv("COMPARE_TEST_SVG"); out != "" {
		_ = os.WriteFile(out, []byte(svg), 0o644)
	}
}

// procCPU reads /proc/<pid>/stat: this process's CPU time grows while it
// works, and agrees with what getrusage says of it.
func TestProcCPU_ReadsThisProcess(t *testing.T) {
	before, ok := procCPU(os.Getpid())
	if !ok {
		t.Fatal("cannot read this process's CPU time from /proc")
	}
	// Spin until the kernel has charged this process 200 ms more of CPU
	// (by getrusage), however busy the machine is; /proc must agree.
	start := sampleCPU(0, 0)["harness"]
	for deadline := time.Now().Add(30 * time.Second); sampleCPU(0, 0)["harness"]-start < 200*time.Millisecond && time.Now().Before(deadline); {
		for x := 0; x < 1_000_000; x++ {
			_ = x * x
		}
	}
	after, _ := procCPU(os.Getpid())
	if used := after - before; used < 100*time.Millisecond {
		t.Errorf("200 ms of CPU by getrusage are %v by /proc", used)
	}
	self := sampleCPU(0, 0)["harness"]
	if diff := self - after; diff < -50*time.Millisecond || diff > 200*time.Millisecond {
		t.Errorf("getrusage says %v, /proc %v", self, after)
	}
	if _, ok := procCPU(0); ok {
		t.Error("pid 0 read as a process")
	}
}
