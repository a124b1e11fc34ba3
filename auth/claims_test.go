package auth

import (
	"encoding/json"
	"testing"

	"github.com/castgraph/castgraph"
)

func TestRoleClaim(t *testing.T) {
	// Claims as a JSON decoder gives them: objects are map[string]any,
	// lists []any.
	const claims = `{
		"roles": "Editor",
		"groups": ["staff", "editor", "viewer"],
		"realm_access": {"roles": ["offline_access", "uma_authorization", "analyst"]},
		"resource_access": {
			"castgraph.prod": {"roles": ["importer"]},
			"account": {"roles": ["manage-account"]}
		},
		"https://castgraph.example/roles": ["viewer", "admin", "editor"],
		"anon": ["anonymous"],
		"mixed": [1, null, {"x": 1}, "viewer"],
		"number": 3,
		"object": {"admin": true},
		"empty": []
	}`
	var m map[string]any
	if err := json.Unmarshal([]byte(claims), &m); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path  string
		found bool
		role  castgraph.Role // "": names no role
	}{
		{"roles", true, castgraph.RoleEditor},                                  // a plain string, any case
		{"groups", true, castgraph.RoleEditor},                                 // an unknown name is skipped
		{"realm_access.roles", true, castgraph.RoleAnalyst},                    // Keycloak's realm roles
		{"resource_access.castgraph.prod.roles", true, castgraph.RoleImporter}, // a client id with a dot
		{"resource_access.account.roles", true, ""},                            // only names castgraph does not know
		{"https://castgraph.example/roles", true, castgraph.RoleAdmin},         // a namespaced claim; the most trusted wins
		{"anon", true, ""},                    // anonymous is no role for a signed-in caller
		{"mixed", true, castgraph.RoleViewer}, // other values in the list are skipped
		{"number", true, ""},
		{"object", true, ""},
		{"empty", true, ""},
		{"realm_access", true, ""}, // the object, not its roles
		{"missing", false, ""},
		{"realm_access.missing", false, ""},
		{"groups.0", false, ""}, // no descent into lists
		{"roles.x", false, ""},
		{"", false, ""},
	} {
		v, found := lookupClaim(m, c.path)
		if found != c.found {
			t.Errorf("%q: found %v, want %v", c.path, found, c.found)
			continue
		}
		role, ok := roleFromClaim(v)
		if ok != (c.role != "") || role != c.role {
			t.Errorf("%q: role %q (%v), want %q", c.path, role, ok, c.role)
		}
	}
}
