package castgraph

// RelType is the type of a relationship; its name is the Neo4j relationship type.
type RelType string

// The relationship types of the graph (CONCERNS is for what a plan item names
// without launching it).
const (
	RelMemberOf       RelType = "MEMBER_OF"
	RelAffiliatedWith RelType = "AFFILIATED_WITH"
	RelServes         RelType = "SERVES"
	RelLiaisonOf      RelType = "LIAISON_OF"
	RelInChain        RelType = "IN_CHAIN"
	RelInCluster      RelType = "IN_CLUSTER"
	RelPartOf         RelType = "PART_OF"
	RelLocatedIn      RelType = "LOCATED_IN"
	RelCooperatesWith RelType = "COOPERATES_WITH"
	RelLaunches       RelType = "LAUNCHES"
	RelRunBy          RelType = "RUN_BY"
	RelParticipatesIn RelType = "PARTICIPATES_IN"
	RelAwarded        RelType = "AWARDED"
	RelGuides         RelType = "GUIDES"
	RelConcerns       RelType = "CONCERNS"
)

// RelSpec declares a relationship type: which kinds it may join, its
// properties, and the GraphQL field names on each end.
type RelSpec struct {
	Type RelType
	Doc  string
	// Pairs lists the allowed (from, to) kinds.
	Pairs []KindPair
	// Props are the relationship's own properties (all optional).
	Props []PropSpec
	// OutField names the field on the "from" node, InField the one on the "to" node.
	OutField, InField string
}

// KindPair is one allowed (from, to) pair of a relationship type.
type KindPair struct{ From, To Kind }

var (
	propRole  = PropSpec{Name: "role", Type: PropString, Doc: "The role taken, e.g. 理事, 首席专家, 主办."}
	propSince = PropSpec{Name: "since", Type: PropDate, Doc: "When it began."}
	propUntil = PropSpec{Name: "until", Type: PropDate, Doc: "When it ended."}
	propYear  = yearProp("The year it happened.", false)
	propVia   = PropSpec{Name: "via", Type: PropString, Doc: "The program or team it runs through, e.g. 万名专家进万企."}
	// propPosition orders the relationships of one node of a type: a
	// relationship field whose type has it lists by it first (window.go).
	propPosition = PropSpec{Name: "position", Type: PropInt, Doc: "Where it comes among its kind of relationship from the same node: the order the source names them in (1 first)."}
)

// nonPlanKinds are the kinds a plan item can name.
var nonPlanKinds = []Kind{KindAssociation, KindSociety, KindExpert, KindOverseasStation, KindEnterprise,
	KindPark, KindInstitution, KindIndustryCluster, KindIndustryChain, KindRegion, KindProgram}

// Relations lists every relationship type in a fixed order.
var Relations = []RelSpec{
	{Type: RelMemberOf, Doc: "An expert is a member of a society; a society belongs to a consortium.", OutField: "memberOf", InField: "members",
		Pairs: pairs([]Kind{KindExpert, KindSociety}, []Kind{KindSociety}), Props: []PropSpec{propRole, propSince, propUntil}},
	{Type: RelAffiliatedWith, Doc: "An expert works for or belongs to an organisation.", OutField: "affiliations", InField: "affiliatedExperts",
		Pairs: pairs([]Kind{KindExpert}, []Kind{KindEnterprise, KindInstitution, KindSociety}), Props: []PropSpec{propRole, propSince, propUntil}},
	{Type: RelServes, Doc: "An expert serves an enterprise, e.g. through 万名专家进万企 or a service team.", OutField: "serves", InField: "servedBy",
		Pairs: pairs([]Kind{KindExpert}, []Kind{KindEnterprise}), Props: []PropSpec{propRole, propVia, propSince, propUntil}},
	{Type: RelLiaisonOf, Doc: "An expert liaises through an overseas station.", OutField: "liaisonOf", InField: "liaisons",
		Pairs: pairs([]Kind{KindExpert}, []Kind{KindOverseasStation}), Props: []PropSpec{propRole, propSince, propUntil}},
	{Type: RelInChain, Doc: "An enterprise belongs to an industry chain.", OutField: "chains", InField: "enterprises",
		Pairs: pairs([]Kind{KindEnterprise}, []Kind{KindIndustryChain}), Props: []PropSpec{propRole}},
	// Rosters often name only the cluster an enterprise works in; IN_CLUSTER
	// records that without inventing a chain. The cluster questions count an
	// enterprise tied either way once.
	{Type: RelInCluster, Doc: "An enterprise belongs to an industry cluster directly, without a chain being named.", OutField: "clusters", InField: "enterprises",
		Pairs: pairs([]Kind{KindEnterprise}, []Kind{KindIndustryCluster}), Props: []PropSpec{propRole}},
	{Type: RelPartOf, Doc: "A chain is part of a cluster; an item part of a section; a section part of a plan.", OutField: "partOf", InField: "parts",
		Pairs: []KindPair{{KindIndustryChain, KindIndustryCluster}, {KindPlanItem, KindPlanSection}, {KindPlanSection, KindPlan}}},
	{Type: RelLocatedIn, Doc: "Something is located in a region or a park; a region lies in a larger one.", OutField: "locatedIn", InField: "locatedHere",
		Pairs: pairs([]Kind{KindAssociation, KindSociety, KindExpert, KindOverseasStation, KindEnterprise, KindPark, KindInstitution, KindIndustryCluster, KindRegion, KindProgram}, []Kind{KindRegion, KindPark}),
		Props: []PropSpec{propSince}},
	{Type: RelCooperatesWith, Doc: "A society cooperates with a park (e.g. 百会百园).", OutField: "cooperatesWith", InField: "cooperatingSocieties",
		Pairs: pairs([]Kind{KindSociety}, []Kind{KindPark}), Props: []PropSpec{propRole, propSince, propYear}},
	{Type: RelLaunches, Doc: "A plan item launches, runs or builds a program.", OutField: "launches", InField: "launchedBy",
		Pairs: pairs([]Kind{KindPlanItem}, []Kind{KindProgram}), Props: []PropSpec{propRole, propPosition}},
	{Type: RelRunBy, Doc: "A program (or a plan) is run or issued by an organisation.", OutField: "runBy", InField: "runs",
		Pairs: pairs([]Kind{KindProgram, KindPlan}, []Kind{KindAssociation, KindSociety, KindInstitution, KindEnterprise}), Props: []PropSpec{propRole}},
	{Type: RelParticipatesIn, Doc: "Someone takes part in a program.", OutField: "participatesIn", InField: "participants",
		Pairs: pairs([]Kind{KindExpert, KindEnterprise, KindSociety, KindAssociation, KindInstitution, KindPark, KindRegion}, []Kind{KindProgram}), Props: []PropSpec{propRole, propYear}},
	{Type: RelAwarded, Doc: "Someone received an award.", OutField: "awards", InField: "awardees",
		Pairs: pairs([]Kind{KindExpert, KindSociety, KindInstitution, KindEnterprise}, []Kind{KindProgram}), Props: []PropSpec{propYear, propRole}},
	{Type: RelGuides, Doc: "An association guides a society, a lower association or an institution.", OutField: "guides", InField: "guidedBy",
		Pairs: pairs([]Kind{KindAssociation}, []Kind{KindSociety, KindAssociation, KindInstitution}), Props: []PropSpec{propRole}},
	{Type: RelConcerns, Doc: "A plan item names an organisation, place or group without launching it.", OutField: "concerns", InField: "concernedBy",
		Pairs: pairs([]Kind{KindPlanItem}, nonPlanKinds), Props: []PropSpec{propRole}},
}

func pairs(from, to []Kind) []KindPair {
	var out []KindPair
	for _, f := range from {
		for _, t := range to {
			out = append(out, KindPair{f, t})
		}
	}
	return out
}

// RelSpecOf returns the spec of a relationship type, or false if it is unknown.
func RelSpecOf(t RelType) (*RelSpec, bool) {
	for i := range Relations {
		if Relations[i].Type == t {
			return &Relations[i], true
		}
	}
	return nil, false
}

// Allows reports whether the relationship may run from a node of kind from to one of kind to.
func (r *RelSpec) Allows(from, to Kind) bool {
	for _, p := range r.Pairs {
		if p.From == from && p.To == to {
			return true
		}
	}
	return false
}

// Prop returns the spec of one of the relationship's properties.
func (r *RelSpec) Prop(name string) (*PropSpec, bool) {
	for i := range r.Props {
		if r.Props[i].Name == name {
			return &r.Props[i], true
		}
	}
	return nil, false
}

// Ends returns the kinds at the other end of the relationship for a node of
// kind k: the targets when outgoing, the sources when not. Empty means the
// relationship does not touch k on that end.
func (r *RelSpec) Ends(k Kind, outgoing bool) []Kind {
	var out []Kind
	seen := map[Kind]bool{}
	for _, p := range r.Pairs {
		near, far := p.To, p.From
		if outgoing {
			near, far = p.From, p.To
		}
		if near == k && !seen[far] {
			seen[far] = true
			out = append(out, far)
		}
	}
	return out
}

// RelEnd is one end of a relationship type as a field of a kind: Expert's
// field serves is SERVES, outgoing, reaching enterprises. The schema's
// relationship fields, the filters' quantifiers and the reads all find the
// relationship behind a field here.
type RelEnd struct {
	Spec     *RelSpec
	Outgoing bool
	// Field is the field's name on the near kind (OutField or InField).
	Field string
	// Far lists the kinds at the other end; one, or several (then the
	// field's nodes are Nodes, and only id and name are common to them).
	Far []Kind
}

// FarKind is the one kind at the far end, or "" when there are several.
func (e RelEnd) FarKind() Kind {
	if len(e.Far) == 1 {
		return e.Far[0]
	}
	return ""
}

// RelEnds lists the relationship fields of a kind, in the registry's order
// (outgoing before incoming for each type).
func RelEnds(k Kind) []RelEnd {
	var out []RelEnd
	for i := range Relations {
		r := &Relations[i]
		for _, outgoing := range []bool{true, false} {
			far := r.Ends(k, outgoing)
			if len(far) == 0 {
				continue
			}
			field := r.InField
			if outgoing {
				field = r.OutField
			}
			out = append(out, RelEnd{Spec: r, Outgoing: outgoing, Field: field, Far: far})
		}
	}
	return out
}

// RelationField finds the relationship end that a kind exposes as the field.
func RelationField(k Kind, field string) (RelEnd, bool) {
	for _, e := range RelEnds(k) {
		if e.Field == field {
			return e, true
		}
	}
	return RelEnd{}, false
}

// RelationProps lists every relationship property once, in the order the
// registry first names it: what a link may set and a relationship shows.
// A name means one property whatever the type of relationship.
func RelationProps() []PropSpec {
	var out []PropSpec
	seen := map[string]bool{}
	for _, r := range Relations {
		for _, p := range r.Props {
			if !seen[p.Name] {
				seen[p.Name] = true
				out = append(out, p)
			}
		}
	}
	return out
}
