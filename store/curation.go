package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// Curation: imports and hand edits leave near-duplicates (one society under
// two spellings, an enterprise entered once with its credit code and once
// without). Duplicates lists the likely ones of a kind; Merge folds one node
// into another.

// Bounds of Duplicates: it reads the names of every node of one kind, so the
// kind's size is its cost; a kind above MaxDuplicateScan nodes is refused
// rather than read. Groups are cut at MaxDuplicateGroup nodes (a name shared
// by hundreds of people is no curation task) and the answer at
// MaxDuplicateGroups groups.
const (
	MaxDuplicateScan   = 300_000
	MaxDuplicateGroup  = 20
	MaxDuplicateGroups = 200
)

// duplicateScan is MaxDuplicateScan; tests lower it.
var duplicateScan = MaxDuplicateScan

// Why nodes are listed as likely duplicates, strongest first.
const (
	DupCreditCode = "CREDIT_CODE" // the same credit code
	DupSameName   = "SAME_NAME"   // names equal once normalised (castgraph.NormalizeName)
	DupAlias      = "ALIAS"       // one's name is another's alias
	DupSimilar    = "SIMILAR"     // names equal once legal forms and place prefixes are left out
)

// Duplicate is a group of nodes of one kind that are likely one thing.
type Duplicate struct {
	Reason string
	// Key is what they share: the code, the normalised name, the alias or the stem.
	Key   string
	Nodes []*castgraph.Node
}

// dupCandidate is what Duplicates reads of each node.
type dupCandidate struct {
	id, name, code string
	aliases        []string
}

// Duplicates lists up to first groups of likely duplicates among the nodes
// of the kind, strongest reasons first; each pair of nodes appears under its
// strongest reason only.
func (s *Store) Duplicates(ctx context.Context, kind castgraph.Kind, first int) ([]Duplicate, error) {
	spec, ok := castgraph.SpecOf(kind)
	if !ok {
		return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "unknown kind %q", kind)
	}
	if first < 0 || first > MaxDuplicateGroups {
		return nil, castgraph.Errorf(castgraph.EINVALID, "first", "first must be between 0 and %d", MaxDuplicateGroups)
	}
	code := "null"
	if _, ok := spec.Prop("creditCode"); ok {
		code = "n.creditCode"
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]Duplicate, error) {
		// Counted first (from the count store), so a kind too big is refused
		// before its nodes are read.
		recs, err := collect(ctx, tx, fmt.Sprintf(`RETURN COUNT { (:%s) } AS n`, kind), nil)
		if err != nil {
			return nil, err
		}
		if n, _ := recs[0].Get("n"); n.(int64) > int64(duplicateScan) {
			return nil, castgraph.Errorf(castgraph.EINVALID, "kind", "%s has %d nodes, more than the %d that can be compared at once", kind, n, duplicateScan)
		}
		recs, err = collect(ctx, tx, fmt.Sprintf(`MATCH (n:%s) RETURN n.id AS id, n.name AS name, n.aliases AS aliases, %s AS code LIMIT $cap`, kind, code),
			map[string]any{"cap": duplicateScan})
		if err != nil {
			return nil, err
		}
		cands := make([]dupCandidate, 0, len(recs))
		for _, r := range recs {
			id, _ := r.Get("id")
			name, _ := r.Get("name")
			aliases, _ := r.Get("aliases")
			c, _ := r.Get("code")
			idS, _ := id.(string)
			nameS, _ := name.(string)
			codeS, _ := c.(string)
			cands = append(cands, dupCandidate{id: idS, name: nameS, code: codeS, aliases: toStrings(aliases)})
		}
		groups := findDuplicates(cands, first)
		var ids []string
		for _, g := range groups {
			for _, n := range g.Nodes {
				ids = append(ids, n.ID)
			}
		}
		full, err := collect(ctx, tx, `MATCH (n:Entity) WHERE n.id IN $ids RETURN n`, map[string]any{"ids": ids})
		if err != nil {
			return nil, err
		}
		byID := map[string]*castgraph.Node{}
		for _, r := range full {
			v, _ := r.Get("n")
			n := toNode(v.(dbtype.Node))
			byID[n.ID] = n
		}
		for _, g := range groups {
			for i, n := range g.Nodes {
				if f := byID[n.ID]; f != nil {
					g.Nodes[i] = f
				}
			}
		}
		return groups, nil
	})
}

// findDuplicates groups the candidates by each reason in turn, strongest
// first; a group needs two nodes not already grouped together. It is pure
// and linear in the candidates (each reason is one map).
func findDuplicates(cands []dupCandidate, first int) []Duplicate {
	var out []Duplicate
	together := map[[2]string]bool{} // pairs already in a group
	add := func(reason, key string, members []int) {
		if len(out) >= first || len(members) < 2 {
			return
		}
		slices.SortFunc(members, func(a, b int) int { return strings.Compare(cands[a].id, cands[b].id) })
		members = slices.Compact(members)
		if len(members) > MaxDuplicateGroup {
			members = members[:MaxDuplicateGroup]
		}
		fresh := false
		for i := range members {
			for j := i + 1; j < len(members); j++ {
				p := [2]string{cands[members[i]].id, cands[members[j]].id}
				if !together[p] {
					together[p], fresh = true, true
				}
			}
		}
		if !fresh {
			return
		}
		d := Duplicate{Reason: reason, Key: key}
		for _, m := range members {
			d.Nodes = append(d.Nodes, &castgraph.Node{ID: cands[m].id, Name: cands[m].name})
		}
		out = append(out, d)
	}
	group := func(reason string, keyOf func(c dupCandidate) []string) {
		byKey := map[string][]int{}
		var keys []string
		for i, c := range cands {
			for _, k := range keyOf(c) {
				if k == "" {
					continue
				}
				if byKey[k] == nil {
					keys = append(keys, k)
				}
				byKey[k] = append(byKey[k], i)
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			add(reason, k, byKey[k])
		}
	}
	group(DupCreditCode, func(c dupCandidate) []string { return []string{strings.ToUpper(strings.TrimSpace(c.code))} })
	group(DupSameName, func(c dupCandidate) []string { return []string{castgraph.NormalizeName(c.name)} })
	group(DupAlias, func(c dupCandidate) []string {
		keys := []string{castgraph.NormalizeName(c.name)}
		for _, a := range c.aliases {
			keys = append(keys, castgraph.NormalizeName(a))
		}
		return keys
	})
	group(DupSimilar, func(c dupCandidate) []string { return []string{nameStem(c.name)} })
	// A name and an alias are grouped by the alias reason only when they
	// met through an alias: the same-name groups came first and took the
	// pairs whose names are equal, so what is new here is alias ↔ name.
	return out
}

// Parts of organisation names that vary between spellings of one name: the
// province or city in front, the legal form behind.
var (
	stemPrefixes = []string{"江苏省", "江苏", "中国"}
	stemSuffixes = []string{"股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "(筹)"}
)

// nameStem is the normalised name without a leading province and trailing
// legal form; short stems (one or two characters) are no evidence and give "".
func nameStem(name string) string {
	s := castgraph.NormalizeName(name)
	for _, p := range stemPrefixes {
		s = strings.TrimPrefix(s, p)
	}
	for changed := true; changed; {
		changed = false
		for _, suf := range stemSuffixes {
			if t := strings.TrimSuffix(s, suf); t != s {
				s, changed = t, true
			}
		}
	}
	if len([]rune(s)) < 3 {
		return ""
	}
	return s
}

// MergeResult is what Merge did.
type MergeResult struct {
	Node *castgraph.Node
	// Moved counts the relationships moved onto the kept node; Joined those
	// that the kept node had already (their provenance and missing
	// properties were joined instead); Dropped those between the two nodes.
	Moved, Joined, Dropped int
}

// Merge folds the node remove into keep, in one write transaction: every
// relationship of remove moves to keep (joined with keep's own of the same
// type and far node: sources and assertions united, keep's properties kept
// and missing ones taken), keep gains remove's name and aliases as aliases,
// its sources and assertions, and the properties it lacks; the merge itself
// is an assertion ("merged <id> (<name>)") and an audit entry; remove is
// deleted. Nodes of different kinds are not merged.
func (s *Store) Merge(ctx context.Context, keepID, removeID, source string) (*MergeResult, error) {
	if keepID == removeID {
		return nil, castgraph.Errorf(castgraph.EINVALID, "remove", "a node cannot be merged into itself")
	}
	if err := castgraph.CheckSource(source, "source"); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*MergeResult, error) {
		keep, err := mustNodeOfKind(ctx, tx, "", keepID, "keep")
		if err != nil {
			return nil, err
		}
		remove, err := mustNodeOfKind(ctx, tx, "", removeID, "remove")
		if err != nil {
			return nil, err
		}
		if keep.Kind != remove.Kind {
			return nil, castgraph.Errorf(castgraph.EINVALID, "remove", "%s is a %s and %s a %s: only nodes of one kind merge", removeID, remove.Kind, keepID, keep.Kind)
		}
		res := &MergeResult{}
		params := map[string]any{"keep": keepID, "remove": removeID}
		for _, r := range castgraph.Relations {
			for _, outgoing := range []bool{true, false} {
				recs, err := collect(ctx, tx, moveStatement(r, outgoing), params)
				if err != nil {
					return nil, err
				}
				moved, _ := recs[0].Get("moved")
				joined, _ := recs[0].Get("joined")
				res.Moved += int(moved.(int64))
				res.Joined += int(joined.(int64))
			}
		}
		spec, _ := castgraph.SpecOf(keep.Kind)
		var props []string
		for _, p := range spec.Props {
			props = append(props, fmt.Sprintf("k.%[1]s = coalesce(k.%[1]s, r.%[1]s)", p.Name))
		}
		record := sourceOr(source) + assertedBy(ctx)
		params["record"] = fmt.Sprintf("merged %s (%s): %s", removeID, remove.Name, record)
		recs, err := collect(ctx, tx, `MATCH (k:Entity {id: $keep}), (r:Entity {id: $remove})
			WITH k, r, COUNT { (k)--(r) } AS between,
			     [a IN coalesce(k.aliases, []) + [r.name] + coalesce(r.aliases, []) WHERE a <> k.name] AS names
			WITH k, r, between, reduce(acc = [], a IN names | CASE WHEN a IN acc THEN acc ELSE acc + a END) AS aliases
			SET k.aliases = aliases,
			    k.aliasText = reduce(t = '', a IN aliases | t + ' ' + a),
			    k.description = coalesce(k.description, r.description),
			    `+strings.Join(append(props, "k.updatedAt = datetime()"), ",\n\t\t\t    ")+`,
			    k.createdAt = CASE WHEN r.createdAt < k.createdAt THEN r.createdAt ELSE k.createdAt END,
			    k.sources = coalesce(k.sources, []) + [x IN coalesce(r.sources, []) WHERE NOT x IN coalesce(k.sources, [])],
			    k.assertions = coalesce(k.assertions, []) + [x IN coalesce(r.assertions, []) + $record WHERE NOT x IN coalesce(k.assertions, [])]
			DETACH DELETE r
			RETURN k, between`, params)
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 { // cannot happen while both nodes are locked
			return nil, castgraph.Errorf(castgraph.ENOTFOUND, "keep", "%q or %q is gone", keepID, removeID)
		}
		v, _ := recs[0].Get("k")
		between, _ := recs[0].Get("between")
		res.Node, res.Dropped = toNode(v.(dbtype.Node)), int(between.(int64))
		return res, audit(ctx, tx, castgraph.AuditMerge, []string{keepID, removeID}, fmt.Sprintf("%s: moved %d, joined %d", keep.Kind, res.Moved, res.Joined))
	})
}

// moveStatement moves remove's relationships of one type and direction to
// keep: a new one takes all the old one's properties; one keep has already
// keeps its own, takes the missing ones and unites the provenance. The
// relationship type comes from the registry, never from input.
func moveStatement(r castgraph.RelSpec, outgoing bool) string {
	from, to, create := "(r)-[x:%[1]s]->(o)", "(k)-[y:%[1]s]->(o)", "(k)-[z:%[1]s]->(o)"
	if !outgoing {
		from, to, create = "(r)<-[x:%[1]s]-(o)", "(k)<-[y:%[1]s]-(o)", "(k)<-[z:%[1]s]-(o)"
	}
	var join []string
	for _, p := range r.Props {
		join = append(join, fmt.Sprintf("y.%[1]s = coalesce(y.%[1]s, x.%[1]s)", p.Name))
	}
	join = append(join,
		"y.sources = coalesce(y.sources, []) + [s IN coalesce(x.sources, []) WHERE NOT s IN coalesce(y.sources, [])]",
		"y.assertions = coalesce(y.assertions, []) + [s IN coalesce(x.assertions, []) WHERE NOT s IN coalesce(y.assertions, [])]",
		"y.createdAt = CASE WHEN x.createdAt < y.createdAt THEN x.createdAt ELSE y.createdAt END",
		"y.updatedAt = datetime()")
	return fmt.Sprintf(`MATCH (k:Entity {id: $keep}), (r:Entity {id: $remove})
		MATCH `+from+` WHERE o <> k
		OPTIONAL MATCH `+to+`
		FOREACH (_ IN CASE WHEN y IS NULL THEN [1] ELSE [] END | CREATE `+create+` SET z = properties(x))
		FOREACH (_ IN CASE WHEN y IS NULL THEN [] ELSE [1] END | SET `+strings.Join(join, ", ")+`)
		DELETE x
		RETURN count(*) - count(y) AS moved, count(y) AS joined`, r.Type)
}
