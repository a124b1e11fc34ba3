package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/castgraph/castgraph/bench"
)

// The systems, in the order of the table and chart.
var systemNames = []string{"castgraph", "peer", "floor"}

// target is a system that answers the questions of the mix.
type target interface {
	name() string
	// call asks variant v of q once and checks that the answer is not an
	// error; it returns the size of the answer in bytes (0 for Cypher).
	call(ctx context.Context, q *query, v int) (int, error)
	// answer asks once and returns the answer as JSON values.
	answer(ctx context.Context, q *query, v int) (any, error)
}

// graphQLTarget sends POST /graphql over loopback HTTP/1.1 with keep-alive.
type graphQLTarget struct {
	system string
	url    string
	client *http.Client
	bodies sync.Map // *query → [][]byte, the request body of each variant
	// authorization, when set, is sent as the Authorization header.
	authorization string
}

func newGraphQLTarget(system, endpoint string, concurrency []int) *graphQLTarget {
	conns := slices.Max(concurrency) + 4
	tr := &http.Transport{
		// Loopback only: the load generator never proxies or leaves the machine.
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &graphQLTarget{system: system, url: endpoint, client: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

func (g *graphQLTarget) name() string { return g.system }

func (g *graphQLTarget) body(q *query, v int) []byte {
	if b, ok := g.bodies.Load(q); ok {
		return b.([][]byte)[v]
	}
	all := make([][]byte, len(q.variants))
	for i, va := range q.variants {
		text, vars := q.castgraph, va.castgraphVars
		if g.system == "peer" {
			text, vars = q.peer, va.peerVars
		}
		all[i], _ = json.Marshal(map[string]any{"query": text, "variables": vars})
	}
	g.bodies.Store(q, all)
	return all[v]
}

var (
	errorsKey = []byte(`"errors":`)
	dataStart = []byte(`{"data":`)
)

func (g *graphQLTarget) post(ctx context.Context, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if g.authorization != "" {
		req.Header.Set("Authorization", g.authorization)
	}
	resp, err := g.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	// Both servers answer {"data": …} and add "errors" only when something
	// failed; looking for the key is cheaper than decoding every answer,
	// and the load generator shares the machine with the servers.
	if resp.StatusCode != http.StatusOK || !bytes.HasPrefix(raw, dataStart) || bytes.Contains(raw, errorsKey) {
		return nil, fmt.Errorf("HTTP %d: %.400s", resp.StatusCode, raw)
	}
	return raw, nil
}

func (g *graphQLTarget) call(ctx context.Context, q *query, v int) (int, error) {
	raw, err := g.post(ctx, g.body(q, v))
	return len(raw), err
}

func (g *graphQLTarget) answer(ctx context.Context, q *query, v int) (any, error) {
	raw, err := g.post(ctx, g.body(q, v))
	if err != nil {
		return nil, err
	}
	var r struct {
		Data any `json:"data"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	return r.Data, nil
}

// result is one measurement: a query, a system, a concurrency.
type result struct {
	query, system  string
	concurrency    int
	requests       int // answered without error
	errors         int
	firstError     string
	elapsed        time.Duration
	bytes          int64
	p50, p90, p99  time.Duration
	mean, max, min time.Duration
	cpu            cpuSample // CPU time spent during the measurement, by role
}

// cpuPerRequest is a role's CPU time per answered request in milliseconds;
// false when the role was not watched.
func (r *result) cpuPerRequest(role string) (float64, bool) {
	d, ok := r.cpu[role]
	if !ok || r.requests == 0 {
		return 0, false
	}
	return ms(d) / float64(r.requests), true
}

func (r *result) throughput() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// cpuWatch names the processes whose CPU time a measurement records: Neo4j
// and each system's server (0 when unknown: a database or server this run
// did not start).
type cpuWatch struct {
	neo4j   int
	servers map[string]int
}

// measure warms up, then keeps c requests in flight (each worker sends its
// next request when its last is answered) until the duration has passed or
// max-requests have been sent, cycling through the variants.
func measure(ctx context.Context, t target, q *query, c int, cfg *config, w cpuWatch) *result {
	if cfg.warmup > 0 {
		load(ctx, t, q, c, cfg.warmup, cfg.maxRequests)
	}
	before := sampleCPU(w.neo4j, w.servers[t.name()])
	res := load(ctx, t, q, c, cfg.duration, cfg.maxRequests)
	res.cpu = sampleCPU(w.neo4j, w.servers[t.name()]).since(before)
	return res
}

func load(ctx context.Context, t target, q *query, c int, d time.Duration, maxRequests int) *result {
	res := &result{query: q.name, system: t.name(), concurrency: c}
	var (
		next    atomic.Int64
		mu      sync.Mutex
		all     []time.Duration
		wg      sync.WaitGroup
		byteSum atomic.Int64
	)
	start := time.Now()
	deadline := start.Add(d)
	for range c {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 1024)
			var errs int
			var firstErr error
			for ctx.Err() == nil && time.Now().Before(deadline) {
				n := next.Add(1)
				if n > int64(maxRequests) {
					break
				}
				v := int(n) % len(q.variants)
				t0 := time.Now()
				size, err := t.call(ctx, q, v)
				elapsed := time.Since(t0)
				if err != nil {
					if ctx.Err() != nil {
						break
					}
					errs++
					if firstErr == nil {
						firstErr = err
					}
					continue
				}
				lat = append(lat, elapsed)
				byteSum.Add(int64(size))
			}
			mu.Lock()
			all = append(all, lat...)
			res.errors += errs
			if firstErr != nil && res.firstError == "" {
				res.firstError = firstErr.Error()
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.requests = len(all)
	res.bytes = byteSum.Load()
	if len(all) > 0 {
		slices.Sort(all)
		var sum time.Duration
		for _, l := range all {
			sum += l
		}
		res.mean = sum / time.Duration(len(all))
		res.min, res.max = all[0], all[len(all)-1]
		res.p50, res.p90, res.p99 = bench.Percentile(all, 50), bench.Percentile(all, 90), bench.Percentile(all, 99)
	}
	if res.firstError != "" {
		logf("%s %s c=%d: %d errors, the first: %s", q.name, t.name(), c, res.errors, res.firstError)
	}
	return res
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// loopbackOnly refuses a URL whose host is not a loopback address.
func loopbackOnly(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return errors.New(raw + " is not on the loopback interface; the load generator only sends to this machine")
}
