package castgraph

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Kind is the kind of a node; its name is both the GraphQL type and the Neo4j label.
type Kind string

// Slug is the kind in kebab case, the prefix of ids: IndustryCluster →
// industry-cluster. Every id of a node of the kind starts with it and "/".
func (k Kind) Slug() string {
	var b strings.Builder
	for i, r := range string(k) {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte('-')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// The node kinds of the graph.
const (
	KindPlan            Kind = "Plan"
	KindPlanSection     Kind = "PlanSection"
	KindPlanItem        Kind = "PlanItem"
	KindAssociation     Kind = "Association"
	KindSociety         Kind = "Society"
	KindExpert          Kind = "Expert"
	KindOverseasStation Kind = "OverseasStation"
	KindEnterprise      Kind = "Enterprise"
	KindPark            Kind = "Park"
	KindInstitution     Kind = "Institution"
	KindIndustryCluster Kind = "IndustryCluster"
	KindIndustryChain   Kind = "IndustryChain"
	KindRegion          Kind = "Region"
	KindProgram         Kind = "Program"
)

// EntityLabel is the label every node carries beside its kind's label, so that
// one uniqueness constraint covers ids across kinds and Query.node finds any node.
const EntityLabel = "Entity"

// PropType is the type of a kind-specific property.
type PropType int

// Property types.
const (
	PropString PropType = iota
	PropInt
	PropBool
	PropDate
	PropEnum
	// PropYearMonth is a year and month, "1988-04": stored as that text,
	// so that it sorts and compares in calendar order.
	PropYearMonth
)

// PropSpec declares one kind-specific property.
type PropSpec struct {
	Name     string   // GraphQL field and Neo4j property name
	Type     PropType //
	Enum     string   // GraphQL enum name, for PropEnum
	Values   []string // allowed values, for PropEnum
	Required bool     // must be given on create and cannot be cleared
	Doc      string   // GraphQL description
	// Personal marks personal information under PIPL (个人信息保护法): the
	// schema puts @requires(permission: READ_PERSONAL) on its field, a filter
	// on it needs that permission, and it is never a sort field (a cursor
	// holds the sort key's value). See personal.go.
	Personal bool

	// What a write may set (see Clean); reads and filters are not held to it.
	Text     TextKind // PropString: the text rules, TextLine unless said
	Min, Max int64    // PropInt: the allowed range, when Max > Min
	// Normalize folds the spellings of a PropString value before Check;
	// Check reports what is wrong with a non-empty value, e.g. a credit code.
	Normalize func(string) string
	Check     func(string) error
}

// yearProp is a year property; its range is the plausible years.
func yearProp(doc string, required bool) PropSpec {
	return PropSpec{Name: "year", Type: PropInt, Required: required, Min: MinYear, Max: MaxYear, Doc: doc}
}

// numberProp is a section's or item's number within its plan.
func numberProp(doc string) PropSpec {
	return PropSpec{Name: "number", Type: PropInt, Required: true, Min: 1, Max: 999, Doc: doc}
}

// KindSpec declares a node kind: its properties and how its natural key is made.
type KindSpec struct {
	Kind  Kind
	Doc   string
	Props []PropSpec
	// KeyProps are the properties that, with the normalised name unless
	// KeyWithoutName, make the natural key that must be unique within the kind.
	KeyProps       []string
	KeyWithoutName bool
	// DefaultOrder lists the properties lists sort by when the client gives
	// no order; empty means by name. The id always breaks ties.
	DefaultOrder []string
}

// OrderFields returns the properties that lists of the kind sort by by default.
func (s *KindSpec) OrderFields() []string {
	if len(s.DefaultOrder) > 0 {
		return s.DefaultOrder
	}
	return []string{"name"}
}

var (
	associationLevels = []string{"NATIONAL", "PROVINCIAL", "CITY", "COUNTY", "UNIVERSITY", "INSTITUTE", "ENTERPRISE", "TOWNSHIP"}
	societyScopes     = []string{"PROVINCIAL", "NATIONAL", "INTERNATIONAL", "CONSORTIUM"}
	stationTypes      = []string{"OVERSEAS_BASE", "LIAISON_STATION", "OFFSHORE_INNOVATION_CENTER"}
	parkTypes         = []string{"ECONOMIC_DEVELOPMENT_ZONE", "HIGH_TECH_ZONE", "OTHER"}
	institutionTypes  = []string{"RESEARCH_INSTITUTE", "THINK_TANK", "VENUE", "INNOVATION_CENTER", "UNIVERSITY", "EDUCATION_BASE", "MEDIA", "GOVERNMENT", "OTHER"}
	regionTypes       = []string{"COUNTRY", "PROVINCE", "CITY", "COUNTY", "TOWNSHIP", "AREA"}
	programKinds      = []string{"PROGRAM", "AWARD", "EVENT", "COMPETITION", "PUBLICATION", "PLATFORM", "CAMPAIGN", "DESIGNATION", "DOCUMENT"}
)

// Kinds lists every node kind in a fixed order.
var Kinds = []KindSpec{
	{Kind: KindPlan, Doc: "A yearly work plan of an association.", KeyProps: []string{"year"}, KeyWithoutName: true, Props: []PropSpec{
		yearProp("The year the plan is for.", true),
		{Name: "issuedOn", Type: PropDate, Doc: "The date the plan was issued."},
		{Name: "publishedOn", Type: PropDate, Doc: "The date the plan was published."},
	}},
	{Kind: KindPlanSection, Doc: "A numbered section of a plan (一、二、…).", KeyProps: []string{"year", "number"}, KeyWithoutName: true, DefaultOrder: []string{"year", "number"}, Props: []PropSpec{
		yearProp("The year of the plan the section belongs to.", true),
		numberProp("The section's number within the plan, from 1."),
	}},
	{Kind: KindPlanItem, Doc: "A numbered work item of a plan.", KeyProps: []string{"year", "number"}, KeyWithoutName: true, DefaultOrder: []string{"year", "number"}, Props: []PropSpec{
		yearProp("The year of the plan the item belongs to.", true),
		numberProp("The item's number within the plan, from 1."),
		{Name: "text", Type: PropString, Text: TextLong, Doc: "The item's full text."},
	}},
	{Kind: KindAssociation, Doc: "A science and technology association (科协) at some level.", Props: []PropSpec{
		{Name: "level", Type: PropEnum, Enum: "AssociationLevel", Values: associationLevels, Doc: "The level the association works at."},
	}},
	{Kind: KindSociety, Doc: "An academic society (学会), a consortium of societies or an international scientific organisation.", Props: []PropSpec{
		{Name: "scope", Type: PropEnum, Enum: "SocietyScope", Values: societyScopes, Doc: "Provincial, national, international, or a consortium."},
		{Name: "field", Type: PropString, Doc: "The discipline or field."},
	}},
	{Kind: KindExpert, Doc: "A person: an academician, expert, scientist, engineer or entrepreneur.", KeyProps: []string{"disambiguation"}, Props: []PropSpec{
		{Name: "title", Type: PropString, Doc: "Professional title (职称), e.g. 教授, 研究员."},
		{Name: "academician", Type: PropBool, Doc: "Whether the person is an academician (院士)."},
		{Name: "field", Type: PropString, Doc: "Field of expertise."},
		{Name: "disambiguation", Type: PropString, Text: TextName, Doc: "Tells apart people of the same name, e.g. their employer; part of the natural key."},
		{Name: "gender", Type: PropEnum, Enum: "Gender", Values: genders, Personal: true, Doc: "Gender (性别)."},
		{Name: "birthMonth", Type: PropYearMonth, Personal: true, Check: CheckBirthMonth, Doc: "Year and month of birth (出生年月), YYYY-MM, e.g. 1988-04."},
		{Name: "phone", Type: PropString, Personal: true, Normalize: NormalisePhone, Check: CheckPhone, Doc: "Phone number (手机, 联系电话): a mobile 13812345678, or a landline 025-83456789, with 转 and an extension."},
		{Name: "email", Type: PropString, Personal: true, Normalize: NormaliseEmail, Check: CheckEmail, Doc: "E-mail address (电子邮箱)."},
	}},
	{Kind: KindOverseasStation, Doc: "An overseas-talent station: 海智基地, 海外联络站 or 离岸创新中心.", Props: []PropSpec{
		{Name: "stationType", Type: PropEnum, Enum: "StationType", Values: stationTypes, Doc: "The kind of station."},
	}},
	{Kind: KindEnterprise, Doc: "An enterprise.", KeyProps: []string{"creditCode"}, KeyWithoutName: true, Props: []PropSpec{
		{Name: "creditCode", Type: PropString, Normalize: NormaliseCreditCode, Check: CheckCreditCode, Doc: "Unified social credit code (统一社会信用代码); the natural key when given, else the name is."},
		{Name: "category", Type: PropString, Doc: "Category, e.g. 科技型企业."},
	}},
	{Kind: KindPark, Doc: "An industrial park or zone: economic-development zone, high-tech zone.", Props: []PropSpec{
		{Name: "parkType", Type: PropEnum, Enum: "ParkType", Values: parkTypes, Doc: "The kind of zone."},
		{Name: "level", Type: PropString, Doc: "National or provincial level."},
	}},
	{Kind: KindInstitution, Doc: "A research body, think tank, venue, base or government body.", Props: []PropSpec{
		{Name: "institutionType", Type: PropEnum, Enum: "InstitutionType", Values: institutionTypes, Doc: "The kind of institution."},
	}},
	{Kind: KindIndustryCluster, Doc: "An advanced-manufacturing industry cluster."},
	{Kind: KindIndustryChain, Doc: "An industry chain, part of a cluster."},
	// A division of China is keyed by its GB/T 2260 code: names repeat
	// (南京市鼓楼区 and 徐州市鼓楼区 are both 鼓楼区), codes do not. Places
	// without a code (countries, 长三角) keep their name as the key.
	{Kind: KindRegion, Doc: "A place: country, province, city, county, township or wider area.", KeyProps: []string{"code"}, KeyWithoutName: true, Props: []PropSpec{
		{Name: "regionType", Type: PropEnum, Enum: "RegionType", Values: regionTypes, Doc: "The kind of place."},
		{Name: "code", Type: PropString, Check: CheckDivisionCode, Doc: "The administrative division code (GB/T 2260, six digits, e.g. 320583 for 昆山市) of a division of China; the natural key when given, else the name is."},
	}},
	{Kind: KindProgram, Doc: "A program, award, event, competition, publication, platform, campaign, designation or document.", Props: []PropSpec{
		{Name: "kind", Type: PropEnum, Enum: "ProgramKind", Values: programKinds, Required: true, Doc: "What sort of program this is."},
		yearProp("The year, when the program is for one year.", false),
	}},
}

// SpecOf returns the spec of a kind, or false if the kind is unknown.
func SpecOf(k Kind) (*KindSpec, bool) {
	for i := range Kinds {
		if Kinds[i].Kind == k {
			return &Kinds[i], true
		}
	}
	return nil, false
}

// Prop returns the spec of one property of the kind.
func (s *KindSpec) Prop(name string) (*PropSpec, bool) {
	for i := range s.Props {
		if s.Props[i].Name == name {
			return &s.Props[i], true
		}
	}
	return nil, false
}

// NaturalKey returns the key that must be unique among nodes of the kind:
// the normalised name followed by the key properties that are set. An enterprise
// with a credit code is keyed by the code alone; without one, by its name.
func (s *KindSpec) NaturalKey(name string, props map[string]any) string {
	var parts []string
	for _, p := range s.KeyProps {
		if v, ok := props[p]; ok && v != nil && v != "" {
			parts = append(parts, formatKeyValue(v))
		}
	}
	if !s.KeyWithoutName || len(parts) == 0 {
		parts = append([]string{NormalizeName(name)}, parts...)
	}
	return strings.Join(parts, "|")
}

func formatKeyValue(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case string:
		return NormalizeName(v)
	case Date:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}

// NormalizeName folds the spellings of one name into one form, the one that
// natural keys are made of:
//   - full-width letters, digits and punctuation become half-width (NFKC), so
//     （） and () are one bracket;
//   - the other brackets that Chinese rosters use for branch and place
//     suffixes (【】, 〔〕, [], ［］) become ( and );
//   - middle dots in transliterated names (•, ・, ‧, ･) become ·;
//   - white space disappears except a single space between two words of a
//     script written with spaces (Latin, Cyrillic …): "苏州 示例 公司" and
//     "苏州示例公司" are one name, "Zhang San" keeps its space;
//   - Latin letters become lower case.
//
// It does not fold legal forms (有限公司 / 有限责任公司 / 股份有限公司): they
// can be different companies, so whether two such names are one enterprise is
// decided where credit codes are known (package roster), not in the key.
// Changing this function changes natural keys; the seed and demo data must
// keep theirs (roster's tests check that).
func NormalizeName(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	var prev rune    // the last rune written
	pending := false // white space seen since prev
	for _, r := range s {
		if unicode.IsSpace(r) {
			pending = prev != 0
			continue
		}
		switch r {
		case '【', '〔', '[', '〖':
			r = '('
		case '】', '〕', ']', '〗':
			r = ')'
		case '•', '・', '‧', '･', '∙':
			r = '·'
		}
		if pending && spaced(prev) && spaced(r) {
			b.WriteByte(' ')
		}
		pending = false
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
		case r >= 0x4E00 && r <= 0x9FFF: // CJK ideographs have no case
			b.WriteRune(r)
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		prev = r
	}
	return b.String()
}

// spaced reports whether r is a letter or digit of a script that separates
// words with spaces, so that a space next to it carries meaning.
func spaced(r rune) bool {
	if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
		return false
	}
	return !unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul, unicode.Bopomofo)
}
