package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// The change feed: nodes and relationships in the order they last changed
// or gained a source (changedAt, kept by every write: write.go), for an
// analyst asking what moved since yesterday and for a sync job reading on
// from where it stopped. Deletions are not in it (the node is gone): the
// audit log has them.

// MaxChanges caps a page of the feed.
const MaxChanges = 500

// ChangeQuery asks for a page of the feed.
type ChangeQuery struct {
	// Since (exclusive) and Until (inclusive, zero: now) bound the times.
	Since, Until time.Time
	// Kinds keeps nodes of these kinds, Types relationships of these types;
	// nil means every one, an empty list none.
	Kinds []castgraph.Kind
	Types []castgraph.RelType
	// Sources keeps what a source starting with one of these asserted.
	Sources []string
	First   int
	After   string
}

// Change is one entry of the feed: a node, or a relationship with its ends.
type Change struct {
	At      time.Time
	Node    *castgraph.Node
	Rel     *LinkResult
	RelType castgraph.RelType
	key     string
	Cursor  string
	Created bool // it was created at At
}

// ChangePage is a page of the feed.
type ChangePage struct {
	Changes     []Change
	HasNextPage bool
}

// changeCursor is where a page ends: the time and the key of its last entry
// (a node's id, or TYPE:from->to), the feed's total order.
type changeCursor struct {
	At  time.Time `json:"t"`
	Key string    `json:"k"`
}

// Changes reads a page of the feed: at most First entries, nodes and
// relationships merged in (changedAt, key) order. Each of the two reads
// takes First+1 rows from the changedAt indexes.
func (s *Store) Changes(ctx context.Context, q ChangeQuery) (*ChangePage, error) {
	if q.First < 0 || q.First > MaxChanges {
		return nil, castgraph.Errorf(castgraph.EINVALID, "first", "first must be between 0 and %d", MaxChanges)
	}
	if len(q.Sources) > 20 {
		return nil, castgraph.Errorf(castgraph.EINVALID, "sources", "at most 20 sources")
	}
	params := map[string]any{"since": toNeo4j(q.Since), "cap": q.First + 1, "sources": nonNil(q.Sources),
		"afterAt": nil, "afterKey": "", "until": nil}
	if !q.Until.IsZero() {
		params["until"] = toNeo4j(q.Until)
	}
	// The index is sought from since, or from the cursor's time when it is
	// later, so that reading on costs what the page holds.
	lower := "> $since"
	if q.After != "" {
		raw, err := base64.RawURLEncoding.DecodeString(q.After)
		var c changeCursor
		if err != nil || json.Unmarshal(raw, &c) != nil || c.At.IsZero() {
			return nil, castgraph.Errorf(castgraph.EINVALID, "after", "the cursor is not one this feed gave out")
		}
		params["afterAt"], params["afterKey"] = toNeo4j(c.At), c.Key
		if c.At.After(q.Since) {
			lower = ">= $afterAt"
		}
	}
	var statements []string
	kinds := q.Kinds
	if kinds == nil {
		for _, ks := range castgraph.Kinds {
			kinds = append(kinds, ks.Kind)
		}
	}
	if len(kinds) > 0 {
		labels := make([]string, 0, len(kinds))
		for _, k := range kinds {
			if _, ok := castgraph.SpecOf(k); !ok {
				return nil, castgraph.Errorf(castgraph.EINVALID, "kinds", "unknown kind %q", k)
			}
			labels = append(labels, string(k))
		}
		statements = append(statements, fmt.Sprintf(`MATCH (n:Entity) WHERE n.changedAt %s AND (n:%s)
			AND ($until IS NULL OR n.changedAt <= $until) %s %s
			RETURN n, null AS r, null AS a, null AS b, n.changedAt AS at, n.id AS key
			ORDER BY at, key LIMIT $cap`, lower, strings.Join(labels, "|"), sourceCond("n"), afterCond("n.changedAt", "n.id")))
	}
	types := q.Types
	if types == nil {
		types = allTypes()
	}
	var rels []string
	for _, t := range types {
		if _, ok := castgraph.RelSpecOf(t); !ok {
			return nil, castgraph.Errorf(castgraph.EINVALID, "relationshipTypes", "unknown relationship type %q", t)
		}
		key := fmt.Sprintf("'%s:' + a.id + '->' + b.id", t)
		rels = append(rels, fmt.Sprintf(`MATCH (a:Entity)-[r:%s]->(b:Entity) WHERE r.changedAt %s
			AND ($until IS NULL OR r.changedAt <= $until) %s %s
			RETURN null AS n, r, a, b, r.changedAt AS at, %s AS key ORDER BY at, key LIMIT $cap`,
			t, lower, sourceCond("r"), afterCond("r.changedAt", key), key))
	}
	if len(rels) > 0 {
		statements = append(statements, "CALL () {\n"+strings.Join(rels, "\nUNION ALL\n")+"\n}\nRETURN n, r, a, b, at, key ORDER BY at, key LIMIT $cap")
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*ChangePage, error) {
		var all []Change
		for _, cypher := range statements {
			recs, err := collect(ctx, tx, cypher, params)
			if err != nil {
				return nil, err
			}
			for _, rec := range recs {
				all = append(all, changeOf(rec))
			}
		}
		slices.SortFunc(all, func(x, y Change) int {
			if c := x.At.Compare(y.At); c != 0 {
				return c
			}
			return strings.Compare(x.key, y.key)
		})
		page := &ChangePage{Changes: []Change{}}
		for i, c := range all {
			if i == q.First {
				page.HasNextPage = true
				break
			}
			b, _ := json.Marshal(changeCursor{At: c.At, Key: c.key})
			c.Cursor = base64.RawURLEncoding.EncodeToString(b)
			page.Changes = append(page.Changes, c)
		}
		return page, nil
	})
}

// sourceCond keeps what a source starting with one of $sources asserted.
func sourceCond(v string) string {
	return "AND (size($sources) = 0 OR any(s IN coalesce(" + v + ".sources, []) WHERE any(p IN $sources WHERE s STARTS WITH p)))"
}

// afterCond keeps the entries after the cursor in (time, key) order.
func afterCond(at, key string) string {
	return "AND ($afterAt IS NULL OR " + at + " > $afterAt OR (" + at + " = $afterAt AND " + key + " > $afterKey))"
}

// changeOf reads one row of the feed.
func changeOf(rec *neo4j.Record) Change {
	at, _ := rec.Get("at")
	key, _ := rec.Get("key")
	c := Change{key: key.(string)}
	c.At, _ = at.(time.Time)
	if n, ok := valueOf(rec, "n").(dbtype.Node); ok {
		c.Node = toNode(n)
		c.Created = c.Node.Provenance.CreatedAt.Equal(c.At)
		return c
	}
	r := valueOf(rec, "r").(dbtype.Relationship)
	a, b := valueOf(rec, "a").(dbtype.Node), valueOf(rec, "b").(dbtype.Node)
	c.RelType = castgraph.RelType(r.Type)
	c.Rel = &LinkResult{From: toNode(a), To: toNode(b), Props: relProps(r.Props), Provenance: toProvenance(r.Props)}
	c.Created = c.Rel.Provenance.CreatedAt.Equal(c.At)
	return c
}
