package castgraph

// Review marks: a roster import told to create the reference data it names
// and cannot find (roster.Options.CreateMissing) creates those nodes with
// needsReview set, so that someone checks them – a society typed with a
// stray character becomes a second society otherwise. The property is an
// ordinary registry property of the kinds an import may create that way:
// lists filter on it (societies(where: {needsReview: {eq: true}})) and an
// update clears it once the node has been checked.

// PropNeedsReview is the property that marks a node for review.
const PropNeedsReview = "needsReview"

// ReviewKinds are the kinds an import may create for review: the reference
// data rosters name.
var ReviewKinds = []Kind{KindAssociation, KindSociety, KindOverseasStation, KindPark, KindInstitution,
	KindIndustryCluster, KindIndustryChain, KindRegion}

// The property is appended here, in one place, rather than written into
// each kind's list in kind.go: it is one rule about several kinds, and a
// kind's own list stays about the kind.
func init() {
	for _, k := range ReviewKinds {
		spec, _ := SpecOf(k)
		spec.Props = append(spec.Props, PropSpec{Name: PropNeedsReview, Type: PropBool,
			Doc: "Created by a roster import because a row named it and the graph did not have it (castgraph import -create-missing): check it, then set this to false. The row that needed it is in the provenance."})
	}
}
