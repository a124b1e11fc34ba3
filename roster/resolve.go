package roster

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
)

// Entity resolution – which node a name in a row is:
//
//   - Reference data (societies, places, parks, chains, overseas stations)
//     must exist: a name is looked up by natural key (the normalised name),
//     then among the names and aliases of the kind; several matches are an
//     AMBIGUOUS_REFERENCE, none a REFERENCE_NOT_FOUND.
//   - Enterprises are one when their credit codes agree. A row with a code
//     finds the enterprise with that code; failing that, an enterprise of the
//     same name that has no code yet, which takes the code (its key changes
//     from the name to the code). A name without a code finds the enterprise
//     of that name, coded or not. Names are compared normalised (width,
//     brackets, spaces); when that finds nothing, 有限公司 and 有限责任公司
//     are taken as one – only ever when one side has no code, because two
//     companies with different codes are two companies whatever their names.
//     Several candidates are an AMBIGUOUS_REFERENCE; none creates the
//     enterprise.
//   - Employers are looked up among enterprises, institutions and societies
//     the same way and created when absent: as an enterprise when the
//     单位类型 column or the name says company (公司, 集团, 厂 …), else as an
//     institution.
//   - Experts are one when name and disambiguation agree (the natural key);
//     the disambiguation is the 区分 column or else the employer's name, as
//     the graph spells it. A row without either finds the one expert of that
//     name (several: AMBIGUOUS_REFERENCE, none: created). A row with a
//     disambiguation that matches no expert takes over the one expert of the
//     name that has none yet; otherwise it creates a new expert.
//
// New nodes get ids derived from their natural key (expert/r-<hash>), so a
// re-run, or a run after an interrupted one, finds or makes the same nodes.

// referenceKinds are the kinds rows may name but never create.
var referenceKinds = []castgraph.Kind{castgraph.KindSociety, castgraph.KindRegion, castgraph.KindPark,
	castgraph.KindIndustryChain, castgraph.KindIndustryCluster, castgraph.KindOverseasStation}

// RosterID is the id a roster import gives a new node: the kind's prefix and
// a hash of its natural key, so that every run makes the same id.
func RosterID(kind castgraph.Kind, key string) string {
	sum := sha256.Sum256([]byte(string(kind) + "\x00" + key))
	return kind.Slug() + "/r-" + hex.EncodeToString(sum[:8])
}

// looseName folds the legal forms that may or may not name one company.
func looseName(normalised string) string {
	return strings.ReplaceAll(normalised, "有限责任公司", "有限公司")
}

// looseVariants are the keys a no-code enterprise of a loosely equal name
// could have.
func looseVariants(normalised string) []string {
	l := looseName(normalised)
	out := []string{}
	for _, v := range []string{l, strings.ReplaceAll(l, "有限公司", "有限责任公司")} {
		if v != normalised && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// searchText is what a name is looked up by in the full-text index: the
// name without its legal form, so that loose variants are candidates too.
func searchText(normalised string) string {
	s := normalised
	for _, form := range []string{"股份有限公司", "有限责任公司", "有限公司"} {
		if t := strings.TrimSuffix(s, form); t != s && t != "" {
			s = t
			break
		}
	}
	return s
}

// nameMatches reports whether the node's name or one of its aliases
// normalises to the key; loose compares legal forms loosely.
func nameMatches(f store.Found, key string, loose bool) bool {
	eq := func(s string) bool {
		n := castgraph.NormalizeName(s)
		if loose {
			return looseName(n) == looseName(key)
		}
		return n == key
	}
	if eq(f.Name) {
		return true
	}
	for _, a := range f.Aliases {
		if eq(a) {
			return true
		}
	}
	return false
}

// cacheKey names a resolved reference in the importer's cache: by the name
// as the row spells it (another spelling of the same name misses the cache
// and is resolved again, to the same node), so that a hit costs no
// normalisation.
func cacheKey(kinds []castgraph.Kind, name, code string) string {
	var b strings.Builder
	for _, k := range kinds {
		b.WriteString(string(k))
		b.WriteByte(',')
	}
	b.WriteString(name)
	b.WriteByte('|')
	b.WriteString(code)
	return b.String()
}

// maxCache caps the resolved references an import remembers across
// batches; past it the cache starts again, so memory stays flat.
const maxCache = 20_000

// resolution is the outcome of resolving one name.
type resolution struct {
	found  *store.Found // an existing node
	create bool         // merge a node on (kind, key): created unless the graph has it
	// review marks a node created for a reference the graph lacks
	// (Options.CreateMissing): it gets needsReview and is reported.
	review bool
	// defined marks a reference to the subject of another row of the
	// batch: it holds only if that row is written.
	defined bool
	kind    castgraph.Kind
	key     string
	rekey   bool // the found node takes a new key (an enterprise gets its code)
	newKey  string
	// code is the credit code a re-keyed enterprise gets; issue is the
	// issue code, and message its message, when neither found nor created.
	code, issue, message string
}

func (r resolution) failed() bool { return r.found == nil && !r.create }

// codeKey is the natural key of an enterprise with the credit code, as
// castgraph.KindSpec.NaturalKey makes it (normalised: lower case).
func codeKey(code string) string {
	spec, _ := castgraph.SpecOf(castgraph.KindEnterprise)
	return spec.NaturalKey("", map[string]any{"creditCode": code})
}

// batchState holds what one run of a batch transaction resolved.
type batchState struct {
	tx *store.ImportTx
	// pending are nodes this batch creates, by kind and key.
	pending map[string]*pendingNode
	// byName are the pending experts and enterprises of the batch by
	// normalised name, so that later rows of the batch find them.
	byName map[string][]*pendingNode
	// learned are cache entries to keep once the batch commits.
	learned map[string]resolution
	// reviewCreated counts the nodes the batch creates for review
	// (Options.CreateMissing), against Options.MaxCreated.
	reviewCreated int
}

type pendingNode struct {
	kind castgraph.Kind
	key  string
	id   string
	name string
	code string
	// review: created for a reference the graph lacks (needsReview);
	// defined: the subject of a row of the batch.
	review, defined bool
}

func (b *batchState) pend(kind castgraph.Kind, key, name, code string) *pendingNode {
	k := string(kind) + "|" + key
	if p, ok := b.pending[k]; ok {
		return p
	}
	p := &pendingNode{kind: kind, key: key, id: RosterID(kind, key), name: name, code: code}
	b.pending[k] = p
	nk := string(kind) + "|" + castgraph.NormalizeName(name)
	b.byName[nk] = append(b.byName[nk], p)
	return p
}

// resolveOpen resolves employers and enterprises served: found, taken over
// (an enterprise that gets its code) or created.
func (im *importer) resolveOpen(b *batchState, refs []*ref) (map[*ref]resolution, error) {
	out := make(map[*ref]resolution, len(refs))
	var todo []*ref
	for _, r := range refs {
		if res, ok := im.cache[cacheKey(r.kinds, r.name, r.code)]; ok {
			out[r] = res
			continue
		}
		todo = append(todo, r)
	}
	if len(todo) == 0 {
		return out, nil
	}
	names := make([]nameQuery, len(todo))
	for i, r := range todo {
		names[i] = nameQuery{kinds: r.kinds, name: r.name, code: r.code}
	}
	found, err := im.lookupNames(b, names)
	if err != nil {
		return nil, err
	}
	for i, r := range todo {
		res := im.decide(b, names[i], found, r.create)
		if res.create {
			if res.kind == "" {
				res.kind = r.create
			}
			b.pend(res.kind, res.key, r.name, r.code)
		}
		out[r] = res
		if res.found != nil && !res.rekey {
			b.learned[cacheKey(r.kinds, r.name, r.code)] = res
		}
	}
	return out, nil
}

// nameQuery is a name (and credit code) to look up among kinds.
type nameQuery struct {
	kinds []castgraph.Kind
	name  string
	code  string
}

// lookups holds what lookupNames found.
type lookups struct {
	byKey  map[castgraph.Kind]map[string]store.Found
	byText map[string][]store.Found // by searchText
}

// lookupNames looks the names up by key (the code, the normalised name and
// its loose variants) and, for names no key finds, in the full-text index.
func (im *importer) lookupNames(b *batchState, qs []nameQuery) (*lookups, error) {
	keys := map[castgraph.Kind][]string{}
	addKey := func(k castgraph.Kind, key string) {
		if !slices.Contains(keys[k], key) {
			keys[k] = append(keys[k], key)
		}
	}
	for _, q := range qs {
		key := castgraph.NormalizeName(q.name)
		for _, k := range q.kinds {
			addKey(k, key)
			if k == castgraph.KindEnterprise {
				if q.code != "" {
					addKey(k, codeKey(q.code))
				}
				for _, v := range looseVariants(key) {
					addKey(k, v)
				}
			}
		}
	}
	l := &lookups{byKey: map[castgraph.Kind]map[string]store.Found{}, byText: map[string][]store.Found{}}
	for k, ks := range keys {
		m, err := b.tx.ByKey(k, ks)
		if err != nil {
			return nil, err
		}
		l.byKey[k] = m
	}
	// Names that no key found exactly may still be a coded enterprise or an
	// alias: ask the full-text index.
	var texts []string
	var textKinds []castgraph.Kind
	for _, q := range qs {
		key := castgraph.NormalizeName(q.name)
		if q.code != "" {
			if _, ok := l.byKey[castgraph.KindEnterprise][codeKey(q.code)]; ok {
				continue
			}
		}
		exact := false
		for _, k := range q.kinds {
			if _, ok := l.byKey[k][key]; ok {
				exact = true
			}
		}
		if exact {
			continue
		}
		if t := searchText(key); !slices.Contains(texts, t) {
			texts = append(texts, t)
		}
		for _, k := range q.kinds {
			if !slices.Contains(textKinds, k) {
				textKinds = append(textKinds, k)
			}
		}
	}
	if len(texts) > 0 {
		m, err := b.tx.ByText(textKinds, texts, 20)
		if err != nil {
			return nil, err
		}
		l.byText = m
	}
	return l, nil
}

// decide applies the rules of entity resolution to one looked-up name.
// create is the kind to create when nothing is found ("" = must exist).
func (im *importer) decide(b *batchState, q nameQuery, l *lookups, create castgraph.Kind) resolution {
	key := castgraph.NormalizeName(q.name)
	ent := slices.Contains(q.kinds, castgraph.KindEnterprise)
	// A credit code decides.
	if q.code != "" {
		ck := codeKey(q.code)
		if f, ok := l.byKey[castgraph.KindEnterprise][ck]; ok {
			return resolution{found: &f}
		}
		if _, ok := b.pending[string(castgraph.KindEnterprise)+"|"+ck]; ok {
			return resolution{create: true, kind: castgraph.KindEnterprise, key: ck}
		}
		// An enterprise of the name without a code takes this one.
		var nocode []store.Found
		for _, k := range append([]string{key}, looseVariants(key)...) {
			if f, ok := l.byKey[castgraph.KindEnterprise][k]; ok && f.CreditCode == "" {
				nocode = append(nocode, f)
			}
		}
		if len(nocode) == 1 {
			return resolution{found: &nocode[0], rekey: true, newKey: ck, code: q.code}
		}
		if len(nocode) > 1 {
			return resolution{issue: CodeAmbiguous, message: fmt.Sprintf("%q could be %s", q.name, describeFound(nocode))}
		}
		return resolution{create: true, kind: castgraph.KindEnterprise, key: ck}
	}
	// By name: exact keys first (enterprises without a code, institutions,
	// societies), then names and aliases in the index (coded enterprises
	// too), then loose legal forms, then what this batch creates.
	var hits []store.Found
	add := func(f store.Found) {
		if !slices.ContainsFunc(hits, func(h store.Found) bool { return h.ID == f.ID }) {
			hits = append(hits, f)
		}
	}
	for _, k := range q.kinds {
		if f, ok := l.byKey[k][key]; ok {
			add(f)
		}
	}
	if len(hits) == 0 {
		for _, c := range l.byText[searchText(key)] {
			if slices.Contains(q.kinds, c.Kind) && nameMatches(c, key, false) {
				add(c)
			}
		}
	}
	if len(hits) == 0 && ent {
		for _, v := range looseVariants(key) {
			if f, ok := l.byKey[castgraph.KindEnterprise][v]; ok {
				add(f)
			}
		}
		for _, c := range l.byText[searchText(key)] {
			if c.Kind == castgraph.KindEnterprise && nameMatches(c, key, true) {
				add(c)
			}
		}
	}
	if len(hits) > 1 && create != "" {
		// An employer that is an enterprise and an institution of one name:
		// take the kind the name suggests, if only one hit is of it.
		var of []store.Found
		for _, h := range hits {
			if h.Kind == create {
				of = append(of, h)
			}
		}
		if len(of) == 1 {
			hits = of
		}
	}
	switch len(hits) {
	case 1:
		return resolution{found: &hits[0]}
	case 0:
	default:
		hint := "give the credit code (统一社会信用代码) or the exact name"
		if slices.Equal(q.kinds, []castgraph.Kind{castgraph.KindExpert}) {
			hint = "a roster of organisations cannot tell them apart: link the right one through the API, or import an expert roster that names the organisation"
		}
		return resolution{issue: CodeAmbiguous, message: fmt.Sprintf("%q could be %s; %s", q.name, describeFound(hits), hint)}
	}
	for _, k := range q.kinds {
		if ps := b.byName[string(k)+"|"+key]; len(ps) == 1 {
			return resolution{create: true, kind: k, key: ps[0].key}
		}
	}
	if create == "" {
		return resolution{issue: CodeNotFound, message: fmt.Sprintf("no %s is named %q", kindWord(q.kinds[0]), q.name)}
	}
	return resolution{create: true, kind: create, key: key}
}

func kindWord(k castgraph.Kind) string {
	switch k {
	case castgraph.KindOverseasStation:
		return "overseas station"
	case castgraph.KindIndustryChain:
		return "industry chain"
	case castgraph.KindIndustryCluster:
		return "industry cluster"
	case castgraph.KindRegion:
		return "place (Region)"
	case castgraph.KindProgram:
		return "program"
	}
	return strings.ToLower(string(k))
}

func kindPlural(k castgraph.Kind) string {
	switch k {
	case castgraph.KindSociety:
		return "societies"
	case castgraph.KindRegion:
		return "places"
	}
	return kindWord(k) + "s"
}

func describeFound(fs []store.Found) string {
	parts := make([]string, 0, len(fs))
	for i, f := range fs {
		if i == 5 {
			parts = append(parts, fmt.Sprintf("and %d more", len(fs)-5))
			break
		}
		s := fmt.Sprintf("%s %s (%s", kindWord(f.Kind), f.Name, f.ID)
		if f.CreditCode != "" {
			s += ", " + f.CreditCode
		}
		if f.Disambiguation != "" {
			s += ", " + f.Disambiguation
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, " or ")
}
