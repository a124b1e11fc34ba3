// Package model holds the Go types behind the GraphQL schema: thin views over
// castgraph domain nodes (kinds_gen.go, by cmd/schemagen) and the types gqlgen
// generates (models_gen.go). It holds no behaviour beyond reading properties.
package model

import "github.com/castgraph/castgraph"

// Node is implemented by the view of every kind; it is the GraphQL Node interface.
type Node interface {
	Entity() *castgraph.Node
}

// PageInfo tells where a page lies in its list (Relay connections).
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// PropString reads a string property, nil when unset.
func PropString(props map[string]any, name string) *string {
	if s, ok := props[name].(string); ok {
		return &s
	}
	return nil
}

// PropInt reads an integer property, nil when unset.
func PropInt(props map[string]any, name string) *int {
	if i, ok := props[name].(int64); ok {
		n := int(i)
		return &n
	}
	return nil
}

// PropBool reads a boolean property, nil when unset.
func PropBool(props map[string]any, name string) *bool {
	if b, ok := props[name].(bool); ok {
		return &b
	}
	return nil
}

// PropDate reads a date property, nil when unset.
func PropDate(props map[string]any, name string) *castgraph.Date {
	if d, ok := props[name].(castgraph.Date); ok {
		return &d
	}
	return nil
}
