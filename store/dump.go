package store

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// A dump is every node and relationship of the graph with its whole
// provenance, written as a dataset (castgraph.Dataset) that `castgraph load`
// reads back: loaded into an empty database, it gives the graph it was taken
// from. It is read in pages of dumpPage rows, each its own read transaction
// seeking from where the last stopped, and written as it is read, so memory
// stays flat however big the graph; the pages are not one snapshot, so a
// dump taken while the graph is written may mix before and after (stop
// writers for an exact backup, or use neo4j-admin database dump).
// API tokens and the audit log are not entities and are not in it.

// dumpPage is how many nodes one read of a dump takes; a read of
// relationships takes those of dumpNodesPerRelPage start nodes (on the
// benchmark graph about 8 a node, more for a hub).
const (
	dumpPage            = 5000
	dumpNodesPerRelPage = 1000
)

// DumpStats counts what a dump wrote.
type DumpStats struct{ Nodes, Relationships int }

// Dump writes the graph to w; progress, when not nil, hears the rows
// written so far after each page.
func (s *Store) Dump(ctx context.Context, w io.Writer, progress func(DumpStats)) (DumpStats, error) {
	var st DumpStats
	out := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintf(out, "{\"source\": %q,\n\"nodes\": [", "castgraph dump "+time.Now().UTC().Format(time.RFC3339))
	first := true
	item := func(v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if !first {
			out.WriteString(",")
		}
		first = false
		out.WriteString("\n")
		_, err = out.Write(b)
		return err
	}
	after := ""
	for {
		var page []*castgraph.DatasetNode
		after2, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
			page = page[:0] // a retried transaction starts the page again
			recs, err := collect(ctx, tx, `MATCH (n:Entity) WHERE n.id > $after RETURN n ORDER BY n.id LIMIT $page`,
				map[string]any{"after": after, "page": dumpPage})
			if err != nil {
				return "", err
			}
			last := ""
			for _, r := range recs {
				v, _ := r.Get("n")
				n := v.(dbtype.Node)
				page = append(page, dumpNode(n))
				last, _ = n.Props[propID].(string)
			}
			return last, nil
		})
		if err != nil {
			return st, err
		}
		for _, n := range page {
			if err := item(n); err != nil {
				return st, err
			}
		}
		st.Nodes += len(page)
		if progress != nil {
			progress(st)
		}
		if len(page) < dumpPage {
			break
		}
		after = after2
	}
	out.WriteString("\n],\n\"relationships\": [")
	first = true
	// Relationships by their start nodes, a page of nodes at a time: each
	// read seeks the id index, and every relationship is read once.
	after = ""
	for {
		var page []*castgraph.DatasetRelship
		starts, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]string, error) {
			page = page[:0] // a retried transaction starts the page again
			recs, err := collect(ctx, tx, `MATCH (a:Entity) WHERE a.id > $after RETURN a.id AS id ORDER BY id LIMIT $nodes`,
				map[string]any{"after": after, "nodes": dumpNodesPerRelPage})
			if err != nil {
				return nil, err
			}
			ids := make([]string, len(recs))
			for i, rec := range recs {
				v, _ := rec.Get("id")
				ids[i], _ = v.(string)
			}
			recs, err = collect(ctx, tx, `UNWIND $ids AS id
				MATCH (a:Entity {id: id})-[r]->(b:Entity)
				RETURN id AS from, b.id AS to, type(r) AS type, r ORDER BY from, type, to`, map[string]any{"ids": ids})
			if err != nil {
				return nil, err
			}
			for _, rec := range recs {
				from, _ := rec.Get("from")
				to, _ := rec.Get("to")
				typ, _ := rec.Get("type")
				v, _ := rec.Get("r")
				page = append(page, dumpRel(castgraph.RelType(typ.(string)), from.(string), to.(string), v.(dbtype.Relationship)))
			}
			return ids, nil
		})
		if err != nil {
			return st, err
		}
		for _, r := range page {
			if err := item(r); err != nil {
				return st, err
			}
		}
		st.Relationships += len(page)
		if progress != nil {
			progress(st)
		}
		if len(starts) < dumpNodesPerRelPage {
			break
		}
		after = starts[len(starts)-1]
	}
	out.WriteString("\n]}\n")
	return st, out.Flush()
}

// dumpNode is a node as a dataset node with its whole provenance.
func dumpNode(n dbtype.Node) *castgraph.DatasetNode {
	node := toNode(n)
	d := &castgraph.DatasetNode{ID: node.ID, Kind: node.Kind, Name: node.Name, Aliases: node.Aliases,
		Description: node.Description, Props: node.Props, Provenance: dumpProvenance(n.Props)}
	d.Source = firstSource(d.Provenance)
	if len(d.Props) == 0 {
		d.Props = nil
	}
	return d
}

// dumpRel is a relationship as a dataset relationship with its whole provenance.
func dumpRel(t castgraph.RelType, from, to string, r dbtype.Relationship) *castgraph.DatasetRelship {
	d := &castgraph.DatasetRelship{Type: t, From: from, To: to, Props: relProps(r.Props), Provenance: dumpProvenance(r.Props)}
	d.Source = firstSource(d.Provenance)
	if len(d.Props) == 0 {
		d.Props = nil
	}
	return d
}

// dumpProvenance reads the provenance properties as they are stored.
func dumpProvenance(props map[string]any) *castgraph.DatasetProvenance {
	stamp := func(v any) string {
		if t, ok := v.(time.Time); ok {
			return t.UTC().Format(time.RFC3339Nano)
		}
		return ""
	}
	stamps := func(v any) []string {
		list, _ := v.([]any)
		out := make([]string, 0, len(list))
		for _, x := range list {
			out = append(out, stamp(x))
		}
		return out
	}
	p := &castgraph.DatasetProvenance{Sources: toStrings(props[propSources]), Assertions: toStrings(props[propAssertions]),
		CreatedAt: stamp(props[propCreatedAt]), UpdatedAt: stamp(props[propUpdatedAt]), ChangedAt: stamp(props[propChangedAt]),
		SourceFirst: stamps(props[propSourceFirst]), SourceLast: stamps(props[propSourceLast])}
	if p.CreatedAt == "" {
		p.CreatedAt = time.Unix(0, 0).UTC().Format(time.RFC3339Nano)
	}
	if p.UpdatedAt == "" {
		p.UpdatedAt = p.CreatedAt
	}
	return p
}

// firstSource is a dataset entry's source: its first, or "castgraph dump"
// for data written without one.
func firstSource(p *castgraph.DatasetProvenance) string {
	if len(p.Sources) > 0 {
		return p.Sources[0]
	}
	return "castgraph dump"
}
