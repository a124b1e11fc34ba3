package roster

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
)

// plan is what one valid row asks to write: its subject node and the
// relationships from it to the entities it names. A plan is written whole
// or not at all.
type plan struct {
	row     int
	source  string // "roster experts.xlsx, row 12"
	subject subject
	links   []link
}

// subject is the node a row is about: an expert or an enterprise.
type subject struct {
	kind   castgraph.Kind
	name   string
	column string
	// code is an enterprise's credit code; dis an expert's explicit
	// disambiguation (else the employer's name is used).
	code, dis string
	props     map[string]any
	// employer is the link whose target disambiguates an expert.
	employer *ref
	// Reference rosters: aliases to add (简称, 别名), and properties set
	// only if the node is new (its description, a type its name implies).
	aliases     []string
	createProps map[string]any
}

// ref is an entity a row names: looked up among kinds, created as create
// when absent (open-world entities: employers and enterprises served) or a
// row error when create is empty (reference data: societies, places, parks,
// chains, stations).
type ref struct {
	kinds  []castgraph.Kind
	create castgraph.Kind
	name   string
	code   string // enterprises: credit code, when the row gives one
	column string
	// createProps are set on the node when it is created.
	createProps map[string]any
	// lookup is the natural key to look the name up by when it is not the
	// normalised name: a place resolved to a division's code (place.go).
	lookup string

	// Filled in by resolution.
	id      string
	resName string // the name of the node found, or name when created
	key     string // the natural key, when created
}

// link is a relationship from the subject to a ref, or from the ref to
// the subject when in is set (业务主管单位: the association GUIDES the
// society of the row).
type link struct {
	rel   castgraph.RelType
	to    *ref
	props map[string]any
	in    bool
}

// maxCell caps the length of a cell, in characters.
const maxCell = 1000

// planner turns the rows of one file into plans, reporting what is wrong.
type planner struct {
	kind   Kind
	cols   *columns
	source string // the file's name in provenance
	rep    *Report
	dupes  *dupes
}

// rowIssues collects the errors of one row before it is accepted or not.
type rowIssues struct {
	row    int
	issues []Issue
}

func (ri *rowIssues) errorf(column, code, format string, args ...any) {
	ri.issues = append(ri.issues, Issue{Row: ri.row, Column: column, Code: code, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
}

// plan validates one row. It returns nil (and reports why) for a bad row.
func (p *planner) plan(row int, cells []string) *plan {
	ri := &rowIssues{row: row}
	c := p.cols
	for i, v := range cells {
		if i >= len(c.fields) {
			if strings.TrimSpace(v) != "" {
				// The value is not quoted: an unlabelled column may hold a
				// phone number or a birth date, and reports are shared.
				p.rep.warnf(row, "", CodeExtraCells, "the row has a value (%d characters) in column %d, right of the last header; it is ignored", utf8.RuneCountInString(v), i+1)
				break
			}
			continue
		}
		if n := utf8.RuneCountInString(v); n > maxCell && c.fields[i] != "" && c.fields[i] != FieldIgnore {
			ri.errorf(c.header[i], CodeBadValue, "the cell holds %d characters; at most %d are allowed", n, maxCell)
		} else if err := checkCell(c.fields[i], v); err != nil {
			ri.errorf(c.header[i], CodeBadValue, "%v", err)
		}
	}
	get := func(f Field) (string, string) { return c.cell(cells, f) }
	required := func(f Field) (string, string) {
		v, col := get(f)
		if v == "" {
			ri.errorf(col, CodeRequired, "%s is required", describe(f))
		}
		return v, col
	}
	date := func(f Field, props map[string]any, prop string) {
		if v, col := get(f); v != "" {
			d, err := ParseDate(v)
			if err != nil {
				ri.errorf(col, CodeBadDate, "%v", err)
				return
			}
			props[prop] = d
		}
	}
	text := func(f Field, props map[string]any, prop string) {
		if v, _ := get(f); v != "" {
			props[prop] = v
		}
	}
	pl := &plan{row: row, source: fmt.Sprintf("roster %s, row %d", p.source, row)}
	spec := kindSpecs[p.kind]
	mainProps := map[string]any{}
	text(FieldRole, mainProps, "role")
	date(FieldSince, mainProps, "since")
	date(FieldUntil, mainProps, "until")
	if s, ok := mainProps["since"].(castgraph.Date); ok {
		if u, ok := mainProps["until"].(castgraph.Date); ok && u.String() < s.String() {
			_, col := get(FieldUntil)
			ri.errorf(col, CodeBadValue, "the end (%s) is before the start (%s)", u, s)
		}
	}
	var dupKey string
	if isRefKind(p.kind) {
		dupKey = p.planReference(ri, pl, cells)
	} else if p.kind == Enterprises {
		name, col := required(FieldName)
		props := map[string]any{}
		code, codeCol := get(FieldCreditCode)
		if code != "" {
			code = NormaliseCreditCode(code)
			if err := CheckCreditCode(code); err != nil {
				ri.errorf(codeCol, CodeBadCreditCode, "%v", err)
			}
			props["creditCode"] = code
		}
		text(FieldCategory, props, "category")
		pl.subject = subject{kind: castgraph.KindEnterprise, name: name, column: col, code: code, props: props}
		p.placeLink(ri, pl, FieldCity, cells)
		p.refLink(pl, castgraph.RelLocatedIn, FieldPark, cells, nil, castgraph.KindPark)
		p.industryLinks(pl, row, cells)
		dupKey = "enterprise|" + castgraph.NormalizeName(name)
		if code != "" {
			dupKey = "enterprise|" + code
		}
	} else {
		name, col := required(FieldName)
		props := map[string]any{}
		text(FieldTitle, props, "title")
		text(FieldField, props, "field")
		if v, acol := get(FieldAcademician); v != "" {
			b, err := ParseBool(v)
			if err != nil {
				ri.errorf(acol, CodeBadBoolean, "%v", err)
			} else {
				props["academician"] = b
			}
		}
		personalProps(ri, get, props)
		dis, _ := get(FieldDisambiguation)
		pl.subject = subject{kind: castgraph.KindExpert, name: name, column: col, dis: dis, props: props}
		if emp, empCol := get(FieldEmployer); emp != "" {
			r := &ref{kinds: []castgraph.Kind{castgraph.KindEnterprise, castgraph.KindInstitution, castgraph.KindSociety}, name: emp, column: empCol}
			kind, err := employerKind(emp, get)
			if err != nil {
				_, tcol := get(FieldEmployerType)
				ri.errorf(tcol, CodeBadValue, "%v", err)
			}
			r.create = kind
			if kind == castgraph.KindInstitution {
				if t := institutionType(emp); t != "" {
					r.createProps = map[string]any{"institutionType": t}
				}
			}
			pl.subject.employer = r
			pl.links = append(pl.links, link{rel: castgraph.RelAffiliatedWith, to: r})
			if dis == "" {
				dis = emp
			}
		}
		dupKey = "expert|" + castgraph.NormalizeName(name) + "|" + castgraph.NormalizeName(dis)
		switch p.kind {
		case Experts, Members:
			societies, scol := c.list(cells, FieldSociety)
			if len(societies) == 0 && p.kind == Members {
				ri.errorf(scol, CodeRequired, "%s is required", describe(FieldSociety))
			}
			for _, s := range societies {
				pl.links = append(pl.links, link{rel: castgraph.RelMemberOf, props: mainProps,
					to: &ref{kinds: []castgraph.Kind{castgraph.KindSociety}, name: s, column: scol}})
			}
			if p.kind == Members {
				dupKey += "|society|" + strings.Join(normaliseAll(societies), "、")
			}
			p.placeLink(ri, pl, FieldCity, cells)
		case Liaisons:
			st, scol := required(FieldStation)
			if st != "" {
				pl.links = append(pl.links, link{rel: spec.main, props: mainProps,
					to: &ref{kinds: []castgraph.Kind{castgraph.KindOverseasStation}, name: st, column: scol}})
			}
			dupKey += "|station|" + castgraph.NormalizeName(st)
			p.placeLink(ri, pl, FieldCountry, cells)
		case Services:
			ent, ecol := required(FieldEnterprise)
			text(FieldVia, mainProps, "via")
			r := &ref{kinds: []castgraph.Kind{castgraph.KindEnterprise}, create: castgraph.KindEnterprise, name: ent, column: ecol}
			if code, codeCol := get(FieldCreditCode); code != "" {
				code = NormaliseCreditCode(code)
				if err := CheckCreditCode(code); err != nil {
					ri.errorf(codeCol, CodeBadCreditCode, "%v", err)
				}
				r.code = code
				r.createProps = map[string]any{"creditCode": code}
			}
			if ent != "" {
				pl.links = append(pl.links, link{rel: spec.main, props: mainProps, to: r})
			}
			dupKey += "|serves|" + castgraph.NormalizeName(ent)
			if r.code != "" {
				dupKey += "|" + r.code
			}
		}
	}
	if len(ri.issues) == 0 {
		if first := p.dupes.add(dupKey, row); first != 0 {
			ri.errorf(pl.subject.column, CodeDuplicateRow, "row %d says the same (%s); only the first is imported", first, describeRow(p.kind, pl))
		}
	}
	if len(ri.issues) > 0 {
		for _, is := range ri.issues {
			p.rep.add(is)
		}
		return nil
	}
	return pl
}

// refLink adds a link to the reference data a single cell names, if it names one.
func (p *planner) refLink(pl *plan, rel castgraph.RelType, f Field, cells []string, props map[string]any, kinds ...castgraph.Kind) {
	v, col := p.cols.cell(cells, f)
	if v == "" {
		return
	}
	pl.links = append(pl.links, link{rel: rel, props: props, to: &ref{kinds: kinds, name: v, column: col}})
}

func normaliseAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = castgraph.NormalizeName(n)
	}
	return out
}

func describeRow(kind Kind, pl *plan) string {
	s := pl.subject.name
	if pl.subject.code != "" {
		s += ", " + pl.subject.code
	}
	for _, l := range pl.links {
		if l.rel != castgraph.RelLocatedIn {
			s += ", " + l.to.name
		}
	}
	return s
}

// describe names a field for messages, with its main Chinese header.
func describe(f Field) string {
	if list := aliases[f]; len(list) > 1 {
		return fmt.Sprintf("%s (%s)", f, list[1])
	}
	return string(f)
}

// employerKind decides what kind of node an employer is created as when the
// graph does not have it: the 单位类型 column when given, else the name –
// company words (公司, 集团, 厂 …) make an enterprise, anything else (大学,
// 研究院, 医院 …) an institution.
func employerKind(name string, get func(Field) (string, string)) (castgraph.Kind, error) {
	if t, _ := get(FieldEmployerType); t != "" {
		switch {
		case containsAny(strings.ToLower(t), "企业", "公司", "enterprise", "company"):
			return castgraph.KindEnterprise, nil
		case containsAny(strings.ToLower(t), "高校", "大学", "院校", "科研", "研究", "院所", "事业", "机构", "机关", "医院", "政府", "institution", "university", "institute"):
			return castgraph.KindInstitution, nil
		}
		return guessEmployerKind(name), fmt.Errorf("单位类型 %q is neither an enterprise (企业) nor an institution (高校, 科研院所, 事业单位, 机构)", t)
	}
	return guessEmployerKind(name), nil
}

func guessEmployerKind(name string) castgraph.Kind {
	if containsAny(name, "公司", "集团", "企业", "厂", "有限", "股份", "合伙", "商行", "Co.", "Ltd", "Inc", "GmbH", "Corp") {
		return castgraph.KindEnterprise
	}
	return castgraph.KindInstitution
}

// institutionType guesses the type of an institution created from a name.
func institutionType(name string) string {
	switch {
	case containsAny(name, "大学", "学院", "学校", "University", "College"):
		return "UNIVERSITY"
	case containsAny(name, "研究院", "研究所", "科学院", "研究中心", "实验室", "Institute"):
		return "RESEARCH_INSTITUTE"
	}
	return ""
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// personalProps reads a person's personal columns (gender, birth month,
// phone, e-mail) into props: the roster's spellings first (男, 1988年4月),
// then the registry's rules, the ones the API applies (PropSpec.Clean), so
// that a value one refuses the other refuses too. A bad cell is an error of
// the row about its column – never dropped – and the message does not quote
// it: the report may travel further than the roster.
func personalProps(ri *rowIssues, get func(Field) (string, string), props map[string]any) {
	spec, _ := castgraph.SpecOf(castgraph.KindExpert)
	set := func(prop, col, code string, v any) {
		p, _ := spec.Prop(prop)
		c, err := p.Clean(v)
		if err != nil {
			ri.errorf(col, code, "%v", err)
			return
		}
		props[prop] = c
	}
	if v, col := get(FieldGender); v != "" {
		switch g, ok, err := ParseGender(v); {
		case err != nil:
			ri.errorf(col, CodeBadValue, "gender: %v", err)
		case ok:
			set("gender", col, CodeBadValue, g)
		}
	}
	if v, col := get(FieldBirthMonth); v != "" {
		if ym, err := ParseBirthMonth(v); err != nil {
			ri.errorf(col, CodeBadDate, "birthMonth: %v", err)
		} else {
			set("birthMonth", col, CodeBadDate, ym)
		}
	}
	if v, col := get(FieldPhone); v != "" {
		set("phone", col, CodeBadValue, v)
	}
	if v, col := get(FieldEmail); v != "" {
		set("email", col, CodeBadValue, v)
	}
}
