package castgraph

import (
	"context"
	"slices"
	"strings"
)

// Permission is one thing a caller may do. The schema declares on every
// mutation and every personal field the permission it needs
// (@requires(permission: …)); one check grants or refuses it.
type Permission string

// The permissions.
const (
	// PermRead is reading everything but personal fields.
	PermRead Permission = "READ"
	// PermReadPersonal is reading personal fields (and filtering on them).
	PermReadPersonal Permission = "READ_PERSONAL"
	// PermWrite is create, update, delete, link and unlink.
	PermWrite Permission = "WRITE"
	// PermImport is importing rosters.
	PermImport Permission = "IMPORT"
	// PermAdmin is managing tokens and reading the audit log.
	PermAdmin Permission = "ADMIN"
)

// Permissions lists every permission, in the order of the roles that add them.
var Permissions = []Permission{PermRead, PermReadPersonal, PermWrite, PermImport, PermAdmin}

// Role is a caller's role. The roles form a ladder: each may do what the
// ones below it may.
type Role string

// The roles, from the least to the most trusted.
const (
	RoleAnonymous Role = "anonymous" // no credentials, where the server allows public reads: reads but personal fields
	RoleViewer    Role = "viewer"    // reads everything but personal fields, signed in
	RoleAnalyst   Role = "analyst"   // and personal fields
	RoleEditor    Role = "editor"    // and writes: create, update, delete, link, unlink
	RoleImporter  Role = "importer"  // and roster imports
	RoleAdmin     Role = "admin"     // and tokens and the audit log
)

// Roles lists the roles from the least to the most trusted.
var Roles = []Role{RoleAnonymous, RoleViewer, RoleAnalyst, RoleEditor, RoleImporter, RoleAdmin}

// grants is the permission each role adds to those below it (none for a
// viewer: it reads what anonymous callers read, but under its own name).
var grants = map[Role]Permission{
	RoleAnonymous: PermRead,
	RoleAnalyst:   PermReadPersonal,
	RoleEditor:    PermWrite,
	RoleImporter:  PermImport,
	RoleAdmin:     PermAdmin,
}

// ParseRole reads a role name (as in `token create -role` or an OIDC claim).
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !slices.Contains(Roles, r) {
		names := make([]string, len(Roles))
		for i, r := range Roles {
			names[i] = string(r)
		}
		return "", Errorf(EINVALID, "role", "unknown role %q: want one of %s", s, strings.Join(names, ", "))
	}
	return r, nil
}

// Can tells whether the role grants the permission: whether it or a role
// below it adds it.
func (r Role) Can(p Permission) bool {
	for _, role := range Roles {
		if grants[role] == p {
			return true
		}
		if role == r {
			return false
		}
	}
	return false
}

// Rank orders roles: a higher rank is more trusted (-1 for no role).
func (r Role) Rank() int { return slices.Index(Roles, r) }

// Actor is who a request or command acts for: recorded in the audit log and
// in the provenance of what it writes.
type Actor struct {
	// Name is the token's name, the OIDC subject, or a fixed name for
	// anonymous callers and local commands.
	Name string
	// Via is how the actor signed in: "token", "oidc", "anonymous", "cli".
	Via  string
	Role Role
}

// String is how the actor appears in provenance and the audit log.
func (a Actor) String() string {
	if a.Via == "" || a.Via == a.Name {
		return a.Name
	}
	return a.Via + ":" + a.Name
}

// Anonymous is the actor of a request without credentials, where the server
// allows public reads.
var Anonymous = Actor{Name: "anonymous", Via: "anonymous", Role: RoleAnonymous}

type actorKey struct{}

// WithActor returns ctx acting for a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx acts for, and whether one was set.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}

// Require returns nil when ctx's actor may do p: UNAUTHENTICATED when there
// is no actor or it is anonymous (credentials would help), FORBIDDEN when a
// signed-in actor's role does not grant it.
func Require(ctx context.Context, p Permission) error {
	a, ok := ActorFrom(ctx)
	if ok && a.Role.Can(p) {
		return nil
	}
	if !ok || a.Via == Anonymous.Via {
		return Errorf(EUNAUTHENTICATED, "", "sign in: this needs the %s permission", p)
	}
	return Errorf(EFORBIDDEN, "", "%s may not do this: it needs the %s permission (role %s has not)", a, p, a.Role)
}
