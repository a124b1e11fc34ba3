package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ImportTx is one transaction of a roster import (package roster): lookups by
// natural key, key prefix and full text, and upserts that add to what the
// graph says without overwriting it. The rules – which row becomes which node
// – are roster's; this type only speaks Cypher.
//
// The work function given to ImportWrite or ImportRead may run more than once
// (the driver retries transient failures), so it must not keep state between
// runs except through its return value.
type ImportTx struct {
	ctx      context.Context
	tx       neo4j.ManagedTransaction
	writable bool
	// by follows each source in the assertions written (assertedBy).
	by string
	// touched and kinds are what the transaction wrote, for its audit entry.
	touched []string
	kinds   []string
}

// ImportWrite runs work in one managed write transaction: everything it
// writes commits together or not at all, its audit entry ("import", the
// nodes written) included.
func (s *Store) ImportWrite(ctx context.Context, work func(tx *ImportTx) error) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		// A new ImportTx each run: a retried transaction starts afresh.
		it := &ImportTx{ctx: ctx, tx: tx, writable: true, by: assertedBy(ctx)}
		if err := work(it); err != nil {
			return struct{}{}, err
		}
		if len(it.touched) == 0 {
			return struct{}{}, nil // a batch that wrote nothing has nothing to record
		}
		return struct{}{}, audit(ctx, tx, castgraph.AuditImport, it.touched, "roster batch: "+strings.Join(it.kinds, ", "))
	})
	return err
}

// wrote notes what a statement of the transaction wrote.
func (t *ImportTx) wrote(kind castgraph.Kind, ids ...string) {
	t.touched = append(t.touched, ids...)
	if !slices.Contains(t.kinds, string(kind)) {
		t.kinds = append(t.kinds, string(kind))
	}
}

// ImportRead runs work in a managed read transaction, for dry runs: the
// lookups answer as in ImportWrite, the writes fail.
func (s *Store) ImportRead(ctx context.Context, work func(tx *ImportTx) error) error {
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		return struct{}{}, work(&ImportTx{ctx: ctx, tx: tx})
	})
	return err
}

// Found is a node an import lookup found.
type Found struct {
	ID      string
	Kind    castgraph.Kind
	Key     string
	Name    string
	Aliases []string
	// CreditCode and Disambiguation are the key properties of enterprises
	// and experts, empty when not set or not of the kind.
	CreditCode, Disambiguation string
}

const foundReturn = `n.id AS id, labels(n) AS labels, n.key AS key, n.name AS name, n.aliases AS aliases,
	coalesce(n.creditCode, '') AS code, coalesce(n.disambiguation, '') AS dis`

func toFound(r *neo4j.Record, at int) Found {
	v := r.Values
	f := Found{Kind: kindOfLabels(toStrings(v[at+1])), Aliases: toStrings(v[at+4])}
	f.ID, _ = v[at].(string)
	f.Key, _ = v[at+2].(string)
	f.Name, _ = v[at+3].(string)
	f.CreditCode, _ = v[at+5].(string)
	f.Disambiguation, _ = v[at+6].(string)
	return f
}

// ByKey finds the nodes of the kind with the given natural keys.
func (t *ImportTx) ByKey(kind castgraph.Kind, keys []string) (map[string]Found, error) {
	out := make(map[string]Found, len(keys))
	if len(keys) == 0 {
		return out, nil
	}
	if _, ok := castgraph.SpecOf(kind); !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	recs, err := collect(t.ctx, t.tx, `UNWIND $keys AS k
		MATCH (n:`+string(kind)+` {key: k})
		RETURN `+foundReturn, map[string]any{"keys": keys})
	if err != nil {
		return nil, fmt.Errorf("looking up %s by key: %w", kind, err)
	}
	for _, r := range recs {
		f := toFound(r, 0)
		out[f.Key] = f
	}
	return out, nil
}

// ByKeyPrefix finds, for each prefix, the nodes of the kind whose key is the
// prefix or starts with the prefix and "|": every expert of a name, whatever
// their disambiguation. Both are index seeks on the key constraint.
func (t *ImportTx) ByKeyPrefix(kind castgraph.Kind, prefixes []string) (map[string][]Found, error) {
	out := make(map[string][]Found, len(prefixes))
	if len(prefixes) == 0 {
		return out, nil
	}
	if _, ok := castgraph.SpecOf(kind); !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	recs, err := collect(t.ctx, t.tx, `UNWIND $prefixes AS p
		CALL (p) {
			MATCH (n:`+string(kind)+` {key: p}) RETURN n
			UNION
			MATCH (n:`+string(kind)+`) WHERE n.key STARTS WITH p + '|' RETURN n
		}
		RETURN p, `+foundReturn, map[string]any{"prefixes": prefixes})
	if err != nil {
		return nil, fmt.Errorf("looking up %s by name: %w", kind, err)
	}
	for _, r := range recs {
		p := r.Values[0].(string)
		out[p] = append(out[p], toFound(r, 1))
	}
	return out, nil
}

// ByText finds candidates for each text among the nodes of the kinds, through
// the entity_names full-text index (names and aliases, cjk analyzer): at most
// limit hits per text, best first (segmentQuery says how the text is
// asked for). The hits are candidates only – the caller compares names.
func (t *ImportTx) ByText(kinds []castgraph.Kind, texts []string, limit int) (map[string][]Found, error) {
	out := make(map[string][]Found, len(texts))
	if len(texts) == 0 || len(kinds) == 0 {
		return out, nil
	}
	labels := make([]string, len(kinds))
	for i, k := range kinds {
		if _, ok := castgraph.SpecOf(k); !ok {
			return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", k)
		}
		labels[i] = string(k)
	}
	queries := make([]map[string]any, 0, len(texts))
	for _, text := range texts {
		if q := segmentQuery(text); q != "" {
			queries = append(queries, map[string]any{"text": text, "query": q})
		}
	}
	// The index knows no labels: read a few times the limit, then filter.
	recs, err := collect(t.ctx, t.tx, `UNWIND $queries AS q
		CALL (q) {
			CALL db.index.fulltext.queryNodes($index, q.query, {limit: $scan}) YIELD node, score
			WITH node AS n, score WHERE any(l IN labels(n) WHERE l IN $labels)
			RETURN n ORDER BY score DESC LIMIT $limit
		}
		RETURN q.text AS text, `+foundReturn,
		map[string]any{"queries": queries, "index": FullTextIndex, "labels": labels, "limit": limit, "scan": limit * 10})
	if err != nil {
		return nil, fmt.Errorf("searching %v: %w", kinds, err)
	}
	for _, r := range recs {
		text := r.Values[0].(string)
		out[text] = append(out[text], toFound(r, 1))
	}
	return out, nil
}

// segmentQuery turns text into a Lucene query that matches a name holding
// every segment of the text – its runs of letters and digits between spaces
// and punctuation – as a phrase: "苏州示例电子(集团)有限公司" asks for
// "苏州示例电子" AND "集团" AND "有限公司", so that the bracket's spelling does
// not matter. A conjunction of phrases is an intersection of the rarest
// postings first, cheap even when the segments are common words. Segments of
// one character, which the cjk analyzer's bigrams cannot match, are left out
// unless nothing else is left.
func segmentQuery(text string) string {
	segs := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	long := segs[:0:0]
	for _, s := range segs {
		if utf8.RuneCountInString(s) > 1 {
			long = append(long, s)
		}
	}
	if len(long) == 0 {
		long = segs
	}
	if len(long) == 0 {
		return ""
	}
	return LuceneQuery(long)
}

// Rekey gives an existing node a new natural key and sets properties: an
// enterprise first known by name that a roster row gives its credit code, an
// expert first known by name alone who gets a disambiguation. The new key
// must be free (the caller looked it up in this transaction).
type Rekey struct {
	ID, Key string
	Props   map[string]any
	Sources []string
}

// Rekey applies the re-keyings to nodes of the kind.
func (t *ImportTx) Rekey(kind castgraph.Kind, rows []Rekey) error {
	if len(rows) == 0 {
		return nil
	}
	if !t.writable {
		return castgraph.Errorf(castgraph.EINTERNAL, "", "a dry run cannot write")
	}
	// An edit by id: the new key and the properties are set, the sources
	// added.
	params := make([]map[string]any, len(rows))
	for i, r := range rows {
		set := nonNilParams(r.Props)
		set[propKey] = r.Key
		params[i] = editRow(r.ID, set, r.Sources)
	}
	res, err := t.tx.Run(t.ctx, editNodes(kind)+`
		RETURN count(n) AS n`, map[string]any{"rows": params, "by": t.by})
	if err != nil {
		return fmt.Errorf("re-keying %s nodes: %w", kind, err)
	}
	rec, err := res.Single(t.ctx)
	if err != nil {
		return fmt.Errorf("re-keying %s nodes: %w", kind, err)
	}
	if n, _ := rec.Values[0].(int64); int(n) != len(rows) {
		return castgraph.Errorf(castgraph.ECONFLICT, "", "%d of %d %s nodes to re-key disappeared during the import", len(rows)-int(n), len(rows), kind)
	}
	for _, r := range rows {
		t.wrote(kind, r.ID)
	}
	return nil
}

// NodeUpsert is one node an import writes, merged on its natural key.
type NodeUpsert struct {
	// Key is the natural key; ID the id the node gets if it is new.
	Key, ID string
	// Name is the node's name if it is new; an existing node keeps its own.
	Name string
	// Alias, when set, is added to the aliases unless it is there already
	// or is the name: another spelling of the name seen in a roster.
	Alias string
	// Props are set on the node, new or not; CreateProps only on a new one.
	// A property is never removed.
	Props, CreateProps map[string]any
	// Sources are added to the node's sources, each once.
	Sources []string
}

// UpsertResult says what an upsert did.
type UpsertResult struct {
	// IDs maps each key to the id of its node in the graph.
	IDs              map[string]string
	Created, Updated int
	// New lists the keys of the nodes this upsert created.
	New []string
}

// row is the node of an upsert as the write path (write.go) takes it: the
// alias, when set, is a spelling to add.
func (r NodeUpsert) row() nodeRow {
	n := nodeRow{ID: r.ID, Key: r.Key, Name: r.Name, Props: r.Props, CreateProps: r.CreateProps, Sources: r.Sources}
	if r.Alias != "" {
		n.Aliases = []string{r.Alias}
	}
	return n
}

// nodeRowReturn reports, per row, the node's id and whether this statement
// created or changed it.
const nodeRowReturn = `
		RETURN row.key AS key, n.id AS id, n.createdAt = datetime() AS created,
		       n.createdAt <> datetime() AND n.updatedAt = datetime() AS updated`

// checkSources holds the provenance sources an import writes to the rules
// of every source (castgraph.CheckSource): they come from file names, which
// an upload chooses.
func checkSources(sources []string) error {
	for _, src := range sources {
		if err := castgraph.CheckSource(src, "source"); err != nil {
			return err
		}
	}
	return nil
}

// checkWrite refuses writes in a dry run and kinds outside the registry.
func (t *ImportTx) checkWrite(kind castgraph.Kind) error {
	if !t.writable {
		return castgraph.Errorf(castgraph.EINTERNAL, "", "a dry run cannot write")
	}
	if _, ok := castgraph.SpecOf(kind); !ok {
		return castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	return nil
}

// UpsertNodes merges nodes of one kind on their natural keys, as every write
// path merges (write.go). A node that exists keeps its id, name and
// description; the upsert sets the given properties, adds the alias and the
// sources, and touches updatedAt only when a property or alias changed. Updated counts those nodes; a node that only
// gains a source is not counted. Upserting the same rows twice leaves the
// graph as it was. Each key may appear once.
func (t *ImportTx) UpsertNodes(kind castgraph.Kind, rows []NodeUpsert) (UpsertResult, error) {
	res := UpsertResult{IDs: make(map[string]string, len(rows))}
	if len(rows) == 0 {
		return res, nil
	}
	if err := t.checkWrite(kind); err != nil {
		return res, err
	}
	var shape nodeShape
	params := make([]map[string]any, len(rows))
	for i, r := range rows {
		if err := checkSources(r.Sources); err != nil {
			return res, err
		}
		params[i] = r.row().param(&shape)
	}
	result, err := t.tx.Run(t.ctx, mergeNodes(kind, shape)+nodeRowReturn,
		map[string]any{"rows": params, "by": t.by})
	if err != nil {
		return res, fmt.Errorf("writing %s nodes: %w", kind, err)
	}
	for result.Next(t.ctx) {
		v := result.Record().Values
		res.IDs[v[0].(string)] = v[1].(string)
		if v[2].(bool) {
			res.Created++
			res.New = append(res.New, v[0].(string))
		} else if v[3].(bool) {
			res.Updated++
		}
	}
	if err := result.Err(); err != nil {
		return res, fmt.Errorf("writing %s nodes: %w", kind, err)
	}
	for _, id := range res.IDs {
		t.wrote(kind, id)
	}
	return res, nil
}

// RowUpsert is one roster row: its subject node, merged on its natural key
// as UpsertNodes merges it, and the relationships from the subject to nodes
// that exist (or that an earlier statement of the transaction created),
// merged on (type, from, to): a new one gets the properties and sources, an
// existing one the properties set (never removed) and the sources added, and
// updatedAt only when a property changed.
type RowUpsert struct {
	Node NodeUpsert
	Rels []RelTo
}

// RelTo is a relationship from a row's subject.
type RelTo struct {
	Type  castgraph.RelType
	To    string
	Props map[string]any
	// Sources are added to the relationship's sources, each once.
	Sources []string
}

// RowsResult says what UpsertRows did.
type RowsResult struct {
	// IDs maps each subject key to the id of its node.
	IDs                                                                    map[string]string
	NodesCreated, NodesUpdated, RelationshipsCreated, RelationshipsUpdated int
}

// UpsertRows writes whole rows of one subject kind in one statement: each
// row's node and its relationships, so that the subject is found once and
// bound, not looked up again for every relationship. Every relationship must
// find its target, or the transaction fails (no row is half written). Each
// subject key may appear once, each (type, target) once per row.
//
// The statement is shaped for the batch, because its cost is what an import
// costs: parameters are flat (a relationship's target is an id in the row,
// its properties and sources are sent only when it has some of its own), and
// a type that no row has twice is written by a straight OPTIONAL MATCH and
// MERGE rather than a subquery per row. Written so, a batch costs about what
// a hand-written UNWIND … MERGE of the same rows costs
// (bench/import_bench_test.go).
func (t *ImportTx) UpsertRows(kind castgraph.Kind, rows []RowUpsert) (RowsResult, error) {
	res := RowsResult{IDs: make(map[string]string, len(rows))}
	if len(rows) == 0 {
		return res, nil
	}
	if err := t.checkWrite(kind); err != nil {
		return res, err
	}
	// The shape of the batch, type by type.
	type shape struct {
		multi, props, sources bool
	}
	var types []castgraph.RelType
	shapes := map[castgraph.RelType]*shape{}
	want := 0
	for _, r := range rows {
		if err := checkSources(r.Node.Sources); err != nil {
			return res, err
		}
		seen := map[castgraph.RelType]bool{}
		for _, rel := range r.Rels {
			if _, ok := castgraph.RelSpecOf(rel.Type); !ok {
				return res, castgraph.Errorf(castgraph.EINVALID, "type", "unknown relationship type %q", rel.Type)
			}
			if err := checkSources(rel.Sources); err != nil {
				return res, err
			}
			sh := shapes[rel.Type]
			if sh == nil {
				sh = &shape{}
				shapes[rel.Type] = sh
				types = append(types, rel.Type)
			}
			sh.multi = sh.multi || seen[rel.Type]
			seen[rel.Type] = true
			sh.props = sh.props || len(nonNilParams(rel.Props)) > 0
			sh.sources = sh.sources || !slices.Equal(rel.Sources, r.Node.Sources)
			want++
		}
	}
	var node nodeShape
	params := make([]map[string]any, len(rows))
	for i, r := range rows {
		p := r.Node.row().param(&node)
		for _, typ := range types {
			sh, name := shapes[typ], string(typ)
			for _, rel := range r.Rels {
				if rel.Type != typ {
					continue
				}
				if !sh.multi {
					p[name] = rel.To
					if sh.props {
						p[name+"_p"] = nonNilParams(rel.Props)
					}
					if sh.sources {
						p[name+"_s"] = nonNil(rel.Sources)
					}
					continue
				}
				to, _ := p[name].([]any)
				p[name] = append(to, rel.To)
				if sh.props {
					ps, _ := p[name+"_p"].([]any)
					p[name+"_p"] = append(ps, nonNilParams(rel.Props))
				}
				if sh.sources {
					ss, _ := p[name+"_s"].([]any)
					p[name+"_s"] = append(ss, nonNil(rel.Sources))
				}
			}
		}
		params[i] = p
	}
	// Relationship types are spliced into the statement only from the
	// registry (checked above); every value is a parameter.
	// The targets of single types are matched first, and the relationships
	// as they were (when the batch sets properties on them) before any is
	// merged; then the merges; then the subqueries of multi types.
	var matches, merges, calls, ret strings.Builder
	for i, typ := range types {
		sh, name := shapes[typ], string(typ)
		props, sources := "{}", "row.sources"
		if !sh.multi {
			if sh.props {
				props = "coalesce(row." + name + "_p, {})"
			}
			if sh.sources {
				sources = "coalesce(row." + name + "_s, row.sources)"
			}
			fmt.Fprintf(&matches, `
		OPTIONAL MATCH (b%[1]d:Entity {id: row.%[2]s})`, i, name)
			changed := "false"
			if sh.props {
				fmt.Fprintf(&matches, `
		OPTIONAL MATCH (n)-[o%[1]d:%[2]s]->(b%[1]d)
		WITH *, o%[1]d IS NOT NULL AND %[3]s AS c%[1]d`, i, name, propsDiffer(fmt.Sprintf("o%d", i), props))
				changed = fmt.Sprintf("c%d", i)
			}
			fmt.Fprintf(&merges, `
		FOREACH (_ IN CASE WHEN b%[1]d IS NULL THEN [] ELSE [1] END |
			MERGE (n)-[r:%[2]s]->(b%[1]d)%[3]s)`, i, name, mergeRel("r", props, sources, changed))
			fmt.Fprintf(&ret, `, CASE WHEN b%[1]d IS NULL THEN 0 ELSE 1 END AS found%[1]d, CASE WHEN %[2]s THEN 1 ELSE 0 END AS updated%[1]d`, i, changed)
			continue
		}
		if sh.props {
			props = "coalesce(row." + name + "_p[j], {})"
		}
		if sh.sources {
			sources = "coalesce(row." + name + "_s[j], row.sources)"
		}
		fmt.Fprintf(&calls, `
		CALL (n, row) {
			UNWIND range(0, size(coalesce(row.%[2]s, [])) - 1) AS j
			MATCH (b:Entity {id: row.%[2]s[j]})
			WITH n, b, %[3]s AS props, %[4]s AS sources
			MERGE (n)-[r:%[2]s]->(b)%[5]s
			RETURN count(r) AS found%[1]d,
			       sum(CASE WHEN r.createdAt <> datetime() AND r.updatedAt = datetime() THEN 1 ELSE 0 END) AS updated%[1]d
		}`, i, name, props, sources, mergeRel("r", "props", "sources", ""))
		fmt.Fprintf(&ret, ", found%[1]d, updated%[1]d", i)
	}
	body := matches.String() + merges.String()
	if calls.Len() > 0 {
		body += "\n\t\tWITH *" + calls.String()
	}
	result, err := t.tx.Run(t.ctx, mergeNodes(kind, node)+"\n\t\tWITH n, row"+body+nodeRowReturn+ret.String(),
		map[string]any{"rows": params, "by": t.by})
	if err != nil {
		return res, fmt.Errorf("writing %s rows: %w", kind, err)
	}
	found := 0
	for result.Next(t.ctx) {
		v := result.Record().Values
		res.IDs[v[0].(string)] = v[1].(string)
		if v[2].(bool) {
			res.NodesCreated++
		} else if v[3].(bool) {
			res.NodesUpdated++
		}
		for i := range types {
			f, _ := v[4+2*i].(int64)
			u, _ := v[5+2*i].(int64)
			found += int(f)
			res.RelationshipsUpdated += int(u)
		}
	}
	summary, err := result.Consume(t.ctx)
	if err != nil {
		return res, fmt.Errorf("writing %s rows: %w", kind, err)
	}
	res.RelationshipsCreated = summary.Counters().RelationshipsCreated()
	for _, id := range res.IDs {
		t.wrote(kind, id)
	}
	for _, r := range rows {
		for _, rel := range r.Rels {
			t.touched = append(t.touched, rel.To)
		}
	}
	if found != want {
		return res, castgraph.Errorf(castgraph.ECONFLICT, "", "%d of %d relationships lost a node during the import", want-found, want)
	}
	return res, nil
}
