package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// report is everything a run found, and writes compare.md, compare.csv and compare.svg.
type report struct {
	cfg               *config
	info              machine
	checks            map[string]*checkResult
	mix               []*query
	results           []*result
	started, finished time.Time
}

// The targets castgraph is held to, at concurrency 8.
const (
	targetConcurrency = 8
	targetThroughput  = 1.5  // castgraph ÷ peer throughput, nested and relationship-filter queries
	targetFloor       = 1.25 // castgraph ÷ floor latency (p50)
)

func (r *report) get(q, system string, c int) *result {
	for _, res := range r.results {
		if res.query == q && res.system == system && res.concurrency == c {
			return res
		}
	}
	return nil
}

func (r *report) write() error {
	if err := os.MkdirAll(r.cfg.out, 0o755); err != nil {
		return err
	}
	if err := r.writeCSV(filepath.Join(r.cfg.out, "compare.csv")); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(r.cfg.out, "compare.svg"), []byte(r.chart()), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(r.cfg.out, "compare.md"), []byte(r.markdown()), 0o644)
}

func (r *report) writeCSV(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"query", "system", "concurrency", "requests", "errors", "seconds", "throughput_rps",
		"p50_ms", "p90_ms", "p99_ms", "mean_ms", "min_ms", "max_ms", "bytes_per_answer",
		"cpu_neo4j_ms_per_request", "cpu_server_ms_per_request", "cpu_harness_ms_per_request"})
	for _, res := range r.results {
		per := 0.0
		if res.requests > 0 {
			per = float64(res.bytes) / float64(res.requests)
		}
		_ = w.Write([]string{res.query, res.system, strconv.Itoa(res.concurrency), strconv.Itoa(res.requests),
			strconv.Itoa(res.errors), f3(res.elapsed.Seconds()), f3(res.throughput()),
			f3(ms(res.p50)), f3(ms(res.p90)), f3(ms(res.p99)), f3(ms(res.mean)), f3(ms(res.min)), f3(ms(res.max)), f3(per),
			cpuCell(res, "neo4j", f3), cpuCell(res, "server", f3), cpuCell(res, "harness", f3)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func f3(f float64) string { return strconv.FormatFloat(f, 'f', 3, 64) }

// cpuCell is a role's CPU milliseconds per request, or empty when unknown.
func cpuCell(res *result, role string, format func(float64) string) string {
	if v, ok := res.cpuPerRequest(role); ok {
		return format(v)
	}
	return ""
}

func (r *report) markdown() string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# castgraph against the Neo4j GraphQL Library and raw Cypher\n\n")
	if r.cfg.label != "" {
		p("**%s**\n\n", r.cfg.label)
	}
	p("Run %s, %s. Each cell: %s measured after %s of warm-up (at most %d requests), per query, system and concurrency; ",
		r.started.UTC().Format("2006-01-02 15:04 UTC"), r.finished.Sub(r.started).Round(time.Second),
		r.cfg.duration, r.cfg.warmup, r.cfg.maxRequests)
	p("requests cycle through the variants of each query (below). Throughput in requests per second, latency in milliseconds.\n\n")
	p("- **castgraph**: `castgraph serve` of this checkout (%s)\n", r.info.castgraph)
	p("- **peer**: %s\n", r.info.peer)
	p("- **floor**: the same questions as hand-written Cypher through the Go driver (read transactions, no HTTP)\n")
	p("- **machine**: %s\n- **database**: %s\n\n", r.info.machine, r.info.neo4j)
	p("![throughput and latency per query](compare.svg)\n\n")

	p("## Targets at concurrency %d\n\n", targetConcurrency)
	p("| query | throughput ÷ peer | p99 vs peer | p50 ÷ floor | met |\n| --- | --- | --- | --- | --- |\n")
	for _, q := range r.mix {
		if !r.checks[q.name].agree {
			p("| %s | not timed: the answers differ | | | no |\n", q.title)
			continue
		}
		cg, peer, floor := r.get(q.name, "castgraph", targetConcurrency), r.get(q.name, "peer", targetConcurrency), r.get(q.name, "floor", targetConcurrency)
		if cg == nil {
			p("| %s | castgraph not measured at concurrency %d | | | |\n", q.title, targetConcurrency)
			continue
		}
		met := true
		thr, p99, flo := "–", "–", "–"
		if peer != nil && peer.requests > 0 && cg.requests > 0 {
			ratio := cg.throughput() / peer.throughput()
			thr = fmt.Sprintf("%.2f×", ratio)
			if q.nested {
				thr += fmt.Sprintf(" (target ≥ %.1f×)", targetThroughput)
				met = met && ratio >= targetThroughput
			}
			p99 = fmt.Sprintf("%.1f vs %.1f ms", ms(cg.p99), ms(peer.p99))
			met = met && cg.p99 <= peer.p99
		}
		if floor != nil && floor.requests > 0 && cg.requests > 0 {
			ratio := ms(cg.p50) / ms(floor.p50)
			flo = fmt.Sprintf("%.2f× (%.2f vs %.2f ms)", ratio, ms(cg.p50), ms(floor.p50))
			met = met && ratio <= targetFloor
		}
		if cg.errors > 0 {
			met = false
		}
		p("| %s | %s | %s | %s | %s |\n", q.title, thr, p99, flo, yesNo(met))
	}
	p("\nTargets: castgraph at least %.1f× the peer's throughput on the nested and relationship-filter queries, ", targetThroughput)
	p("p99 no worse than the peer's on any query, latency (here p50) within %.2f× of the floor.\n\n", targetFloor)

	p("## CPU per answered request at concurrency %d\n\n", targetConcurrency)
	p("Processor time (user + system) of each process during the measurement, divided by the requests answered, in ms. ")
	p("With every process on the same machine (%d logical CPUs), a system's throughput is bounded by its total. ", runtime.NumCPU())
	p("*Load generator* is this harness: for castgraph and the peer its HTTP client, for the floor the Go driver and the statements' answers too.\n\n")
	p("| query | system | Neo4j | server | load generator | total |\n| --- | --- | ---: | ---: | ---: | ---: |\n")
	for _, q := range r.mix {
		for _, s := range systemNames {
			res := r.get(q.name, s, targetConcurrency)
			if res == nil || res.requests == 0 {
				continue
			}
			total, known := 0.0, false
			cells := []string{}
			for _, role := range cpuRoles {
				v, ok := res.cpuPerRequest(role)
				if !ok {
					cells = append(cells, "–")
					continue
				}
				total, known = total+v, true
				cells = append(cells, fmt.Sprintf("%.3f", v))
			}
			sum := "–"
			if known {
				sum = fmt.Sprintf("%.3f", total)
			}
			p("| %s | %s | %s | %s |\n", q.name, s, strings.Join(cells, " | "), sum)
		}
	}
	p("\n")

	p("## All measurements\n\n")
	p("| query | c | castgraph req/s | peer req/s | floor req/s | castgraph p50 | peer p50 | floor p50 | castgraph p99 | peer p99 | floor p99 | castgraph ÷ peer req/s | castgraph ÷ floor p50 |\n")
	p("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, q := range r.mix {
		if !r.checks[q.name].agree {
			p("| %s | | not timed: the answers differ | | | | | | | | | | |\n", q.name)
			continue
		}
		for _, c := range r.cfg.concurrency {
			row := []string{q.name, strconv.Itoa(c)}
			cells := func(f func(*result) string) {
				for _, s := range systemNames {
					res := r.get(q.name, s, c)
					if res == nil || res.requests == 0 {
						row = append(row, "–")
						continue
					}
					row = append(row, f(res))
				}
			}
			cells(func(res *result) string {
				s := fmt.Sprintf("%.1f", res.throughput())
				if res.errors > 0 {
					s += fmt.Sprintf(" (%d errors)", res.errors)
				}
				return s
			})
			cells(func(res *result) string { return fmt.Sprintf("%.2f", ms(res.p50)) })
			cells(func(res *result) string { return fmt.Sprintf("%.2f", ms(res.p99)) })
			cg, peer, floor := r.get(q.name, "castgraph", c), r.get(q.name, "peer", c), r.get(q.name, "floor", c)
			row = append(row, ratio(cg, peer, func(x *result) float64 { return x.throughput() }),
				ratio(cg, floor, func(x *result) float64 { return ms(x.p50) }))
			p("| %s |\n", strings.Join(row, " | "))
		}
	}

	p("\n## Answer check\n\n")
	p("Before timing, every variant of every query was asked of each system once and the answers compared ")
	p("(ids and names in order at every level, totals, page flags; full-text hits in rank order, ")
	p("the hits tied at the last score of a full page by count only).\n\n")
	for _, q := range r.mix {
		c := r.checks[q.name]
		if c.agree {
			p("- %s: **same answers**\n", q.name)
			continue
		}
		p("- %s: **answers differ, not timed**\n", q.name)
		for _, n := range c.notes {
			p("  - %s\n", strings.ReplaceAll(n, "|", "\\|"))
		}
	}

	p("\n## The queries\n\n")
	for _, q := range r.mix {
		var labels []string
		for _, v := range q.variants {
			labels = append(labels, "`"+v.label+"`")
		}
		p("### %s: %s\n\nVariants: %s.\n\n", q.name, q.title, strings.Join(labels, ", "))
		p("castgraph:\n\n```graphql\n%s\n```\n\npeer:\n\n```graphql\n%s\n```\n\nfloor:\n\n```cypher\n%s\n```\n\n", q.castgraph, q.peer, q.cypher)
	}
	return b.String()
}

func ratio(a, b *result, f func(*result) float64) string {
	if a == nil || b == nil || a.requests == 0 || b.requests == 0 || f(b) == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", f(a)/f(b))
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "**no**"
}

// machine describes where the run happened.
type machine struct {
	machine, neo4j, castgraph, peer string
	short                           string // one line for the chart
}

func describeMachine(ctx context.Context, root string, f *floorTarget) machine {
	var m machine
	cpu := "unknown CPU"
	if fh, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(fh)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
		fh.Close()
	}
	mem := ""
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "MemTotal:") {
				if kb, err := strconv.Atoi(strings.Fields(line)[1]); err == nil {
					mem = fmt.Sprintf(", %.0f GiB RAM", float64(kb)/(1<<20))
				}
			}
		}
	}
	kernel, _ := os.ReadFile("/proc/sys/kernel/osrelease")
	m.machine = fmt.Sprintf("%s, %d logical CPUs%s, %s %s, %s; load generator, servers and Neo4j on the same machine",
		cpu, runtime.NumCPU(), mem, runtime.GOOS, strings.TrimSpace(string(kernel)), runtime.Version())
	m.short = fmt.Sprintf("%d CPUs%s, %s", runtime.NumCPU(), mem, cpu)

	m.neo4j = "Neo4j (version unknown)"
	if rec, err := f.one(ctx, "CALL dbms.components() YIELD name, versions, edition RETURN name + ' ' + versions[0] + ' ' + edition AS v", nil); err == nil {
		v, _ := rec.Get("v")
		m.neo4j = fmt.Sprint(v)
	}
	if rec, err := f.one(ctx, "MATCH (n:Entity) WITH count(n) AS nodes CALL () { MATCH ()-[r]->() RETURN count(r) AS rels } RETURN nodes, rels", nil); err == nil {
		n, _ := rec.Get("nodes")
		rels, _ := rec.Get("rels")
		m.neo4j += fmt.Sprintf(", %v nodes and %v relationships", n, rels)
	}

	m.castgraph = "commit " + gitDescribe(ctx, root)
	m.peer = peerVersions(root)
	return m
}

func gitDescribe(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "rev-parse", "--short", "HEAD").Output()
	if err != nil {
		return "unknown"
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.CommandContext(ctx, "git", "-C", root, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
		rev += " with uncommitted changes"
	}
	return rev
}

// peerVersions reads the installed versions from the peer's package-lock.json.
func peerVersions(root string) string {
	b, err := os.ReadFile(filepath.Join(root, "bench", "compare", "peer", "package-lock.json"))
	if err != nil {
		return "@neo4j/graphql with GraphQL Yoga on Node.js"
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	_ = json.Unmarshal(b, &lock)
	v := func(name string) string { return lock.Packages["node_modules/"+name].Version }
	node := "Node.js"
	if out, err := exec.Command("node", "--version").Output(); err == nil {
		node += " " + strings.TrimSpace(string(out))
	}
	return fmt.Sprintf("@neo4j/graphql %s with graphql-yoga %s, neo4j-driver %s, graphql %s on %s (one process)",
		v("@neo4j/graphql"), v("graphql-yoga"), v("neo4j-driver"), v("graphql"), node)
}
