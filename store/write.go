package store

// The one write path. Every statement that writes entities or relationships
// – the API's mutations (Create, Update, Link), the dataset loader (Load,
// LoadBatches, and so the synthetic generator) and the roster import
// (ImportTx) – is built here, so that the rules below are written once:
//
//   - A node is merged on its kind's natural key (castgraph.KindSpec.NaturalKey,
//     the key property); it gets its id, the Entity label and createdAt only
//     when the statement creates it. The API's Create is such a merge too,
//     after checking that the key is free. An edit finds its node by id.
//   - sources lists every source that asserted the node or relationship, each
//     once; assertions lists each source with the actor who wrote it
//     (assertedBy, the $by parameter), each pair once. sourceFirst and
//     sourceLast, lists aligned with sources, hold when each source first and
//     last asserted it (sourceTimes below).
//   - changedAt is when it last changed or gained a source: the time the
//     change feed (changes.go) orders by.
//   - updatedAt is set with createdAt, and moves later only when what the
//     node or relationship says changes (a property, the name, the aliases,
//     the description or the key). A write that only repeats what the graph
//     says adds its source and actor and leaves updatedAt and changedAt
//     alone, so writing the same thing twice leaves the graph as it was but
//     for the source's last assertion time (sourceLast), which says so.
//   - A merge adds to what the graph says, as every source is one voice among
//     several: it sets the properties it gives and never removes one (a nil
//     value is dropped); a description it gives replaces the node's, and one
//     it does not give leaves the node's alone; an existing node keeps its
//     name; aliases are a union: the spellings a row gives that the node does
//     not have (not its name, not among its aliases) are added, up to
//     castgraph.MaxAliases.
//   - An edit of a node (the API's Update, the import's re-keying) sets what
//     it is given: a property given as nil is removed, aliases given replace
//     the node's (each once, never the name). A relationship's property is never removed: Link, too, sets
//     the properties it is given and keeps the others.
//
// Statements are UNWIND $rows AS row … over rows of one kind or one type,
// whatever the number of rows, and carry only the SET items their rows need,
// so that a batch without aliases or descriptions pays nothing for them.
// Kinds and types are spliced into the text only once checked against the
// registry; every value is a parameter.

import (
	"strconv"
	"strings"

	"github.com/castgraph/castgraph"
)

// nodeRow is one node a merge writes.
type nodeRow struct {
	// ID is the id the node gets if the merge creates it; Key its natural key.
	ID, Key string
	// Name is the node's name if it is new; an existing node keeps its own.
	Name string
	// Aliases are spellings of the name to add (see newSpellings).
	Aliases []string
	// Description, when set, is the node's description from now on.
	Description *string
	// Props are set on the node, new or not; CreateProps only on a new one.
	// Nil values are dropped: a merge never removes a property.
	Props, CreateProps map[string]any
	// Sources are added to the node's sources, each once.
	Sources []string
}

// nodeShape says which optional items the rows of one merge statement need.
type nodeShape struct {
	aliases, description, create bool
}

// param turns the row into its statement parameter and notes in shape what
// the statement must carry for it. Optional items are left out when empty,
// so that large batches send flat, small rows.
func (r nodeRow) param(shape *nodeShape) map[string]any {
	p := map[string]any{"key": r.Key, "id": r.ID, "name": r.Name, "props": nonNilParams(r.Props), "sources": nonNil(r.Sources)}
	if a := uniqueSpellings(r.Aliases); len(a) > 0 {
		p["aliases"] = a
		shape.aliases = true
	}
	if r.Description != nil {
		p["description"] = *r.Description
		shape.description = true
	}
	if c := nonNilParams(r.CreateProps); len(c) > 0 {
		p["create"] = c
		shape.create = true
	}
	return p
}

// uniqueSpellings returns the aliases without repeats, in their order.
func uniqueSpellings(aliases []string) []string {
	var out []string
	for _, a := range aliases {
		if !contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// editAliases is the aliases list an edit stores: each spelling once, never
// the name itself, as a merge would have it.
func editAliases(name string, aliases []string) []string {
	out := []string{}
	for _, a := range uniqueSpellings(aliases) {
		if a != name {
			out = append(out, a)
		}
	}
	return out
}

// mergeNodes is the statement that merges rows of nodes of the kind on their
// natural keys (see the rules at the top of the file). It leaves n (the node)
// and row bound, for the caller's RETURN or the rest of its statement.
//
// Every ON MATCH item reads only properties that the items before it leave
// alone (updatedAt first, then aliasText before aliases, the properties
// last), so the items mean the same whether Neo4j applies them one by one or
// together. The form without WITH keeps the planner from materialising rows
// between the MERGE and the SET.
func mergeNodes(kind castgraph.Kind, shape nodeShape) string {
	create := []string{"n:Entity", "n.id = row.id", "n.name = row.name"}
	if shape.aliases {
		added := newSpellings("n", "row.name")
		create = append(create, "n.aliasText = "+withAliasText("n", added), "n.aliases = "+added)
	} else {
		create = append(create, "n.aliases = []", "n.aliasText = ''")
	}
	if shape.description {
		create = append(create, "n.description = row.description")
	}
	create = append(create, "n.createdAt = datetime()", "n.updatedAt = datetime()", "n.changedAt = datetime()")
	create = append(create, sourceTimes("n", "row.sources")...)
	create = append(create, "n.sources = "+addSources("n", "row.sources"), "n.assertions = "+addAssertions("n", "row.sources"))
	if shape.create {
		create = append(create, "n += coalesce(row.create, {})")
	}
	create = append(create, "n += row.props")

	changed := []string{propsDiffer("n", "row.props")}
	var match []string
	if shape.aliases {
		added := newSpellings("n", "n.name")
		changed = append(changed, "size("+added+") > 0")
		match = append(match,
			"n.aliasText = "+withAliasText("n", added),
			"n.aliases = coalesce(n.aliases, []) + "+added)
	}
	if shape.description {
		changed = append(changed, "(row.description IS NOT NULL AND "+differ("n.description", "row.description")+")")
		match = append(match, "n.description = coalesce(row.description, n.description)")
	}
	anyChange := strings.Join(changed, " OR ")
	match = append([]string{"n.updatedAt = " + touched("n", anyChange), "n.changedAt = " + changedAt("n", anyChange, "row.sources")}, match...)
	match = append(match, sourceTimes("n", "row.sources")...)
	match = append(match, "n.sources = "+addSources("n", "row.sources"), "n.assertions = "+addAssertions("n", "row.sources"), "n += row.props")

	return `UNWIND $rows AS row
		MERGE (n:` + string(kind) + ` {key: row.key})
		ON CREATE SET ` + strings.Join(create, ",\n\t\t              ") + `
		ON MATCH SET ` + strings.Join(match, ",\n\t\t             ")
}

// editNodes is the statement that edits nodes of the kind found by id: each
// row's set is applied as given (a nil value removes the property), its
// sources are added. It leaves n and row bound; a row whose node is gone
// yields nothing.
func editNodes(kind castgraph.Kind) string {
	return `UNWIND $rows AS row
		MATCH (n:Entity {id: row.id}) WHERE n:` + string(kind) + `
		SET n.updatedAt = ` + touched("n", propsDiffer("n", "row.set")) + `,
		    n.changedAt = ` + changedAt("n", propsDiffer("n", "row.set"), "row.sources") + `,
		    ` + strings.Join(sourceTimes("n", "row.sources"), ",\n\t\t    ") + `,
		    n.sources = ` + addSources("n", "row.sources") + `,
		    n.assertions = ` + addAssertions("n", "row.sources") + `,
		    n += row.set`
}

// editRow is the parameter of one editNodes row. Values in set are converted
// for Cypher and kept when nil, so that they remove their property.
func editRow(id string, set map[string]any, sources []string) map[string]any {
	return map[string]any{"id": id, "set": paramsOf(set), "sources": nonNil(sources)}
}

// mergeRelsByID is the statement that merges rows of relationships of the
// type between nodes given by id (row.from, row.to) with row.props and
// row.sources, as mergeRel says. A row whose ends are not both found writes
// nothing. It leaves a, b, r and row bound.
func mergeRelsByID(typ castgraph.RelType) string {
	return `UNWIND $rows AS row
		MATCH (a:Entity {id: row.from}), (b:Entity {id: row.to})
		MERGE (a)-[r:` + string(typ) + `]->(b)` + mergeRel("r", "row.props", "row.sources", "")
}

// relRow is the parameter of one mergeRelsByID row. Nil values in props are
// dropped: no write path removes a relationship's property (the API's Link
// sets the properties it is given and keeps the others).
func relRow(from, to string, props map[string]any, sources []string) map[string]any {
	return map[string]any{"from": from, "to": to, "props": nonNilParams(props), "sources": nonNil(sources)}
}

// mergeRel is the ON CREATE and ON MATCH of a relationship MERGE bound to r:
// props and sources are Cypher expressions of the properties to set and the
// sources to add. changed, when not empty, is an expression saying whether
// the properties change, computed by the caller before the MERGE; when
// empty, it is computed here from r as it was.
func mergeRel(r, props, sources, changed string) string {
	if changed == "" {
		changed = propsDiffer(r, props)
	}
	times := strings.Join(sourceTimes(r, sources), ", ")
	return `
		ON CREATE SET ` + r + `.createdAt = datetime(), ` + r + `.updatedAt = datetime(), ` + r + `.changedAt = datetime(), ` + times + `,
		              ` + r + `.sources = ` + addSources(r, sources) + `,
		              ` + r + `.assertions = ` + addAssertions(r, sources) + `, ` + r + ` += ` + props + `
		ON MATCH SET ` + r + `.updatedAt = ` + touched(r, changed) + `,
		             ` + r + `.changedAt = ` + changedAt(r, changed, sources) + `,
		             ` + times + `,
		             ` + r + `.sources = ` + addSources(r, sources) + `,
		             ` + r + `.assertions = ` + addAssertions(r, sources) + `,
		             ` + r + ` += ` + props
}

// touched is the new updatedAt of v: now when changed holds, else as it was
// (now also when it had none).
func touched(v, changed string) string {
	return "CASE WHEN " + changed + " OR " + v + ".updatedAt IS NULL THEN datetime() ELSE " + v + ".updatedAt END"
}

// changedAt is the new changedAt of v: now when changed holds or the
// sources (a list expression) bring one v has not got, else as it was.
func changedAt(v, changed, sources string) string {
	return "CASE WHEN " + changed + " OR any(s IN " + sources + " WHERE NOT s IN coalesce(" + v + ".sources, [])) OR " + v +
		".changedAt IS NULL THEN datetime() ELSE " + v + ".changedAt END"
}

// sourceTimes are the SET items that keep v's sourceFirst and sourceLast
// aligned with its sources as addSources extends them: a source asserting
// again moves its last time; a new one is appended with both times now.
// Sources an older build wrote, which have no times, take v's createdAt
// for both. They must come before the item that sets
// v.sources, whose old value they read.
func sourceTimes(v, sources string) []string {
	old := "coalesce(" + v + ".sources, [])"
	fresh := "[s IN " + sources + " WHERE NOT s IN " + old + " | datetime()]"
	first := "[i IN range(0, size(" + old + ") - 1) | coalesce(" + v + ".sourceFirst[i], " + v + ".createdAt, datetime())] + " + fresh
	last := "[i IN range(0, size(" + old + ") - 1) | CASE WHEN " + old + "[i] IN " + sources + " THEN datetime() ELSE coalesce(" +
		v + ".sourceLast[i], " + v + ".createdAt, datetime()) END] + " + fresh
	return []string{v + ".sourceFirst = " + first, v + ".sourceLast = " + last}
}

// propsDiffer says whether setting the map props on v would change v: some
// key whose value differs, a nil value (which removes) counting as a change
// only when v has the property.
func propsDiffer(v, props string) string {
	return "any(k IN keys(" + props + ") WHERE " + differ(v+"[k]", "("+props+")[k]") + ")"
}

// differ says whether two values differ, null being equal only to null.
func differ(a, b string) string {
	return "NOT coalesce(" + a + " = " + b + ", " + a + " IS NULL AND " + b + " IS NULL)"
}

// addSources is the Cypher list of v's sources with the sources (a list
// expression) added, each once.
func addSources(v, sources string) string {
	return "coalesce(" + v + ".sources, []) + [s IN " + sources + " WHERE NOT s IN coalesce(" + v + ".sources, [])]"
}

// addAssertions is the same for v's assertions: each source followed by the
// actor ($by), each pair once.
func addAssertions(v, sources string) string {
	return "coalesce(" + v + ".assertions, []) + [s IN " + sources + " WHERE NOT (s + $by) IN coalesce(" + v + ".assertions, []) | s + $by]"
}

// newSpellings is the Cypher list of row.aliases that node v has not got:
// not its name (the expression name), not among its aliases, and no more
// than fit under castgraph.MaxAliases. For a node being created, v's aliases
// are still null, so all the row's spellings but the name are new.
func newSpellings(v, name string) string {
	old := "coalesce(" + v + ".aliases, [])"
	max := strconv.Itoa(castgraph.MaxAliases)
	return "CASE WHEN size(" + old + ") >= " + max + " THEN [] ELSE [a IN coalesce(row.aliases, []) WHERE a <> " + name +
		" AND NOT a IN " + old + "][0..(" + max + " - size(" + old + "))] END"
}

// withAliasText is v's aliasText with the aliases (a list expression)
// appended, space separated, as aliasText joins a node's aliases.
func withAliasText(v, added string) string {
	return "trim(coalesce(" + v + ".aliasText, '') + reduce(t = '', a IN " + added + " | t + ' ' + a))"
}

// nonNilParams converts properties for Cypher and drops nil values, so that
// a merge never removes a property.
func nonNilParams(props map[string]any) map[string]any {
	out := make(map[string]any, len(props))
	for k, v := range props {
		if v != nil {
			out[k] = toNeo4j(v)
		}
	}
	return out
}

// naturalKey is the kind's natural key of a node named name with props,
// refused when it is too large for the key constraint's index: Neo4j would
// fail the transaction with "Property value is too large to index", which is
// no client's error code. Names are bounded already (castgraph.CheckText);
// this holds the sum of a name and the key properties beside it. at names
// the node in errors (input, nodes[3]).
func naturalKey(spec *castgraph.KindSpec, name string, props map[string]any, at string) (string, error) {
	key := spec.NaturalKey(name, props)
	if len(key) <= castgraph.MaxKeyBytes {
		return key, nil
	}
	field := at + ".name"
	if len(spec.KeyProps) > 0 {
		field = at + "." + spec.KeyProps[len(spec.KeyProps)-1]
	}
	return "", castgraph.Errorf(castgraph.EINVALID, field, "the natural key of this %s would be %d bytes; at most %d fit in its index", spec.Kind, len(key), castgraph.MaxKeyBytes)
}

// restoreNodes sets the whole provenance of nodes found by id as a dump
// recorded it (castgraph.DatasetProvenance), after the merge that wrote
// them: a backup loaded into an empty database gives the graph it was taken
// from. aliasText is made again from the aliases, as every write makes it.
func restoreNodes() string {
	return `UNWIND $rows AS row
		MATCH (n:Entity {id: row.id})
		SET n.sources = row.p.sources, n.assertions = row.p.assertions,
		    n.createdAt = datetime(row.p.createdAt), n.updatedAt = datetime(row.p.updatedAt),
		    n.changedAt = datetime(coalesce(row.p.changedAt, row.p.updatedAt)),
		    n.sourceFirst = [t IN row.p.sourceFirst | datetime(t)], n.sourceLast = [t IN row.p.sourceLast | datetime(t)],
		    n.aliases = row.aliases, n.aliasText = trim(reduce(t = '', a IN row.aliases | t + ' ' + a))`
}

// restoreRels is restoreNodes for relationships of the type, found by their ends.
func restoreRels(typ castgraph.RelType) string {
	return `UNWIND $rows AS row
		MATCH (:Entity {id: row.from})-[r:` + string(typ) + `]->(:Entity {id: row.to})
		SET r.sources = row.p.sources, r.assertions = row.p.assertions,
		    r.createdAt = datetime(row.p.createdAt), r.updatedAt = datetime(row.p.updatedAt),
		    r.changedAt = datetime(coalesce(row.p.changedAt, row.p.updatedAt)),
		    r.sourceFirst = [t IN row.p.sourceFirst | datetime(t)], r.sourceLast = [t IN row.p.sourceLast | datetime(t)]`
}

// provenanceParam is a restored provenance as a statement parameter.
func provenanceParam(p *castgraph.DatasetProvenance) map[string]any {
	return map[string]any{"sources": nonNil(p.Sources), "assertions": nonNil(p.Assertions), "createdAt": p.CreatedAt,
		"updatedAt": p.UpdatedAt, "changedAt": nilIfEmpty(p.ChangedAt), "sourceFirst": nonNil(p.SourceFirst), "sourceLast": nonNil(p.SourceLast)}
}
