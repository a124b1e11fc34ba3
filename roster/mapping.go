package roster

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/castgraph/castgraph"
	"github.com/goccy/go-yaml"
)

// Mapping maps the columns of a file (by header) to fields, overriding the
// built-in headers. A column mapped to "-" (or "") is ignored.
type Mapping map[string]Field

// ReadMapping reads a mapping file: a JSON or YAML object from header to
// field name, e.g. {"专家名": "name", "单位全称": "employer", "备注": "-"}.
// Fields are named as in Fields (or by one of their built-in headers).
func ReadMapping(r io.Reader, name string) (Mapping, error) {
	raw, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, err
	}
	// YAML is a superset of JSON, so one parser reads both.
	var m map[string]*string
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return nil, castgraph.Errorf(castgraph.EINVALID, "mapping", "mapping %s is not a JSON or YAML object of column → field: %v", name, firstLine(err.Error()))
	}
	return ParseMapping(m, name)
}

// ParseMapping checks a column → field map.
func ParseMapping(m map[string]*string, name string) (Mapping, error) {
	out := make(Mapping, len(m))
	for col, f := range m {
		field := FieldIgnore
		if f != nil {
			var err error
			if field, err = ParseField(*f); err != nil {
				return nil, castgraph.Errorf(castgraph.EINVALID, "mapping", "mapping %s, column %q: %v; fields are %s", name, col, err, fieldList())
			}
		}
		out[normaliseHeader(col)] = field
	}
	return out, nil
}

func fieldList() string {
	names := make([]string, len(Fields))
	for i, f := range Fields {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// columns is the header of a file mapped to fields for a roster kind.
type columns struct {
	header []string // as written
	fields []Field  // per column; "" or FieldIgnore: not read
	// index is the first column of each field; list fields (society,
	// chain) may have several, joined.
	index map[Field][]int
	// ignored are the headers of the columns whose cells are not read
	// (unknown, not used by the kind, a second column of a field); the
	// columns a mapping ignores on purpose are not among them.
	ignored []string
}

// listField reports whether a field may have several columns, whose values
// add up: societies, chains, aliases, the hosts of a program.
func listField(f Field) bool {
	return f == FieldSociety || f == FieldChain || f == FieldCluster || f == FieldAliases || f == FieldHost || f == FieldPerson
}

// mapColumns maps a header for a kind and reports what it cannot use.
func mapColumns(header []string, kind Kind, mapping Mapping, rep *Report, fatal bool) (*columns, error) {
	spec := kindSpecs[kind]
	c := &columns{header: append([]string(nil), header...), fields: make([]Field, len(header)), index: map[Field][]int{}}
	for i, h := range header {
		if strings.TrimSpace(h) == "" {
			continue
		}
		f, ok := mapping[normaliseHeader(h)]
		if !ok {
			f, ok = builtinField(kind, h)
		}
		switch {
		case !ok:
			rep.warnf(0, h, CodeUnknownColumn, "no field takes column %q; it is ignored (a mapping file can name its field)", h)
			c.ignored = append(c.ignored, h)
			continue
		case f == FieldIgnore:
			continue
		case f != FieldName && !contains(spec.required, f) && !contains(spec.allowed, f):
			msg := fmt.Sprintf("a %s roster does not use %s; column %q is ignored", kind, f, h)
			if hint := ignoredHints[kind][f]; hint != "" {
				msg += " (" + hint + ")"
			}
			rep.warnf(0, h, CodeIgnoredColumn, "%s", msg)
			c.ignored = append(c.ignored, h)
			continue
		case len(c.index[f]) > 0 && !listField(f):
			rep.warnf(0, h, CodeDuplicateColumn, "column %q is %s too, like column %q before it; it is ignored", h, f, header[c.index[f][0]])
			c.ignored = append(c.ignored, h)
			continue
		}
		c.fields[i] = f
		c.index[f] = append(c.index[f], i)
	}
	var missing []string
	for _, f := range spec.required {
		if len(c.index[f]) == 0 {
			missing = append(missing, fmt.Sprintf("%s (%s)", f, strings.Join(aliasesOf(kind, f), ", ")))
		}
	}
	if len(missing) > 0 && fatal {
		msg := fmt.Sprintf("a %s roster needs a column for %s", kind, strings.Join(missing, " and "))
		rep.errorf(0, "", CodeMissingColumn, "%s", msg)
		return c, castgraph.Errorf(castgraph.EINVALID, "file", "%s", msg)
	}
	return c, nil
}

// aliasesOf lists a few headers that a field is known by, for messages.
func aliasesOf(kind Kind, f Field) []string {
	var out []string
	for h, kf := range kindAliases[kind] {
		if kf == f {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	for _, h := range aliases[f][1:] {
		if len(out) >= 3 {
			break
		}
		if _, taken := kindAliases[kind][h]; !taken {
			out = append(out, h)
		}
	}
	return out
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// cell returns the trimmed value of the field's first column in the row.
func (c *columns) cell(cells []string, f Field) (string, string) {
	for _, i := range c.index[f] {
		if i < len(cells) {
			if v := cleanText(cells[i]); v != "" {
				return v, c.header[i]
			}
		}
	}
	if idx := c.index[f]; len(idx) > 0 {
		return "", c.header[idx[0]]
	}
	return "", string(f)
}

// list returns the values of a list field: every column of it, each cell
// split at 、 ; , |.
func (c *columns) list(cells []string, f Field) ([]string, string) {
	var out []string
	column := string(f)
	for n, i := range c.index[f] {
		if n == 0 {
			column = c.header[i]
		}
		if i < len(cells) {
			for _, v := range splitList(cells[i]) {
				out = append(out, cleanText(v))
			}
		}
	}
	return out, column
}

// cleanText tidies a cell the way names are shown: trimmed, runs of white
// space made one space, and no space next to a Chinese character – "苏州 示例
// 电子" is written 苏州示例电子 (castgraph.NormalizeName folds these for keys
// anyway; this keeps the names the import creates free of them, so that the
// full-text index finds them as one phrase).
func cleanText(s string) string {
	s = strings.TrimSpace(s)
	if !strings.ContainsFunc(s, unicode.IsSpace) {
		return s
	}
	fields := strings.Fields(s)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(fields[i-1])
			next, _ := utf8.DecodeRuneInString(f)
			if !unicode.Is(unicode.Han, prev) && !unicode.Is(unicode.Han, next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}
