package store

import (
	"context"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// tokenLabel marks API tokens: outside the entity graph, never an Entity.
const tokenLabel = "CastgraphToken"

// Token is an API token as the store keeps it: the secret itself is never
// stored, only its hash (auth.HashToken).
type Token struct {
	Name      string
	Hash      string
	Role      castgraph.Role
	CreatedAt time.Time
	// ExpiresAt is zero for a token that does not expire.
	ExpiresAt time.Time
	// LastUsedAt is when a request last used the token (to a minute).
	LastUsedAt time.Time
	// RevokedAt is zero for a token in force.
	RevokedAt time.Time
}

// Valid tells whether the token may sign in at now.
func (t *Token) Valid(now time.Time) bool {
	return t.RevokedAt.IsZero() && (t.ExpiresAt.IsZero() || now.Before(t.ExpiresAt))
}

// CreateToken records a new token; a name taken already (by a token in force
// or revoked: names stay unique, so the audit log's names stay unambiguous) is
// CONFLICT.
func (s *Store) CreateToken(ctx context.Context, t Token) error {
	if t.Name == "" || t.Hash == "" {
		return castgraph.Errorf(castgraph.EINVALID, "name", "a token needs a name and a hash")
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		params := map[string]any{"name": t.Name, "hash": t.Hash, "role": string(t.Role), "created": t.CreatedAt.UTC(), "expires": nil}
		if !t.ExpiresAt.IsZero() {
			params["expires"] = t.ExpiresAt.UTC()
		}
		if _, err := collect(ctx, tx, "CREATE (t:"+tokenLabel+" {name: $name, hash: $hash, role: $role, createdAt: $created, expiresAt: $expires})", params); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, audit(ctx, tx, castgraph.AuditTokenCreate, nil, "token "+t.Name+", role "+string(t.Role))
	})
	if castgraph.ErrorCode(err) == castgraph.ECONFLICT {
		return castgraph.Errorf(castgraph.ECONFLICT, "name", "a token named %q exists already (revoked tokens keep their names)", t.Name)
	}
	return err
}

// TokenByHash returns the token with the hash, or nil.
func (s *Store) TokenByHash(ctx context.Context, hash string) (*Token, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*Token, error) {
		recs, err := collect(ctx, tx, "MATCH (t:"+tokenLabel+" {hash: $hash}) RETURN t", map[string]any{"hash": hash})
		if err != nil || len(recs) == 0 {
			return nil, err
		}
		return toToken(recs[0]), nil
	})
}

// Tokens lists every token, revoked ones too, by name.
func (s *Store) Tokens(ctx context.Context) ([]Token, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]Token, error) {
		recs, err := collect(ctx, tx, "MATCH (t:"+tokenLabel+") RETURN t ORDER BY t.name", nil)
		out := make([]Token, 0, len(recs))
		for _, r := range recs {
			out = append(out, *toToken(r))
		}
		return out, err
	})
}

// RevokeToken revokes the token named; NOT_FOUND when there is none. Revoking
// a revoked token changes nothing.
func (s *Store) RevokeToken(ctx context.Context, name string, at time.Time) error {
	found, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		recs, err := collect(ctx, tx, "MATCH (t:"+tokenLabel+" {name: $name}) SET t.revokedAt = coalesce(t.revokedAt, $at) RETURN t.name",
			map[string]any{"name": name, "at": at.UTC()})
		if err != nil || len(recs) == 0 {
			return false, err
		}
		return true, audit(ctx, tx, castgraph.AuditTokenRevoke, nil, "token "+name)
	})
	if err == nil && !found {
		return castgraph.Errorf(castgraph.ENOTFOUND, "name", "no token is named %q", name)
	}
	return err
}

// TouchToken records that the token was used at at. It is not audited: it
// changes no permission, and an entry for every request would drown the log.
func (s *Store) TouchToken(ctx context.Context, hash string, at time.Time) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) {
		_, err := collect(ctx, tx, "MATCH (t:"+tokenLabel+" {hash: $hash}) SET t.lastUsedAt = $at", map[string]any{"hash": hash, "at": at.UTC()})
		return struct{}{}, err
	})
	return err
}

func toToken(r *neo4j.Record) *Token {
	v, _ := r.Get("t")
	props := v.(neo4j.Node).Props
	t := &Token{}
	t.Name, _ = props["name"].(string)
	t.Hash, _ = props["hash"].(string)
	role, _ := props["role"].(string)
	t.Role = castgraph.Role(role)
	t.CreatedAt, _ = props["createdAt"].(time.Time)
	t.ExpiresAt, _ = props["expiresAt"].(time.Time)
	t.LastUsedAt, _ = props["lastUsedAt"].(time.Time)
	t.RevokedAt, _ = props["revokedAt"].(time.Time)
	return t
}
