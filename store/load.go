package store

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// LoadStats counts what a dataset load wrote. Nodes and Relationships count
// the rows written (merged onto existing ones or created); the Created counts
// say how many of them were new, so a repeated load reports zero there.
type LoadStats struct {
	Nodes, Relationships               int
	NodesCreated, RelationshipsCreated int
	// Batches is the number of transactions committed.
	Batches int
}

// Rows is Nodes + Relationships.
func (s LoadStats) Rows() int { return s.Nodes + s.Relationships }

func (s *LoadStats) add(o LoadStats) {
	s.Nodes += o.Nodes
	s.Relationships += o.Relationships
	s.NodesCreated += o.NodesCreated
	s.RelationshipsCreated += o.RelationshipsCreated
	s.Batches += o.Batches
}

// Load upserts a dataset in one write transaction: all of it or nothing.
// Every relationship must join two nodes of the dataset (Dataset.Check).
// Nodes are merged on their kind's natural key (a node that exists keeps its
// id), relationships on (type, from, to); the dataset's sources are added to
// the provenance. A load merges as the roster import does (write.go): an
// existing node keeps its name, gains the aliases it lacks, takes the
// properties and the description the dataset gives, and loses none it does
// not give. Loading the same dataset twice leaves the graph as it was.
//
// Load is meant for curated datasets of a few thousand rows; LoadBatches
// writes large ones in many transactions.
func (s *Store) Load(ctx context.Context, d *castgraph.Dataset) (LoadStats, error) {
	if err := d.Check(); err != nil {
		return LoadStats{}, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (LoadStats, error) {
		stats, _, err := writeDataset(ctx, tx, d, nil, 0)
		stats.Batches = 1
		return stats, err
	})
}

// DefaultBatchSize is LoadOptions.BatchSize when none is given. Loading the
// default synthetic graph was markedly slower with 1 000 rows per
// transaction than with 5 000, 10 000 or 20 000, which ran the same within
// noise (bench/README.md has the figures); 5 000 is the smallest of those,
// so a failed or retried batch costs least and the server holds the least
// per transaction.
const DefaultBatchSize = 5000

// LoadOptions tunes LoadBatches.
type LoadOptions struct {
	// BatchSize is the most rows (nodes plus relationships) one transaction
	// writes; 0 means DefaultBatchSize.
	BatchSize int
	// Progress, when set, is called after every committed batch with the
	// running totals.
	Progress func(LoadStats)
}

// LoadBatches writes a stream of datasets, such as a roster read in parts or
// the synthetic graph of package synth, in write transactions of at most
// BatchSize rows. It regroups the parts as it goes: small parts share a
// transaction, a large part is split, nodes are written before the
// relationships of the same transaction.
//
// Each batch is all-or-nothing and is checked like Load checks a dataset
// (the API's rules for every node and relationship), with one difference: a
// relationship may also refer to a node already in the graph – one written by
// an earlier batch or an earlier load. Such ids are resolved with one lookup
// per batch and their kinds checked against the registry; an id that is
// neither in the batch nor in the graph is an INVALID_ARGUMENT error naming
// the entry by its position in the whole stream (e.g. relationships[523417].to).
// So a relationship must come in the same batch as its nodes or after them.
//
// The first failing batch stops the load and its error is returned with the
// totals of the batches committed before it; those stay committed. A stream
// part that carries an error (the iterator's second value) stops the load the
// same way. Merging is as in Load, so re-running a load changes nothing and
// an interrupted one can simply be run again.
func (s *Store) LoadBatches(ctx context.Context, parts iter.Seq2[*castgraph.Dataset, error], opts LoadOptions) (LoadStats, error) {
	size := opts.BatchSize
	if size <= 0 {
		size = DefaultBatchSize
	}
	var (
		total LoadStats
		buf   castgraph.Dataset
		// remap holds the ids of stream nodes that merged onto a node with
		// another id, so that later batches can refer to them by the stream's
		// id. Only ids that differ are kept: memory stays flat.
		remap      = map[string]string{}
		nodeOffset int
		relOffset  int
	)
	type result struct {
		stats LoadStats
		moved map[string]string
	}
	flush := func(rows int) error {
		b := takeRows(&buf, rows)
		res, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
			known, err := lookupRefs(ctx, tx, b.ExternalRefs(), remap)
			if err != nil {
				return result{}, err
			}
			if err := b.CheckWith(castgraph.CheckOptions{Known: known, NodeOffset: nodeOffset, RelOffset: relOffset}); err != nil {
				return result{}, err
			}
			stats, moved, err := writeDataset(ctx, tx, b, remap, nodeOffset)
			stats.Batches = 1
			return result{stats, moved}, err
		})
		if err != nil {
			where := fmt.Sprintf("batch %d (nodes from %d, relationships from %d)", total.Batches+1, nodeOffset, relOffset)
			// A domain error stays one, with the batch in its message, so
			// that whoever shows only the *castgraph.Error still says where.
			var e *castgraph.Error
			if errors.As(err, &e) {
				return castgraph.Errorf(e.Code, e.Field, "%s: %s", where, e.Message)
			}
			return fmt.Errorf("%s: %w", where, err)
		}
		for given, id := range res.moved {
			remap[given] = id
		}
		stats := res.stats
		nodeOffset += len(b.Nodes)
		relOffset += len(b.Relationships)
		total.add(stats)
		if opts.Progress != nil {
			opts.Progress(total)
		}
		return nil
	}
	for part, err := range parts {
		if err != nil {
			return total, err
		}
		if err := ctx.Err(); err != nil {
			return total, castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the load was cancelled after %d batches", total.Batches)
		}
		if part == nil {
			continue
		}
		buf.Nodes = append(buf.Nodes, part.Nodes...)
		buf.Relationships = append(buf.Relationships, part.Relationships...)
		for buf.Rows() >= size {
			if err := flush(size); err != nil {
				return total, err
			}
		}
	}
	if buf.Rows() > 0 {
		if err := flush(buf.Rows()); err != nil {
			return total, err
		}
	}
	return total, nil
}

// takeRows removes the first n rows from buf, nodes first, and returns them
// as a dataset of their own. It reslices rather than copies; appending to
// the buffer later reallocates it once its capacity is used up, which drops
// the rows taken, so memory stays within a few batches.
func takeRows(buf *castgraph.Dataset, n int) *castgraph.Dataset {
	b := &castgraph.Dataset{Source: buf.Source}
	k := min(n, len(buf.Nodes))
	b.Nodes, buf.Nodes = buf.Nodes[:k:k], buf.Nodes[k:]
	k = min(n-k, len(buf.Relationships))
	b.Relationships, buf.Relationships = buf.Relationships[:k:k], buf.Relationships[k:]
	return b
}

// lookupRefs finds the nodes in the graph that a batch refers to without
// holding them, and returns each one's kind by the id the batch uses.
func lookupRefs(ctx context.Context, tx neo4j.ManagedTransaction, refs []string, remap map[string]string) (map[string]castgraph.Kind, error) {
	known := make(map[string]castgraph.Kind, len(refs))
	if len(refs) == 0 {
		return known, nil
	}
	asked := make([]string, len(refs))
	byGraphID := make(map[string][]string, len(refs))
	for i, id := range refs {
		g := id
		if to, ok := remap[id]; ok {
			g = to
		}
		asked[i] = g
		byGraphID[g] = append(byGraphID[g], id)
	}
	recs, err := collect(ctx, tx, `UNWIND $ids AS id
		MATCH (n:Entity {id: id})
		RETURN n.id AS id, labels(n) AS labels`, map[string]any{"ids": asked})
	if err != nil {
		return nil, fmt.Errorf("looking up referenced nodes: %w", err)
	}
	for _, r := range recs {
		id, _ := r.Get("id")
		labels, _ := r.Get("labels")
		kind := kindOfLabels(toStrings(labels))
		for _, given := range byGraphID[id.(string)] {
			known[given] = kind
		}
	}
	return known, nil
}

// kindOfLabels picks the registered kind among a node's labels. A node with
// the Entity label but no registered kind gets the empty kind, which no
// relationship allows.
func kindOfLabels(labels []string) castgraph.Kind {
	for _, l := range labels {
		if _, ok := castgraph.SpecOf(castgraph.Kind(l)); ok {
			return castgraph.Kind(l)
		}
	}
	return "(unregistered)"
}

// writeDataset writes a checked dataset in tx: nodes kind by kind, then
// relationships type by type, each as one statement of the write path
// (write.go). An endpoint that is not a node of the dataset is taken as a
// graph id, after remap. It returns the dataset ids whose nodes merged onto
// a node with another id. offset is the position of the dataset's first node
// in the whole load, for errors.
func writeDataset(ctx context.Context, tx neo4j.ManagedTransaction, d *castgraph.Dataset, remap map[string]string, offset int) (LoadStats, map[string]string, error) {
	var stats LoadStats
	by := assertedBy(ctx)
	var touched []string                         // for the audit entry
	ids := make(map[string]string, len(d.Nodes)) // dataset id → id in the graph
	moved := map[string]string{}
	byKind := map[castgraph.Kind][]map[string]any{}
	shapes := map[castgraph.Kind]*nodeShape{}
	for i := range d.Nodes {
		n := &d.Nodes[i]
		spec, _ := castgraph.SpecOf(n.Kind) // checked before
		key, err := naturalKey(spec, n.Name, n.Props, fmt.Sprintf("nodes[%d]", offset+i))
		if err != nil {
			return stats, nil, err
		}
		if shapes[n.Kind] == nil {
			shapes[n.Kind] = &nodeShape{}
		}
		row := nodeRow{ID: n.ID, Key: key, Name: n.Name, Aliases: n.Aliases, Description: n.Description,
			Props: n.Props, Sources: []string{n.Source}}
		byKind[n.Kind] = append(byKind[n.Kind], row.param(shapes[n.Kind]))
	}
	for _, ks := range castgraph.Kinds {
		rows := byKind[ks.Kind]
		if len(rows) == 0 {
			continue
		}
		res, err := tx.Run(ctx, mergeNodes(ks.Kind, *shapes[ks.Kind])+`
		RETURN row.id AS given, n.id AS id`, map[string]any{"rows": rows, "by": by})
		if err != nil {
			return stats, nil, fmt.Errorf("loading %s nodes: %w", ks.Kind, err)
		}
		for res.Next(ctx) {
			r := res.Record()
			given, id := r.Values[0].(string), r.Values[1].(string)
			ids[given] = id
			touched = append(touched, id)
			if given != id {
				moved[given] = id
			}
		}
		summary, err := res.Consume(ctx)
		if err != nil {
			return stats, nil, fmt.Errorf("loading %s nodes: %w", ks.Kind, err)
		}
		stats.Nodes += len(rows)
		stats.NodesCreated += summary.Counters().NodesCreated()
	}
	graphID := func(id string) string {
		if g, ok := ids[id]; ok {
			return g
		}
		if g, ok := remap[id]; ok {
			return g
		}
		return id
	}
	byType := map[castgraph.RelType][]map[string]any{}
	for _, r := range d.Relationships {
		byType[r.Type] = append(byType[r.Type], relRow(graphID(r.From), graphID(r.To), r.Props, []string{r.Source}))
		touched = append(touched, graphID(r.From), graphID(r.To))
	}
	for _, rs := range castgraph.Relations {
		rows := byType[rs.Type]
		if len(rows) == 0 {
			continue
		}
		res, err := tx.Run(ctx, mergeRelsByID(rs.Type), map[string]any{"rows": rows, "by": by})
		if err != nil {
			return stats, nil, fmt.Errorf("loading %s relationships: %w", rs.Type, err)
		}
		summary, err := res.Consume(ctx)
		if err != nil {
			return stats, nil, fmt.Errorf("loading %s relationships: %w", rs.Type, err)
		}
		stats.Relationships += len(rows)
		stats.RelationshipsCreated += summary.Counters().RelationshipsCreated()
	}
	// Provenance a dump recorded replaces what the merges made of Source.
	var restoreN []map[string]any
	for _, n := range d.Nodes {
		if n.Provenance != nil {
			restoreN = append(restoreN, map[string]any{"id": graphID(n.ID), "p": provenanceParam(n.Provenance), "aliases": nonNil(n.Aliases)})
		}
	}
	if len(restoreN) > 0 {
		if _, err := collect(ctx, tx, restoreNodes(), map[string]any{"rows": restoreN}); err != nil {
			return stats, nil, fmt.Errorf("restoring provenance: %w", err)
		}
	}
	restoreR := map[castgraph.RelType][]map[string]any{}
	for _, r := range d.Relationships {
		if r.Provenance != nil {
			restoreR[r.Type] = append(restoreR[r.Type], map[string]any{"from": graphID(r.From), "to": graphID(r.To), "p": provenanceParam(r.Provenance)})
		}
	}
	for _, rs := range castgraph.Relations {
		if rows := restoreR[rs.Type]; len(rows) > 0 {
			if _, err := collect(ctx, tx, restoreRels(rs.Type), map[string]any{"rows": rows}); err != nil {
				return stats, nil, fmt.Errorf("restoring provenance: %w", err)
			}
		}
	}
	// In the same transaction: a batch that commits has its entry, one that
	// fails has none.
	detail := fmt.Sprintf("dataset batch: %d nodes, %d relationships", stats.Nodes, stats.Relationships)
	return stats, moved, audit(ctx, tx, castgraph.AuditLoad, touched, detail)
}
