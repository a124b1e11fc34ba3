// Package data embeds the curated datasets: the 2024 plan of the Jiangsu
// Association for Science and Technology (plan2024.json), Jiangsu's
// administrative divisions with their GB/T 2260 codes (regions-jiangsu.json,
// generated from a package of the codes by tools/build_regions.py) and a
// synthetic demo roster (demo.json). See README.md beside it for the format and the rules of
// provenance. It holds data only; loading is store.Load's job.
package data

import (
	"bytes"
	"embed"

	"github.com/castgraph/castgraph"
)

//go:embed plan2024.json regions-jiangsu.json demo.json
var files embed.FS

// Seed returns the 2024 plan dataset together with Jiangsu's divisions: the
// plan refers to the province and its cities, which are nodes of the
// divisions' file.
func Seed() (*castgraph.Dataset, error) {
	plan, err := read("plan2024.json")
	if err != nil {
		return nil, err
	}
	regions, err := Regions()
	if err != nil {
		return nil, err
	}
	plan.Merge(regions)
	return plan, nil
}

// Regions returns Jiangsu's administrative divisions: the province, its 13
// cities and every county-level division, each with its GB/T 2260 code and
// LOCATED_IN the division above it.
func Regions() (*castgraph.Dataset, error) { return read("regions-jiangsu.json") }

// Demo returns the seed (the plan and the divisions) together with the
// synthetic demo roster, which refers to the plan's programs, chains and
// clusters and to the cities.
func Demo() (*castgraph.Dataset, error) {
	seed, err := Seed()
	if err != nil {
		return nil, err
	}
	demo, err := read("demo.json")
	if err != nil {
		return nil, err
	}
	seed.Merge(demo)
	return seed, nil
}

func read(name string) (*castgraph.Dataset, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return castgraph.ReadDataset(bytes.NewReader(b), "data/"+name)
}
