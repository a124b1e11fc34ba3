package bench_test

// The roster import benchmark: a generated expert roster (one
// node and three relationships a row: the expert, AFFILIATED_WITH its
// employer, MEMBER_OF a society, LOCATED_IN a city) imported by
// roster.Import, side by side with the floor – a hand-written UNWIND … MERGE
// loop over the same kind of file, at the best of several batch sizes, run on
// half the rows just before the import and half just after, so that a busy
// machine weighs on both alike. It reports rows/s of both, their ratio, the
// peak Go heap of each (sampled every 50 ms) and the import's live heap at
// each fifth of the file, to show it flat.
//
// It runs against its own Neo4j (.neo4j-import/, Bolt 7689, heap 2g, page
// cache 1g), never the database the tests share:
//
//	go test -run '^$' -bench Import -benchtime 1x -timeout 60m ./bench/
//
// CASTGRAPH_IMPORT_BENCH_ROWS sets the roster's size (default 1 000 000);
// CASTGRAPH_IMPORT_BENCH_SAMPLE the rows each batch size of the floor is
// tried on (default 100 000); CASTGRAPH_IMPORT_BENCH_BATCH the import's batch
// size. Every run writes new experts (names carry a run tag) and keeps them:
// remove .neo4j-import/ (server stopped) to start afresh.

import (
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/devdb"
	"github.com/castgraph/castgraph/neo4jenv"
	"github.com/castgraph/castgraph/place"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

const (
	importHomeName  = ".neo4j-import"
	importBoltPort  = 7689
	importHeap      = "2g"
	importPageCache = "1g"

	importSocieties = 200
	importEmployers = 5000
)

var importCities = []string{"南京市", "无锡市", "徐州市", "常州市", "苏州市", "南通市", "连云港市", "淮安市", "盐城市", "扬州市", "镇江市", "泰州市", "宿迁市"}

// importDB starts (or reuses) the benchmark's Neo4j and loads the reference
// data the roster names: the seed (the 2024 plan and Jiangsu's divisions) and the societies.
func importDB(b *testing.B) (*store.Store, store.Config) {
	b.Helper()
	ctx := context.Background()
	opts := devdb.Options{
		Home:     neo4jenv.Getenv("CASTGRAPH_NEO4J_HOME", filepath.Join(filepath.Dir(devdb.DefaultHome()), importHomeName)),
		BoltPort: importBoltPort,
		Log:      os.Stderr,
	}
	if p, err := strconv.Atoi(os.Getenv("CASTGRAPH_BOLT_PORT")); err == nil && p != 7687 {
		opts.BoltPort = p
	}
	if opts.BoltPort == 7687 {
		b.Fatal("the import benchmark never runs on the test database (port 7687)")
	}
	if os.Getenv("CASTGRAPH_NEO4J_HEAP") == "" {
		opts.HeapSize = importHeap
	}
	if os.Getenv("CASTGRAPH_NEO4J_PAGECACHE") == "" {
		opts.PageCacheSize = importPageCache
	}
	srv, err := devdb.Ensure(ctx, opts)
	if err != nil {
		b.Fatal(err)
	}
	cfg := store.Config{URI: srv.URI, User: srv.User, Password: srv.Password, Database: "neo4j"}
	s, err := store.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	seed, err := data.Seed()
	if err != nil {
		b.Fatal(err)
	}
	for i := range importSocieties {
		seed.Nodes = append(seed.Nodes, castgraph.DatasetNode{ID: fmt.Sprintf("society/import-bench-%03d", i), Kind: castgraph.KindSociety,
			Name: importSociety(i), Source: "import benchmark (synthetic)"})
	}
	if _, err := s.Load(ctx, seed); err != nil {
		b.Fatal(err)
	}
	return s, cfg
}

func importSociety(i int) string { return fmt.Sprintf("基准示例学会%03d", i) }

// importCityKey is the natural key of a city of the roster: a division is
// keyed by its GB/T 2260 code, which the floor looks it up by as the import
// does.
func importCityKey(name string) (string, error) {
	ix, err := place.Jiangsu()
	if err != nil {
		return "", err
	}
	ds := ix.Resolve(name)
	if len(ds) != 1 {
		return "", fmt.Errorf("city %q resolves to %d divisions", name, len(ds))
	}
	return ds[0].Code, nil
}

// importRoster writes the roster: rows rows of experts named with the tag.
func importRoster(b *testing.B, dir, tag string, rows int) string {
	b.Helper()
	path := filepath.Join(dir, fmt.Sprintf("experts-%s-%d.csv", tag, rows))
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"姓名", "工作单位", "职称", "研究领域", "所属学会", "所在城市"})
	titles := []string{"教授", "研究员", "高级工程师", "副教授", "工程师"}
	fields := []string{"电力系统", "工业机器人", "动力电池", "集成电路", "生物医药", "新材料"}
	for i := range rows {
		_ = w.Write([]string{
			fmt.Sprintf("示例专家%s%07d", tag, i),
			fmt.Sprintf("示例单位%s%04d科技有限公司", tag, (i*7919)%importEmployers),
			titles[i%len(titles)], fields[i%len(fields)],
			importSociety((i * 31) % importSocieties),
			importCities[i%len(importCities)],
		})
	}
	w.Flush()
	if err := errors.Join(w.Error(), f.Close()); err != nil {
		b.Fatal(err)
	}
	return path
}

// heapSampler records the peak Go heap in use while it runs.
type heapSampler struct {
	peak atomic.Uint64
	stop chan struct{}
	wg   sync.WaitGroup
}

func sampleHeap() *heapSampler {
	runtime.GC()
	h := &heapSampler{stop: make(chan struct{})}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > h.peak.Load() {
				h.peak.Store(m.HeapInuse)
			}
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) done() float64 {
	close(h.stop)
	h.wg.Wait()
	return float64(h.peak.Load()) / (1 << 20)
}

func heapMB() float64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return float64(m.HeapInuse) / (1 << 20)
}

// floorLoad is the floor: the roster read with encoding/csv and written by
// one hand-written UNWIND … MERGE statement a batch, in managed write
// transactions – no validation, no entity resolution, provenance only on
// create.
func floorLoad(ctx context.Context, cfg store.Config, path string, batch int) (int, error) {
	driver, err := neo4j.NewDriverWithContext(cfg.URI, neo4j.BasicAuth(cfg.User, cfg.Password, ""))
	if err != nil {
		return 0, err
	}
	defer driver.Close(ctx)
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	if _, err := r.Read(); err != nil {
		return 0, err
	}
	session := driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: cfg.Database, AccessMode: neo4j.AccessModeWrite})
	defer session.Close(ctx)
	expert, _ := castgraph.SpecOf(castgraph.KindExpert)
	src := "floor " + filepath.Base(path)
	n := 0
	rows := make([]map[string]any, 0, batch)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		_, err := session.ExecuteWrite(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, `UNWIND $rows AS row
				MERGE (e:Expert {key: row.key})
				  ON CREATE SET e:Entity, e.id = row.id, e.name = row.name, e.title = row.title, e.field = row.field,
				                e.disambiguation = row.employer, e.sources = [row.source], e.createdAt = datetime(), e.updatedAt = datetime()
				MERGE (o:Enterprise {key: row.employerKey})
				  ON CREATE SET o:Entity, o.id = row.employerId, o.name = row.employer, o.sources = [row.source],
				                o.createdAt = datetime(), o.updatedAt = datetime()
				WITH e, o, row
				MATCH (s:Society {key: row.society})
				MATCH (c:Region {key: row.city})
				MERGE (e)-[a:AFFILIATED_WITH]->(o) ON CREATE SET a.sources = [row.source], a.createdAt = datetime(), a.updatedAt = datetime()
				MERGE (e)-[m:MEMBER_OF]->(s) ON CREATE SET m.sources = [row.source], m.createdAt = datetime(), m.updatedAt = datetime()
				MERGE (e)-[l:LOCATED_IN]->(c) ON CREATE SET l.sources = [row.source], l.createdAt = datetime(), l.updatedAt = datetime()`,
				map[string]any{"rows": rows})
			if err != nil {
				return nil, err
			}
			_, err = res.Consume(ctx)
			return nil, err
		})
		rows = rows[:0]
		return err
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return n, err
		}
		n++
		key := expert.NaturalKey(rec[0], map[string]any{"disambiguation": rec[1]})
		city, err := importCityKey(rec[5])
		if err != nil {
			return n, err
		}
		employerKey := castgraph.NormalizeName(rec[1])
		rows = append(rows, map[string]any{
			"key": key, "id": roster.RosterID(castgraph.KindExpert, key), "name": rec[0], "title": rec[2], "field": rec[3],
			"employer": rec[1], "employerKey": employerKey, "employerId": roster.RosterID(castgraph.KindEnterprise, employerKey),
			"society": castgraph.NormalizeName(rec[4]), "city": city,
			"source": src + ", row " + strconv.Itoa(n+1),
		})
		if len(rows) == batch {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	return n, flush()
}

func runTag() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func envInt(name string, fallback int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return fallback
}

// BenchmarkImport_ExpertRoster measures roster.Import against the floor.
func BenchmarkImport_ExpertRoster(b *testing.B) {
	s, cfg := importDB(b)
	ctx := context.Background()
	rows := envInt("CASTGRAPH_IMPORT_BENCH_ROWS", 1_000_000)
	sample := envInt("CASTGRAPH_IMPORT_BENCH_SAMPLE", 100_000)
	dir := b.TempDir()
	for b.Loop() {
		// The floor's best batch size, on a sample.
		best, bestRate := 0, 0.0
		for _, size := range []int{1000, 2000, 5000, 10000} {
			path := importRoster(b, dir, "f"+runTag(), min(sample, rows))
			start := time.Now()
			n, err := floorLoad(ctx, cfg, path, size)
			if err != nil {
				b.Fatal(err)
			}
			rate := float64(n) / time.Since(start).Seconds()
			b.Logf("floor, %d rows a statement: %.0f rows/s on %d rows", size, rate, n)
			if rate > bestRate {
				best, bestRate = size, rate
			}
		}
		// The floor runs on half the rows before the import and half after
		// it, so that both see the database (and a shared machine) alike.
		floorRows, floorSecs, floorPeak := 0, 0.0, 0.0
		floorPart := func() {
			path := importRoster(b, dir, "F"+runTag(), rows/2)
			heap := sampleHeap()
			start := time.Now()
			n, err := floorLoad(ctx, cfg, path, best)
			if err != nil {
				b.Fatal(err)
			}
			floorSecs += time.Since(start).Seconds()
			floorRows += n
			floorPeak = max(floorPeak, heap.done())
		}
		floorPart()
		path := importRoster(b, dir, "R"+runTag(), rows)
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		fi, _ := f.Stat()
		var marks []string
		next := rows / 5
		heap := sampleHeap()
		start := time.Now()
		rep, err := roster.Import(ctx, s, roster.File{Name: path, R: f, Size: fi.Size()}, roster.Options{
			BatchSize: envInt("CASTGRAPH_IMPORT_BENCH_BATCH", roster.DefaultBatchSize),
			Progress: func(p roster.Progress) {
				if p.Rows >= next {
					// The live heap: what a collection leaves.
					runtime.GC()
					marks = append(marks, fmt.Sprintf("%dk: %.1f MiB", p.Rows/1000, heapMB()))
					next += rows / 5
				}
			}})
		secs := time.Since(start).Seconds()
		peak := heap.done()
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		if rep.RowsOK != rows || rep.NodesCreated < rows || rep.RelationshipsCreated != 3*rows {
			b.Fatalf("import: %s", rep.Summary())
		}
		floorPart()
		floorRate := float64(floorRows) / floorSecs
		b.Logf("floor: %d rows (half before the import, half after) in %.1f s at %d rows a statement: %.0f rows/s, peak heap %.1f MiB",
			floorRows, floorSecs, best, floorRate, floorPeak)
		rate := float64(rows) / secs
		b.Logf("import: %d rows in %.1f s: %.0f rows/s (%.0f%% of the floor), peak heap %.1f MiB; live heap along the way: %v",
			rows, secs, rate, 100*rate/floorRate, peak, marks)
		b.ReportMetric(rate, "rows/s")
		b.ReportMetric(floorRate, "floor-rows/s")
		b.ReportMetric(100*rate/floorRate, "%-of-floor")
		b.ReportMetric(peak, "peak-heap-MiB")
		b.ReportMetric(floorPeak, "floor-peak-heap-MiB")
	}
}
