package castgraph

import (
	"context"
	"os"
	"os/user"
	"sync"
	"time"
)

// The audit log records every write to the graph (and every read of
// personal fields) with its actor. It is append-only: the API can read it
// (auditLog, for admins) but has no way to change or remove an entry.

// Audit actions: what an entry records.
const (
	AuditCreate       = "create"
	AuditUpdate       = "update"
	AuditDelete       = "delete"
	AuditLink         = "link"
	AuditUnlink       = "unlink"
	AuditMerge        = "merge"         // one node folded into another (curation)
	AuditImport       = "import"        // one transaction (batch) of a roster import
	AuditLoad         = "load"          // one transaction (batch) of a dataset load
	AuditReadPersonal = "read-personal" // a request that read personal fields
	AuditTokenCreate  = "token-create"
	AuditTokenRevoke  = "token-revoke"
)

// MaxAuditNodes is the most node ids one entry lists; Count says how many
// there were. A roster batch touches thousands of nodes, and an entry must
// stay small enough to read back in pages.
const MaxAuditNodes = 1000

// AuditEntry is one entry of the audit log.
type AuditEntry struct {
	// ID orders entries written at the same instant, for keyset paging.
	ID string
	At time.Time
	// Actor is Actor.String() of who acted: "token:ci", "oidc:<sub>", "cli:root".
	Actor  string
	Action string
	// Nodes are the ids of the nodes touched, at most MaxAuditNodes of them.
	Nodes []string
	// Count is how many nodes were touched, listed in Nodes or not.
	Count int
	// Detail says more in a few words; never a personal value.
	Detail string
}

// Assertion is one source of a node or relationship and the actor who
// asserted it: analysts see not only that "api" said so but who did.
type Assertion struct {
	Source string
	Actor  string
}

// localActor names the operating-system user running a local command.
var localActor = sync.OnceValue(func() Actor {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		// Containers often have no passwd entry for their user.
		name = os.Getenv("USER")
	}
	if name == "" {
		name = "unknown"
	}
	return Actor{Name: name, Via: "cli", Role: RoleAdmin}
})

// LocalActor is the actor of a local command (castgraph load, import,
// token, migrate): "cli:<os user>". Whoever can run the binary against the
// database holds its credentials, so it acts as an admin.
func LocalActor() Actor { return localActor() }

// ActorOrLocal returns ctx's actor, or LocalActor when there is none: the
// HTTP layer always sets one (anonymous at least), so a context without an
// actor comes from a local command or a test.
func ActorOrLocal(ctx context.Context) Actor {
	if a, ok := ActorFrom(ctx); ok {
		return a
	}
	return LocalActor()
}
