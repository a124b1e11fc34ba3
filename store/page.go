package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// PageQuery asks for one window of an ordered, filtered list of nodes: the
// nodes of a kind, or the far ends of one node's relationships of a type.
type PageQuery struct {
	// Where is a filter as GraphQL gives it (ExpertFilter, NodeFilter, …):
	// nested maps and lists of plain values.
	Where map[string]any
	// NameContains matches names and aliases, case-insensitively.
	NameContains string
	// OrderBy lists the sort fields; the id is always the last tie-break.
	OrderBy []Order
	// First/After page forwards, Last/Before backwards; one pair at most.
	First, Last   *int
	After, Before string
	// Fields narrows what is read of each node (and relationship); the zero
	// value reads everything.
	Fields Fields
}

// Fields is what a caller will use of the nodes a read returns, so that the
// statement sends only that (a client asking for id and name of 400 experts
// should not pay for their descriptions and provenance). It applies where
// the far end is one kind; a node read through it has only these fields.
type Fields struct {
	// Partial asks for the listed fields only; without it all are read.
	Partial bool
	// Props are the node properties to read besides id and name: aliases,
	// description, the kind's own, or sources/createdAt/updatedAt for provenance.
	Props []string
	// Edges asks for each relationship's properties and provenance.
	Edges bool
}

// projection returns the Cypher map projection of node variable v and the
// expression for relationship variable r under f, or ok=false when whole
// entities are read.
func (f Fields) projection(t target, v, r string) (node, rel string, ok bool) {
	if !f.Partial || t.kind == "" {
		return "", "", false
	}
	keys := []string{"." + propID, "." + propName}
	for _, p := range f.Props {
		if validPropName(p) {
			keys = append(keys, "."+p)
		}
	}
	rel = "null"
	if f.Edges {
		rel = "properties(" + r + ")"
	}
	return v + " {" + strings.Join(keys, ", ") + "}", rel, true
}

// labelsKey carries a node's labels in a projection of a node of any kind.
const labelsKey = "__labels"

// anyKind returns the map projection of node variable v for a node of any
// kind (node(id), search hits): the fields, the extra properties the caller
// needs itself, and the labels; ok=false when whole nodes are read.
func (f Fields) anyKind(v string, extra ...string) (string, bool) {
	if !f.Partial {
		return "", false
	}
	keys := []string{"." + propID, "." + propName}
	for _, p := range append(slices.Clone(f.Props), extra...) {
		if validPropName(p) && !slices.Contains(keys, "."+p) {
			keys = append(keys, "."+p)
		}
	}
	keys = append(keys, labelsKey+": labels("+v+")")
	return v + " {" + strings.Join(keys, ", ") + "}", true
}

// validPropName keeps property names that are plain identifiers, so a
// projection never carries anything but property names into Cypher.
func validPropName(p string) bool {
	if p == "" {
		return false
	}
	for i, c := range p {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// Order is one sort field: "name", "id", "createdAt", "updatedAt" or a
// property of the kind.
type Order struct {
	Field string
	Desc  bool
}

// Page is one window of a list, in the query's order.
type Page struct {
	Nodes           []*castgraph.Node
	Edges           []castgraph.Edge // for relationship pages: the relationship of each node
	Cursors         []string
	HasNextPage     bool
	HasPreviousPage bool
}

// EmptyPage is a page with no nodes, for a connection whose client asked
// for nothing but its totalCount.
func EmptyPage() *Page {
	return &Page{Nodes: []*castgraph.Node{}, Edges: []castgraph.Edge{}}
}

// sortField is an order field compiled for Cypher: a never-null expression.
type sortField struct {
	Order
	expr string
	typ  castgraph.PropType
	time bool // createdAt/updatedAt are datetimes
}

// compileOrder checks the sort fields against the target's kind and adds the
// id tie-break, so that the order is total and cursors are stable.
func compileOrder(t target, v string, orders []Order) ([]sortField, error) {
	if len(orders) == 0 {
		orders = []Order{{Field: "name"}}
		if spec, ok := castgraph.SpecOf(t.kind); ok {
			orders = nil
			for _, f := range spec.OrderFields() {
				orders = append(orders, Order{Field: f})
			}
		}
	}
	var out []sortField
	hasID := false
	for i, o := range orders {
		at := fmt.Sprintf("orderBy[%d].field", i)
		f := sortField{Order: o}
		switch o.Field {
		case "id", "name":
			f.expr, f.typ = v+"."+o.Field, castgraph.PropString
			hasID = hasID || o.Field == "id"
		case "createdAt", "updatedAt":
			f.expr, f.typ, f.time = fmt.Sprintf("coalesce(%s.%s, datetime('0001-01-01T00:00:00Z'))", v, o.Field), castgraph.PropDate, true
		default:
			spec, ok := castgraph.SpecOf(t.kind)
			if !ok {
				return nil, castgraph.Errorf(castgraph.EINVALID, at, "nodes of several kinds sort only by name, id, createdAt or updatedAt")
			}
			p, ok := spec.Prop(o.Field)
			if !ok {
				return nil, castgraph.Errorf(castgraph.EINVALID, at, "%s cannot be sorted by %q", t.kind, o.Field)
			}
			if p.Personal {
				// A cursor carries the value it sorts by, and the order alone
				// ranks people by it: personal fields are never sort fields
				// (the schema does not offer them either).
				return nil, castgraph.Errorf(castgraph.EINVALID, at, "%s cannot be sorted by %s: it is personal", t.kind, o.Field)
			}
			// Missing values sort as the smallest of their type, so the sort key is never null.
			low := map[castgraph.PropType]string{castgraph.PropString: "''", castgraph.PropEnum: "''", castgraph.PropInt: "-9223372036854775807",
				castgraph.PropBool: "false", castgraph.PropDate: "date('0001-01-01')"}[p.Type]
			f.expr, f.typ = fmt.Sprintf("coalesce(%s.%s, %s)", v, p.Name, low), p.Type
		}
		out = append(out, f)
	}
	if !hasID {
		out = append(out, sortField{Order: Order{Field: "id"}, expr: v + ".id", typ: castgraph.PropString})
	}
	return out, nil
}

// orderClause is the ORDER BY list; backwards flips every direction.
func orderClause(fields []sortField, backwards bool) string {
	var parts []string
	for _, f := range fields {
		dir := "ASC"
		if f.Desc != backwards {
			dir = "DESC"
		}
		parts = append(parts, f.expr+" "+dir)
	}
	return strings.Join(parts, ", ")
}

func sortKeyList(fields []sortField) string {
	var parts []string
	for _, f := range fields {
		parts = append(parts, f.expr)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// signature identifies what a cursor belongs to: the list and its order. A
// cursor from another list or order is rejected, not misread.
func signature(scope string, fields []sortField) string {
	h := sha256.New()
	h.Write([]byte(scope))
	for _, f := range fields {
		fmt.Fprintf(h, "|%s:%v", f.Field, f.Desc)
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// cursorData is what a cursor holds: the signature and the sort key of the
// node it points after (or before), each value tagged with its type.
type cursorData struct {
	Sig  string   `json:"s"`
	Keys []keyVal `json:"k"`
}

type keyVal struct {
	S *string `json:"s,omitempty"`
	I *int64  `json:"i,omitempty"`
	B *bool   `json:"b,omitempty"`
	D *string `json:"d,omitempty"` // date
	T *string `json:"t,omitempty"` // datetime
}

func encodeCursor(sig string, key []any) string {
	c := cursorData{Sig: sig}
	for _, v := range key {
		var kv keyVal
		switch x := v.(type) {
		case string:
			kv.S = &x
		case int64:
			kv.I = &x
		case bool:
			kv.B = &x
		case dbtype.Date:
			s := x.Time().Format(time.DateOnly)
			kv.D = &s
		case time.Time:
			s := x.Format(time.RFC3339Nano)
			kv.T = &s
		}
		c.Keys = append(c.Keys, kv)
	}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeCursor reads a cursor back into Cypher parameter values.
func decodeCursor(s, sig string, fields []sortField, arg string) ([]any, error) {
	bad := castgraph.Errorf(castgraph.EINVALID, arg, "the cursor is not one this list gave out (or the order changed)")
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c cursorData
	if json.Unmarshal(raw, &c) != nil || c.Sig != sig || len(c.Keys) != len(fields) {
		return nil, bad
	}
	out := make([]any, len(fields))
	for i, kv := range c.Keys {
		switch {
		case kv.S != nil && (fields[i].typ == castgraph.PropString || fields[i].typ == castgraph.PropEnum):
			out[i] = *kv.S
		case kv.I != nil && fields[i].typ == castgraph.PropInt:
			out[i] = *kv.I
		case kv.B != nil && fields[i].typ == castgraph.PropBool:
			out[i] = *kv.B
		case kv.D != nil && fields[i].typ == castgraph.PropDate && !fields[i].time:
			t, err := time.Parse(time.DateOnly, *kv.D)
			if err != nil {
				return nil, bad
			}
			out[i] = neo4j.DateOf(t)
		case kv.T != nil && fields[i].time:
			t, err := time.Parse(time.RFC3339Nano, *kv.T)
			if err != nil {
				return nil, bad
			}
			out[i] = t
		default:
			return nil, bad
		}
	}
	return out, nil
}

// keyset compiles "strictly after this sort key in this order" (lexicographic).
func (b *cypherBuilder) keyset(fields []sortField, key []any, backwards bool) string {
	var ors []string
	for i := range fields {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, fmt.Sprintf("%s = %s", fields[j].expr, b.param(key[j])))
		}
		cmp := ">"
		if fields[i].Desc != backwards {
			cmp = "<"
		}
		ands = append(ands, fmt.Sprintf("%s %s %s", fields[i].expr, cmp, b.param(key[i])))
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// window is a compiled PageQuery: the WHERE predicate for the node variable,
// the ORDER BY, the sort key expression, and how many rows to fetch.
type window struct {
	where     string
	order     string
	sortKey   string
	limit     int // rows to fetch: the page size plus one, to learn if there is more
	size      int
	backwards bool
	sig       string
	paged     bool        // After or Before was given
	fields    []sortField // the order, id last
}

// compileWindow turns a PageQuery on variable v into Cypher pieces.
func (b *cypherBuilder) compileWindow(t target, v, scope string, q PageQuery, defaultSize, maxSize int) (*window, error) {
	w := &window{size: defaultSize}
	switch {
	case q.First != nil && q.Last != nil:
		return nil, castgraph.Errorf(castgraph.EINVALID, "last", "give first or last, not both")
	case q.First != nil:
		w.size = *q.First
	case q.Last != nil:
		w.size, w.backwards = *q.Last, true
	}
	arg := "first"
	if w.backwards {
		arg = "last"
	}
	if w.size < 0 || w.size > maxSize {
		return nil, castgraph.Errorf(castgraph.EINVALID, arg, "%s must be between 0 and %d", arg, maxSize)
	}
	if q.After != "" && q.Before != "" {
		return nil, castgraph.Errorf(castgraph.EINVALID, "before", "give after or before, not both")
	}
	if q.After != "" && w.backwards || q.Before != "" && !w.backwards && q.First != nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "after", "page forwards with first/after, backwards with last/before")
	}
	if q.Before != "" {
		w.backwards = true
	}
	fields, err := compileOrder(t, v, q.OrderBy)
	if err != nil {
		return nil, err
	}
	w.sig, w.fields = signature(scope, fields), fields
	conds := []string{}
	if q.Where != nil {
		c, err := b.filter(t, v, q.Where, 0, "where")
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	if name := strings.TrimSpace(q.NameContains); name != "" {
		p := b.param(strings.ToLower(name))
		conds = append(conds, fmt.Sprintf("(toLower(%s.name) CONTAINS %s OR any(a IN coalesce(%s.aliases, []) WHERE toLower(a) CONTAINS %s))", v, p, v, p))
	}
	if cur, arg := q.After, "after"; cur != "" || q.Before != "" {
		if q.Before != "" {
			cur, arg = q.Before, "before"
		}
		key, err := decodeCursor(cur, w.sig, fields, arg)
		if err != nil {
			return nil, err
		}
		conds = append(conds, b.keyset(fields, key, w.backwards))
		w.paged = true
	}
	w.where = "true"
	if len(conds) > 0 {
		w.where = strings.Join(conds, " AND ")
	}
	w.order = orderClause(fields, w.backwards)
	w.sortKey = sortKeyList(fields)
	w.limit = w.size + 1
	return w, nil
}

// finish turns fetched rows (in fetch order) into a page.
func (w *window) finish(nodes []*castgraph.Node, edges []castgraph.Edge, keys [][]any) *Page {
	p := &Page{}
	more := len(nodes) > w.size
	if more {
		nodes, keys = nodes[:w.size], keys[:w.size]
		if edges != nil {
			edges = edges[:w.size]
		}
	}
	if w.backwards {
		slices.Reverse(nodes)
		slices.Reverse(keys)
		slices.Reverse(edges)
		p.HasPreviousPage, p.HasNextPage = more, w.paged
	} else {
		p.HasNextPage, p.HasPreviousPage = more, w.paged
	}
	p.Nodes, p.Edges = nodes, edges
	for _, k := range keys {
		p.Cursors = append(p.Cursors, encodeCursor(w.sig, k))
	}
	if p.Nodes == nil {
		p.Nodes = []*castgraph.Node{}
	}
	return p
}

// List returns one page of the nodes of a kind.
func (s *Store) List(ctx context.Context, kind castgraph.Kind, q PageQuery) (*Page, error) {
	res, err := s.ListWith(ctx, kind, q, ListOptions{})
	if err != nil {
		return nil, err
	}
	return res.Page, nil
}

// ListOptions asks a list for more than its page, read in the same transaction.
type ListOptions struct {
	// Count counts the matches on all pages (totalCount).
	Count bool
	// Branches are relationship fields to read ahead under the page's nodes,
	// in the page's own statement (see RelatedTree). Branches that do not
	// compile (a window too big, say) are left out, not reported: the
	// caller's field resolvers ask for them on their own and report the error
	// where it belongs.
	Branches []Branch
}

// ListResult is a list's page and what ListOptions asked for besides.
type ListResult struct {
	Page  *Page
	Count int
	// Under holds the branches read ahead, for each node of the page; nil
	// when none were.
	Under map[*castgraph.Node]map[string]*Fetched
}

// ListWith returns one page of the nodes of a kind, with what opts ask for.
func (s *Store) ListWith(ctx context.Context, kind castgraph.Kind, q PageQuery, opts ListOptions) (*ListResult, error) {
	if _, ok := castgraph.SpecOf(kind); !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	var counting *countStatement
	if opts.Count {
		var err error
		if counting, err = compileCount(kind, q); err != nil {
			return nil, err
		}
	}
	b := newBuilder()
	where := q.Where
	anch, w, err := b.compileList(kind, &q)
	if err != nil {
		return nil, err
	}
	b.params["limit"] = w.limit
	ret := listReturn{node: returnNode(kind, q.Fields)}
	if len(opts.Branches) > 0 {
		n := 0
		if levels, err := b.compileTree(kind, "n", opts.Branches, 1, &n); err == nil {
			ret.levels = levels
		}
	}
	cypher := fmt.Sprintf("%s WHERE %s\n%s", anch.match, w.where, ret.tail(w))
	var walk *nameWalk
	if anch.hops != nil && w.inNameOrder() {
		if walk, err = b.nameWalk(kind, anch, where, w, ret); err != nil {
			return nil, err
		}
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*ListResult, error) {
		res := &ListResult{}
		if counting != nil {
			n, err := counting.run(ctx, tx)
			if err != nil {
				return nil, err
			}
			res.Count = n
		}
		if walk != nil {
			recs, err := walk.run(ctx, tx, b.params, w)
			if err != nil {
				return nil, err
			}
			if recs != nil {
				res.Page, res.Under = ret.read(recs, w)
				return res, nil
			}
		}
		recs, err := collect(ctx, tx, cypher, b.params)
		if err != nil {
			return nil, err
		}
		res.Page, res.Under = ret.read(recs, w)
		return res, nil
	})
}

// nodeReturn is how a list statement returns its node n: whole, or
// projected to the fields asked (then read as a node of the kind). The
// statements sort and cut before they project: sorting the projection would
// both lose the index order the planner can stream (a sort of every match
// instead of a walk that stops at the page) and sort by fields the
// projection left out.
type nodeReturn struct {
	expr    string
	kind    castgraph.Kind
	partial bool
}

func returnNode(kind castgraph.Kind, f Fields) nodeReturn {
	expr, _, partial := f.projection(target{kind: kind}, "n", "")
	if !partial {
		return nodeReturn{expr: "n", kind: kind}
	}
	return nodeReturn{expr: expr + " AS n", kind: kind, partial: true}
}

// listReturn is how a list statement ends once it has its rows: sort and
// cut, read the branches ahead under each node kept (RelatedTree's
// subqueries), and return the nodes, whole or projected.
type listReturn struct {
	node   nodeReturn
	levels []*treeLevel
}

// tail is the statement's end, from its node variable n on.
func (r listReturn) tail(w *window) string {
	var q strings.Builder
	fmt.Fprintf(&q, "WITH n ORDER BY %s LIMIT $limit\n", w.order)
	if len(r.levels) > 0 {
		writeCalls(&q, "n", r.levels)
		kept := []string{"n"}
		for _, l := range r.levels {
			kept = append(kept, l.result)
		}
		// The subqueries may not keep the rows' order: sort again (a page at most).
		fmt.Fprintf(&q, "WITH %s ORDER BY %s\n", strings.Join(kept, ", "), w.order)
	}
	fmt.Fprintf(&q, "RETURN %s, %s AS k, %s AS under", r.node.expr, w.sortKey, underList(r.levels))
	return q.String()
}

// read turns the rows into the page and, with levels, the answers under
// each of its nodes.
func (r listReturn) read(recs []*neo4j.Record, w *window) (*Page, map[*castgraph.Node]map[string]*Fetched) {
	var nodes []*castgraph.Node
	var keys [][]any
	var under map[*castgraph.Node]map[string]*Fetched
	if len(r.levels) > 0 {
		under = map[*castgraph.Node]map[string]*Fetched{}
	}
	for _, rec := range recs {
		n, _ := rec.Get("n")
		k, _ := rec.Get("k")
		var node *castgraph.Node
		if r.node.partial {
			node = nodeFromProps(r.node.kind, n.(map[string]any))
		} else {
			node = toNode(n.(dbtype.Node))
		}
		nodes = append(nodes, node)
		keys = append(keys, k.([]any))
		if under != nil {
			u, _ := rec.Get("under")
			under[node] = readUnder(node.ID, r.levels, u.([]any))
		}
	}
	return w.finish(nodes, nil, keys), under
}

// compileList compiles a list's MATCH and window; it takes the anchoring
// condition out of q.Where.
func (b *cypherBuilder) compileList(kind castgraph.Kind, q *PageQuery) (*anchored, *window, error) {
	anch := b.listMatch(kind, q)
	w, err := b.compileWindow(target{kind: kind}, "n", "list:"+string(kind), *q, castgraph.DefaultListPage, castgraph.MaxListPage)
	return anch, w, err
}

// CheckList reports what List would reject in the query (a page too big, a
// cursor of another list, a bad filter), without reading anything: for a
// client that asks a list for its totalCount alone.
func CheckList(kind castgraph.Kind, q PageQuery) error {
	if _, ok := castgraph.SpecOf(kind); !ok {
		return castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	_, _, err := newBuilder().compileList(kind, &q)
	return err
}

// inNameOrder reports whether the window pages forwards by name, then id:
// the order of the kind's (name, id) index.
func (w *window) inNameOrder() bool {
	return !w.backwards && len(w.fields) == 2 &&
		w.fields[0].Field == "name" && !w.fields[0].Desc && w.fields[1].Field == "id" && !w.fields[1].Desc
}

// nameWalk is the other plan for a list whose filter is anchored: walk the
// kind's (name, id) index in order and keep the nodes that pass the whole
// filter, stopping at the page's end. When many nodes match (the experts
// serving a hub cluster: a third of them), it finds a page of 20 after a few
// hundred checks, where the walk from the anchor goes through tens of
// thousands of rows and sorts them; when few match, it would check every
// node. The estimate decides, as question 1's statement does: the index walk
// costs about first × total / matches checks of 1.5 rows each, the anchor
// walk about `paths` rows.
type nameWalk struct {
	estimate, cypher string
	first            int
}

// nameWalkScan bounds the index walk: when the estimate chooses it, it should
// need at most sqrt(first × total / 1.5) checks. If the walk stops short of a
// page (the estimate overcounted, or the cursor is far along), the anchor
// walk answers after all.
func nameWalkScan(first int) int { return max(2000, 15*first) }

// preferNameWalk is the choice: the index walk's checks (first × total /
// matches, about 1.5 rows each) against the anchor walk's rows, with paths
// standing in for matches. Tests replace it to try each plan on small data.
var preferNameWalk = func(paths, total, first float64) bool { return paths*paths > 1.5*first*total }

func (b *cypherBuilder) nameWalk(kind castgraph.Kind, anch *anchored, where map[string]any, w *window, ret listReturn) (*nameWalk, error) {
	full, err := b.filter(target{kind: kind}, "n", where, 0, "where")
	if err != nil {
		return nil, err
	}
	scan := b.param(nameWalkScan(w.size))
	return &nameWalk{
		estimate: anch.estimate(kind),
		cypher: fmt.Sprintf(`MATCH (n:%s) WHERE n.name IS NOT NULL AND n.id IS NOT NULL AND %s
WITH n ORDER BY n.name, n.id LIMIT %s
WITH n WHERE %s
%s`, kind, w.where, scan, full, ret.tail(w)),
		first: w.size,
	}, nil
}

// run answers with the index walk's rows when the estimate says it is
// cheaper and it fills the page; otherwise it returns no rows and the caller
// walks from the anchor.
func (nw *nameWalk) run(ctx context.Context, tx neo4j.ManagedTransaction, params map[string]any, w *window) ([]*neo4j.Record, error) {
	est, err := collect(ctx, tx, nw.estimate, params)
	if err != nil || len(est) == 0 {
		return nil, err
	}
	paths, _ := est[0].Get("paths")
	total, _ := est[0].Get("total")
	if !preferNameWalk(toFloat(paths), toFloat(total), float64(nw.first)) {
		return nil, nil
	}
	recs, err := collect(ctx, tx, nw.cypher, params)
	if err != nil || len(recs) < w.limit {
		return nil, err
	}
	return recs, nil
}

func toFloat(v any) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// listMatch is the MATCH that a list of the kind starts from: every node of
// the kind, or, when the filter allows, only those reached from anchor nodes.
// It takes the anchoring condition out of q.Where.
func (b *cypherBuilder) listMatch(kind castgraph.Kind, q *PageQuery) *anchored {
	if q.Where != nil {
		if a, ok := b.anchor(kind, "n", q.Where); ok {
			q.Where = a.rest
			return a
		}
	}
	return &anchored{match: fmt.Sprintf("MATCH (n:%s)", kind)}
}

// Count counts the nodes of a kind that match the query's filters.
func (s *Store) Count(ctx context.Context, kind castgraph.Kind, q PageQuery) (int, error) {
	if _, ok := castgraph.SpecOf(kind); !ok {
		return 0, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	c, err := compileCount(kind, q)
	if err != nil {
		return 0, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) { return c.run(ctx, tx) })
}

// countStatement counts a list's matches on all pages.
type countStatement struct {
	cypher string
	params map[string]any
}

func compileCount(kind castgraph.Kind, q PageQuery) (*countStatement, error) {
	b := newBuilder()
	q = PageQuery{Where: q.Where, NameContains: q.NameContains}
	match := b.listMatch(kind, &q).match
	w, err := b.compileWindow(target{kind: kind}, "n", "list:"+string(kind), q, 0, castgraph.MaxListPage)
	if err != nil {
		return nil, err
	}
	return &countStatement{cypher: fmt.Sprintf("%s WHERE %s RETURN count(n) AS c", match, w.where), params: b.params}, nil
}

func (c *countStatement) run(ctx context.Context, tx neo4j.ManagedTransaction) (int, error) {
	recs, err := collect(ctx, tx, c.cypher, c.params)
	if err != nil {
		return 0, err
	}
	n, _ := recs[0].Get("c")
	return int(n.(int64)), nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
