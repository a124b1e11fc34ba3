// Package synth generates a large synthetic castgraph graph – experts,
// enterprises, societies, parks, institutions, overseas stations, programs,
// industry clusters and chains, fictional cities and countries, and about a
// million relationships between them – for load tests, benchmarks and query
// tuning at a realistic size.
//
// The graph is deterministic: the same Options (seed and sizes) always give
// the same rows in the same order. Targets are chosen with a Zipf law over a
// seeded permutation, so a few enterprises, societies, parks and programs
// are hubs with thousands of links while most have a handful. Rows are
// streamed (Rows, Datasets), never held all at once, and every node comes
// before the relationships that refer to it, so store.LoadBatches can write
// them as they come.
//
// Everything is marked as made up: every description starts with 【合成数据】,
// every node and relationship has the source "synthetic graph seed=N", ids
// look like expert/synth-1-000001, organisation names end in a serial number,
// cities and countries are invented, and enterprises' credit codes (valid
// under GB 32100-2015, see creditCode) use the division codes 3290xx, which
// no real place has. Natural keys never collide with the curated datasets in
// data/, and those of different seeds differ except for the fixed country
// list and the rare city or credit code two seeds both draw, which merge onto
// one node as any dataset's would.
//
// It must not be used as, or mixed into, real data, and it only generates:
// loading is store's job.
package synth

import (
	"fmt"
	"iter"

	"github.com/castgraph/castgraph"
)

// Options are the seed and the number of nodes of each kind.
type Options struct {
	Seed         uint64
	Experts      int
	Enterprises  int
	Societies    int
	Parks        int
	Institutions int
	Stations     int // overseas stations
	Programs     int // programs, awards, events, competitions and platforms
	Clusters     int // industry clusters
	Chains       int // industry chains
	Cities       int // fictional cities of one fictional province
	Countries    int // fictional countries the stations are in
}

// DefaultOptions is the benchmark size: about 132 000 nodes and
// 1 000 000 relationships.
func DefaultOptions() Options {
	return Options{
		Seed: 1, Experts: 100000, Enterprises: 30000, Societies: 1000, Parks: 300, Institutions: 500,
		Stations: 200, Programs: 300, Clusters: 16, Chains: 50, Cities: 20, Countries: 12,
	}
}

// Scaled returns the default options with every count of many nodes divided
// by div (at least 1), for small test graphs of the same shape.
func Scaled(seed uint64, div int) Options {
	return scaleBy(seed, func(n int) int { return max(1, n/div) })
}

// Sized returns the default options scaled to the given number of experts:
// every count of many nodes (enterprises, societies, parks, institutions,
// stations, programs) grows in proportion, so relationships grow alike,
// while the fixed kinds (clusters, chains, cities, countries) stay as they
// are, as a province's do. Sized(seed, 100000) is DefaultOptions with the seed.
func Sized(seed uint64, experts int) Options {
	return scaleBy(seed, func(n int) int { return max(1, int(int64(n)*int64(experts)/100000)) })
}

func scaleBy(seed uint64, scale func(int) int) Options {
	o := DefaultOptions()
	o.Seed = seed
	o.Experts, o.Enterprises, o.Societies = scale(o.Experts), scale(o.Enterprises), scale(o.Societies)
	o.Parks, o.Institutions, o.Stations, o.Programs = scale(o.Parks), scale(o.Institutions), scale(o.Stations), scale(o.Programs)
	return o
}

// Limits on sizes: credit codes have six digits for an enterprise's serial
// number; other serial numbers print with at least six digits and may grow
// to seven.
const (
	maxSerial     = 9999999
	maxEnterprise = 999999
	maxCities     = 100
)

func (o Options) validate() error {
	for _, c := range []struct {
		name string
		n    int
		max  int
	}{
		{"experts", o.Experts, maxSerial}, {"enterprises", o.Enterprises, maxEnterprise}, {"societies", o.Societies, maxSerial},
		{"parks", o.Parks, maxSerial}, {"institutions", o.Institutions, maxSerial}, {"stations", o.Stations, maxSerial},
		{"programs", o.Programs, maxSerial}, {"clusters", o.Clusters, maxSerial}, {"chains", o.Chains, maxSerial},
		{"cities", o.Cities, min(maxCities, len(citySyllables1)*len(citySyllables2))}, {"countries", o.Countries, maxSerial},
	} {
		if c.n < 1 || c.n > c.max {
			return castgraph.Errorf(castgraph.EINVALID, c.name, "%s must be between 1 and %d, got %d", c.name, c.max, c.n)
		}
	}
	if o.Programs < 2 {
		return castgraph.Errorf(castgraph.EINVALID, "programs", "programs must be at least 2 (awards and others), got %d", o.Programs)
	}
	return nil
}

// Source is the provenance source of every row a generator with the seed makes.
func Source(seed uint64) string { return fmt.Sprintf("synthetic graph seed=%d", seed) }

// Marker starts every synthetic node's description.
const Marker = "【合成数据】"

// Generator makes the synthetic graph of its Options. It holds no rows; every
// Rows, Datasets or Count call generates the graph afresh, identically.
type Generator struct {
	o Options
}

// New checks the options and returns a generator.
func New(o Options) (*Generator, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &Generator{o: o}, nil
}

// Options returns the generator's options.
func (g *Generator) Options() Options { return g.o }

// Source is the provenance source of the generator's rows.
func (g *Generator) Source() string { return Source(g.o.Seed) }

// Row is one node or one relationship of the stream; exactly one is set.
type Row struct {
	Node *castgraph.DatasetNode
	Rel  *castgraph.DatasetRelship
}

// Rows yields the graph row by row, every node before the relationships
// that refer to it.
func (g *Generator) Rows() iter.Seq[Row] {
	return func(yield func(Row) bool) { newRun(g.o, yield).all() }
}

// Datasets yields the graph in datasets of n rows (the last one may be
// smaller), in the order of Rows. The error is always nil; it is there so
// that the stream fits store.LoadBatches.
func (g *Generator) Datasets(n int) iter.Seq2[*castgraph.Dataset, error] {
	if n < 1 {
		n = 1
	}
	return func(yield func(*castgraph.Dataset, error) bool) {
		d := &castgraph.Dataset{Source: g.Source()}
		for row := range g.Rows() {
			if row.Node != nil {
				d.Nodes = append(d.Nodes, *row.Node)
			} else {
				d.Relationships = append(d.Relationships, *row.Rel)
			}
			if d.Rows() == n {
				if !yield(d, nil) {
					return
				}
				d = &castgraph.Dataset{Source: g.Source(), Nodes: make([]castgraph.DatasetNode, 0, len(d.Nodes)),
					Relationships: make([]castgraph.DatasetRelship, 0, len(d.Relationships))}
			}
		}
		if d.Rows() > 0 {
			yield(d, nil)
		}
	}
}

// Count generates the graph without keeping it and returns how many nodes
// and relationships it has (a second or two at the default size).
func (g *Generator) Count() (nodes, relationships int) {
	for row := range g.Rows() {
		if row.Node != nil {
			nodes++
		} else {
			relationships++
		}
	}
	return nodes, relationships
}
