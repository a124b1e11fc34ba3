// Package data embeds the curated datasets: the 2024 plan of the Jiangsu
// Association for Science and Technology (plan2024.json) and a synthetic demo
// roster (demo.json). See README.md beside it for the format and the rules of
// provenance. It holds data only; loading is store.Load's job.
package data

import (
	"bytes"
	"embed"

	"github.com/castgraph/castgraph"
)

//go:embed plan2024.json demo.json
var files embed.FS

// Seed returns the 2024 plan dataset.
func Seed() (*castgraph.Dataset, error) { return read("plan2024.json") }

// Demo returns the 2024 plan together with the synthetic demo roster, which
// refers to the plan's programmes, chains and cities.
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
