package store

import (
	"regexp"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
)

// The analyst statements spell their labels and relationship types out; a
// renamed kind or relationship in the registry must not leave them matching
// nothing in silence.
func TestAnalytics_StatementsUseOnlyRegisteredLabelsAndTypes(t *testing.T) {
	statements := map[string]string{
		"expertsServingCluster":  expertsServingClusterCypher,
		"societyParkCooperation": societyParkCooperationCypher,
		"planItemReport":         planItemReportCypher,
		"overseasStations":       overseasStationsCypher,
		"expertsPerCluster":      expertsPerClusterCypher,
		"enterprisesPerCity":     enterprisesPerCityCypher,
		"programsPerSection":     programsPerSectionCypher,
		"paths":                  pathsCypher,
		"neighborhood":           neighborhoodCypher,
		"search":                 searchCypher,
	}
	labels := regexp.MustCompile(`(?:\(\w*|\b[a-z]\w*):([A-Z]\w*)`)
	types := regexp.MustCompile(`\[\w*:([A-Z_|]+)`)
	brackets := regexp.MustCompile(`\[[^\]]*\]`) // relationship patterns and list slices
	checked := 0
	for name, cypher := range statements {
		for _, m := range labels.FindAllStringSubmatch(brackets.ReplaceAllString(cypher, ""), -1) {
			checked++
			if _, ok := castgraph.SpecOf(castgraph.Kind(m[1])); !ok && m[1] != castgraph.EntityLabel {
				t.Errorf("%s: label %s is not a registered kind", name, m[1])
			}
		}
		for _, m := range types.FindAllStringSubmatch(cypher, -1) {
			for _, rel := range strings.Split(m[1], "|") {
				checked++
				if _, ok := castgraph.RelSpecOf(castgraph.RelType(rel)); !ok {
					t.Errorf("%s: relationship type %s is not registered", name, rel)
				}
			}
		}
	}
	if checked < 50 {
		t.Errorf("only %d labels and types found: the patterns no longer read the statements", checked)
	}
}

func TestAnalytics_LuceneQueryKeepsUserTextAsText(t *testing.T) {
	cases := []struct {
		terms []string
		want  string
	}{
		{[]string{"生命健康"}, `"生命健康"`},
		{[]string{"马山", "论坛"}, `"马山" AND "论坛"`},
		{[]string{`生命健康"`, "OR", "*:*"}, `"生命健康\"" AND "OR" AND "\*\:\*"`},
		{[]string{"((("}, `"\(\(\("`},
		{[]string{`\`}, `"\\"`},
		{[]string{"a&&b||c", "!x", "{y}", "[z]", "^2~", "?/"}, `"a\&\&b\|\|c" AND "\!x" AND "\{y\}" AND "\[z\]" AND "\^2\~" AND "\?\/"`},
		{[]string{"+马山", "-论坛"}, `"\+马山" AND "\-论坛"`},
		{[]string{"药"}, `(药* OR *药)`},
		{[]string{"a"}, `"a"`},
	}
	for _, c := range cases {
		if got := LuceneQuery(c.terms); got != c.want {
			t.Errorf("LuceneQuery(%q) = %s, want %s", c.terms, got, c.want)
		}
	}
}

func TestAnalytics_MatchedFieldComparesAsTheAnalyzerDoes(t *testing.T) {
	forum := &castgraph.Node{Name: "无锡马山生命健康论坛", Aliases: []string{"马山生命健康论坛"}}
	award := &castgraph.Node{Name: "江苏省创新争先奖", Aliases: []string{"江苏最高科技人才奖"}}
	cases := []struct {
		node  *castgraph.Node
		terms []string
		want  string
	}{
		{forum, []string{"生命健康"}, "name"},
		{forum, []string{`生命健康"`, "OR", "*:*"}, "name"}, // punctuation and stop words drop out
		{award, []string{"最高科技"}, "aliases"},
		{award, []string{"创新", "人才"}, "aliases"},
		{&castgraph.Node{Name: "ＡＢＣ Lab"}, []string{"abc"}, "name"}, // width and case folded
	}
	for _, c := range cases {
		if got := matchedField(c.node, c.terms); got != c.want {
			t.Errorf("matchedField(%s, %q) = %s, want %s", c.node.Name, c.terms, got, c.want)
		}
	}
}
