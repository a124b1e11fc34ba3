package graph_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
	"github.com/castgraph/castgraph/store/storetest"
	"github.com/vektah/gqlparser/v2/ast"
)

// TestAccess_EveryMutationAsEveryRole runs every mutation of the schema as
// every role over HTTP. A role whose permissions cover the mutation's
// @requires gets past the check (to NOT_FOUND, INVALID_ARGUMENT or an
// answer); any other is refused with FORBIDDEN, or UNAUTHENTICATED when not
// signed in, and then not one statement reaches Neo4j.
func TestAccess_EveryMutationAsEveryRole(t *testing.T) {
	a := newAPI(t)
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	tag := unique("access-matrix")
	t.Cleanup(func() { storetest.Forget(t, tag) })

	clients := map[castgraph.Role]*api{}
	for _, role := range castgraph.Roles {
		clients[role] = a.as(t, role)
	}
	fields := schema.Mutation.Fields
	sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
	for _, f := range fields {
		needs := required(t, f)
		for _, role := range castgraph.Roles {
			t.Run(f.Name+"/"+string(role), func(t *testing.T) {
				c := clients[role]
				before := a.store.Statements()
				var r response
				if f.Name == "importRoster" {
					r = c.upload(t, `mutation($file: Upload!) { importRoster(file: $file, options: {dryRun: true}) { summary } }`, nil, "matrix.csv", []byte("姓名\n"))
				} else {
					r = c.post(t, "mutation { "+call(schema, f, tag)+" }", nil)
				}
				code := ""
				if len(r.Errors) > 0 {
					code, _ = r.Errors[0].Extensions["code"].(string)
				}
				switch {
				case role.Can(needs):
					if code == castgraph.EFORBIDDEN || code == castgraph.EUNAUTHENTICATED {
						t.Errorf("%s may %s, but got %s: %s", role, needs, code, r.Errors[0].Message)
					}
				case role == castgraph.RoleAnonymous:
					if code != castgraph.EUNAUTHENTICATED {
						t.Errorf("anonymous: got %q %+v, want UNAUTHENTICATED", code, r.Errors)
					}
				default:
					if code != castgraph.EFORBIDDEN {
						t.Errorf("%s lacks %s: got %q %+v, want FORBIDDEN", role, needs, code, r.Errors)
					}
				}
				if !role.Can(needs) {
					if ran := a.store.Statements() - before; ran != 0 {
						t.Errorf("%d statements ran for a refused mutation", ran)
					}
				}
			})
		}
	}
}

// required is the permission a field's @requires names; a mutation
// without one fails the test: every write must say who may make it.
func required(t *testing.T, f *ast.FieldDefinition) castgraph.Permission {
	t.Helper()
	d := f.Directives.ForName("requires")
	if d == nil {
		t.Fatalf("Mutation.%s has no @requires", f.Name)
	}
	return castgraph.Permission(d.Arguments.ForName("permission").Value.Raw)
}

// call writes a call of the mutation with arguments that pass validation:
// every required argument and input field filled from its type, ids naming
// nothing (so updates, deletes and links find nothing) and the source of
// anything created tagged for clean-up.
func call(schema *ast.Schema, f *ast.FieldDefinition, tag string) string {
	var args []string
	for _, arg := range f.Arguments {
		if arg.Type.NonNull {
			args = append(args, arg.Name+": "+value(schema, arg.Type, tag))
		}
	}
	sel := ""
	if t := schema.Types[f.Type.Name()]; t != nil && (t.Kind == ast.Object || t.Kind == ast.Interface) {
		sel = " { __typename }"
	}
	return fmt.Sprintf("%s(%s)%s", f.Name, strings.Join(args, ", "), sel)
}

func value(schema *ast.Schema, typ *ast.Type, tag string) string {
	if typ.Elem != nil {
		return "[]"
	}
	def := schema.Types[typ.Name()]
	switch {
	case def.Kind == ast.Enum:
		return def.EnumValues[0].Name
	case def.Kind == ast.InputObject:
		var fields []string
		for _, f := range def.Fields {
			switch {
			case f.Name == "source":
				fields = append(fields, fmt.Sprintf("source: %q", tag))
			case f.Type.NonNull && f.DefaultValue == nil:
				fields = append(fields, f.Name+": "+value(schema, f.Type, tag))
			}
		}
		return "{" + strings.Join(fields, ", ") + "}"
	}
	switch typ.Name() {
	case "Int":
		return "2024"
	case "Boolean":
		return "false"
	case "Date":
		return `"2024-01-01"`
	case "ID":
		return `"matrix/none"`
	}
	return fmt.Sprintf("%q", tag)
}

// TestAccess_CredentialsThatDoNotHoldAre401 checks the answers to
// credentials that are malformed, unknown or of another kind, and to none
// where public reads are off: 401, WWW-Authenticate, UNAUTHENTICATED, and
// the credential never repeated.
func TestAccess_CredentialsThatDoNotHoldAre401(t *testing.T) {
	a := newAPI(t)
	closed := newAPIWith(t, graph.Options{Auth: auth.NewAuthenticator(a.store, nil, false), Bounds: graph.Bounds{RatePerSecond: -1}})
	for _, tc := range []struct {
		name, url, header, challenge string
	}{
		{"an unknown token", a.url, "Bearer cgt_unknown-secret-value", `Bearer realm="castgraph", error="invalid_token"`},
		{"not a bearer", a.url, "Basic dXNlcjpwYXNz", `Bearer realm="castgraph", error="invalid_token"`},
		{"bearer of nothing", a.url, "Bearer ", `Bearer realm="castgraph", error="invalid_token"`},
		{"a JWT where OIDC is off", a.url, "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", `Bearer realm="castgraph", error="invalid_token"`},
		{"no credentials, public reads off", closed.url, "", `Bearer realm="castgraph"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			header := map[string]string{}
			if tc.header != "" {
				header["Authorization"] = tc.header
			}
			res := send(t, "POST", tc.url+"/graphql", "application/json", strings.NewReader(`{"query":"{ __typename }"}`), header)
			if res.status != 401 || res.code() != castgraph.EUNAUTHENTICATED || res.header.Get("WWW-Authenticate") != tc.challenge {
				t.Errorf("got %d %s %q", res.status, res.code(), res.header.Get("WWW-Authenticate"))
			}
			if secret := strings.TrimPrefix(tc.header, "Bearer "); secret != "" && len(secret) > 8 && strings.Contains(fmt.Sprint(res.body), secret) {
				t.Error("the answer repeats the credential")
			}
		})
	}
	// Signed in, the closed server answers.
	b := *closed
	b.token = a.token
	if r := b.post(t, `{ __typename }`, nil); len(r.Errors) > 0 {
		t.Errorf("signed in: %+v", r.Errors)
	}
}

// TestAccess_TokensAndTheAuditLogAreOutsideTheGraph: a token's name, and the
// audit entries its writes leave, are found by no read of the entity graph.
func TestAccess_TokensAndTheAuditLogAreOutsideTheGraph(t *testing.T) {
	a := newAPI(t)
	name := unique("隐形令牌")
	_, hash := auth.NewToken()
	if err := a.store.CreateToken(t.Context(), store.Token{Name: name, Hash: hash, Role: castgraph.RoleEditor, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { storetest.ForgetToken(t, name) })
	d := a.ok(t, `query($q: String!) { search(text: $q) { node { id } } societies(name: $q) { totalCount } nodeCounts { kind count } }`, map[string]any{"q": name})
	if hits := list(d, "search"); len(hits) != 0 {
		t.Errorf("search found the token: %v", hits)
	}
	if n := get(d, "societies", "totalCount"); n != float64(0) {
		t.Errorf("a list found %v", n)
	}
	for _, k := range list(d, "nodeCounts") {
		if kind := str(k, "kind"); strings.Contains(kind, "Token") || strings.Contains(kind, "Audit") {
			t.Errorf("nodeCounts counts %s", kind)
		}
	}
	if r := a.post(t, `{ node(id: "`+hash+`") { id } }`, nil); get(r.Data, "node") != nil {
		t.Errorf("node(id) found %v", r.Data)
	}
}
