package roster

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// References to reference data – societies, places, parks, chains,
// clusters, stations, the associations that guide, the bodies that run a
// program – must exist: a name is looked up by natural key (the
// normalised name) among its kinds, then among their names and aliases;
// several matches are an AMBIGUOUS_REFERENCE. A name that finds nothing is
//
//   - the subject of a row of the same file (a region roster naming, as a
//     row's 上级, the province another row lists): made by the import;
//   - else, for a kind in Options.CreateMissing, created and marked
//     needsReview, at most Options.MaxCreated nodes an import (past that a
//     CREATE_LIMIT error of the row);
//   - else a REFERENCE_NOT_FOUND error that names the nearest existing names
//     of the kind (did you mean …?).

// DefaultMaxCreated is Options.MaxCreated when none is given: the most
// nodes -create-missing creates in one import. Reference data is curated
// and small (Jiangsu has some 150 provincial societies, 13 cities); a roster
// that would create more names the wrong things, or is not the kind of file
// the option is for, and its rows past the bound are rejected instead.
const DefaultMaxCreated = 1000

// The bounds of did-you-mean: the candidates the index returns a name (see
// store.ImportTx.Similar for the index's own bound), the suggestions
// shown, how similar a suggestion must be, the runes of a name compared,
// and how many missing names an import looks for suggestions for.
const (
	suggestCandidates = 20
	suggestShown      = 3
	suggestMinScore   = 0.5
	suggestMargin     = 0.1
	suggestMaxRunes   = 64
	maxSuggestLookups = 1000
	// suggestChunk names are asked in one statement; once an import has
	// spent its budget (Options.SuggestBudget) on the statements, later
	// names go without suggestions.
	suggestChunk = 100
)

// DefaultSuggestBudget is Options.SuggestBudget when none is given. The
// index's cost per name grows with how many nodes share the name's terms
// (3 ms a name among 20 000 societies of one pattern, on a shared 2-core
// machine): the budget keeps a graph of millions from turning 1000 lookups
// into minutes.
const DefaultSuggestBudget = 10 * time.Second

// maxDefined caps the subject names of a reference roster remembered across
// batches (for a dry run, where earlier batches are not in the graph).
const maxDefined = 100_000

// ParseCreateMissing reads a -create-missing list: kinds of reference data
// as roster kinds name them (societies, parks, stations, institutions,
// clusters, chains, regions or places) and associations, comma separated;
// "all" is every one of them.
func ParseCreateMissing(s string) ([]castgraph.Kind, error) {
	var out []castgraph.Kind
	add := func(k castgraph.Kind) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '、' }) {
		switch p := strings.ToLower(strings.TrimSpace(part)); p {
		case "all":
			for _, k := range castgraph.ReviewKinds {
				add(k)
			}
		case "associations", "association", "科协":
			add(castgraph.KindAssociation)
		default:
			rk, ok := parseRefKind(p)
			if !ok || rk == Programs {
				return nil, castgraph.Errorf(castgraph.EINVALID, "createMissing", "-create-missing: %q is not a kind of reference data: want a comma list of societies, associations, institutions, parks, stations, clusters, chains, regions (or all)", part)
			}
			add(kindSpecs[rk].subject)
		}
	}
	return out, nil
}

// resolveReferences resolves the reference-data names of the batch, using
// and filling the cache. defined are the subjects of the batch's rows
// (kind|key) when the roster is of reference data.
func (im *importer) resolveReferences(b *batchState, refs []*ref, defined map[string]bool) (map[*ref]resolution, error) {
	out := make(map[*ref]resolution, len(refs))
	byKind := map[castgraph.Kind][]string{}
	var todo []*ref
	for _, r := range refs {
		if res, ok := im.cache[cacheKey(r.kinds, r.name, "")]; ok {
			out[r] = res
			continue
		}
		todo = append(todo, r)
		key := r.lookupKey()
		for _, k := range r.kinds {
			if !slices.Contains(byKind[k], key) {
				byKind[k] = append(byKind[k], key)
			}
		}
	}
	if len(todo) == 0 {
		return out, nil
	}
	found := map[castgraph.Kind]map[string]store.Found{}
	for kind, keys := range byKind {
		m, err := b.tx.ByKey(kind, keys)
		if err != nil {
			return nil, err
		}
		found[kind] = m
	}
	byKey := func(r *ref, key string) []store.Found {
		var hits []store.Found
		for _, k := range r.kinds {
			if f, ok := found[k][key]; ok {
				hits = append(hits, f)
			}
		}
		return hits
	}
	// Names no key finds: their aliases, through the full-text index, one
	// query for each list of kinds.
	missing := map[string][]string{} // kinds → keys
	kindsOf := map[string][]castgraph.Kind{}
	for _, r := range todo {
		key := r.lookupKey()
		if len(byKey(r, key)) > 0 {
			continue
		}
		ks := kindsKey(r.kinds)
		kindsOf[ks] = r.kinds
		if !slices.Contains(missing[ks], key) {
			missing[ks] = append(missing[ks], key)
		}
	}
	candidates := map[string]map[string][]store.Found{}
	for ks, keys := range missing {
		c, err := b.tx.ByText(kindsOf[ks], keys, 20)
		if err != nil {
			return nil, err
		}
		candidates[ks] = c
	}
	var unknown []*ref
	for _, r := range todo {
		key := r.lookupKey()
		var res resolution
		hits := byKey(r, key)
		if len(hits) == 0 {
			for _, c := range candidates[kindsKey(r.kinds)][key] {
				if slices.Contains(r.kinds, c.Kind) && nameMatches(c, key, false) && !slices.ContainsFunc(hits, func(h store.Found) bool { return h.ID == c.ID }) {
					hits = append(hits, c)
				}
			}
		}
		switch len(hits) {
		case 0:
			res = im.missingReference(b, r, key, defined)
			if res.failed() && res.issue == CodeNotFound {
				unknown = append(unknown, r)
			}
		case 1:
			res = resolution{found: &hits[0]}
		default:
			res = resolution{issue: CodeAmbiguous, message: fmt.Sprintf("%q could be %s", r.name, describeFound(hits))}
		}
		out[r] = res
		if res.found != nil {
			b.learned[cacheKey(r.kinds, r.name, "")] = res
		}
	}
	if err := im.suggest(b, unknown, out); err != nil {
		return nil, err
	}
	return out, nil
}

func kindsKey(kinds []castgraph.Kind) string {
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = string(k)
	}
	return strings.Join(parts, ",")
}

// missingReference decides what a reference that finds no node becomes:
// the node a row of the file defines, a node created for review, or an
// error.
func (im *importer) missingReference(b *batchState, r *ref, key string, defined map[string]bool) resolution {
	for _, k := range r.kinds {
		if p := b.pending[string(k)+"|"+key]; p != nil {
			return resolution{create: true, kind: k, key: key, review: p.review, defined: p.defined}
		}
	}
	for _, k := range r.kinds {
		if im.reviewed[string(k)+"|"+key] {
			// Planned for review by an earlier batch of a dry run.
			p := b.pend(k, key, r.name, "")
			p.review = true
			return resolution{create: true, kind: k, key: key, review: true}
		}
	}
	for _, k := range r.kinds {
		if im.defined[string(k)+"|"+key] {
			// A row of an earlier batch (of a dry run: not in the graph).
			b.pend(k, key, r.name, "")
			return resolution{create: true, kind: k, key: key}
		}
		if defined[string(k)+"|"+key] {
			p := b.pend(k, key, r.name, "")
			p.defined = true
			return resolution{create: true, kind: k, key: key, defined: true}
		}
	}
	kind, ok := guessKind(r.name, r.kinds, func(k castgraph.Kind) bool { return slices.Contains(im.opts.CreateMissing, k) })
	if !ok {
		// The kind the option would create it as: for a program's host,
		// the one its name says.
		would, _ := guessKind(r.name, r.kinds, func(k castgraph.Kind) bool { return slices.Contains(castgraph.ReviewKinds, k) })
		return resolution{issue: CodeNotFound, message: fmt.Sprintf("no %s is named %q (a roster may name only %s already in the graph, unless imported with -create-missing %s)",
			wordOfKinds(r.kinds), r.name, kindPlural(would), createMissingName(would))}
	}
	if limit := im.maxCreated(); im.created+b.reviewCreated >= limit {
		return resolution{issue: CodeCreateLimit, message: fmt.Sprintf("no %s is named %q, and this import has created the most nodes -create-missing may create in one import (%d): check the names, or import the reference data first",
			wordOfKinds(r.kinds), r.name, limit)}
	}
	p := b.pend(kind, key, r.name, "")
	p.review = true
	b.reviewCreated++
	return resolution{create: true, kind: kind, key: key, review: true}
}

func (im *importer) maxCreated() int {
	if im.opts.MaxCreated > 0 {
		return im.opts.MaxCreated
	}
	return DefaultMaxCreated
}

// createMissingName is the -create-missing word for a kind.
func createMissingName(k castgraph.Kind) string {
	if k == castgraph.KindAssociation {
		return "associations"
	}
	for _, rk := range Kinds {
		if kindSpecs[rk].subject == k {
			return string(rk)
		}
	}
	return kindPlural(k)
}

func wordOfKinds(kinds []castgraph.Kind) string {
	words := make([]string, len(kinds))
	for i, k := range kinds {
		words[i] = kindWord(k)
	}
	if len(words) > 1 {
		return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
	}
	return words[0]
}

// suggest adds to the message of each reference that found nothing the
// nearest existing names of its kinds. The lookups are bounded: full-text
// queries of suggestChunk names each (store.ImportTx.Similar, at most
// suggestCandidates nodes a name), an edit distance over at most
// suggestMaxRunes runes a pair, at most maxSuggestLookups names and
// Options.SuggestBudget of queries an import – past that, messages go
// without suggestions.
func (im *importer) suggest(b *batchState, refs []*ref, out map[*ref]resolution) error {
	if len(refs) == 0 {
		return nil
	}
	texts := map[string][]string{} // kinds → names
	kindsOf := map[string][]castgraph.Kind{}
	for _, r := range refs {
		ks := kindsKey(r.kinds)
		kindsOf[ks] = r.kinds
		if slices.Contains(texts[ks], r.name) {
			continue
		}
		if im.suggested >= maxSuggestLookups {
			break
		}
		im.suggested++
		texts[ks] = append(texts[ks], r.name)
	}
	for ks, names := range texts {
		cands := map[string][]store.Found{}
		budget := im.opts.SuggestBudget
		if budget <= 0 {
			budget = DefaultSuggestBudget
		}
		for start := 0; start < len(names) && im.suggestTime < budget; start += suggestChunk {
			began := time.Now()
			c, err := b.tx.Similar(kindsOf[ks], names[start:min(start+suggestChunk, len(names))], suggestCandidates)
			im.suggestTime += time.Since(began)
			if err != nil {
				return err
			}
			maps.Copy(cands, c)
		}
		for _, r := range refs {
			if kindsKey(r.kinds) != ks {
				continue
			}
			if s := nearest(r.name, cands[r.name]); len(s) > 0 {
				res := out[r]
				res.message += "; did you mean " + joinOr(s) + "?"
				out[r] = res
			}
		}
	}
	return nil
}

// nearest picks, among candidates, the names (or aliases: then the node's
// name is shown) most like name by edit distance on the cores of normalised
// names (nameCore), at least suggestMinScore alike and within suggestMargin
// of the best, best first, at most suggestShown.
func nearest(name string, cands []store.Found) []string {
	key := nameCore(castgraph.NormalizeName(name))
	type scored struct {
		name  string
		score float64
	}
	var all []scored
	for _, c := range cands {
		best := 0.0
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			if s := similarity(key, nameCore(castgraph.NormalizeName(n))); s > best {
				best = s
			}
		}
		if best >= suggestMinScore && !slices.ContainsFunc(all, func(s scored) bool { return s.name == c.Name }) {
			all = append(all, scored{c.Name, best})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score > all[j].score })
	out := make([]string, 0, suggestShown)
	for i := 0; i < len(all) && i < suggestShown; i++ {
		// Only names about as near as the nearest: one clear answer
		// is shown alone.
		if all[i].score < all[0].score-suggestMargin {
			break
		}
		out = append(out, all[i].name)
	}
	return out
}

// The words that many names of a kind share and that tell none apart: a
// province before, a legal form after. Compared with them, 江苏省计算机学会
// and 江苏省示例药学会 are more than half alike; their cores are not alike at
// all. Longer forms come first.
var (
	namePrefixes = []string{"江苏省", "江苏", "中国"}
	nameSuffixes = []string{"高新技术产业开发区", "经济技术开发区", "开发区", "产业园", "园区", "研究会", "联合会", "学会",
		"协会", "研究院", "研究所", "大学", "市", "省", "县", "区"}
)

// nameCore is a normalised name without one shared prefix and one shared
// suffix, or the whole name when nothing else would be left.
func nameCore(name string) []rune {
	core := name
	for _, p := range namePrefixes {
		if t, ok := strings.CutPrefix(core, p); ok {
			core = t
			break
		}
	}
	for _, sfx := range nameSuffixes {
		if t, ok := strings.CutSuffix(core, sfx); ok {
			core = t
			break
		}
	}
	if core == "" {
		core = name
	}
	return []rune(core)
}

// similarity is 1 − the edit distance of a and b over the longer's
// length, on at most suggestMaxRunes runes of each (so a pair costs at most
// 64 × 64 steps, whatever the names).
func similarity(a, b []rune) float64 {
	a, b = a[:min(len(a), suggestMaxRunes)], b[:min(len(b), suggestMaxRunes)]
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return 1 - float64(prev[len(b)])/float64(max(len(a), len(b)))
}

func joinOr(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
