package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/castgraph/castgraph"
)

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

// window is a compiled plan's page: the WHERE predicate for the node variable,
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

// relVar is the relationship variable of a relationship field's window and
// its type; the zero value for a list of a kind.
type relVar struct {
	v    string
	spec *castgraph.RelSpec
}

// compileWindow turns a plan's filter, order and window on variable v (and
// rel, a relationship field's relationship) into Cypher pieces; scope names
// the list, so that its cursors fit no other.
func (b *cypherBuilder) compileWindow(t target, v string, rel relVar, scope string, p *Plan, defaultSize, maxSize int) (*window, error) {
	w := &window{size: defaultSize}
	q := p.Window
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
	fields, err := compileOrder(t, v, p.Order)
	if err != nil {
		return nil, err
	}
	if rel.v != "" && len(p.Order) == 0 {
		if _, ok := rel.spec.Prop(propPosition); ok {
			// Relationships that carry their position come in its order
			// (a plan item's programs as the plan names them); those
			// without one after them, in the far nodes' own order.
			pos := sortField{Order: Order{Field: propPosition}, expr: "coalesce(" + rel.v + "." + propPosition + ", 9223372036854775807)", typ: castgraph.PropInt}
			fields = append([]sortField{pos}, fields...)
		}
	}
	w.sig, w.fields = signature(scope, fields), fields
	conds := []string{}
	if p.Where != nil {
		c, err := b.filter(t, v, p.Where, 0, "where")
		if err != nil {
			return nil, err
		}
		conds = append(conds, c)
	}
	if name := strings.TrimSpace(p.NameContains); name != "" {
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
