package castgraph_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
)

func TestCheckText(t *testing.T) {
	long := func(n int) string { return strings.Repeat("学", n) }
	for _, tc := range []struct {
		name string
		in   string
		kind castgraph.TextKind
		ok   bool
		want string // in the message when refused
	}{
		{"plain Chinese name", "江苏省科学技术协会", castgraph.TextName, true, ""},
		{"Latin name with spaces", "Siemens (China) Co., Ltd.", castgraph.TextName, true, ""},
		{"name at the limit", long(castgraph.MaxNameLen), castgraph.TextName, true, ""},
		{"name over the limit", long(castgraph.MaxNameLen + 1), castgraph.TextName, false, "at most 200"},
		{"10 KB name", strings.Repeat("x", 10240), castgraph.TextName, false, "10240 characters"},
		{"NUL", "张\x00三", castgraph.TextName, false, "NUL"},
		{"ANSI escape", "\x1b[31m红\x1b[0m", castgraph.TextName, false, "escape"},
		{"BEL", "张三\a", castgraph.TextName, false, "control character"},
		{"newline in a name", "张\n三", castgraph.TextName, false, "line break"},
		{"CR in a name", "张\r三", castgraph.TextName, false, "line break"},
		{"tab in a name", "张\t三", castgraph.TextName, false, "tab"},
		{"DEL", "张\x7f三", castgraph.TextName, false, "control character"},
		{"C1 CSI", "张\u009b31m", castgraph.TextName, false, "control character"},
		{"NEL", "张\u0085三", castgraph.TextName, false, "control character"},
		{"right-to-left override", "abc\u202Egpj.exe", castgraph.TextName, false, "bidirectional"},
		{"left-to-right mark", "abc\u200E", castgraph.TextName, false, "bidirectional"},
		{"right-to-left mark", "\u200Fabc", castgraph.TextName, false, "bidirectional"},
		{"isolate", "\u2066abc\u2069", castgraph.TextName, false, "bidirectional"},
		{"Arabic letter mark", "a\u061Cb", castgraph.TextName, false, "bidirectional"},
		{"line separator", "a\u2028b", castgraph.TextLine, false, "line break"},
		{"invalid UTF-8", "张\xff三", castgraph.TextName, false, "UTF-8"},
		{"truncated UTF-8", "张\xe5", castgraph.TextName, false, "UTF-8"},
		{"name that grows past the index limit when normalised", strings.Repeat("\uFDFA", castgraph.MaxNameLen), castgraph.TextName, false, "normalised"},
		{"line at the limit", long(castgraph.MaxLineLen), castgraph.TextLine, true, ""},
		{"line over the limit", long(castgraph.MaxLineLen + 1), castgraph.TextLine, false, "at most 500"},
		{"1 MB source", strings.Repeat("s", 1<<20), castgraph.TextSource, false, "at most 300"},
		{"source", "roster experts.xlsx, row 12", castgraph.TextSource, true, ""},
		{"long text with lines and tabs", "第一段\n\t第二段\r\n第三段", castgraph.TextLong, true, ""},
		{"long text with a lone CR", "a\rb", castgraph.TextLong, false, "LF or CR LF"},
		{"long text with NUL", "a\x00b", castgraph.TextLong, false, "NUL"},
		{"long text with ANSI", "a\x1b[2Jb", castgraph.TextLong, false, "escape"},
		{"long text with a bidi override", "a\u202Eb", castgraph.TextLong, false, "bidirectional"},
		{"long text over the limit", long(castgraph.MaxTextLen + 1), castgraph.TextLong, false, "at most 20000"},
		{"zero-width joiner stays (emoji, Indic scripts)", "👩\u200D🔬", castgraph.TextName, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := castgraph.CheckText(tc.in, tc.kind)
			switch {
			case tc.ok && err != nil:
				t.Errorf("refused: %v", err)
			case !tc.ok && err == nil:
				t.Errorf("accepted")
			case !tc.ok && !strings.Contains(err.Error(), tc.want):
				t.Errorf("message %q does not say %q", err, tc.want)
			}
		})
	}
}

// invalid asserts err is an INVALID_ARGUMENT about field whose message
// holds want.
func invalid(t *testing.T, err error, field, want string) {
	t.Helper()
	var e *castgraph.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want INVALID_ARGUMENT about %s", err, field)
	}
	if e.Code != castgraph.EINVALID || e.Field != field || !strings.Contains(e.Message, want) {
		t.Errorf("err = %v, want INVALID_ARGUMENT about %s saying %q", err, field, want)
	}
}

func TestCheckNode_RefusesWhatNoWriteMayHold(t *testing.T) {
	spec := func(k castgraph.Kind) *castgraph.KindSpec {
		s, _ := castgraph.SpecOf(k)
		return s
	}
	name := func(s string) *string { return &s }
	many := make([]string, castgraph.MaxAliases+1)
	for i := range many {
		many[i] = "别名" + string(rune('甲'+i))
	}
	for _, tc := range []struct {
		name  string
		kind  castgraph.Kind
		in    castgraph.NodeInput
		field string
		want  string
	}{
		{"NUL in a name", castgraph.KindSociety, castgraph.NodeInput{Name: name("学会\x00")}, "input.name", "NUL"},
		{"newline in a name", castgraph.KindSociety, castgraph.NodeInput{Name: name("学\n会")}, "input.name", "line break"},
		{"bidi override in an alias", castgraph.KindSociety, castgraph.NodeInput{Name: name("学会"), Aliases: []string{"好", "a\u202Eb"}}, "input.aliases[1]", "bidirectional"},
		{"too many aliases", castgraph.KindSociety, castgraph.NodeInput{Name: name("学会"), Aliases: many}, "input.aliases", "at most 50"},
		{"ANSI in a description", castgraph.KindSociety, castgraph.NodeInput{Name: name("学会"), Description: name("\x1b[31mred")}, "input.description", "escape"},
		{"long source", castgraph.KindSociety, castgraph.NodeInput{Name: name("学会"), Source: strings.Repeat("s", 1<<20)}, "input.source", "at most 300"},
		{"BEL in a property", castgraph.KindSociety, castgraph.NodeInput{Name: name("学会"), Props: map[string]any{"field": "化学\a"}}, "input.field", "control"},
		{"year 99999", castgraph.KindProgram, castgraph.NodeInput{Name: name("计划"), Props: map[string]any{"kind": "EVENT", "year": 99999}}, "input.year", "between 1900 and 2100"},
		{"section number 0", castgraph.KindPlanSection, castgraph.NodeInput{Name: name("一"), Props: map[string]any{"year": 2024, "number": 0}}, "input.number", "between 1 and 999"},
		{"date in year 1066", castgraph.KindPlan, castgraph.NodeInput{Name: name("计划"), Props: map[string]any{"year": 2024, "issuedOn": "1066-10-14"}}, "input.issuedOn", "1900–2100"},
		{"published before issued", castgraph.KindPlan, castgraph.NodeInput{Name: name("计划"), Props: map[string]any{"year": 2024, "issuedOn": "2024-02-18", "publishedOn": "2024-02-01"}}, "input.publishedOn", "before issuedOn"},
		{"malformed credit code", castgraph.KindEnterprise, castgraph.NodeInput{Name: name("公司"), Props: map[string]any{"creditCode": "91320100MA1W00000X"}}, "input.creditCode", "GB 32100"},
		{"credit code of the wrong length", castgraph.KindEnterprise, castgraph.NodeInput{Name: name("公司"), Props: map[string]any{"creditCode": "9132"}}, "input.creditCode", "18 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			invalid(t, spec(tc.kind).CheckNode(&tc.in, true, "input"), tc.field, tc.want)
		})
	}
}

func TestCheckNode_NormalisesACreditCode(t *testing.T) {
	spec, _ := castgraph.SpecOf(castgraph.KindEnterprise)
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range d.Nodes {
		code, ok := n.Props["creditCode"].(string)
		if !ok {
			continue
		}
		name := "公司"
		lower := strings.ToLower(code)
		in := castgraph.NodeInput{Name: &name, Props: map[string]any{"creditCode": " " + lower[:6] + "-" + lower[6:]}}
		if err := spec.CheckNode(&in, true, "input"); err != nil {
			t.Fatal(err)
		}
		if in.Props["creditCode"] != code {
			t.Errorf("creditCode = %q, want %q", in.Props["creditCode"], code)
		}
		return
	}
	t.Fatal("the demo has no credit codes")
}

func TestCheckProps_DateOrderAndYears(t *testing.T) {
	member, _ := castgraph.RelSpecOf(castgraph.RelMemberOf)
	invalid(t, member.CheckProps(map[string]any{"since": "2024-05-01", "until": "2020-01-01"}, "input.props"), "input.props.until", "before since")
	invalid(t, member.CheckProps(map[string]any{"since": "2999-05-01"}, "input.props"), "input.props.since", "1900–2100")
	invalid(t, member.CheckProps(map[string]any{"role": "理事\x1b[0m"}, "input.props"), "input.props.role", "escape")
	invalid(t, member.CheckProps(map[string]any{"role": strings.Repeat("长", castgraph.MaxLineLen+1)}, "input.props"), "input.props.role", "at most 500")
	awarded, _ := castgraph.RelSpecOf(castgraph.RelAwarded)
	invalid(t, awarded.CheckProps(map[string]any{"year": 99999}, "input.props"), "input.props.year", "between 1900 and 2100")
	// The same day is a period of one day; open ends are fine.
	for _, ok := range []map[string]any{
		{"since": "2024-05-01", "until": "2024-05-01"},
		{"since": "2024-05-01"},
		{"until": "2024-05-01", "role": "理事"},
	} {
		if err := member.CheckProps(ok, "input.props"); err != nil {
			t.Errorf("%v: %v", ok, err)
		}
	}
}

// The curated and demo data are held to the same rules; they must pass.
func TestCheckText_SeedAndDemoDataPass(t *testing.T) {
	for _, load := range []func() (*castgraph.Dataset, error){data.Seed, data.Demo} {
		d, err := load()
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Check(); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzCheckText checks the invariants of the text rules on any input: no
// panic, and text accepted holds no control or bidirectional character
// (beyond what long text may hold), is valid UTF-8 and within its limit.
func FuzzCheckText(f *testing.F) {
	for _, s := range []string{"张三", "a\x00b", "\x1b[31m", "a\u202Eb", "a\r\nb", "a\rb", "\xff", strings.Repeat("\uFDFA", 300), "  x  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, kind := range []castgraph.TextKind{castgraph.TextLine, castgraph.TextName, castgraph.TextLong, castgraph.TextSource} {
			clean, err := castgraph.CleanText(s, kind)
			if err != nil {
				continue
			}
			if !utf8.ValidString(clean) {
				t.Fatalf("kind %d accepted invalid UTF-8 %q", kind, clean)
			}
			if n := utf8.RuneCountInString(clean); n > kind.Limit() {
				t.Fatalf("kind %d accepted %d characters", kind, n)
			}
			for _, r := range clean {
				if kind == castgraph.TextLong && (r == '\n' || r == '\t' || r == '\r') {
					continue
				}
				if unicode.IsControl(r) || r == 0x202E || r == 0x2066 || r == 0x200F || r == 0x2028 {
					t.Fatalf("kind %d accepted %U in %q", kind, r, clean)
				}
			}
			if kind == castgraph.TextLong && strings.Contains(strings.ReplaceAll(clean, "\r\n", ""), "\r") {
				t.Fatalf("a lone CR was accepted in %q", clean)
			}
		}
	})
}
