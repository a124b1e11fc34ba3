package auth

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// Verifier checks a bearer credential that is not an API token (an OIDC
// access or ID token) and says who it is for.
type Verifier interface {
	Verify(ctx context.Context, raw string) (castgraph.Actor, error)
}

// Authenticator settles who a request acts for, from its Authorization
// header: an API token (looked up by hash in the store), a token of the
// identity provider (OIDC), or nothing (anonymous, where public reads are on).
type Authenticator struct {
	store       *store.Store
	oidc        Verifier // nil: OIDC is off
	publicReads bool
	// tokens caches lookups for tokenTTL, so that a token revoked or past
	// its expiry is refused within that time without a lookup per request.
	tokens *expirable.LRU[string, *store.Token]
	// touched is when each token's last use was recorded.
	touched sync.Map
}

const (
	tokenTTL      = time.Second
	touchInterval = time.Minute
	// cachedTokens bounds the cache: tokens in use at once, not requests.
	cachedTokens = 10_000
)

// NewAuthenticator checks API tokens against s and, when oidc is not nil,
// other bearer tokens with it; publicReads lets requests without
// credentials read what is not personal.
func NewAuthenticator(s *store.Store, oidc Verifier, publicReads bool) *Authenticator {
	return &Authenticator{store: s, oidc: oidc, publicReads: publicReads,
		tokens: expirable.NewLRU[string, *store.Token](cachedTokens, nil, tokenTTL)}
}

// PublicReads tells whether requests without credentials may read.
func (a *Authenticator) PublicReads() bool { return a.publicReads }

// Authenticate returns the actor of an Authorization header's value.
// UNAUTHENTICATED: no credentials where public reads are off, a header that
// is not "Bearer …", a token unknown, revoked or expired, an OIDC token that
// does not verify. Messages never repeat the credential.
func (a *Authenticator) Authenticate(ctx context.Context, authorization string) (castgraph.Actor, error) {
	if strings.TrimSpace(authorization) == "" {
		if a.publicReads {
			return castgraph.Anonymous, nil
		}
		return castgraph.Actor{}, castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", "sign in: send Authorization: Bearer <token>")
	}
	scheme, credential, ok := strings.Cut(strings.TrimSpace(authorization), " ")
	credential = strings.TrimSpace(credential)
	if !ok || !strings.EqualFold(scheme, "Bearer") || credential == "" {
		return castgraph.Actor{}, castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", "the Authorization header must be Bearer <token>")
	}
	if IsToken(credential) {
		return a.apiToken(ctx, credential)
	}
	if a.oidc == nil {
		return castgraph.Actor{}, castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", "unknown token: this server takes castgraph API tokens only")
	}
	return a.oidc.Verify(ctx, credential)
}

func (a *Authenticator) apiToken(ctx context.Context, secret string) (castgraph.Actor, error) {
	hash := HashToken(secret)
	t, ok := a.tokens.Get(hash)
	if !ok {
		var err error
		if t, err = a.store.TokenByHash(ctx, hash); err != nil {
			return castgraph.Actor{}, err
		}
		a.tokens.Add(hash, t) // nil too: an unknown token is not looked up again at once
	}
	now := time.Now()
	switch {
	case t == nil:
		return castgraph.Actor{}, castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", "unknown token")
	case !t.RevokedAt.IsZero():
		return castgraph.Actor{}, castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", "the token %q was revoked", t.Name)
	case !t.Valid(now):
		return castgraph.Actor{}, castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", "the token %q expired", t.Name)
	}
	a.touch(t, now)
	return castgraph.Actor{Name: t.Name, Via: "token", Role: t.Role}, nil
}

// touch records the token's use, at most once a minute, in the background:
// a request does not wait for the write.
func (a *Authenticator) touch(t *store.Token, now time.Time) {
	if last, ok := a.touched.Load(t.Hash); ok && now.Sub(last.(time.Time)) < touchInterval {
		return
	}
	a.touched.Store(t.Hash, now)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = a.store.TouchToken(ctx, t.Hash, now.Truncate(time.Minute))
	}()
}
