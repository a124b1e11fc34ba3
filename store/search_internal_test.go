package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
)

// Search's text handling is pure: these tests need no database.

// luceneSpecial are the characters with a meaning in Lucene's classic query
// syntax (QueryParser.escape).
const luceneSpecial = `\+-!():^[]"{}~*?|&/`

// parsePlainQuery reads a query as LuceneQuery writes it, and fails on
// anything else: clauses joined by " AND ", each a quoted phrase in which
// every special character and space is escaped, or the wildcard pair of a
// single Chinese character. It returns the text of each clause.
func parsePlainQuery(q string) ([]string, error) {
	var terms []string
	rest := q
	for {
		var term string
		switch {
		case strings.HasPrefix(rest, `"`):
			var b strings.Builder
			i := 1
			for ; i < len(rest) && rest[i] != '"'; i++ {
				r, size := utf8.DecodeRuneInString(rest[i:])
				if r == '\\' {
					i += size
					if i == len(rest) {
						return nil, fmt.Errorf("a backslash ends the query")
					}
					r, size = utf8.DecodeRuneInString(rest[i:])
					if !strings.ContainsRune(luceneSpecial, r) && !unicode.IsSpace(r) {
						return nil, fmt.Errorf("%q escaped needlessly", r)
					}
				} else if strings.ContainsRune(luceneSpecial, r) || unicode.IsSpace(r) {
					return nil, fmt.Errorf("unescaped %q in a phrase", r)
				}
				b.WriteRune(r)
				i += size - 1
			}
			if i == len(rest) {
				return nil, fmt.Errorf("an unclosed phrase")
			}
			term, rest = b.String(), rest[i+1:]
		case strings.HasPrefix(rest, "("):
			r, _ := utf8.DecodeRuneInString(rest[1:])
			h := string(r)
			if !unicode.Is(unicode.Han, r) || !strings.HasPrefix(rest, "("+h+"* OR *"+h+")") {
				return nil, fmt.Errorf("a group that is not the wildcards of one Chinese character: %q", rest)
			}
			term, rest = h, rest[len("("+h+"* OR *"+h+")"):]
		default:
			return nil, fmt.Errorf("a clause that is neither a phrase nor a character's wildcards: %q", rest)
		}
		terms = append(terms, term)
		if rest == "" {
			return terms, nil
		}
		if !strings.HasPrefix(rest, " AND ") {
			return nil, fmt.Errorf("clauses joined by %q, not AND", rest)
		}
		rest = rest[len(" AND "):]
	}
}

func TestSearchTerms_SplitsAtWhiteSpace(t *testing.T) {
	for text, want := range map[string][]string{
		"生命健康":                   {"生命健康"},
		"  生命 健康\t":              {"生命", "健康"},
		"生命\u3000健康\n院士":         {"生命", "健康", "院士"}, // a full-width space splits too
		`生命健康" OR *:*`:           {`生命健康"`, "OR", "*:*"},
		strings.Repeat("中", 200): {strings.Repeat("中", 200)},
	} {
		got, err := searchTerms(text)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("searchTerms(%q) = %q, %v; want %q", text, got, err, want)
		}
	}
}

func TestSearchTerms_RefusesBlankLongAndManyTerms(t *testing.T) {
	for name, text := range map[string]string{
		"empty":             "",
		"blank":             " \t\n\u3000",
		"201 characters":    strings.Repeat("中", MaxSearchText+1),
		"21 terms":          strings.Repeat("a ", MaxSearchTerms+1),
		"201 bytes of junk": strings.Repeat("\xff", MaxSearchText+1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := searchTerms(text)
			var e *castgraph.Error
			if !errors.As(err, &e) || e.Code != castgraph.EINVALID || e.Field != "text" {
				t.Fatalf("got %v", err)
			}
		})
	}
	if _, err := searchTerms(strings.TrimSpace(strings.Repeat("a ", MaxSearchTerms))); err != nil {
		t.Fatalf("%d terms: %v", MaxSearchTerms, err)
	}
}

func TestLuceneQuery_SyntaxIsSearchedAsText(t *testing.T) {
	for _, c := range []struct {
		terms []string
		want  string
	}{
		{[]string{"生命健康"}, `"生命健康"`},
		{[]string{"中"}, `(中* OR *中)`},
		{[]string{"中", "AI"}, `(中* OR *中) AND "AI"`},
		{[]string{`生命健康"`, "OR", "*:*"}, `"生命健康\"" AND "OR" AND "\*\:\*"`},
		{[]string{`a\`}, `"a\\"`},
		{[]string{"+a", "-b", "!c", "(d)", "e^2", "[f", "g]", "{h}", "i~", "j?", "k||l", "m&&n", "o/p"},
			`"\+a" AND "\-b" AND "\!c" AND "\(d\)" AND "e\^2" AND "\[f" AND "g\]" AND "\{h\}" AND "i\~" AND "j\?" AND "k\|\|l" AND "m\&\&n" AND "o\/p"`},
		{[]string{"name:x", "*"}, `"name\:x" AND "\*"`},
		{[]string{"中*"}, `"中\*"`}, // only a lone character becomes wildcards
	} {
		got := LuceneQuery(c.terms)
		if got != c.want {
			t.Errorf("LuceneQuery(%q)\n got %s\nwant %s", c.terms, got, c.want)
		}
		if terms, err := parsePlainQuery(got); err != nil || !slices.Equal(terms, c.terms) {
			t.Errorf("%s reads as %q, %v", got, terms, err)
		}
	}
}

// Any text is either refused or becomes a query of at most MaxSearchTerms
// plain clauses, each the text of one term with its syntax escaped.
func FuzzSearch_QueryIsPlainText(f *testing.F) {
	for _, s := range []string{"生命健康", "中", `生命健康" OR *:*`, `a\ "b`, "*:* OR name:/.*/", "中 国", "(中* OR *中)", "\xff\x00\u3000x", "AND && || NOT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		terms, err := searchTerms(text)
		if err != nil {
			if castgraph.ErrorCode(err) != castgraph.EINVALID {
				t.Fatalf("uncoded error: %v", err)
			}
			return
		}
		if len(terms) == 0 || len(terms) > MaxSearchTerms {
			t.Fatalf("%d terms", len(terms))
		}
		q := LuceneQuery(terms)
		got, err := parsePlainQuery(q)
		if err != nil {
			t.Fatalf("%q gave %s: %v", text, q, err)
		}
		if len(got) != len(terms) {
			t.Fatalf("%d terms gave %d clauses: %s", len(terms), len(got), q)
		}
		for i, term := range terms {
			// Bytes that are not UTF-8 are searched as U+FFFD.
			if want := string([]rune(term)); got[i] != want {
				t.Fatalf("term %q reads back as %q in %s", want, got[i], q)
			}
			if utf8.RuneCountInString(got[i]) > MaxSearchText {
				t.Fatalf("a clause of %d characters", utf8.RuneCountInString(got[i]))
			}
		}
	})
}
