package bench_test

// The dataset loader's benchmark: store.LoadBatches writing a synthetic graph
// of package synth (what `castgraph generate` does) into the import
// benchmark's own Neo4j (importDB), first fresh – a seed no earlier run used,
// so every node and relationship is new – and then again, when every row
// merges onto what the first pass wrote and changes nothing. It reports rows/s
// of both passes.
//
//	go test -run '^$' -bench Load -benchtime 1x -timeout 30m ./bench/
//
// CASTGRAPH_LOAD_BENCH_DIV divides the default synthetic graph's counts
// (synth.Scaled; default 20: about 6 600 nodes and 50 000 relationships).
// Every run keeps what it wrote: remove .neo4j-import/ (server stopped) to
// start afresh.

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/synth"
)

// BenchmarkLoad_Synth measures store.LoadBatches on a fresh synthetic graph
// and on the same graph loaded again.
func BenchmarkLoad_Synth(b *testing.B) {
	s, _ := importDB(b)
	ctx := context.Background()
	div := envInt("CASTGRAPH_LOAD_BENCH_DIV", 20)
	for b.Loop() {
		// A seed of its own per run, far from the small seeds people pick,
		// so the first pass creates its nodes.
		var buf [4]byte
		_, _ = rand.Read(buf[:])
		seed := uint64(binary.BigEndian.Uint32(buf[:])%math.MaxInt32) + 1000
		g, err := synth.New(synth.Scaled(seed, div))
		if err != nil {
			b.Fatal(err)
		}
		nodes, rels := g.Count()
		pass := func(name string) float64 {
			start := time.Now()
			st, err := s.LoadBatches(ctx, g.Datasets(store.DefaultBatchSize), store.LoadOptions{})
			if err != nil {
				b.Fatal(err)
			}
			secs := time.Since(start).Seconds()
			if st.Nodes != nodes || st.Relationships != rels {
				b.Fatalf("%s: wrote %d nodes and %d relationships, want %d and %d", name, st.Nodes, st.Relationships, nodes, rels)
			}
			rate := float64(st.Rows()) / secs
			b.Logf("%s: %d rows (%d nodes and %d relationships new) in %.1f s: %.0f rows/s",
				name, st.Rows(), st.NodesCreated, st.RelationshipsCreated, secs, rate)
			return rate
		}
		b.ReportMetric(pass("fresh"), "fresh-rows/s")
		b.ReportMetric(pass("again"), "again-rows/s")
	}
}
