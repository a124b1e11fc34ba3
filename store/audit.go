package store

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// The audit log lives outside the entity graph: entries are CastgraphAudit
// nodes (never Entity, so no list, search, node(id), neighbourhood or path
// reaches them), each with one CastgraphAuditRef per node id it lists, so
// that the entries of a node are an index seek rather than a scan of every
// entry's list. Entries are only ever created; nothing here changes or
// removes one.
const (
	auditLabel    = "CastgraphAudit"
	auditRefLabel = "CastgraphAuditRef"
)

// propAssertions holds a node's or relationship's assertions: one string
// per (source, actor) pair, the two joined by assertionSep. Neo4j
// properties cannot hold maps, and sources cannot hold control characters
// (castgraph.CheckSource), so the first separator ends the source.
const (
	propAssertions = "assertions"
	assertionSep   = "\x1f"
)

// assertedBy is what follows a source in an assertion written by ctx's actor.
func assertedBy(ctx context.Context) string {
	return assertionSep + castgraph.ActorOrLocal(ctx).String()
}

// toAssertions reads the assertions property.
func toAssertions(v any) []castgraph.Assertion {
	list := toStrings(v)
	out := make([]castgraph.Assertion, 0, len(list))
	for _, s := range list {
		src, actor, _ := strings.Cut(s, assertionSep)
		out = append(out, castgraph.Assertion{Source: src, Actor: actor})
	}
	return out
}

// audit writes one entry in tx, so that it commits with the write it
// records or not at all. The actor is ctx's (castgraph.ActorOrLocal); nodes
// are deduplicated and listed up to castgraph.MaxAuditNodes.
func audit(ctx context.Context, tx neo4j.ManagedTransaction, action string, nodes []string, detail string) error {
	return auditCounted(ctx, tx, action, nodes, 0, detail)
}

// auditCounted is audit for a caller that saw more nodes (count) than it
// kept ids of.
func auditCounted(ctx context.Context, tx neo4j.ManagedTransaction, action string, nodes []string, count int, detail string) error {
	nodes = slices.Compact(slices.Sorted(slices.Values(nodes)))
	count = max(count, len(nodes))
	if len(nodes) > castgraph.MaxAuditNodes {
		nodes = nodes[:castgraph.MaxAuditNodes]
	}
	_, err := collect(ctx, tx, `CREATE (a:`+auditLabel+` {id: $id, at: datetime(), actor: $actor, action: $action,
		                     nodes: $nodes, count: $count, detail: $detail})
		WITH a UNWIND $nodes AS node
		CREATE (a)-[:AUDIT_OF]->(:`+auditRefLabel+` {node: node})`,
		map[string]any{"id": auditID(), "actor": castgraph.ActorOrLocal(ctx).String(), "action": action,
			"nodes": nonNil(nodes), "count": count, "detail": detail})
	return err
}

// auditID is random: entries are ordered by time, the id only breaks ties.
func auditID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// RecordPersonalReads records that ctx's actor read personal fields of the
// nodes (count of them in all, of which ids lists some), in a write
// transaction of its own: the reads ran in read transactions.
func (s *Store) RecordPersonalReads(ctx context.Context, ids []string, count int) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, auditCounted(ctx, tx, castgraph.AuditReadPersonal, ids, count, "")
	})
	return err
}

// AuditQuery selects entries of the audit log; empty fields select all.
type AuditQuery struct {
	Actor, Node, Action string
	// Since is inclusive, Until exclusive.
	Since, Until time.Time
	// First is the page size (1 to MaxAuditPage); After a cursor of a
	// previous page.
	First int
	After string
}

// MaxAuditPage is the largest page of the audit log.
const MaxAuditPage = 500

// AuditPage is one page of entries, newest first.
type AuditPage struct {
	Entries []castgraph.AuditEntry
	// Cursors[i] is the cursor after Entries[i].
	Cursors     []string
	HasNextPage bool
}

// AuditLog reads one page of the entries the query selects, newest first,
// in one statement. Paging is by keyset (time, then id), so entries written
// meanwhile never shift a page.
func (s *Store) AuditLog(ctx context.Context, q AuditQuery) (*AuditPage, error) {
	if q.First < 1 || q.First > MaxAuditPage {
		return nil, castgraph.Errorf(castgraph.EINVALID, "first", "first must be between 1 and %d, not %d", MaxAuditPage, q.First)
	}
	params := map[string]any{"limit": q.First + 1}
	match := "MATCH (a:" + auditLabel + ")"
	if q.Node != "" {
		match = "MATCH (a:" + auditLabel + ")-[:AUDIT_OF]->(:" + auditRefLabel + " {node: $node})"
		params["node"] = q.Node
	}
	// Only the conditions asked are written, so that the planner can use
	// the indexes of migration 4 for them.
	conds := []string{"true"}
	if q.Actor != "" {
		conds, params["actor"] = append(conds, "a.actor = $actor"), q.Actor
	}
	if q.Action != "" {
		conds, params["action"] = append(conds, "a.action = $action"), q.Action
	}
	if !q.Since.IsZero() {
		conds, params["since"] = append(conds, "a.at >= $since"), instant(q.Since)
	}
	if !q.Until.IsZero() {
		conds, params["until"] = append(conds, "a.at < $until"), instant(q.Until)
	}
	if q.After != "" {
		at, id, err := decodeAuditCursor(q.After)
		if err != nil {
			return nil, err
		}
		conds = append(conds, "(a.at < $afterAt OR a.at = $afterAt AND a.id < $afterID)")
		params["afterAt"], params["afterID"] = instant(at), id
	}
	cypher := match + " WHERE " + strings.Join(conds, " AND ") +
		" RETURN a ORDER BY a.at DESC, a.id DESC LIMIT $limit"
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*AuditPage, error) {
		recs, err := collect(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		page := &AuditPage{Entries: []castgraph.AuditEntry{}, Cursors: []string{}}
		for i, r := range recs {
			if i == q.First {
				page.HasNextPage = true
				break
			}
			v, _ := r.Get("a")
			e := toAuditEntry(v.(neo4j.Node).Props)
			page.Entries = append(page.Entries, e)
			page.Cursors = append(page.Cursors, encodeAuditCursor(e.At, e.ID))
		}
		return page, nil
	})
}

// instant makes t a parameter that compares with the entries' times.
// datetime() stores a UTC offset ("Z"), and Neo4j orders an offset after
// a zone name ("[UTC]", what the driver sends for time.UTC) at the same
// instant, so >= and the cursor's = would miss it. The driver sends a
// location named "Offset" as an offset.
func instant(t time.Time) time.Time {
	return t.In(time.FixedZone("Offset", 0))
}

func toAuditEntry(p map[string]any) castgraph.AuditEntry {
	e := castgraph.AuditEntry{Nodes: toStrings(p["nodes"])}
	e.ID, _ = p["id"].(string)
	e.At, _ = p["at"].(time.Time)
	e.Actor, _ = p["actor"].(string)
	e.Action, _ = p["action"].(string)
	e.Detail, _ = p["detail"].(string)
	n, _ := p["count"].(int64)
	e.Count = int(n)
	return e
}

// The cursor is the entry's time and id; it is opaque to clients.
func encodeAuditCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("audit|" + at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

func decodeAuditCursor(c string) (time.Time, string, error) {
	bad := castgraph.Errorf(castgraph.EINVALID, "after", "not a cursor of the audit log")
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 || parts[0] != "audit" {
		return time.Time{}, "", bad
	}
	at, err := time.Parse(time.RFC3339Nano, parts[1])
	if err != nil {
		return time.Time{}, "", bad
	}
	return at, parts[2], nil
}
