// Package place resolves a place as people write it – 昆山市, 苏州昆山,
// 苏州市昆山市, 昆山, 320583 – to the administrative divisions it may mean.
// It is pure: an Index is built from the divisions of a dataset (Region nodes
// with a GB/T 2260 code, nested by LOCATED_IN) and answers without a
// database, so that the roster importer can tell an ambiguous place from an
// unknown one before it looks anything up.
package place

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
)

// Division is one administrative division: a province, a city or a
// county-level division (市辖区, 县级市, 县).
type Division struct {
	ID, Name, Code string
	// Type is the region type: PROVINCE, CITY or COUNTY.
	Type    string
	Aliases []string
	// Parent is the division it lies in, nil for the top.
	Parent *Division
}

// FullName is the name with the city's in front for a county: 苏州市昆山市,
// 南京市鼓楼区; the name alone otherwise. It tells apart the divisions that
// share a name.
func (d *Division) FullName() string {
	if d.Type == "COUNTY" && d.Parent != nil {
		return d.Parent.Name + d.Name
	}
	return d.Name
}

func (d *Division) String() string { return fmt.Sprintf("%s (%s)", d.FullName(), d.Code) }

// level orders the types from the top: a short name that a city and a
// county share means the city.
func (d *Division) level() int {
	switch d.Type {
	case "PROVINCE":
		return 0
	case "CITY":
		return 1
	}
	return 2
}

// Index finds divisions by the forms their names are written in.
type Index struct {
	all    []*Division
	byCode map[string]*Division
	// byName holds the normalised names and aliases; byShort the names
	// without their 省/市/区/县 suffix, which lose to a name or alias.
	byName, byShort map[string][]*Division
	// children are the divisions directly in each division.
	children map[*Division][]*Division
	// tops are the divisions that a written place may start with (a
	// province or a city), longest forms first.
	prefixes []prefix
}

type prefix struct {
	form string
	div  *Division
}

// New builds an index from the Region nodes of a dataset that carry a code;
// a division's parent is the coded region it is LOCATED_IN. Other nodes and
// relationships are ignored.
func New(d *castgraph.Dataset) (*Index, error) {
	ix := &Index{byCode: map[string]*Division{}, byName: map[string][]*Division{}, byShort: map[string][]*Division{}, children: map[*Division][]*Division{}}
	byID := map[string]*Division{}
	for _, n := range d.Nodes {
		if n.Kind != castgraph.KindRegion {
			continue
		}
		code, _ := n.Props["code"].(string)
		if code == "" {
			continue
		}
		if err := castgraph.CheckDivisionCode(code); err != nil {
			return nil, castgraph.Errorf(castgraph.EINVALID, n.ID, "%v", err)
		}
		if other, ok := ix.byCode[code]; ok {
			return nil, castgraph.Errorf(castgraph.EINVALID, n.ID, "code %s is also %s's", code, other.ID)
		}
		t, _ := n.Props["regionType"].(string)
		div := &Division{ID: n.ID, Name: n.Name, Code: code, Type: t, Aliases: n.Aliases}
		ix.all = append(ix.all, div)
		ix.byCode[code] = div
		byID[n.ID] = div
	}
	for _, r := range d.Relationships {
		from, to := byID[r.From], byID[r.To]
		if r.Type != castgraph.RelLocatedIn || from == nil || to == nil {
			continue
		}
		if from.Parent != nil && from.Parent != to {
			return nil, castgraph.Errorf(castgraph.EINVALID, from.ID, "lies in both %s and %s", from.Parent.ID, to.ID)
		}
		from.Parent = to
		ix.children[to] = append(ix.children[to], from)
	}
	slices.SortFunc(ix.all, func(a, b *Division) int { return strings.Compare(a.Code, b.Code) })
	for _, div := range ix.all {
		for _, n := range append([]string{div.Name}, div.Aliases...) {
			add(ix.byName, fold(n), div)
		}
		if s := short(div.Name); s != "" {
			add(ix.byShort, fold(s), div)
		}
		if div.Type == "PROVINCE" || div.Type == "CITY" {
			for _, f := range ix.forms(div) {
				ix.prefixes = append(ix.prefixes, prefix{f, div})
			}
		}
	}
	slices.SortStableFunc(ix.prefixes, func(a, b prefix) int { return len(b.form) - len(a.form) })
	return ix, nil
}

func add(m map[string][]*Division, key string, d *Division) {
	if key != "" && !slices.Contains(m[key], d) {
		m[key] = append(m[key], d)
	}
}

// forms are the normalised ways a division is written: name, aliases, short name.
func (ix *Index) forms(d *Division) []string {
	var out []string
	for _, n := range append([]string{d.Name, short(d.Name)}, d.Aliases...) {
		if f := fold(n); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// short is the name without its 省, 市, 区 or 县 suffix, when at least two
// characters remain (沛县 stays 沛县: 沛 alone is too little to go by).
func short(name string) string {
	for _, suffix := range []string{"省", "市", "区", "县"} {
		if s, ok := strings.CutSuffix(name, suffix); ok && len([]rune(s)) >= 2 {
			return s
		}
	}
	return ""
}

// fold normalises a written place: castgraph.NormalizeName (width, spaces,
// case), then without the separators people put between a city and a
// county (苏州-昆山, 苏州/昆山, 苏州·昆山).
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '-', '/', '·', '_', '—', '－', '|':
			return -1
		}
		return r
	}, castgraph.NormalizeName(s))
}

// maxWritten caps what Resolve looks at: no place name is longer, and a
// roster cell can be.
const maxWritten = 64

// Resolve returns the divisions a written place may mean, in code order:
// one when it is clear, several when it is ambiguous (鼓楼 is 南京市鼓楼区 and
// 徐州市鼓楼区), none when it names no division. It understands
//   - the six-digit code: 320583;
//   - the name or an alias: 昆山市, 苏州;
//   - the name without its 市/区/县 suffix: 昆山, 江宁 (a short name that a
//     city and a county share means the city: 淮安 is 淮安市, the district is
//     淮安区);
//   - a province or city in front, in any of these forms: 苏州市昆山市,
//     苏州昆山, 江苏省苏州市昆山市, 南京鼓楼.
func (ix *Index) Resolve(written string) []*Division {
	s := fold(written)
	if s == "" || len(s) > maxWritten*4 {
		return nil
	}
	if d, ok := ix.byCode[s]; ok {
		return []*Division{d}
	}
	if got := ix.match(s, nil); len(got) > 0 {
		return got
	}
	// A province or city in front, and the rest a division within it
	// (the rest may itself start with a city: 江苏省苏州市昆山市).
	var out []*Division
	for _, p := range ix.prefixes {
		rest, ok := strings.CutPrefix(s, p.form)
		if !ok || rest == "" {
			continue
		}
		for _, d := range ix.within(rest, p.div, 0) {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	slices.SortFunc(out, func(a, b *Division) int { return strings.Compare(a.Code, b.Code) })
	return out
}

// within resolves rest among the divisions inside top.
func (ix *Index) within(rest string, top *Division, depth int) []*Division {
	if got := ix.match(rest, top); len(got) > 0 {
		return got
	}
	if depth > 0 {
		return nil
	}
	var out []*Division
	for _, p := range ix.prefixes {
		if p.div.Parent != top {
			continue
		}
		if r, ok := strings.CutPrefix(rest, p.form); ok && r != "" {
			out = append(out, ix.within(r, p.div, depth+1)...)
		}
	}
	return out
}

// match finds s among names and aliases, else among short names, keeping
// only divisions inside top when top is given. Among short names the
// highest level wins.
func (ix *Index) match(s string, top *Division) []*Division {
	keep := func(list []*Division) []*Division {
		var out []*Division
		for _, d := range list {
			if top == nil || ix.inside(d, top) {
				out = append(out, d)
			}
		}
		return out
	}
	if got := keep(ix.byName[s]); len(got) > 0 {
		return got
	}
	got := keep(ix.byShort[s])
	if len(got) > 1 {
		best := slices.MinFunc(got, func(a, b *Division) int { return a.level() - b.level() }).level()
		got = slices.DeleteFunc(got, func(d *Division) bool { return d.level() != best })
	}
	return got
}

// inside reports whether d lies in top, at any depth.
func (ix *Index) inside(d, top *Division) bool {
	for p := d.Parent; p != nil; p = p.Parent {
		if p == top {
			return true
		}
	}
	return false
}

// ByCode returns the division with the code.
func (ix *Index) ByCode(code string) (*Division, bool) {
	d, ok := ix.byCode[code]
	return d, ok
}

// All returns every division in code order.
func (ix *Index) All() []*Division { return slices.Clone(ix.all) }

// Jiangsu returns the index of Jiangsu's divisions (data.Regions), built once.
var Jiangsu = sync.OnceValues(func() (*Index, error) {
	d, err := data.Regions()
	if err != nil {
		return nil, err
	}
	return New(d)
})
