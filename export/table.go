// Package export turns a GraphQL answer into a table – one row per node of a
// list – and writes it as CSV or XLSX for analysts who take answers to
// Excel. It knows no database and no HTTP: graph runs the query, this
// package flattens and writes what came back.
//
// The rules (README, "Export to Excel"):
//
//   - the rows are the nodes of one list of objects: the one Options.List
//     names (a dotted path of response keys, "experts.nodes"), else the
//     first list of objects in the answer, depth first in the order the
//     query asked;
//   - a scalar field is a column; a nested single object is flattened into
//     columns with dotted names (provenance.createdAt);
//   - a nested list of scalars is one cell, its values joined with "、";
//   - a nested list of objects is one cell of their labels joined with "、":
//     an object's name, else its node's label (an edge), else its id; with
//     Options.Flatten the first nested list of objects of each row gives
//     instead one row per element, the row's other columns repeated (a row
//     whose list is empty stays, with those cells empty);
//   - booleans are 是/否 under Chinese headers, true/false under GraphQL
//     names; null is an empty cell; numbers are numbers in XLSX.
package export

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/castgraph/castgraph"
)

// Separator joins the values of a list in one cell, as Chinese rosters write
// several societies or chains (the roster importer splits on it).
const Separator = "、"

// Cell is one value of a table: its text, and whether it is a number (XLSX
// writes numbers as numbers).
type Cell struct {
	Text   string
	Number bool
}

// Column is one column: its path of response keys below the row's object
// and the header written for it.
type Column struct {
	Path   string
	Header string
}

// Table is a flattened answer.
type Table struct {
	Columns []Column
	Rows    [][]Cell
}

// Field says what a response key of the query is: the GraphQL type it was
// selected on and the field's name (the key may be an alias).
type Field struct {
	Parent string
	Name   string
	// Order is the field's place in the query, depth first: the order of
	// the columns of a list the answer leaves empty.
	Order int
}

// Options say how to flatten.
type Options struct {
	// List is the dotted path of response keys of the list whose nodes are
	// the rows; empty: the first list of objects in the answer.
	List string
	// Flatten makes one row per element of each row's first nested list of
	// objects, instead of joining their labels in one cell.
	Flatten bool
	// English keeps GraphQL names as headers; otherwise a field of a node
	// kind gets the header the roster importer reads for it (Header).
	English bool
	// Fields maps each dotted path of response keys from the answer's root
	// ("experts.nodes.name") to what it selects (Fields reads a document).
	// Without it every header is the column's path.
	Fields map[string]Field
	// Header names a node kind's field as the roster importer reads it (kind
	// and field or alias name), false when no roster takes it. Nil: GraphQL
	// names.
	Header func(kind castgraph.Kind, field string) (string, bool)
	// MaxRows and MaxBytes bound the table (rows; bytes of cell text); 0 is
	// no bound. Over either, Flatten fails with LIMIT_EXCEEDED and returns
	// no table: nothing is written half.
	MaxRows  int
	MaxBytes int
}

// ordered is a JSON object with its keys in the order of the answer, which
// is the order the query asked for them.
type ordered struct {
	keys []string
	vals map[string]any
}

// Decode reads a JSON value keeping the order of object keys (numbers stay
// json.Number).
func Decode(r io.Reader) (any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "", "the answer is not JSON: %v", err)
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &ordered{vals: map[string]any{}}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				if _, dup := o.vals[k]; !dup {
					o.keys = append(o.keys, k)
				}
				o.vals[k] = v
			}
			_, err := dec.Token()
			return o, err
		case '[':
			var list []any
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			if list == nil {
				list = []any{}
			}
			_, err := dec.Token()
			return list, err
		}
		return nil, io.ErrUnexpectedEOF
	default:
		return tok, nil
	}
}

// DecodeBytes is Decode of a byte slice.
func DecodeBytes(b []byte) (any, error) { return Decode(bytes.NewReader(b)) }

// Flatten makes the table of data, an answer's "data" as Decode reads it.
func Flatten(data any, opts Options) (*Table, error) {
	list, listPath, err := findList(data, opts.List)
	if err != nil {
		return nil, err
	}
	f := &flattener{opts: opts, listPath: listPath, index: map[string]int{}}
	f.rowKind = f.kindOfRows()
	if opts.Flatten {
		f.expandPath = expandPath(list)
	}
	for _, el := range list {
		o, ok := el.(*ordered)
		if !ok {
			continue // a null in the list: no node, no row
		}
		if err := f.addNode(o); err != nil {
			return nil, err
		}
	}
	if len(list) == 0 {
		f.columnsFromQuery()
	}
	return f.table(), nil
}

// findList finds the list of the rows: at path, or the first list of
// objects (or an empty list) depth first.
func findList(data any, path string) ([]any, string, error) {
	if path != "" {
		v := data
		for _, k := range strings.Split(path, ".") {
			o, ok := v.(*ordered)
			if !ok {
				return nil, "", castgraph.Errorf(castgraph.EINVALID, "list", "-list %s: %s is not inside an object of the answer (a list on the way must be the last step)", path, k)
			}
			if v, ok = o.vals[k]; !ok {
				return nil, "", castgraph.Errorf(castgraph.EINVALID, "list", "-list %s: the answer has no %s there (keys: %s)", path, k, strings.Join(o.keys, ", "))
			}
		}
		list, ok := v.([]any)
		if !ok || !objectsOrEmpty(list) {
			return nil, "", castgraph.Errorf(castgraph.EINVALID, "list", "-list %s is not a list of objects in the answer", path)
		}
		return list, path, nil
	}
	var walk func(v any, at string) ([]any, string, bool)
	walk = func(v any, at string) ([]any, string, bool) {
		o, ok := v.(*ordered)
		if !ok {
			return nil, "", false
		}
		for _, k := range o.keys {
			p := join(at, k)
			if list, ok := o.vals[k].([]any); ok && objectsOrEmpty(list) {
				return list, p, true
			}
			if list, p, ok := walk(o.vals[k], p); ok {
				return list, p, true
			}
		}
		return nil, "", false
	}
	if list, p, ok := walk(data, ""); ok {
		return list, p, nil
	}
	return nil, "", castgraph.Errorf(castgraph.EINVALID, "list", "the answer has no list of objects to make rows of: ask for a list (experts { nodes { … } })")
}

// objectsOrEmpty tells a list of objects (nulls allowed) or an empty list
// from a list of scalars.
func objectsOrEmpty(list []any) bool {
	for _, el := range list {
		switch el.(type) {
		case *ordered:
			return true
		case nil:
		default:
			return false
		}
	}
	return true
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

type flattener struct {
	opts     Options
	listPath string
	rowKind  castgraph.Kind
	// expandPath is the nested list Flatten expands: the same for every
	// row, so that a node whose list is empty keeps its cells in place.
	expandPath string
	columns    []string       // paths, in first-seen order
	index      map[string]int // path -> column
	rows       []map[string]Cell
	bytes      int
}

// kindOfRows is the node kind of the list's elements, when the query says
// (a field selected on them names its parent type).
func (f *flattener) kindOfRows() castgraph.Kind {
	prefix := f.listPath + "."
	for path, fd := range f.opts.Fields {
		if strings.HasPrefix(path, prefix) && !strings.Contains(path[len(prefix):], ".") {
			return castgraph.Kind(fd.Parent)
		}
	}
	return ""
}

// addNode adds the rows of one node of the list.
func (f *flattener) addNode(o *ordered) error {
	row := map[string]Cell{}
	var expand []any
	expandAt := ""
	f.cells(o, "", row, &expand, &expandAt)
	rows := []map[string]Cell{row}
	if len(expand) > 0 {
		rows = rows[:0]
		for _, el := range expand {
			r := make(map[string]Cell, len(row))
			for k, v := range row {
				r[k] = v
			}
			if eo, ok := el.(*ordered); ok {
				f.cells(eo, expandAt, r, nil, nil)
			}
			rows = append(rows, r)
		}
	}
	for _, r := range rows {
		if f.opts.MaxRows > 0 && len(f.rows) >= f.opts.MaxRows {
			return castgraph.Errorf(castgraph.ELIMIT, "rows", "the export has more than %d rows, the most one export may have: narrow the query (where, first)", f.opts.MaxRows)
		}
		for _, c := range r {
			f.bytes += len(c.Text) + 1
		}
		if f.opts.MaxBytes > 0 && f.bytes > f.opts.MaxBytes {
			return castgraph.Errorf(castgraph.ELIMIT, "bytes", "the export is over %d bytes, the most one export may hold: narrow the query (fewer fields, where, first)", f.opts.MaxBytes)
		}
		f.rows = append(f.rows, r)
	}
	return nil
}

// cells puts the columns of object o, below prefix, into row. expand, when
// not nil, takes the first nested list of objects instead of joining it
// (Flatten), and expandAt its path.
func (f *flattener) cells(o *ordered, prefix string, row map[string]Cell, expand *[]any, expandAt *string) {
	for _, k := range o.keys {
		p := join(prefix, k)
		switch v := o.vals[k].(type) {
		case *ordered:
			f.cells(v, p, row, expand, expandAt)
		case []any:
			if expand != nil && p == f.expandPath {
				*expand, *expandAt = v, p
				f.listColumns(v, p)
				continue
			}
			f.set(row, p, f.joinList(v))
		default:
			f.set(row, p, f.scalar(v))
		}
	}
}

// listColumns registers the columns of the elements of an expanded list in
// their order, so that a first row whose list is empty does not put them last.
func (f *flattener) listColumns(list []any, prefix string) {
	if len(list) == 0 {
		// The query says what an element would have had.
		at := join(f.listPath, prefix) + "."
		var paths []string
		for path := range f.opts.Fields {
			if strings.HasPrefix(path, at) {
				paths = append(paths, join(prefix, path[len(at):]))
			}
		}
		for _, p := range leaves(paths, f.opts.Fields, f.listPath+".") {
			if _, ok := f.index[p]; !ok {
				f.index[p] = len(f.columns)
				f.columns = append(f.columns, p)
			}
		}
	}
	for _, el := range list {
		if o, ok := el.(*ordered); ok {
			f.cells(o, prefix, map[string]Cell{}, nil, nil)
		}
	}
}

// expandPath is the first nested list of objects, in the order of the
// answer's keys, over all nodes (a node with an empty list there defers to
// one with objects).
func expandPath(nodes []any) string {
	var order []string
	seen, objects := map[string]bool{}, map[string]bool{}
	var walk func(o *ordered, at string)
	walk = func(o *ordered, at string) {
		for _, k := range o.keys {
			p := join(at, k)
			switch v := o.vals[k].(type) {
			case *ordered:
				walk(v, p)
			case []any:
				if !seen[p] {
					seen[p] = true
					order = append(order, p)
				}
				if isObjects(v) {
					objects[p] = true
				}
			}
		}
	}
	for _, n := range nodes {
		if o, ok := n.(*ordered); ok {
			walk(o, "")
		}
	}
	for _, p := range order {
		if objects[p] {
			return p
		}
	}
	return ""
}

func isObjects(list []any) bool {
	for _, el := range list {
		if _, ok := el.(*ordered); ok {
			return true
		}
	}
	return false
}

func (f *flattener) set(row map[string]Cell, path string, c Cell) {
	if _, ok := f.index[path]; !ok {
		f.index[path] = len(f.columns)
		f.columns = append(f.columns, path)
	}
	row[path] = c
}

func (f *flattener) scalar(v any) Cell {
	switch v := v.(type) {
	case nil:
		return Cell{}
	case string:
		return Cell{Text: v}
	case json.Number:
		return Cell{Text: v.String(), Number: true}
	case bool:
		switch {
		case f.opts.English && v:
			return Cell{Text: "true"}
		case f.opts.English:
			return Cell{Text: "false"}
		case v:
			return Cell{Text: "是"}
		}
		return Cell{Text: "否"}
	}
	b, _ := json.Marshal(v)
	return Cell{Text: string(b)}
}

// joinList is the one cell of a nested list: its scalars, or the labels of
// its objects, joined.
func (f *flattener) joinList(list []any) Cell {
	var parts []string
	for _, el := range list {
		var s string
		switch el := el.(type) {
		case *ordered:
			s = label(el)
		case []any:
			s = f.joinList(el).Text
		default:
			s = f.scalar(el).Text
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	return Cell{Text: strings.Join(parts, Separator)}
}

// label names an object in a joined cell: its name, else its node's label
// (an edge of a relationship), else its id.
func label(o *ordered) string {
	if s, ok := o.vals["name"].(string); ok && s != "" {
		return s
	}
	if n, ok := o.vals["node"].(*ordered); ok {
		if s := label(n); s != "" {
			return s
		}
	}
	if s, ok := o.vals["id"].(string); ok {
		return s
	}
	return ""
}

// columnsFromQuery gives an empty list the columns its query selects, so
// that an export with no rows still has its header.
func (f *flattener) columnsFromQuery() {
	prefix := f.listPath + "."
	var paths []string
	for path := range f.opts.Fields {
		if strings.HasPrefix(path, prefix) {
			paths = append(paths, path[len(prefix):])
		}
	}
	// Only the leaves: a path that is a prefix of another is an object.
	for _, p := range leaves(paths, f.opts.Fields, prefix) {
		f.set(map[string]Cell{}, p, Cell{})
	}
}

func (f *flattener) table() *Table {
	t := &Table{Columns: make([]Column, len(f.columns))}
	used := map[string]bool{}
	for i, p := range f.columns {
		h := f.header(p)
		if used[h] {
			h = p // two columns would read as one field: keep the second's path
		}
		used[h] = true
		t.Columns[i] = Column{Path: p, Header: h}
	}
	t.Rows = make([][]Cell, len(f.rows))
	for i, r := range f.rows {
		cells := make([]Cell, len(f.columns))
		for p, c := range r {
			cells[f.index[p]] = c
		}
		t.Rows[i] = cells
	}
	return t
}

// header names a column. Under Chinese headers a column of the row's node
// kind gets the roster importer's header for its field: a scalar field by its
// response key (an alias naming a roster field: employer, city, park …) or
// its field name; a relationship field joined by its nodes' names
// (memberOf.nodes, memberOf.nodes.name, memberOf.edges.node.name with
// Flatten) by the relationship's; an edge's role, since and until by theirs.
// Everything else keeps its dotted path of response keys.
func (f *flattener) header(path string) string {
	if f.opts.English || f.opts.Header == nil || f.rowKind == "" {
		return path
	}
	segs := strings.Split(path, ".")
	first := f.opts.Fields[f.listPath+"."+segs[0]]
	lookup := func(names ...string) (string, bool) {
		for _, n := range names {
			if h, ok := f.opts.Header(f.rowKind, n); ok {
				return h, true
			}
		}
		return "", false
	}
	rest := strings.Join(segs[1:], ".")
	switch {
	case len(segs) == 1:
		if h, ok := lookup(segs[0], first.Name); ok {
			return h
		}
	case rest == "nodes" || rest == "edges" || rest == "nodes.name" || rest == "edges.node.name":
		if h, ok := lookup(segs[0], first.Name); ok {
			return h
		}
	case len(segs) == 3 && segs[1] == "edges":
		// An edge's properties describe the row's relationship (职务, 入会时间).
		if h, ok := lookup(segs[2]); ok && (segs[2] == "role" || segs[2] == "since" || segs[2] == "until") {
			return h
		}
	}
	return path
}

// Plain turns a value Decode read into plain Go values (maps, slices) for
// encoding/json.
func Plain(v any) any {
	switch v := v.(type) {
	case *ordered:
		m := make(map[string]any, len(v.vals))
		for k, x := range v.vals {
			m[k] = Plain(x)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = Plain(x)
		}
		return out
	}
	return v
}

// Get is the value of key in an object Decode read; nil when v is no object
// or lacks it.
func Get(v any, key string) any {
	if o, ok := v.(*ordered); ok {
		return o.vals[key]
	}
	return nil
}
