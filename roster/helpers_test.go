package roster_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
)

// world is the reference data of one test run in the shared test database:
// every name carries the run's tag, so that tests and runs never meet, and
// every source mentions it, so that cleanup finds all the run wrote.
type world struct {
	t     *testing.T
	s     *store.Store
	tag   string // e.g. "t3f9a"
	dir   string
	files int
}

// newWorld loads a society, a consortium, two cities (one with an alias), a
// park, two chains, a country and an overseas station, all named with a
// fresh tag, and removes everything the test wrote when it ends.
func newWorld(t *testing.T) *world {
	t.Helper()
	s := storetest.MustOpen(t)
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	w := &world{t: t, s: s, tag: "t" + hex.EncodeToString(b), dir: t.TempDir()}
	t.Cleanup(func() { storetest.Forget(t, w.tag) })
	src := "roster test " + w.tag
	node := func(kind castgraph.Kind, slug, name string, aliases []string, props map[string]any) castgraph.DatasetNode {
		return castgraph.DatasetNode{ID: kind.Slug() + "/" + w.tag + "-" + slug, Kind: kind, Name: name, Aliases: aliases, Props: props, Source: src}
	}
	d := &castgraph.Dataset{Source: src, Nodes: []castgraph.DatasetNode{
		node(castgraph.KindSociety, "soc", w.n("测试学会"), []string{w.n("测学")}, map[string]any{"scope": "PROVINCIAL"}),
		node(castgraph.KindSociety, "soc2", w.n("测试机械学会"), nil, nil),
		node(castgraph.KindRegion, "city", w.n("测试市"), []string{w.n("测试")}, map[string]any{"regionType": "CITY"}),
		node(castgraph.KindRegion, "city2", w.n("另一市"), nil, map[string]any{"regionType": "CITY"}),
		node(castgraph.KindRegion, "country", w.n("测试国"), nil, map[string]any{"regionType": "COUNTRY"}),
		node(castgraph.KindPark, "park", w.n("测试高新区"), nil, nil),
		node(castgraph.KindIndustryChain, "chain", w.n("测试链"), nil, nil),
		node(castgraph.KindIndustryChain, "chain2", w.n("第二链"), nil, nil),
		node(castgraph.KindOverseasStation, "station", w.n("测试联络站（柏林）"), nil, map[string]any{"stationType": "LIAISON_STATION"}),
		node(castgraph.KindEnterprise, "known", w.n("既有示例企业有限公司"), nil, map[string]any{"creditCode": w.codeFor(99)}),
	}}
	if _, err := s.Load(context.Background(), d); err != nil {
		t.Fatalf("load reference data: %v", err)
	}
	return w
}

// n tags a name: 测试学会 → 测试学会t3f9a.
func (w *world) n(name string) string { return name + w.tag }

// file writes content to a file in the test's folder, named with the tag.
func (w *world) file(name string, content []byte) string {
	w.t.Helper()
	w.files++
	ext := filepath.Ext(name)
	path := filepath.Join(w.dir, strings.TrimSuffix(name, ext)+"-"+w.tag+ext)
	if err := os.WriteFile(path, content, 0o644); err != nil {
		w.t.Fatal(err)
	}
	return path
}

// csv joins rows of cells into CSV text (no quoting needed in the tests).
func csvText(rows ...[]string) []byte {
	var b bytes.Buffer
	for _, r := range rows {
		b.WriteString(strings.Join(r, ","))
		b.WriteString("\n")
	}
	return b.Bytes()
}

// run imports a file and fails the test on an error.
func (w *world) run(path string, opts roster.Options) *roster.Report {
	w.t.Helper()
	rep, err := w.try(context.Background(), path, opts)
	if err != nil {
		w.t.Fatalf("import %s: %v\n%s", filepath.Base(path), err, rep.Summary())
	}
	return rep
}

func (w *world) try(ctx context.Context, path string, opts roster.Options) (*roster.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	return roster.Import(ctx, w.s, roster.File{Name: path, R: f, Size: fi.Size()}, opts)
}

// query runs read-only Cypher with $tag set.
func (w *world) query(cypher string, params map[string]any) []map[string]any {
	w.t.Helper()
	if params == nil {
		params = map[string]any{}
	}
	params["tag"] = w.tag
	return storetest.Query(w.t, cypher, params)
}

// count runs a Cypher that returns one number.
func (w *world) count(cypher string, params map[string]any) int64 {
	w.t.Helper()
	rows := w.query(cypher, params)
	if len(rows) != 1 {
		w.t.Fatalf("%q returned %d rows", cypher, len(rows))
	}
	for _, v := range rows[0] {
		return v.(int64)
	}
	return 0
}

// fingerprint hashes every node and relationship the run touched, with all
// their properties (provenance and timestamps included) but sourceLast: a
// run that repeats what the graph says asserts it again, and the time its
// source last asserted it is the one thing that moves.
func (w *world) fingerprint() string {
	w.t.Helper()
	rows := w.query(`
		MATCH (n:Entity) WHERE any(s IN n.sources WHERE s CONTAINS $tag)
		OPTIONAL MATCH (n)-[r]->(m)
		RETURN n.id AS id, [k IN keys(n) WHERE k <> 'sourceLast' | [k, n[k]]] AS props, collect([type(r), m.id, [k IN keys(r) WHERE k <> 'sourceLast' | [k, r[k]]]]) AS rels`, nil)
	lines := make([]string, 0, len(rows))
	for _, r := range rows {
		rels := r["rels"].([]any)
		rs := make([]string, 0, len(rels))
		for _, x := range rels {
			rel := x.([]any)
			props := map[string]any{}
			pairs, _ := rel[2].([]any) // none: the node has no relationship
			for _, kv := range pairs {
				pair := kv.([]any)
				props[pair[0].(string)] = pair[1]
			}
			rs = append(rs, fmt.Sprint(rel[0], " ", rel[1], " ", sortedMap(props)))
		}
		sort.Strings(rs)
		props := map[string]any{}
		for _, kv := range r["props"].([]any) {
			pair := kv.([]any)
			props[pair[0].(string)] = pair[1]
		}
		lines = append(lines, fmt.Sprintf("%v %v %v", r["id"], sortedMap(props), rs))
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

func sortedMap(m map[string]any) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%v;", k, m[k])
	}
	return b.String()
}

// issue finds the issue of a row and column, or fails.
func issue(t *testing.T, rep *roster.Report, row int, column, code string) roster.Issue {
	t.Helper()
	for _, is := range rep.Issues {
		if is.Row == row && is.Column == column && is.Code == code {
			return is
		}
	}
	t.Fatalf("no %s issue for row %d, column %q; issues: %+v", code, row, column, rep.Issues)
	return roster.Issue{}
}

// creditCode makes a valid unified social credit code from a 17-character body.
func creditCode(body17 string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	sum, w := 0, 1
	for _, r := range body17 {
		sum += strings.IndexRune(chars, r) * w
		w = w * 3 % 31
	}
	return body17 + string(chars[(31-sum%31)%31])
}

// codeFor makes a valid credit code unique to the run and a number.
func (w *world) codeFor(n int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s-%d", w.tag, n)))
	const digits = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	body := []byte("91320100")
	for i := 0; len(body) < 17; i++ {
		body = append(body, digits[int(h[i])%31])
	}
	return creditCode(string(body))
}
