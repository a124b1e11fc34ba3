package castgraph

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
)

// NodeInput is what a caller asks to write about a node: on create every
// field that matters; on update only the fields that are set (nil means "leave
// as is"; a property set to nil in Props means "clear it").
type NodeInput struct {
	Name        *string
	Aliases     []string
	Description *string
	Props       map[string]any
	Source      string
}

// CheckNode validates and normalises a node input for the kind: names not
// empty, only declared properties, values of the declared types, required
// properties present on create, and the input rules every write is held to
// (CheckText, MaxAliases, plausible years and dates, date order, formats
// such as the credit code). Field paths in errors start with prefix (e.g.
// "input"). Props are coerced in place to int64, bool, string or Date.
//
// Every rule is checked here, before any write starts, so that a value
// Neo4j would refuse mid-transaction (a name too large to index) is an
// INVALID_ARGUMENT about its field rather than an INTERNAL error.
func (s *KindSpec) CheckNode(in *NodeInput, creating bool, prefix string) error {
	if in.Name != nil || creating {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			return Errorf(EINVALID, prefix+".name", "name must not be empty")
		}
		trimmed, err := CleanText(*in.Name, TextName)
		if err != nil {
			return Errorf(EINVALID, prefix+".name", "name %v", err)
		}
		in.Name = &trimmed
	}
	if len(in.Aliases) > MaxAliases {
		return Errorf(EINVALID, prefix+".aliases", "%d aliases given; at most %d are allowed", len(in.Aliases), MaxAliases)
	}
	for i, a := range in.Aliases {
		at := fmt.Sprintf("%s.aliases[%d]", prefix, i)
		if strings.TrimSpace(a) == "" {
			return Errorf(EINVALID, at, "aliases must not be empty")
		}
		trimmed, err := CleanText(a, TextName)
		if err != nil {
			return Errorf(EINVALID, at, "alias %v", err)
		}
		in.Aliases[i] = trimmed
	}
	if in.Description != nil {
		if err := CheckText(*in.Description, TextLong); err != nil {
			return Errorf(EINVALID, prefix+".description", "description %v", err)
		}
	}
	if err := CheckSource(in.Source, prefix+".source"); err != nil {
		return err
	}
	for name, v := range in.Props {
		p, ok := s.Prop(name)
		if !ok {
			return Errorf(EINVALID, prefix+"."+name, "%s has no property %q", s.Kind, name)
		}
		if v == nil {
			if p.Required {
				return Errorf(EINVALID, prefix+"."+name, "%s is required", name)
			}
			continue
		}
		c, err := p.Clean(v)
		if err != nil {
			return Errorf(EINVALID, prefix+"."+name, "%v", err)
		}
		in.Props[name] = c
	}
	if creating {
		for _, p := range s.Props {
			if p.Required && in.Props[p.Name] == nil {
				return Errorf(EINVALID, prefix+"."+p.Name, "%s is required", p.Name)
			}
		}
	}
	// On update the order is checked again against the stored values (see
	// store); here it catches both ends given together.
	return CheckDateOrder(in.Props, prefix)
}

// CheckProps validates and coerces a relationship's properties in place,
// with the same rules as CheckNode's.
func (r *RelSpec) CheckProps(props map[string]any, prefix string) error {
	for name, v := range props {
		p, ok := r.Prop(name)
		if !ok {
			return Errorf(EINVALID, prefix+"."+name, "%s has no property %q", r.Type, name)
		}
		if v == nil {
			delete(props, name)
			continue
		}
		c, err := p.Clean(v)
		if err != nil {
			return Errorf(EINVALID, prefix+"."+name, "%v", err)
		}
		props[name] = c
	}
	return CheckDateOrder(props, prefix)
}

// CheckSource checks a provenance source given with a write; empty means
// the default ("api").
func CheckSource(source, field string) error {
	if err := CheckText(strings.TrimSpace(source), TextSource); err != nil {
		return Errorf(EINVALID, field, "source %v", err)
	}
	return nil
}

// Clean coerces a value for a write (see Coerce) and holds it to the
// property's rules: text rules and format for strings, the range for
// numbers, plausible years for dates.
func (p *PropSpec) Clean(v any) (any, error) {
	c, err := p.Coerce(v)
	if err != nil {
		return nil, err
	}
	switch c := c.(type) {
	case string:
		if p.Normalize != nil {
			c = p.Normalize(c)
		}
		if err := CheckText(c, p.Text); err != nil {
			return nil, fmt.Errorf("%s %v", p.Name, err)
		}
		if p.Check != nil && c != "" {
			if err := p.Check(c); err != nil {
				return nil, fmt.Errorf("%s: %v", p.Name, err)
			}
		}
		return c, nil
	case int64:
		if p.Max > p.Min && (c < p.Min || c > p.Max) {
			return nil, fmt.Errorf("%s must be between %d and %d, got %d", p.Name, p.Min, p.Max, c)
		}
	case Date:
		if err := CheckDate(c); err != nil {
			return nil, fmt.Errorf("%s: %v", p.Name, err)
		}
	}
	return c, nil
}

// Coerce turns a decoded JSON or GraphQL value into the property's Go type.
func (p *PropSpec) Coerce(v any) (any, error) {
	switch p.Type {
	case PropString:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s must be a string", p.Name)
		}
		return strings.TrimSpace(s), nil
	case PropBool:
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("%s must be true or false", p.Name)
		}
		return b, nil
	case PropInt:
		return coerceInt(p.Name, v)
	case PropDate:
		switch d := v.(type) {
		case Date:
			return d, nil
		case string:
			parsed, err := ParseDate(d)
			if err != nil {
				return nil, fmt.Errorf("%s must be a date YYYY-MM-DD, got %q", p.Name, d)
			}
			return parsed, nil
		}
		return nil, fmt.Errorf("%s must be a date YYYY-MM-DD", p.Name)
	case PropYearMonth:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("%s must be a year and month YYYY-MM", p.Name)
		}
		ym, err := ParseYearMonth(s)
		if err != nil {
			return nil, fmt.Errorf("%s %v", p.Name, err) // never the value: it may be personal
		}
		return ym, nil
	case PropEnum:
		s, ok := v.(string)
		if !ok {
			if str, isStringer := v.(fmt.Stringer); isStringer {
				s, ok = str.String(), true
			}
		}
		if !ok || !slices.Contains(p.Values, s) {
			return nil, fmt.Errorf("%s must be one of %s", p.Name, strings.Join(p.Values, ", "))
		}
		return s, nil
	}
	return nil, fmt.Errorf("%s has an unknown type", p.Name)
}

func coerceInt(name string, v any) (int64, error) {
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int32:
		return int64(n), nil
	case int64:
		return n, nil
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n), nil
		}
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%s must be a whole number", name)
}
