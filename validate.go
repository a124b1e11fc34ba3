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
// properties present on create. Field paths in errors start with prefix
// (e.g. "input"). Props are coerced in place to int64, bool, string or Date.
func (s *KindSpec) CheckNode(in *NodeInput, creating bool, prefix string) error {
	if in.Name != nil || creating {
		if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
			return Errorf(EINVALID, prefix+".name", "name must not be empty")
		}
		trimmed := strings.TrimSpace(*in.Name)
		in.Name = &trimmed
	}
	for i, a := range in.Aliases {
		if strings.TrimSpace(a) == "" {
			return Errorf(EINVALID, fmt.Sprintf("%s.aliases[%d]", prefix, i), "aliases must not be empty")
		}
		in.Aliases[i] = strings.TrimSpace(a)
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
		c, err := p.Coerce(v)
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
	return nil
}

// CheckProps validates and coerces a relationship's properties in place.
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
		c, err := p.Coerce(v)
		if err != nil {
			return Errorf(EINVALID, prefix+"."+name, "%v", err)
		}
		props[name] = c
	}
	return nil
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
