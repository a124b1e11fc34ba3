package store

import (
	"fmt"
	"testing"
)

func TestFindDuplicates_ReasonsAndBounds(t *testing.T) {
	cands := []dupCandidate{
		{id: "e/1", name: "苏州示例科技有限公司", code: "91320500MA1X2Y3Z4A"},
		{id: "e/2", name: "苏州示例科技股份有限公司", code: "91320500ma1x2y3z4a"},
		{id: "e/3", name: "（南京）示例研究院"},
		{id: "e/4", name: "(南京)示例研究院"},
		{id: "e/5", name: "无锡示例集团", aliases: []string{"无锡示例"}},
		{id: "e/6", name: "无锡示例"},
		{id: "e/7", name: "江苏省示例学会"},
		{id: "e/8", name: "示例学会"},
		{id: "e/9", name: "毫不相干"},
	}
	got := map[string]string{}
	for _, d := range findDuplicates(cands, 100) {
		key := ""
		for _, n := range d.Nodes {
			key += n.ID + " "
		}
		got[key] = d.Reason
	}
	want := map[string]string{
		"e/1 e/2 ": DupCreditCode, // the pair is also SIMILAR: the strongest reason only
		"e/3 e/4 ": DupSameName,
		"e/5 e/6 ": DupAlias,
		"e/7 e/8 ": DupSimilar,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if n := len(findDuplicates(cands, 2)); n != 2 {
		t.Errorf("first 2 gave %d groups", n)
	}
	many := make([]dupCandidate, 100)
	for i := range many {
		many[i] = dupCandidate{id: fmt.Sprintf("x/%03d", i), name: "张伟"}
	}
	groups := findDuplicates(many, 10)
	if len(groups) != 1 || len(groups[0].Nodes) != MaxDuplicateGroup {
		t.Errorf("a name shared by 100: %d groups, the first of %d", len(groups), len(groups[0].Nodes))
	}
}

func TestNameStem(t *testing.T) {
	for in, want := range map[string]string{
		"江苏省示例机械工程学会":    "示例机械工程学会",
		"江苏示例机械工程学会":     "示例机械工程学会",
		"示例科技股份有限公司":     "示例科技",
		"示例集团有限公司":       "", // two characters are no evidence
		"示例科技集团有限公司":     "示例科技",
		"中国示例":           "",
		"ＡＢＣ Technology": "abc technology",
	} {
		if got := nameStem(in); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}
