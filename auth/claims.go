package auth

import (
	"slices"
	"strings"

	"github.com/castgraph/castgraph"
)

// lookupClaim finds the claim a dotted path names in a token's claims:
// "roles", "realm_access.roles" (Keycloak's realm roles),
// "resource_access.castgraph.roles" (a Keycloak client's roles). At each
// level the rest of the path is first tried as one name, so claims whose
// names hold dots themselves — Auth0's namespaced
// "https://castgraph.example/roles", a Keycloak client id such as
// "castgraph.prod" — are found too.
func lookupClaim(claims map[string]any, path string) (any, bool) {
	if v, ok := claims[path]; ok {
		return v, true
	}
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		inner, ok := claims[path[:i]].(map[string]any)
		if !ok {
			continue
		}
		if v, ok := lookupClaim(inner, path[i+1:]); ok {
			return v, true
		}
	}
	return nil, false
}

// roleFromClaim returns the most trusted castgraph role a claim's value
// names, and whether it names any. The value is a string or a list of
// strings; names castgraph does not know (an organisation's other roles,
// Keycloak's "offline_access") are skipped, as are "anonymous" — a signed-in
// caller is not anonymous, and that role grants nothing — and values of any
// other type.
func roleFromClaim(v any) (castgraph.Role, bool) {
	var names []string
	switch v := v.(type) {
	case string:
		names = []string{v}
	case []any:
		for _, n := range v {
			if s, ok := n.(string); ok {
				names = append(names, s)
			}
		}
	}
	best := -1
	for _, n := range names {
		r, err := castgraph.ParseRole(n)
		if err != nil || r == castgraph.RoleAnonymous {
			continue
		}
		// castgraph.Roles runs from the least to the most trusted.
		best = max(best, slices.Index(castgraph.Roles, r))
	}
	if best < 0 {
		return "", false
	}
	return castgraph.Roles[best], true
}

// grantableRoles lists the roles a token may name, for messages.
func grantableRoles() string {
	var names []string
	for _, r := range castgraph.Roles {
		if r != castgraph.RoleAnonymous {
			names = append(names, string(r))
		}
	}
	return strings.Join(names, ", ")
}
