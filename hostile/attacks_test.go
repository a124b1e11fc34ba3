package hostile_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/hostile"
	"github.com/castgraph/castgraph/store/storetest"
)

// TestHostile_TheServerStandsUp runs castgraph as its own process under a
// memory limit and sends it the attacks of the hostile-traffic review and
// their variants. Each must be refused with its code (or answered within
// its bounds), the server must keep answering, its peak resident memory
// must stay under maxPeakRSS, and Neo4j must be left with no transaction of
// it running. The time each refusal took is logged, not asserted.
func TestHostile_TheServerStandsUp(t *testing.T) {
	s := startServer(t)

	type attack struct {
		name   string
		send   func() answer
		status int
		code   string
	}
	post := func(query string, vars map[string]any) func() answer {
		return func() answer { return s.post(t, query, vars) }
	}
	or := make([]any, 10_000)
	for i := range or {
		or[i] = map[string]any{"name": map[string]any{"eq": fmt.Sprintf("专家%d", i)}}
	}
	orText, _ := json.Marshal(or)
	orDoc := "{ experts(where: {OR: " + strings.ReplaceAll(strings.ReplaceAll(string(orText), `"name"`, "name"), `"eq"`, "eq") + "}) { totalCount } }"

	attacks := []attack{
		{"relationships 8 deep at the default page", post(hostile.Nested(8, 0), nil), 200, castgraph.ELIMIT},
		{"relationships 6 deep at the default page", post(hostile.Nested(6, 0), nil), 200, castgraph.ELIMIT},
		{"first: 500 over 4 levels", post(hostile.Nested(4, 500), nil), 200, castgraph.ELIMIT},
		{"50 levels", post(hostile.Nested(50, 0), nil), 200, castgraph.ELIMIT},
		{"200 levels of first: 1", post(hostile.Nested(200, 1), nil), 200, castgraph.ELIMIT},
		{"fragments doubling 60 times", post(hostile.FragmentBomb(60), nil), 200, castgraph.ELIMIT},
		{"10 000 copies of a root field", post("{"+strings.Repeat(" experts { totalCount }", 10_000)+" }", nil), 200, castgraph.ELIMIT},
		{"1 000 aliased root fields", post(hostile.Aliased(1000, "experts { totalCount }"), nil), 200, castgraph.ELIMIT},
		{"100 000 aliases", post("{ node(id: \"x\") {"+strings.Repeat(" a: id", 100_000)+" } }", nil), 200, castgraph.ELIMIT},
		{"a 10 000-branch OR in the document", post(orDoc, nil), 200, castgraph.ELIMIT},
		{"a 10 000-branch OR in a variable", post(`query($w: ExpertFilter) { experts(where: $w) { totalCount } }`, map[string]any{"w": map[string]any{"OR": or}}), 200, castgraph.EINVALID},
		{"a 2 MiB body", func() answer {
			return s.postRaw(t, "application/json", []byte(`{"query":"{ __typename }","x":"`+strings.Repeat("x", 2<<20)+`"}`))
		}, 413, castgraph.ETOOLARGE},
		{"a batch", func() answer { return s.postRaw(t, "application/json", []byte(`[{"query":"{ __typename }"}]`)) }, 400, castgraph.EBADREQUEST},
		{"malformed JSON", func() answer { return s.postRaw(t, "application/json", []byte(`{"query": "{ __typename }"`)) }, 400, castgraph.EBADREQUEST},
		{"text/plain", func() answer { return s.postRaw(t, "text/plain", []byte(`{"query":"{ __typename }"}`)) }, 415, castgraph.EMEDIATYPE},
		{"a cross-site upload (no preflight)", func() answer { return s.upload(t, "x.csv", []byte("姓名\n张三\n"), false) }, 403, castgraph.EPREFLIGHT},
		{"an unknown API token", func() answer {
			req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer cgt_"+strings.Repeat("A", 43))
			return s.send(t, req)
		}, 401, castgraph.EUNAUTHENTICATED},
		{"a forged JWT (alg none)", func() answer {
			req, _ := http.NewRequest(http.MethodPost, s.url+"/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.")
			return s.send(t, req)
		}, 401, castgraph.EUNAUTHENTICATED},
		{"an anonymous write", post(`mutation { createSociety(input: {name: "匿名写入"}) { id } }`, nil), 200, castgraph.EUNAUTHENTICATED},
		{"an XLSX declaring 15 GiB", func() answer { return s.upload(t, "bomb.xlsx", xlsx(t, 15<<30, 0), true) }, 200, castgraph.EINVALID},
		{"an XLSX inflating to 256 MiB", func() answer { return s.upload(t, "zeros.xlsx", xlsx(t, 0, 256<<20), true) }, 200, castgraph.EINVALID},
	}
	for _, a := range attacks {
		t.Run(a.name, func(t *testing.T) {
			got := a.send()
			t.Logf("%d %s in %v", got.status, got.code, got.took.Round(time.Microsecond))
			if got.status != a.status || got.code != a.code {
				t.Errorf("got %d %s, want %d %s: %.300s", got.status, got.code, a.status, a.code, got.body)
			}
			if got.data {
				t.Errorf("a refused request carries data: %.300s", got.body)
			}
		})
	}

	t.Run("a client that leaves stops its work on Neo4j", func(t *testing.T) {
		slow := storetest.SlowFilter(t, storetest.MustOpen(t))
		body, _ := json.Marshal(map[string]any{
			"query":     `query($w: ExpertFilter) { experts(where: $w) { totalCount } }`,
			"variables": map[string]any{"w": slow},
		})
		ctx, cancel := withTimeout(2 * time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
			t.Fatalf("the slow filter answered (%d) within 2 s; the test needs it slow", res.StatusCode)
		}
		if !eventually(10*time.Second, func() bool { return runningTransactions(t) == 0 }) {
			t.Fatalf("%d transactions still run 10 s after the client left", runningTransactions(t))
		}
	})

	t.Run("a crowd gets answers, RATE_LIMITED or OVERLOADED, nothing else", func(t *testing.T) {
		const heavy = `{ experts(first: 500) { nodes { name memberOf(first: 100) { nodes { name } } } } }`
		codes := map[string]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range 300 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got := s.post(t, heavy, nil)
				mu.Lock()
				codes[fmt.Sprint(got.status, " ", got.code)]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		t.Logf("300 requests at once: %v", codes)
		for k := range codes {
			switch k {
			case "200 ", "429 " + castgraph.ERATELIMITED, "503 " + castgraph.EOVERLOADED:
			default:
				t.Errorf("answered %q", k)
			}
		}
		if codes["200 "] == 0 {
			t.Error("no request of the crowd was answered")
		}
	})

	t.Run("afterwards", func(t *testing.T) {
		time.Sleep(2500 * time.Millisecond) // the crowd emptied this client's bucket
		for _, q := range []string{
			`{ planItems(first: 21, orderBy: [{field: NUMBER}]) { totalCount nodes { number name partOf { nodes { number name } } launches { edges { role node { name kind runBy { nodes { name } } } } } } } }`,
			`{ industryClusters(first: 20) { nodes { parts(first: 20) { nodes { ... on IndustryChain { enterprises(first: 20) { nodes { servedBy(first: 20) { nodes { name } } } } } } } } } }`,
			`{ search(text: "生命健康") { node { name } } }`,
		} {
			if got := s.post(t, q, nil); got.status != 200 || got.code != "" || !got.data {
				t.Errorf("a legitimate query: %d %s %.300s", got.status, got.code, got.body)
			}
		}
		if !eventually(10*time.Second, func() bool { return runningTransactions(t) == 0 }) {
			t.Errorf("%d transactions left running on Neo4j", runningTransactions(t))
		}
		peak := s.peakRSS(t)
		t.Logf("peak resident memory of the server: %.1f MiB (bound %d MiB)", float64(peak)/(1<<20), maxPeakRSS>>20)
		if peak > maxPeakRSS {
			t.Errorf("peak resident memory %.1f MiB is over the bound of %d MiB", float64(peak)/(1<<20), maxPeakRSS>>20)
		}
	})
}

func xlsx(t *testing.T, declared, real uint64) []byte {
	t.Helper()
	b, err := hostile.XLSXBomb(declared, real)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
