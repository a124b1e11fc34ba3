package roster

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/castgraph/castgraph"
	"golang.org/x/text/unicode/norm"
)

// planReference validates one row of a reference roster into pl: the
// subject (a node of the roster's kind, with the properties the registry
// gives that kind) and its relationships. It returns the row's duplicate
// key.
//
// What each field becomes:
//
//	type (类型)          the kind's type: parkType, stationType, institutionType,
//	                     regionType, a program's kind; of a society, its field
//	                     (学会类型: 理科, 工科 …) unless a 领域 column gives one
//	level (级别)         a society's scope, a park's level
//	field (领域)         a society's field
//	year (年度)          a program's year
//	aliases (简称, 别名) aliases, added to what the node has
//	description (简介)   the description of a node the import creates; a node
//	                     that exists keeps its own
//	city (所在地)        LOCATED_IN the region
//	country (国家)       a station: LOCATED_IN the country
//	park (所在园区)      an institution: LOCATED_IN the park
//	guidedBy (业务主管单位) the association GUIDES the society or institution
//	parent (上级)        a region: LOCATED_IN the larger one; a society:
//	                     MEMBER_OF the consortium
//	cluster (所属集群)   a chain: PART_OF the cluster
//	host (主办单位)      a program: RUN_BY each (role 主办, 承办 … from the
//	                     header)
func (p *planner) planReference(ri *rowIssues, pl *plan, cells []string) string {
	c := p.cols
	kind := kindSpecs[p.kind].subject
	ks, _ := castgraph.SpecOf(kind)
	get := func(f Field) (string, string) { return c.cell(cells, f) }
	name, col := get(FieldName)
	if name == "" {
		ri.errorf(col, CodeRequired, "the %s's name (%s) is required", kindWord(kind), refNameHeaders[p.kind][0])
	}
	props := map[string]any{}
	set := func(prop, column string, v any) {
		ps, ok := ks.Prop(prop)
		if !ok {
			return
		}
		cv, err := ps.Clean(v)
		if err != nil {
			ri.errorf(column, CodeBadValue, "%v", err)
			return
		}
		props[prop] = cv
	}
	enum := func(prop, v, column string) {
		ps, ok := ks.Prop(prop)
		if !ok {
			return
		}
		val, err := parseEnum(ps, v)
		if err != nil {
			ri.errorf(column, CodeBadValue, "%v", err)
			return
		}
		set(prop, column, val)
	}
	if v, tcol := get(FieldType); v != "" {
		if kind == castgraph.KindSociety {
			if f, _ := get(FieldField); f == "" {
				set("field", tcol, v)
			}
		} else {
			enum(typeProp[kind], v, tcol)
		}
	} else if p.kind == Programs {
		ri.errorf(tcol, CodeRequired, "a program's type (类型: 项目, 奖项, 活动, 竞赛 …) is required")
	}
	if v, lcol := get(FieldLevel); v != "" {
		switch kind {
		case castgraph.KindSociety:
			enum("scope", v, lcol)
		case castgraph.KindPark:
			set("level", lcol, v)
		}
	}
	if v, fcol := get(FieldField); v != "" && kind == castgraph.KindSociety {
		set("field", fcol, v)
	}
	if v, ycol := get(FieldYear); v != "" {
		y, err := parseYear(v)
		if err != nil {
			ri.errorf(ycol, CodeBadValue, "%v", err)
		} else {
			set("year", ycol, y)
		}
	}
	aliases, _ := c.list(cells, FieldAliases)
	createProps := map[string]any{}
	if d, _ := get(FieldDescription); d != "" {
		createProps["description"] = d
	}
	for k, v := range guessProps(kind, name) {
		if _, given := props[k]; !given {
			createProps[k] = v
		}
	}
	pl.subject = subject{kind: kind, name: name, column: col, props: props, aliases: aliases, createProps: createProps}

	self := castgraph.NormalizeName(name)
	to := func(f Field, rel castgraph.RelType, in bool, kinds ...castgraph.Kind) {
		v, column := get(f)
		if v == "" {
			return
		}
		if slices0(kinds) == kind && castgraph.NormalizeName(v) == self {
			ri.errorf(column, CodeBadValue, "the row names itself (%q) as its %s", v, describe(f))
			return
		}
		pl.links = append(pl.links, link{rel: rel, in: in, to: &ref{kinds: kinds, name: v, column: column}})
	}
	switch kind {
	case castgraph.KindRegion:
		to(FieldParent, castgraph.RelLocatedIn, false, castgraph.KindRegion)
	case castgraph.KindSociety:
		to(FieldParent, castgraph.RelMemberOf, false, castgraph.KindSociety)
	}
	to(FieldCity, castgraph.RelLocatedIn, false, castgraph.KindRegion)
	to(FieldCountry, castgraph.RelLocatedIn, false, castgraph.KindRegion)
	to(FieldPark, castgraph.RelLocatedIn, false, castgraph.KindPark)
	to(FieldCluster, castgraph.RelPartOf, false, castgraph.KindIndustryCluster)
	to(FieldGuide, castgraph.RelGuides, true, castgraph.KindAssociation)
	for _, i := range c.index[FieldHost] {
		if i >= len(cells) {
			continue
		}
		var props map[string]any
		if role := hostRole(c.header[i]); role != "" {
			props = map[string]any{"role": role}
		}
		for _, h := range splitList(cells[i]) {
			pl.links = append(pl.links, link{rel: castgraph.RelRunBy, props: props,
				to: &ref{kinds: hostKinds, name: cleanText(h), column: c.header[i]}})
		}
	}
	// People of the organisation (理事长, 站长, 负责人): experts found by
	// name – the one expert of the name, else a new one, whom an expert
	// roster naming their employer later takes over – related to the
	// subject with the header as their role.
	if rel, ok := personRel[kind]; ok {
		for _, i := range c.index[FieldPerson] {
			if i >= len(cells) {
				continue
			}
			var props map[string]any
			if role := personRole(c.header[i]); role != "" {
				props = map[string]any{"role": role}
			}
			for _, name := range splitList(cells[i]) {
				pl.links = append(pl.links, link{rel: rel, in: true, props: props,
					to: &ref{kinds: []castgraph.Kind{castgraph.KindExpert}, create: castgraph.KindExpert, name: cleanText(name), column: c.header[i]}})
			}
		}
	}
	return string(kind) + "|" + self
}

// slices0 is the first kind of a list.
func slices0(kinds []castgraph.Kind) castgraph.Kind {
	if len(kinds) == 0 {
		return ""
	}
	return kinds[0]
}

// parseYear reads a year cell: 2024, 2024年, 2024年度.
func parseYear(s string) (int64, error) {
	v := strings.TrimSpace(norm.NFKC.String(s))
	v = strings.TrimSuffix(strings.TrimSuffix(v, "度"), "年")
	y, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a year: write 2024 or 2024年", clip(s))
	}
	return y, nil
}
