package roster

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// batchResult is what one batch did; rejected lists the issues of rows that
// resolution turned down.
type batchResult struct {
	ok       int
	rejected []Issue
	rejRows  int
	stats    writeStats
	learned  map[string]resolution
	// created are the nodes made for review (a dry run: that would be);
	// reviewKeys their kind|key.
	created    []CreatedNode
	reviewKeys []string
	// definedKeys are the subjects of the good rows of a reference roster.
	definedKeys []string
}

type writeStats struct {
	nodesCreated, nodesUpdated, relsCreated, relsUpdated int
}

// runBatch resolves the names of a batch of plans and, when write is set,
// writes the rows that resolved, all in the transaction tx. It keeps no
// state outside its result, so the driver may run it again on a retry.
func (im *importer) runBatch(tx *store.ImportTx, plans []*plan, write bool) (batchResult, error) {
	b := &batchState{tx: tx, pending: map[string]*pendingNode{}, byName: map[string][]*pendingNode{}, learned: map[string]resolution{}}
	res := batchResult{learned: b.learned}
	bad := map[*plan][]Issue{}
	reject := func(p *plan, column, code, msg string) {
		bad[p] = append(bad[p], Issue{Row: p.row, Column: column, Code: code, Severity: SeverityError, Message: msg})
	}

	// 1. The names each row gives: reference data that must exist, and
	// employers and enterprises served, found or created.
	var refData, open []*ref
	var defined map[string]bool // the subjects of a reference roster's rows
	for _, p := range plans {
		for _, l := range p.links {
			if l.to.create == "" && l.to.kinds[0] != castgraph.KindEnterprise {
				refData = append(refData, l.to)
			} else {
				open = append(open, l.to)
			}
		}
		if k := p.subject.kind; k != castgraph.KindExpert && k != castgraph.KindEnterprise {
			if defined == nil {
				defined = map[string]bool{}
			}
			defined[string(k)+"|"+castgraph.NormalizeName(p.subject.name)] = true
		}
	}
	refRes, err := im.resolveReferences(b, refData, defined)
	if err != nil {
		return res, err
	}
	openRes, err := im.resolveOpen(b, open)
	if err != nil {
		return res, err
	}
	resOf := func(r *ref) resolution {
		if x, ok := refRes[r]; ok {
			return x
		}
		return openRes[r]
	}
	for _, p := range plans {
		for _, l := range p.links {
			if x := resOf(l.to); x.failed() {
				reject(p, l.to.column, x.issue, x.message)
			}
		}
	}

	// 2. The subjects, in row order, so that a later row of the batch finds
	// what an earlier one creates.
	subjects, err := im.resolveSubjects(b, plans, bad, resOf)
	if err != nil {
		return res, err
	}
	for _, p := range plans {
		if s, ok := subjects[p]; ok && s.failed() {
			reject(p, p.subject.column, s.issue, s.message)
		}
	}

	// A reference to the subject of another row of the batch holds only if
	// that row is written: rejecting one row may reject those naming it,
	// and so on (at most once a row).
	if defined != nil {
		for changed := true; changed; {
			changed = false
			written := map[string]bool{}
			for _, p := range plans {
				if len(bad[p]) == 0 {
					written[string(p.subject.kind)+"|"+castgraph.NormalizeName(p.subject.name)] = true
				}
			}
			for _, p := range plans {
				if len(bad[p]) > 0 {
					continue
				}
				for _, l := range p.links {
					if r := resOf(l.to); r.defined && !written[string(r.kind)+"|"+r.key] {
						reject(p, l.to.column, CodeNotFound, fmt.Sprintf("no %s is named %q but a row of this file that was rejected", kindWord(r.kind), l.to.name))
						changed = true
						break
					}
				}
			}
		}
	}

	var good []*plan
	for _, p := range plans {
		if issues := bad[p]; len(issues) > 0 {
			res.rejected = append(res.rejected, issues...)
			res.rejRows++
			continue
		}
		good = append(good, p)
	}
	res.ok = len(good)
	for _, p := range good {
		if k := p.subject.kind; k != castgraph.KindExpert && k != castgraph.KindEnterprise {
			res.definedKeys = append(res.definedKeys, string(k)+"|"+castgraph.NormalizeName(p.subject.name))
		}
	}
	if !write || len(good) == 0 {
		if !write {
			res.created, res.reviewKeys = plannedForReview(good, resOf, im.reviewed)
		}
		return res, nil
	}
	res.stats, res.created, err = im.write(b, good, subjects, resOf)
	for _, c := range res.created {
		res.reviewKeys = append(res.reviewKeys, string(c.Kind)+"|"+c.key)
	}
	return res, err
}

// plannedForReview lists the nodes a dry run's good rows would create for
// review, each once, with the first row that needs it; reviewed are those
// an earlier batch listed.
func plannedForReview(good []*plan, resOf func(*ref) resolution, reviewed map[string]bool) ([]CreatedNode, []string) {
	var out []CreatedNode
	var keys []string
	seen := map[string]bool{}
	for _, p := range good {
		for _, l := range p.links {
			r := resOf(l.to)
			k := string(r.kind) + "|" + r.key
			if !r.review || seen[k] || reviewed[k] {
				continue
			}
			seen[k] = true
			keys = append(keys, k)
			out = append(out, CreatedNode{Kind: r.kind, Name: l.to.name, ID: RosterID(r.kind, r.key), Row: p.row, Column: l.to.column, key: r.key})
		}
	}
	return out, keys
}

// resolveSubjects finds or plans the node each row is about.
func (im *importer) resolveSubjects(b *batchState, plans []*plan, bad map[*plan][]Issue, resOf func(*ref) resolution) (map[*plan]resolution, error) {
	out := map[*plan]resolution{}
	var experts, others []*plan
	for _, p := range plans {
		if len(bad[p]) > 0 {
			continue
		}
		if p.subject.kind == castgraph.KindExpert {
			experts = append(experts, p)
		} else {
			others = append(others, p)
		}
	}
	// Enterprises and the subjects of reference rosters: found by key, name
	// or alias (enterprises by credit code first), else created.
	if len(others) > 0 {
		qs := make([]nameQuery, len(others))
		for i, p := range others {
			qs[i] = nameQuery{kinds: []castgraph.Kind{p.subject.kind}, name: p.subject.name, code: p.subject.code}
		}
		l, err := im.lookupNames(b, qs)
		if err != nil {
			return nil, err
		}
		for i, p := range others {
			r := im.decide(b, qs[i], l, p.subject.kind)
			if r.create {
				b.pend(p.subject.kind, r.key, p.subject.name, p.subject.code)
			}
			out[p] = r
		}
	}
	if len(experts) == 0 {
		return out, nil
	}
	spec, _ := castgraph.SpecOf(castgraph.KindExpert)
	// The disambiguation: given, or the employer's name as the graph has it.
	dis := make(map[*plan]string, len(experts))
	var nameKeys, prefixes []string
	for _, p := range experts {
		d := p.subject.dis
		if d == "" && p.subject.employer != nil {
			r := resOf(p.subject.employer)
			if r.found != nil {
				d = r.found.Name
			} else {
				d = p.subject.employer.name
			}
		}
		dis[p] = d
		nameKey := castgraph.NormalizeName(p.subject.name)
		if d != "" {
			nameKeys = append(nameKeys, nameKey)
		} else {
			prefixes = append(prefixes, nameKey)
		}
	}
	// Rows with a disambiguation merge on their key – found or created by
	// the write itself – unless an expert of the name without one exists,
	// who may be taken over: only then is the exact key looked up. So the
	// common case costs one index seek a row.
	noDis, err := b.tx.ByKey(castgraph.KindExpert, uniq(nameKeys))
	if err != nil {
		return nil, err
	}
	var exact []string
	for _, p := range experts {
		if d := dis[p]; d != "" {
			if _, ok := noDis[castgraph.NormalizeName(p.subject.name)]; ok {
				exact = append(exact, spec.NaturalKey(p.subject.name, map[string]any{"disambiguation": d}))
			}
		}
	}
	byKey, err := b.tx.ByKey(castgraph.KindExpert, uniq(exact))
	if err != nil {
		return nil, err
	}
	byName, err := b.tx.ByKeyPrefix(castgraph.KindExpert, uniq(prefixes))
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{} // ids of experts taken over in this batch
	for _, p := range experts {
		nameKey := castgraph.NormalizeName(p.subject.name)
		d := dis[p]
		if d != "" {
			key := spec.NaturalKey(p.subject.name, map[string]any{"disambiguation": d})
			f, nameOnly := noDis[nameKey]
			switch {
			case !nameOnly:
				// Merged on the key: the expert if the graph has them, else new.
			case byKey[key].ID != "":
				found := byKey[key]
				out[p] = resolution{found: &found}
				continue
			case b.pending[string(castgraph.KindExpert)+"|"+key] != nil:
			case !taken[f.ID]:
				// The one expert of the name who has no disambiguation yet
				// becomes this one.
				taken[f.ID] = true
				out[p] = resolution{found: &f, rekey: true, newKey: key}
				continue
			}
			b.pend(castgraph.KindExpert, key, p.subject.name, "")
			out[p] = resolution{create: true, kind: castgraph.KindExpert, key: key}
			continue
		}
		cands := slices.Clone(byName[nameKey])
		for _, pn := range b.byName[string(castgraph.KindExpert)+"|"+nameKey] {
			if !slices.ContainsFunc(cands, func(f store.Found) bool { return f.Key == pn.key }) {
				cands = append(cands, store.Found{ID: pn.id, Kind: castgraph.KindExpert, Key: pn.key, Name: pn.name})
			}
		}
		switch len(cands) {
		case 0:
			b.pend(castgraph.KindExpert, nameKey, p.subject.name, "")
			out[p] = resolution{create: true, kind: castgraph.KindExpert, key: nameKey}
		case 1:
			if _, ok := b.pending[string(castgraph.KindExpert)+"|"+cands[0].Key]; ok {
				out[p] = resolution{create: true, kind: castgraph.KindExpert, key: cands[0].Key}
			} else {
				out[p] = resolution{found: &cands[0]}
			}
		default:
			out[p] = resolution{issue: CodeAmbiguous, message: fmt.Sprintf("%d experts are named %q: %s; give the employer (工作单位) or a disambiguation (区分)",
				len(cands), p.subject.name, describeFound(cands))}
		}
	}
	return out, nil
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// write writes the rows that resolved: re-keyings, the nodes created for
// references (employers, enterprises served, reference data a row of the
// file defines or that is created for review), then the subjects with their
// relationships, one statement each, then the aliases the rows add and the
// relationships that point at the subjects. It returns what it did and the
// nodes it created for review.
func (im *importer) write(b *batchState, good []*plan, subjects map[*plan]resolution, resOf func(*ref) resolution) (writeStats, []CreatedNode, error) {
	var st writeStats
	rekeys := map[castgraph.Kind][]store.Rekey{}
	rekeyed := map[string]bool{}
	// Referenced nodes the batch creates: the first row that needs one is
	// its source.
	var refOrder []string
	refOps := map[string]*store.NodeUpsert{}
	refKind := map[string]castgraph.Kind{}
	type firstUse struct {
		row    int
		column string
		review bool
	}
	refFirst := map[string]firstUse{}
	for _, p := range good {
		for _, l := range p.links {
			r := resOf(l.to)
			switch {
			case r.create:
				k := string(r.kind) + "|" + r.key
				if _, ok := refOps[k]; !ok {
					create := maps.Clone(l.to.createProps)
					if create == nil {
						create = map[string]any{}
					}
					if l.to.create == "" {
						// Reference data: the type its name implies, and
						// the review mark when no row of the file defines it.
						for pk, v := range guessProps(r.kind, l.to.name) {
							if _, ok := create[pk]; !ok {
								create[pk] = v
							}
						}
						if r.review {
							create[castgraph.PropNeedsReview] = true
						}
					}
					refOps[k] = &store.NodeUpsert{Key: r.key, ID: RosterID(r.kind, r.key), Name: l.to.name,
						CreateProps: create, Sources: []string{p.source}}
					refKind[k] = r.kind
					refOrder = append(refOrder, k)
					refFirst[k] = firstUse{row: p.row, column: l.to.column, review: r.review}
				}
			case r.rekey && !rekeyed[r.found.ID]:
				// An enterprise known by name that takes the code the row gives.
				rekeyed[r.found.ID] = true
				rekeys[castgraph.KindEnterprise] = append(rekeys[castgraph.KindEnterprise], store.Rekey{
					ID: r.found.ID, Key: r.newKey, Props: map[string]any{"creditCode": r.code}, Sources: []string{p.source}})
			}
		}
	}
	// The subjects: one row upsert per node, rows about one node merged.
	type rowOp struct {
		row  store.RowUpsert
		rels map[string]int // type|to → index in row.Rels
	}
	var subjOrder []string
	subjOps := map[string]*rowOp{}
	var subjKind castgraph.Kind
	var aliasAdds []store.AliasAdd
	type inRel struct {
		rel     store.RelMerge
		subject string // the subject's key
	}
	var incoming []inRel
	inSeen := map[string]int{}
	for _, p := range good {
		s := subjects[p]
		subjKind = p.subject.kind
		props := maps.Clone(p.subject.props)
		up := store.NodeUpsert{Props: props, Sources: []string{p.source}, Name: p.subject.name}
		switch {
		case s.create:
			up.Key, up.ID = s.key, RosterID(s.kind, s.key)
			if p.subject.kind == castgraph.KindExpert {
				if d := expertDis(p, resOf); d != "" {
					props["disambiguation"] = d
				}
			}
			up.CreateProps = createWithAliases(p.subject.createProps, p.subject.name, p.subject.aliases)
		case s.rekey && !rekeyed[s.found.ID]:
			rekeyed[s.found.ID] = true
			up.Key, up.ID = s.newKey, s.found.ID
			rk := store.Rekey{ID: s.found.ID, Key: s.newKey, Props: map[string]any{}}
			if p.subject.kind == castgraph.KindEnterprise {
				rk.Props["creditCode"] = s.code
			} else {
				rk.Props["disambiguation"] = expertDis(p, resOf)
				props["disambiguation"] = rk.Props["disambiguation"]
			}
			rekeys[p.subject.kind] = append(rekeys[p.subject.kind], rk)
			up.Alias = aliasFor(p.subject.name, s.found)
		case s.rekey:
			up.Key, up.ID = s.newKey, s.found.ID
		default:
			up.Key, up.ID = s.found.Key, s.found.ID
			up.Alias = aliasFor(p.subject.name, s.found)
			if len(p.subject.aliases) > 0 {
				aliasAdds = append(aliasAdds, store.AliasAdd{ID: s.found.ID, Aliases: p.subject.aliases})
			}
		}
		op, ok := subjOps[up.Key]
		if !ok {
			op = &rowOp{row: store.RowUpsert{Node: up}, rels: map[string]int{}}
			subjOps[up.Key] = op
			subjOrder = append(subjOrder, up.Key)
		} else {
			// Two rows of the batch about one node: both are sources, the
			// later row's properties win.
			n := &op.row.Node
			if !slices.Contains(n.Sources, p.source) {
				n.Sources = append(n.Sources, p.source)
			}
			if n.Props == nil {
				n.Props = map[string]any{}
			}
			maps.Copy(n.Props, props)
			if n.Alias == "" {
				n.Alias = up.Alias
			}
		}
		for _, l := range p.links {
			r := resOf(l.to)
			var to string
			if r.create {
				to = "ref:" + string(r.kind) + "|" + r.key // the id comes from the upsert below
			} else {
				to = r.found.ID
			}
			if l.in {
				k := string(l.rel) + "|" + to + "|" + up.Key
				if i, ok := inSeen[k]; ok {
					if rel := &incoming[i].rel; !slices.Contains(rel.Sources, p.source) {
						rel.Sources = append(rel.Sources, p.source)
					}
					continue
				}
				inSeen[k] = len(incoming)
				incoming = append(incoming, inRel{subject: up.Key, rel: store.RelMerge{Type: l.rel, From: to, Props: maps.Clone(l.props), Sources: []string{p.source}}})
				continue
			}
			k := string(l.rel) + "|" + to
			if i, ok := op.rels[k]; ok {
				rel := &op.row.Rels[i]
				maps.Copy(rel.Props, l.props)
				if !slices.Contains(rel.Sources, p.source) {
					rel.Sources = append(rel.Sources, p.source)
				}
				continue
			}
			props := maps.Clone(l.props)
			if props == nil {
				props = map[string]any{}
			}
			op.rels[k] = len(op.row.Rels)
			op.row.Rels = append(op.row.Rels, store.RelTo{Type: l.rel, To: to, Props: props, Sources: []string{p.source}})
		}
	}
	// A reference to a node that a row of the batch defines (a region
	// roster naming a province another row lists) creates the node before
	// the subjects are written: with that row's name, description and
	// aliases, which the subjects' upsert, finding the node, would not set.
	for k, op := range refOps {
		if refKind[k] != subjKind {
			continue
		}
		if so, ok := subjOps[strings.TrimPrefix(k, string(subjKind)+"|")]; ok {
			op.Name = so.row.Node.Name
			create := maps.Clone(op.CreateProps)
			if create == nil {
				create = map[string]any{}
			}
			maps.Copy(create, so.row.Node.CreateProps)
			op.CreateProps = create
		}
	}
	for _, kind := range []castgraph.Kind{castgraph.KindEnterprise, castgraph.KindExpert} {
		if err := b.tx.Rekey(kind, rekeys[kind]); err != nil {
			return st, nil, err
		}
	}
	ids := map[string]string{} // kind|key → id of the nodes created for references
	var created []CreatedNode
	for _, ks := range castgraph.Kinds {
		kind := ks.Kind
		var rows []store.NodeUpsert
		for _, k := range refOrder {
			if refKind[k] == kind {
				rows = append(rows, *refOps[k])
			}
		}
		if len(rows) == 0 {
			continue
		}
		res, err := b.tx.UpsertNodes(kind, rows)
		if err != nil {
			return st, nil, err
		}
		for key, id := range res.IDs {
			ids[string(kind)+"|"+key] = id
		}
		for _, key := range res.New {
			k := string(kind) + "|" + key
			if f := refFirst[k]; f.review {
				created = append(created, CreatedNode{Kind: kind, Name: refOps[k].Name, ID: res.IDs[key], Row: f.row, Column: f.column, key: key})
			}
		}
		st.nodesCreated += res.Created
		st.nodesUpdated += res.Updated
	}
	if len(aliasAdds) > 0 {
		// Before the subjects' upsert, whose updatedAt test then sees the
		// aliases' change: a node gaining aliases is counted updated once.
		if _, err := b.tx.AddAliases(subjKind, aliasAdds); err != nil {
			return st, nil, err
		}
	}
	rows := make([]store.RowUpsert, 0, len(subjOrder))
	for _, k := range subjOrder {
		row := subjOps[k].row
		for i := range row.Rels {
			if ref, ok := strings.CutPrefix(row.Rels[i].To, "ref:"); ok {
				row.Rels[i].To = ids[ref]
			}
		}
		rows = append(rows, row)
	}
	res, err := b.tx.UpsertRows(subjKind, rows)
	if err != nil {
		return st, nil, err
	}
	st.nodesCreated += res.NodesCreated
	st.nodesUpdated += res.NodesUpdated
	st.relsCreated += res.RelationshipsCreated
	st.relsUpdated += res.RelationshipsUpdated
	if len(incoming) > 0 {
		rels := make([]store.RelMerge, len(incoming))
		for i, in := range incoming {
			rels[i] = in.rel
			if ref, ok := strings.CutPrefix(rels[i].From, "ref:"); ok {
				rels[i].From = ids[ref]
			}
			rels[i].To = res.IDs[in.subject]
		}
		c, u, err := b.tx.MergeRels(rels)
		if err != nil {
			return st, nil, err
		}
		st.relsCreated += c
		st.relsUpdated += u
	}
	// Nodes created for references are known by id from now on: remember
	// them (kept only if the batch commits).
	for _, p := range good {
		for _, l := range p.links {
			if r := resOf(l.to); r.create && l.to.create != "" {
				if id := ids[string(r.kind)+"|"+r.key]; id != "" {
					b.learned[cacheKey(l.to.kinds, l.to.name, l.to.code)] = resolution{found: &store.Found{ID: id, Kind: r.kind, Key: r.key, Name: l.to.name}}
				}
			}
		}
	}
	return st, created, nil
}

// createWithAliases adds to the properties of a new node the aliases its
// row gives (each once, not the name, at most castgraph.MaxAliases), with
// aliasText for the full-text index.
func createWithAliases(create map[string]any, name string, aliases []string) map[string]any {
	if len(aliases) == 0 {
		return create
	}
	var list []string
	for _, a := range aliases {
		if a != name && !slices.Contains(list, a) && len(list) < castgraph.MaxAliases {
			list = append(list, a)
		}
	}
	if len(list) == 0 {
		return create
	}
	out := maps.Clone(create)
	if out == nil {
		out = map[string]any{}
	}
	out["aliases"] = list
	out["aliasText"] = strings.Join(list, " ")
	return out
}

// expertDis is the disambiguation an expert row gives: the 区分 column, or
// the employer's name as the graph spells it.
func expertDis(p *plan, resOf func(*ref) resolution) string {
	if p.subject.dis != "" {
		return p.subject.dis
	}
	if p.subject.employer == nil {
		return ""
	}
	if r := resOf(p.subject.employer); r.found != nil {
		return r.found.Name
	}
	return p.subject.employer.name
}

// aliasFor returns the row's spelling of a name when it differs from the
// node's name and aliases beyond what normalisation folds (a loose match:
// 有限责任公司 for 有限公司), so that the graph records it; else "".
func aliasFor(name string, f *store.Found) string {
	if f == nil || nameMatches(*f, castgraph.NormalizeName(name), false) {
		return ""
	}
	return name
}
