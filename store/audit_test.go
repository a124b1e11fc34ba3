package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// auditEntries returns the entries of the actor, newest first.
func auditEntries(t *testing.T, s *store.Store, actor string) []castgraph.AuditEntry {
	t.Helper()
	page, err := s.AuditLog(context.Background(), store.AuditQuery{Actor: actor, First: 500})
	if err != nil {
		t.Fatal(err)
	}
	return page.Entries
}

// TestAuditSameTransaction: each write that commits has its entry, naming
// the actor of its context and the nodes it touched; each that fails has
// none, and writes nothing.
func TestAuditSameTransaction(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	s := storetest.MustOpen(t)
	tag := fmt.Sprintf("audit %d", time.Now().UnixNano())
	t.Cleanup(func() { storetest.Forget(t, tag) })
	actor := castgraph.Actor{Name: tag, Via: "token", Role: castgraph.RoleEditor}
	ctx := castgraph.WithActor(context.Background(), actor)

	name := "审计学会 " + tag
	soc, err := s.Create(ctx, castgraph.KindSociety, castgraph.NodeInput{Name: &name, Source: tag})
	if err != nil {
		t.Fatal(err)
	}
	if want := []castgraph.Assertion{{Source: tag, Actor: "token:" + tag}}; !slices.Equal(soc.Provenance.Assertions, want) {
		t.Errorf("assertions %v, want %v", soc.Provenance.Assertions, want)
	}
	// The same natural key again: CONFLICT, and no second entry.
	if _, err := s.Create(ctx, castgraph.KindSociety, castgraph.NodeInput{Name: &name, Source: tag}); castgraph.ErrorCode(err) != castgraph.ECONFLICT {
		t.Fatalf("duplicate create: %v, want CONFLICT", err)
	}
	if _, err := s.Update(ctx, castgraph.KindSociety, "society/no-such-node", castgraph.NodeInput{Name: &name}); castgraph.ErrorCode(err) != castgraph.ENOTFOUND {
		t.Fatalf("update of nothing: %v, want NOT_FOUND", err)
	}
	entries := auditEntries(t, s, "token:"+tag)
	if len(entries) != 1 || entries[0].Action != castgraph.AuditCreate || !slices.Equal(entries[0].Nodes, []string{soc.ID}) || entries[0].Count != 1 {
		t.Fatalf("after one create and two failed writes: %+v", entries)
	}

	// A roster batch that fails after writing leaves neither its nodes nor an entry.
	boom := errors.New("boom")
	key := "audit-failed-" + tag
	err = s.ImportWrite(ctx, func(tx *store.ImportTx) error {
		if _, err := tx.UpsertNodes(castgraph.KindPark, []store.NodeUpsert{{Key: key, ID: "park/" + key, Name: key, Sources: []string{tag}}}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("import: %v, want boom", err)
	}
	if rows := storetest.Query(t, "MATCH (n:Park {key: $key}) RETURN n.id", map[string]any{"key": key}); len(rows) != 0 {
		t.Fatalf("a failed batch left its node")
	}
	// One that commits has one entry, with its nodes.
	err = s.ImportWrite(ctx, func(tx *store.ImportTx) error {
		_, err := tx.UpsertNodes(castgraph.KindPark, []store.NodeUpsert{{Key: key, ID: "park/" + key, Name: key, Sources: []string{tag}}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	entries = auditEntries(t, s, "token:"+tag)
	if len(entries) != 2 || entries[0].Action != castgraph.AuditImport || !slices.Equal(entries[0].Nodes, []string{"park/" + key}) {
		t.Fatalf("after the import: %+v", entries)
	}
	if p := nodeProvenance(t, s, "park/"+key); !slices.Contains(p.Assertions, castgraph.Assertion{Source: tag, Actor: "token:" + tag}) {
		t.Errorf("imported node's assertions: %v", p.Assertions)
	}

	// Link, unlink and delete, each with its entry; an unlink of nothing has none.
	link := store.Link{Type: castgraph.RelCooperatesWith, From: soc.ID, To: "park/" + key, Source: tag}
	if _, err := s.Link(ctx, link); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if _, err := s.Unlink(ctx, link.Type, link.From, link.To); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Delete(ctx, castgraph.KindSociety, soc.ID); err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range auditEntries(t, s, "token:"+tag) {
		actions = append(actions, e.Action)
	}
	if want := []string{"delete", "unlink", "link", "import", "create"}; !slices.Equal(actions, want) {
		t.Fatalf("actions %v, want %v", actions, want)
	}
}

func nodeProvenance(t *testing.T, s *store.Store, id string) castgraph.Provenance {
	t.Helper()
	n, err := s.Node(context.Background(), id, store.Fields{})
	if err != nil || n == nil {
		t.Fatalf("node %s: %v", id, err)
	}
	return n.Provenance
}

// TestAuditLocalActor: a write without an actor in its context (a local
// command) is recorded as cli:<os user>; a failed dataset load records
// nothing, a committed one its entry.
func TestAuditLocalActor(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	s := storetest.MustOpen(t)
	ctx := context.Background()
	tag := fmt.Sprintf("audit-load %d", time.Now().UnixNano())
	t.Cleanup(func() { storetest.Forget(t, tag) })
	local := castgraph.LocalActor().String()
	if local == "cli:" || local[:4] != "cli:" {
		t.Fatalf("local actor %q", local)
	}
	id := "society/audit-load-" + fmt.Sprint(time.Now().UnixNano())
	d := &castgraph.Dataset{Nodes: []castgraph.DatasetNode{{ID: id, Kind: castgraph.KindSociety, Name: "审计载入 " + tag, Source: tag}}}
	bad := &castgraph.Dataset{Nodes: d.Nodes, Relationships: []castgraph.DatasetRelship{{Type: castgraph.RelCooperatesWith, From: id, To: "society/none", Source: tag}}}
	if _, err := s.Load(ctx, bad); err == nil {
		t.Fatal("a load with a dangling relationship succeeded")
	}
	if _, err := s.Load(ctx, d); err != nil {
		t.Fatal(err)
	}
	page, err := s.AuditLog(ctx, store.AuditQuery{Node: id, First: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 || page.Entries[0].Actor != local || page.Entries[0].Action != castgraph.AuditLoad {
		t.Fatalf("entries of %s: %+v, want one load by %s", id, page.Entries, local)
	}
	if p := nodeProvenance(t, s, id); !slices.Equal(p.Assertions, []castgraph.Assertion{{Source: tag, Actor: local}}) {
		t.Errorf("loaded node's assertions: %v", p.Assertions)
	}
}

// TestAuditTokens: creating and revoking a token are recorded; using one
// (TouchToken) is not.
func TestAuditTokens(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	s := storetest.MustOpen(t)
	name := fmt.Sprintf("audit-token-%d", time.Now().UnixNano())
	t.Cleanup(func() { storetest.ForgetToken(t, name) })
	actor := castgraph.Actor{Name: name + "-admin", Via: "token", Role: castgraph.RoleAdmin}
	ctx := castgraph.WithActor(context.Background(), actor)
	if err := s.CreateToken(ctx, store.Token{Name: name, Hash: "hash-" + name, Role: castgraph.RoleViewer, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if err := s.TouchToken(ctx, "hash-"+name, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, name, time.Now()); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range auditEntries(t, s, actor.String()) {
		got = append(got, e.Action+" "+e.Detail)
	}
	want := []string{"token-revoke token " + name, "token-create token " + name + ", role viewer"}
	if !slices.Equal(got, want) {
		t.Fatalf("entries %q, want %q", got, want)
	}
}
