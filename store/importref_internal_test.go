package store

import (
	"strings"
	"testing"
)

// similarQuery asks for the bigrams of Chinese runs and the other words,
// ORed, escaped, at most similarTerms of them whatever the text's length.
func TestSimilarQuery_TermsAndBound(t *testing.T) {
	for text, want := range map[string]string{
		"江苏省示例学会":         "江苏 OR 苏省 OR 省示 OR 示例 OR 例学 OR 学会",
		"示例学会第70号t3f9a":   "示例 OR 例学 OR 学会 OR 会第 OR 70 OR 号 OR t3f9a",
		"Jiangsu (AI) 学会": "jiangsu OR ai OR 学会",
		"学":               "学",
		"学会学会":            "学会 OR 会学",
		"a+b":             "a OR b",
		"()":              "",
	} {
		if got := similarQuery(text); got != want {
			t.Errorf("%q: %q, want %q", text, got, want)
		}
	}
	long := similarQuery(strings.Repeat("江苏省示例机械工程学会分会", 100))
	if n := len(strings.Split(long, " OR ")); n > similarTerms {
		t.Errorf("%d terms", n)
	}
}
