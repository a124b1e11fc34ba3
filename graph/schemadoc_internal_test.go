package graph

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// undocumentedFile is the schema file this test leaves alone: the roster
// import's schema is documented by the engineer who owns it and is being
// changed by them, so its types, fields, arguments and the fields it adds
// to Query and Mutation are not checked here.
const undocumentedFile = "import.graphqls"

// inUndocumentedFile reports whether a definition comes from undocumentedFile.
func inUndocumentedFile(pos *ast.Position) bool {
	return pos != nil && pos.Src != nil && filepath.Base(pos.Src.Name) == undocumentedFile
}

// wrappedLine finds a single line break inside a paragraph: a newline
// between two non-blank lines. GraphiQL's docs pane renders descriptions as
// Markdown, where such a break is not a new line, so a description is written
// one line per paragraph, paragraphs separated by a blank line.
var wrappedLine = regexp.MustCompile(`\S[ \t]*\n[ \t]*\S`)

// describedWell returns what is wrong with a description, or "".
func describedWell(d string) string {
	switch {
	case strings.TrimSpace(d) == "":
		return "has no description"
	case wrappedLine.MatchString(d):
		return "has a description hard-wrapped inside a paragraph (write one line per paragraph)"
	}
	return ""
}

// TestSchemaIsDescribed walks the executable schema: every type, field,
// argument, input field and enum type an analyst sees in GraphiQL's docs
// pane carries a description, written as prose (no line breaks inside a
// paragraph). So does every value of the enums generated from the registry
// and of the hand-written enums. Built-in scalars, directives and the
// introspection types are gqlgen's and exempt.
func TestSchemaIsDescribed(t *testing.T) {
	s := newExecutableSchema(&Resolver{}).Schema()
	var problems []string
	check := func(what, desc string, pos *ast.Position) {
		if inUndocumentedFile(pos) {
			return
		}
		if p := describedWell(desc); p != "" {
			problems = append(problems, what+" "+p)
		}
	}
	checkArgs := func(owner string, args ast.ArgumentDefinitionList) {
		for _, a := range args {
			check(owner+"("+a.Name+":)", a.Description, a.Position)
		}
	}
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		check(string(def.Kind)+" "+name, def.Description, def.Position)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			check(name+"."+f.Name, f.Description, f.Position)
			checkArgs(name+"."+f.Name, f.Arguments)
		}
		for _, v := range def.EnumValues {
			check(name+"."+v.Name, v.Description, v.Position)
		}
	}
	for name, d := range s.Directives {
		if d.Position == nil || d.Position.Src == nil || d.Position.Src.BuiltIn {
			continue
		}
		check("@"+name, d.Description, d.Position)
		checkArgs("@"+name, d.Arguments)
	}
	sort.Strings(problems)
	for _, p := range problems {
		t.Error(p)
	}
	if len(problems) > 0 {
		t.Logf("%d descriptions missing or wrapped", len(problems))
	}
}

// The check itself: a wrapped paragraph fails, separate paragraphs and a
// description of one line pass.
func TestDescribedWell(t *testing.T) {
	for d, ok := range map[string]bool{
		"":                            false,
		"  ":                          false,
		"One line.":                   true,
		"One paragraph.\n\nAnother.":  true,
		"A paragraph\nwrapped.":       false,
		"A paragraph \n  wrapped.":    false,
		"First.\n\nSecond,\nwrapped.": false,
	} {
		if got := describedWell(d) == ""; got != ok {
			t.Errorf("describedWell(%q) passes = %v, want %v", d, got, ok)
		}
	}
}
