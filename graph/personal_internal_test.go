package graph

import (
	"context"
	"errors"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/vektah/gqlparser/v2/ast"
)

// requiresOf returns the permission of a definition's @requires, or "".
func requiresOf(dirs ast.DirectiveList) string {
	d := dirs.ForName("requires")
	if d == nil {
		return ""
	}
	if arg := d.Arguments.ForName("permission"); arg != nil && arg.Value != nil {
		return arg.Value.Raw
	}
	return ""
}

// TestPersonalSchema walks the executable schema: every personal property
// of the registry is a field carrying @requires(permission: READ_PERSONAL)
// and no sort field, and every mutation carries a @requires.
func TestPersonalSchema(t *testing.T) {
	s := newExecutableSchema(&Resolver{}).Schema()
	found := 0
	for _, ks := range castgraph.Kinds {
		typ := s.Types[string(ks.Kind)]
		if typ == nil {
			t.Fatalf("the schema has no type %s", ks.Kind)
		}
		sort := s.Types[string(ks.Kind)+"SortField"]
		for _, p := range ks.Props {
			f := typ.Fields.ForName(p.Name)
			if f == nil {
				t.Errorf("%s.%s is not in the schema", ks.Kind, p.Name)
				continue
			}
			got := requiresOf(f.Directives)
			switch {
			case p.Personal && got != string(castgraph.PermReadPersonal):
				t.Errorf("%s.%s is personal but has @requires(permission: %q)", ks.Kind, p.Name, got)
			case !p.Personal && got != "":
				t.Errorf("%s.%s is not personal but needs %s", ks.Kind, p.Name, got)
			}
			if p.Personal {
				found++
				if sort != nil && sort.EnumValues.ForName(upperSnake(p.Name)) != nil {
					t.Errorf("%s can be sorted by the personal field %s", ks.Kind, p.Name)
				}
			}
		}
	}
	if found < 4 {
		t.Errorf("only %d personal fields in the registry; the expert has gender, birthMonth, phone and email", found)
	}
	if s.Mutation == nil || len(s.Mutation.Fields) == 0 {
		t.Fatal("the schema has no mutations")
	}
	for _, f := range s.Mutation.Fields {
		if requiresOf(f.Directives) == "" {
			t.Errorf("Mutation.%s has no @requires", f.Name)
		}
	}
}

// upperSnake is the sort-field enum value of a property (as cmd/schemagen makes it).
func upperSnake(s string) string {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			if i > 0 {
				out = append(out, '_')
			}
		} else if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		out = append(out, c)
	}
	return string(out)
}

func actorCtx(role castgraph.Role) context.Context {
	if role == castgraph.RoleAnonymous {
		return castgraph.WithActor(context.Background(), castgraph.Anonymous)
	}
	return castgraph.WithActor(context.Background(), castgraph.Actor{Name: "t", Via: "token", Role: role})
}

// TestPersonalFilterCheck: the paths a filter can reach a personal field by,
// and who may use them.
func TestPersonalFilterCheck(t *testing.T) {
	for _, tc := range []struct {
		name  string
		kind  castgraph.Kind
		where map[string]any
		order []any
		path  string // "" when the query is not personal
	}{
		{"plain", castgraph.KindExpert, map[string]any{"name": map[string]any{"eq": "张三"}, "title": map[string]any{"eq": "教授"}}, nil, ""},
		{"direct", castgraph.KindExpert, map[string]any{"birthMonth": map[string]any{"lt": "1990-01"}}, nil, "where.birthMonth"},
		{"a null is no filter", castgraph.KindExpert, map[string]any{"phone": nil}, nil, ""},
		{"AND", castgraph.KindExpert, map[string]any{"AND": []any{map[string]any{"id": map[string]any{"eq": "x"}}, map[string]any{"gender": map[string]any{"eq": "MALE"}}}}, nil, "where.AND[1].gender"},
		{"OR", castgraph.KindExpert, map[string]any{"OR": []any{map[string]any{"email": map[string]any{"contains": "@"}}}}, nil, "where.OR[0].email"},
		{"NOT", castgraph.KindExpert, map[string]any{"NOT": map[string]any{"phone": map[string]any{"startsWith": "138"}}}, nil, "where.NOT.phone"},
		{"through a relationship", castgraph.KindIndustryChain, map[string]any{"enterprises": map[string]any{"some": map[string]any{"servedBy": map[string]any{"some": map[string]any{"birthMonth": map[string]any{"gte": "1980-01"}}}}}}, nil, "where.enterprises.some.servedBy.some.birthMonth"},
		{"two relationships down", castgraph.KindEnterprise, map[string]any{"servedBy": map[string]any{"none": map[string]any{"memberOf": map[string]any{"all": map[string]any{"name": map[string]any{"eq": "x"}}}, "NOT": map[string]any{"gender": map[string]any{"eq": "FEMALE"}}}}}, nil, "where.servedBy.none.NOT.gender"},
		{"a kind without personal fields", castgraph.KindSociety, map[string]any{"scope": map[string]any{"eq": "PROVINCIAL"}}, nil, ""},
		{"sorted by a personal field", castgraph.KindExpert, nil, []any{map[string]any{"field": "NAME"}, map[string]any{"field": "BIRTH_MONTH"}}, "orderBy[1].field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := map[string]any{"where": tc.where, "orderBy": tc.order}
			check := func(ctx context.Context) error { _, err := parseArgs(ctx, args, tc.kind); return err }
			if err := check(actorCtx(castgraph.RoleAnalyst)); err != nil {
				t.Errorf("an analyst is refused: %v", err)
			}
			for role, code := range map[castgraph.Role]string{castgraph.RoleViewer: castgraph.EFORBIDDEN, castgraph.RoleAnonymous: castgraph.EUNAUTHENTICATED} {
				err := check(actorCtx(role))
				if tc.path == "" {
					if err != nil {
						t.Errorf("%s is refused a query without personal fields: %v", role, err)
					}
					continue
				}
				var e *castgraph.Error
				if !errors.As(err, &e) || e.Code != code || e.Field != tc.path {
					t.Errorf("%s: %v; want %s about %s", role, err, code, tc.path)
				}
			}
			// A request that got past the HTTP layer without an actor is refused too.
			if tc.path != "" && check(context.Background()) == nil {
				t.Error("a context without an actor is let through")
			}
		})
	}
	// On nodes of several kinds only id and name are filters: a personal
	// field there is refused as no filter at all, to everyone.
	for _, role := range []castgraph.Role{castgraph.RoleAnalyst, castgraph.RoleViewer} {
		for kind, where := range map[castgraph.Kind]map[string]any{
			"":                    {"phone": map[string]any{"eq": "1"}},
			castgraph.KindSociety: {"members": map[string]any{"some": map[string]any{"birthMonth": map[string]any{"gte": "1980-01"}}}},
		} {
			if _, err := parseArgs(actorCtx(role), map[string]any{"where": where}, kind); castgraph.ErrorCode(err) != castgraph.EINVALID {
				t.Errorf("%s: a personal field on several kinds: %v", role, err)
			}
		}
	}
}

// TestPersonalInputCheck: writing a personal field needs READ_PERSONAL.
func TestPersonalInputCheck(t *testing.T) {
	in := castgraph.NodeInput{Props: map[string]any{"title": "教授", "phone": nil}}
	var e *castgraph.Error
	if err := checkPersonalInput(actorCtx(castgraph.RoleViewer), castgraph.KindExpert, in); !errors.As(err, &e) || e.Code != castgraph.EFORBIDDEN || e.Field != "input.phone" {
		t.Errorf("a viewer clearing a phone: %v; want FORBIDDEN about input.phone", err)
	}
	if err := checkPersonalInput(actorCtx(castgraph.RoleEditor), castgraph.KindExpert, in); err != nil {
		t.Errorf("an editor is refused: %v", err)
	}
	in = castgraph.NodeInput{Props: map[string]any{"title": "教授"}}
	if err := checkPersonalInput(actorCtx(castgraph.RoleViewer), castgraph.KindExpert, in); err != nil {
		t.Errorf("an input without personal fields is refused: %v", err)
	}
}
