package store_test

import "github.com/castgraph/castgraph"

func castgraphInput(name string) castgraph.NodeInput {
	return castgraph.NodeInput{Name: &name, Props: map[string]any{"kind": "EVENT"}}
}
