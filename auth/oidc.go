package auth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/coreos/go-oidc/v3/oidc"
)

// OIDCConfig says which identity provider's tokens to accept and how to read
// a role from them.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL, exactly as its tokens' iss claim
	// and its discovery document spell it (Keycloak:
	// https://sso.example.cn/realms/cast; Azure AD:
	// https://login.microsoftonline.com/<tenant>/v2.0).
	Issuer string
	// Audience must be among a token's aud values: the client id (or
	// application id URI) the provider issues castgraph's tokens for.
	Audience string
	// RoleClaim is the dotted path of the claim that names the caller's
	// roles: "roles" (Azure AD app roles), "realm_access.roles" (Keycloak),
	// "groups". Empty: tokens carry no role, and every caller gets
	// DefaultRole.
	RoleClaim string
	// DefaultRole is the role of a caller whose token names none castgraph
	// knows. Empty: such tokens are refused.
	DefaultRole castgraph.Role
	// JWKSURL is where the provider publishes its keys. Empty: found by
	// discovery (Issuer + /.well-known/openid-configuration) at start.
	JWKSURL string
	// Algorithms are the signature algorithms accepted. Empty: RS256 and
	// ES256.
	Algorithms []string
}

// OIDC checks tokens of one OpenID Connect issuer: ID tokens and access
// tokens that are JWTs (Keycloak's and Azure AD's are). It is safe for
// concurrent use; make one and keep it, since it caches the issuer's keys.
type OIDC struct {
	verifier    *oidc.IDTokenVerifier
	audience    string
	roleClaim   string
	defaultRole castgraph.Role
}

// DefaultAlgorithms are accepted when OIDCConfig.Algorithms is empty: what
// Keycloak, Azure AD and Authing sign with.
var DefaultAlgorithms = []string{oidc.RS256, oidc.ES256}

// asymmetric are the algorithms a configuration may name. HS256 and its kin
// are left out because their key is a shared secret — a verifier that took
// them with the issuer's public key would accept tokens anyone can sign —
// and "none" because it is no signature at all.
var asymmetric = []string{
	oidc.RS256, oidc.RS384, oidc.RS512,
	oidc.ES256, oidc.ES384, oidc.ES512,
	oidc.PS256, oidc.PS384, oidc.PS512,
	oidc.EdDSA,
}

// fetchTimeout bounds each request to the provider (discovery and keys).
// The key set's fetches run in the background on a context of their own;
// without a timeout one hung fetch would stall every later refresh.
const fetchTimeout = 10 * time.Second

// leeway is how far in the future a token's iat may lie: the clock skew
// go-oidc allows for nbf (five minutes), applied to iat too, which go-oidc
// does not check.
const leeway = 5 * time.Minute

// NewOIDC checks cfg and, unless cfg.JWKSURL is set, reads the issuer's
// discovery document (within ctx) to learn where its keys are. Keys are
// fetched when the first token arrives and again whenever a token names a
// key id the cached set lacks, so the provider may rotate its keys freely.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("oidc: the issuer is not set")
	}
	if err := checkURL("issuer", cfg.Issuer); err != nil {
		return nil, err
	}
	if cfg.Audience == "" {
		// Without an audience any token of the issuer would do, including
		// those it issues to other applications.
		return nil, errors.New("oidc: the audience is not set")
	}
	if cfg.DefaultRole != "" {
		r, err := castgraph.ParseRole(string(cfg.DefaultRole))
		if err != nil {
			return nil, fmt.Errorf("oidc: default role: %w", err)
		}
		if r == castgraph.RoleAnonymous {
			return nil, fmt.Errorf("oidc: the default role may not be anonymous: leave it unset to refuse tokens that name no role")
		}
		cfg.DefaultRole = r
	}
	if cfg.RoleClaim == "" && cfg.DefaultRole == "" {
		return nil, errors.New("oidc: set a role claim, a default role, or both")
	}
	algs := cfg.Algorithms
	if len(algs) == 0 {
		algs = DefaultAlgorithms
	}
	for _, a := range algs {
		if !slices.Contains(asymmetric, a) {
			return nil, fmt.Errorf("oidc: algorithm %q is not accepted: want some of %s", a, strings.Join(asymmetric, ", "))
		}
	}

	client := &http.Client{Timeout: fetchTimeout}
	jwksURL := cfg.JWKSURL
	if jwksURL == "" {
		p, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.Issuer)
		if err != nil {
			return nil, fmt.Errorf("oidc: discovery at %s: %w", cfg.Issuer, err)
		}
		var doc struct {
			JWKSURL string `json:"jwks_uri"`
		}
		if err := p.Claims(&doc); err != nil || doc.JWKSURL == "" {
			return nil, fmt.Errorf("oidc: the discovery document of %s names no jwks_uri", cfg.Issuer)
		}
		jwksURL = doc.JWKSURL
	}
	if err := checkURL("JWKS URL", jwksURL); err != nil {
		return nil, err
	}

	// go-oidc reads only the HTTP client from this context and ignores its
	// cancellation: the key set outlives the call that made it.
	keys := oidc.NewRemoteKeySet(oidc.ClientContext(context.WithoutCancel(ctx), client), jwksURL)
	verifier := oidc.NewVerifier(cfg.Issuer, keys, &oidc.Config{
		// ClientID is the audience check: aud, a string or a list, must
		// contain it.
		ClientID:             cfg.Audience,
		SupportedSigningAlgs: slices.Clone(algs),
	})
	return &OIDC{verifier: verifier, audience: cfg.Audience, roleClaim: cfg.RoleClaim, defaultRole: cfg.DefaultRole}, nil
}

// checkURL insists on https, so that no one on the path can swap the keys,
// except on the loopback interface (a provider on the same machine, tests).
func checkURL(what, s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Errorf("oidc: the %s %q is not an absolute URL", what, s)
	}
	if u.Scheme == "https" {
		return nil
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); u.Scheme == "http" && (host == "localhost" || ip != nil && ip.IsLoopback()) {
		return nil
	}
	return fmt.Errorf("oidc: the %s %q must use https", what, s)
}

// Verify checks a token (the compact JWT, without "Bearer ") — signature by
// one of the issuer's keys with an accepted algorithm, issuer, audience,
// expiry, nbf and iat — and returns its actor: Name is the sub claim, Via
// "oidc", Role the most trusted castgraph role the role claim names.
//
// The name is sub, not preferred_username or email: sub is the one claim the
// issuer promises is unique and never reassigned, while user names and
// addresses change and are reused (and some providers let users edit their
// email), and the audit log must name the same person for ever.
//
// Refusals are UNAUTHENTICATED with a message that never repeats the token;
// keys that cannot be fetched from the provider are UNAVAILABLE, since the
// token may well be good.
func (o *OIDC) Verify(ctx context.Context, rawToken string) (castgraph.Actor, error) {
	if rawToken == "" {
		return castgraph.Actor{}, refuse("no token")
	}
	tok, err := o.verifier.Verify(ctx, rawToken)
	if err != nil {
		return castgraph.Actor{}, o.refusal(err)
	}
	if tok.IssuedAt.After(time.Now().Add(leeway)) {
		return castgraph.Actor{}, refuse("the token is not valid yet: it was issued in the future (iat)")
	}
	if tok.Subject == "" {
		return castgraph.Actor{}, refuse("the token names no subject (sub)")
	}
	role, err := o.role(tok)
	if err != nil {
		return castgraph.Actor{}, err
	}
	return castgraph.Actor{Name: tok.Subject, Via: "oidc", Role: role}, nil
}

// role reads the caller's role from the token's role claim.
func (o *OIDC) role(tok *oidc.IDToken) (castgraph.Role, error) {
	if o.roleClaim == "" {
		return o.defaultRole, nil
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return "", refuse("the token's claims cannot be read")
	}
	v, found := lookupClaim(claims, o.roleClaim)
	if r, ok := roleFromClaim(v); ok {
		return r, nil
	}
	switch {
	case o.defaultRole != "":
		return o.defaultRole, nil
	case !found:
		return "", refuse("the token has no role claim (%s): ask the identity provider's administrator for a castgraph role", o.roleClaim)
	default:
		return "", refuse("the token's role claim (%s) names no castgraph role: want one of %s", o.roleClaim, grantableRoles())
	}
}

// refusal turns go-oidc's error into one safe to show. go-oidc's messages
// may quote the token's claims, so they are not passed on; only their kind
// is, found by the wording of go-oidc v3 (the tests pin each case).
func (o *OIDC) refusal(err error) error {
	var expired *oidc.TokenExpiredError
	if errors.As(err, &expired) {
		if expired.Expiry.IsZero() {
			return refuse("the token has no expiry (exp)")
		}
		return refuse("the token has expired")
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "malformed jwt"):
		return refuse("the token is not a signed JWT with an accepted algorithm")
	case strings.Contains(msg, "fetching keys"):
		return castgraph.Errorf(castgraph.EUNAVAILABLE, "", "the identity provider's keys cannot be fetched: try again later")
	case strings.Contains(msg, "failed to verify signature"):
		return refuse("the token's signature does not verify with the identity provider's keys")
	case strings.Contains(msg, "issued by a different provider"):
		return refuse("the token was issued by another identity provider")
	case strings.Contains(msg, "expected audience"):
		return refuse("the token is not meant for this server: its audience (aud) lacks %q", o.audience)
	case strings.Contains(msg, "nbf"):
		return refuse("the token is not valid yet (nbf)")
	}
	return refuse("the token is not valid")
}

func refuse(format string, args ...any) error {
	return castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", format, args...)
}
