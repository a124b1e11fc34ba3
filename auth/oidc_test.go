package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	jose "github.com/go-jose/go-jose/v4"
)

// The issuer's keys, made once: an RSA key takes a while to generate.
var (
	rsaKey   = mustRSA()
	ecKey    = mustEC()
	otherKey = mustEC() // published nowhere at first
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func mustEC() *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

// issuer is a real local OIDC issuer: a discovery document and a JWKS over
// HTTP, whose keys a test may change while it runs.
type issuer struct {
	*httptest.Server
	mu               sync.Mutex
	keys             []jose.JSONWebKey
	jwksFetches      int
	discoveryFetches int
	down             bool // the JWKS answers 503
}

func newIssuer(t *testing.T) *issuer {
	is := &issuer{keys: []jose.JSONWebKey{
		{Key: rsaKey.Public(), KeyID: "rsa1", Algorithm: "RS256", Use: "sig"},
		{Key: ecKey.Public(), KeyID: "ec1", Algorithm: "ES256", Use: "sig"},
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		is.discoveryFetches++
		is.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                is.URL,
			"jwks_uri":                              is.URL + "/jwks",
			"authorization_endpoint":                is.URL + "/auth",
			"token_endpoint":                        is.URL + "/token",
			"id_token_signing_alg_values_supported": []string{"RS256", "ES256"},
		})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		is.mu.Lock()
		defer is.mu.Unlock()
		is.jwksFetches++
		if is.down {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: is.keys})
	})
	is.Server = httptest.NewServer(mux)
	t.Cleanup(is.Close)
	return is
}

func (is *issuer) publish(k jose.JSONWebKey) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.keys = append(is.keys, k)
}

func (is *issuer) fetches() (discovery, jwks int) {
	is.mu.Lock()
	defer is.mu.Unlock()
	return is.discoveryFetches, is.jwksFetches
}

func (is *issuer) setDown(down bool) {
	is.mu.Lock()
	defer is.mu.Unlock()
	is.down = down
}

// claims are a good token's claims for is, with the role claim Keycloak
// uses; edit sets (or, with nil, removes) claims.
func (is *issuer) claims(edit map[string]any) map[string]any {
	now := time.Now()
	c := map[string]any{
		"iss":                is.URL,
		"aud":                []string{"account", "castgraph"},
		"sub":                "f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
		"preferred_username": "zhang.wei",
		"exp":                now.Add(time.Hour).Unix(),
		"iat":                now.Unix(),
		"realm_access":       map[string]any{"roles": []string{"offline_access", "editor"}},
	}
	for k, v := range edit {
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
	}
	return c
}

// sign returns a compact JWT of claims signed with key under kid.
func sign(t *testing.T, alg jose.SignatureAlgorithm, key any, kid string, claims map[string]any) string {
	t.Helper()
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		t.Fatal(err)
	}
	s, err := jws.CompactSerialize()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// unsigned returns a JWT with the header and claims as given and no
// signature, as an attacker would write it by hand.
func unsigned(t *testing.T, header, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	return b64(h) + "." + b64(c) + "."
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func newOIDC(t *testing.T, cfg OIDCConfig) *OIDC {
	t.Helper()
	o, err := NewOIDC(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func keycloak(is *issuer) OIDCConfig {
	return OIDCConfig{Issuer: is.URL, Audience: "castgraph", RoleClaim: "realm_access.roles"}
}

func TestOIDCAccepts(t *testing.T) {
	is := newIssuer(t)
	o := newOIDC(t, keycloak(is))
	now := time.Now()
	for _, c := range []struct {
		name  string
		token string
		role  castgraph.Role
	}{
		{"RS256", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil)), castgraph.RoleEditor},
		{"ES256, the most trusted role wins", sign(t, jose.ES256, ecKey, "ec1", is.claims(map[string]any{
			"realm_access": map[string]any{"roles": []string{"viewer", "admin", "uma_authorization"}},
		})), castgraph.RoleAdmin},
		{"aud a string", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{"aud": "castgraph"})), castgraph.RoleEditor},
		{"no kid: every key is tried", sign(t, jose.ES256, ecKey, "", is.claims(nil)), castgraph.RoleEditor},
		// Within the clock skew go-oidc allows (five minutes).
		{"nbf a minute ahead", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{
			"nbf": now.Add(time.Minute).Unix(), "iat": now.Add(time.Minute).Unix(),
		})), castgraph.RoleEditor},
	} {
		a, err := o.Verify(context.Background(), c.token)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		want := castgraph.Actor{Name: "f81d4fae-7dec-11d0-a765-00a0c91e6bf6", Via: "oidc", Role: c.role}
		if a != want {
			t.Errorf("%s: %+v, want %+v", c.name, a, want)
		}
	}
	if d, _ := is.fetches(); d != 1 {
		t.Errorf("discovery read %d times, want once (at start)", d)
	}
}

func TestOIDCRefuses(t *testing.T) {
	is := newIssuer(t)
	o := newOIDC(t, keycloak(is))
	now := time.Now()
	good := sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil))
	if _, err := o.Verify(context.Background(), good); err != nil {
		t.Fatal(err) // and the keys are cached now
	}

	// The classic confusion: HS256 keyed with the RSA public key everyone can
	// download, in the hope the verifier feeds that key to HMAC.
	der, err := x509.MarshalPKIXPublicKey(rsaKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})

	// A token of the issuer with a better role written into its payload.
	parts := strings.Split(sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{
		"realm_access": map[string]any{"roles": []string{"viewer"}},
	})), ".")
	admin, _ := json.Marshal(is.claims(map[string]any{"realm_access": map[string]any{"roles": []string{"admin"}}}))
	tampered := parts[0] + "." + b64(admin) + "." + parts[2]

	for _, c := range []struct {
		name  string
		token string
		msg   string
	}{
		{"expired", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{
			"exp": now.Add(-time.Hour).Unix(), "iat": now.Add(-2 * time.Hour).Unix(),
		})), "the token has expired"},
		{"no exp", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{"exp": nil})), "no expiry (exp)"},
		{"nbf in the future", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{
			"nbf": now.Add(time.Hour).Unix(),
		})), "not valid yet (nbf)"},
		{"iat in the future", sign(t, jose.ES256, ecKey, "ec1", is.claims(map[string]any{
			"iat": now.Add(time.Hour).Unix(), "exp": now.Add(2 * time.Hour).Unix(),
		})), "issued in the future (iat)"},
		{"wrong issuer", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{
			"iss": "https://sso.evil.example/realms/cast",
		})), "issued by another identity provider"},
		{"wrong audience", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{
			"aud": []string{"account", "castgraph-staging"},
		})), `its audience (aud) lacks "castgraph"`},
		{"no audience", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{"aud": nil})), "audience (aud)"},
		{"alg none", unsigned(t, map[string]any{"alg": "none", "typ": "JWT"}, is.claims(nil)), "not a signed JWT"},
		{"alg none, kid of the issuer", unsigned(t, map[string]any{"alg": "none", "kid": "rsa1"}, is.claims(nil)), "not a signed JWT"},
		{"HS256 keyed with the public key (PEM)", sign(t, jose.HS256, pubPEM, "rsa1", is.claims(nil)), "not a signed JWT"},
		{"HS256 keyed with the public key (DER)", sign(t, jose.HS256, der, "rsa1", is.claims(nil)), "not a signed JWT"},
		{"RS384, not an accepted algorithm", sign(t, jose.RS384, rsaKey, "rsa1", is.claims(nil)), "not a signed JWT"},
		{"unknown kid", sign(t, jose.ES256, otherKey, "rogue", is.claims(nil)), "signature does not verify"},
		{"a stranger's key under the issuer's kid", sign(t, jose.ES256, otherKey, "ec1", is.claims(nil)), "signature does not verify"},
		{"tampered payload", tampered, "signature does not verify"},
		{"signature cut off", strings.Join(parts[:2], ".") + ".", "signature does not verify"},
		{"garbage", "not-a-jwt", "not a signed JWT"},
		{"three garbage parts", "a.b.c", "not a signed JWT"},
		{"a castgraph API token", "cgt_" + strings.Repeat("A", 43), "not a signed JWT"},
		{"empty", "", "no token"},
		{"no sub", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{"sub": nil})), "no subject (sub)"},
		{"no role claim", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{"realm_access": nil})),
			"no role claim (realm_access.roles)"},
		{"no castgraph role", sign(t, jose.RS256, rsaKey, "rsa1", is.claims(map[string]any{
			"realm_access": map[string]any{"roles": []string{"offline_access", "anonymous", "superuser"}},
		})), "names no castgraph role: want one of viewer, analyst, editor, importer, admin"},
	} {
		_, jwksBefore := is.fetches()
		a, err := o.Verify(context.Background(), c.token)
		if err == nil {
			t.Errorf("%s: accepted as %+v", c.name, a)
			continue
		}
		if code := castgraph.ErrorCode(err); code != castgraph.EUNAUTHENTICATED {
			t.Errorf("%s: code %s (%v), want %s", c.name, code, err, castgraph.EUNAUTHENTICATED)
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %q, want it to say %q", c.name, err, c.msg)
		}
		for _, part := range strings.Split(c.token, ".") {
			if len(part) > 8 && strings.Contains(err.Error(), part) {
				t.Errorf("%s: the message repeats the token: %q", c.name, err)
			}
		}
		if strings.Contains(err.Error(), "sso.evil.example") || strings.Contains(err.Error(), "castgraph-staging") {
			t.Errorf("%s: the message repeats the token's claims: %q", c.name, err)
		}
		if c.name == "unknown kid" {
			// go-oidc looked for the kid in a fresh copy of the JWKS
			// before it gave up.
			if _, jwksAfter := is.fetches(); jwksAfter <= jwksBefore {
				t.Errorf("unknown kid: the JWKS was not fetched again (%d fetches before, %d after)", jwksBefore, jwksAfter)
			}
		}
	}
}

// A key the issuer publishes after castgraph started (a rotation) is found:
// an unknown kid makes go-oidc fetch the JWKS again.
func TestOIDCKeyRotation(t *testing.T) {
	is := newIssuer(t)
	o := newOIDC(t, keycloak(is))
	if _, err := o.Verify(context.Background(), sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil))); err != nil {
		t.Fatal(err)
	}
	rotated := sign(t, jose.ES256, otherKey, "ec2", is.claims(nil))
	if _, err := o.Verify(context.Background(), rotated); err == nil {
		t.Fatal("a token signed with a key not yet published was accepted")
	}
	is.publish(jose.JSONWebKey{Key: otherKey.Public(), KeyID: "ec2", Algorithm: "ES256", Use: "sig"})
	_, before := is.fetches()
	// go-oidc wakes the callers waiting on a key fetch a moment before it
	// lets a new fetch start, so a token checked in that moment is answered
	// from the fetch that just ended (without the new key). The next check
	// fetches again: the rotation is seen at the latest by the second token.
	var (
		a   castgraph.Actor
		err error
	)
	for try := 0; try < 20; try++ {
		if a, err = o.Verify(context.Background(), rotated); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("the rotated key's token: %v", err)
	}
	if a.Role != castgraph.RoleEditor {
		t.Errorf("role %s, want editor", a.Role)
	}
	if _, after := is.fetches(); after < before+1 || after > before+2 {
		t.Errorf("%d JWKS fetches for the rotated key, want 1 (2 when it met the fetch before)", after-before)
	}
	// Now cached: the old and the new key verify without a fetch.
	for _, tok := range []string{rotated, sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil))} {
		if _, err := o.Verify(context.Background(), tok); err != nil {
			t.Error(err)
		}
	}
	if _, again := is.fetches(); again != before+1 {
		t.Errorf("cached keys fetched again: %d fetches, want %d", again, before+1)
	}
}

// When the keys cannot be fetched the token may be good: UNAVAILABLE, so
// that a client does not throw it away, and no more than that is said.
func TestOIDCKeysUnavailable(t *testing.T) {
	is := newIssuer(t)
	o := newOIDC(t, keycloak(is))
	is.setDown(true)
	_, err := o.Verify(context.Background(), sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil)))
	if castgraph.ErrorCode(err) != castgraph.EUNAVAILABLE {
		t.Fatalf("%v, want %s", err, castgraph.EUNAVAILABLE)
	}
	if strings.Contains(err.Error(), "maintenance") {
		t.Errorf("the provider's answer is passed on: %q", err)
	}
	is.setDown(false)
	if _, err := o.Verify(context.Background(), sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil))); err != nil {
		t.Errorf("after the provider is back: %v", err)
	}
}

func TestOIDCDefaultRole(t *testing.T) {
	is := newIssuer(t)
	cfg := keycloak(is)
	cfg.DefaultRole = "Viewer"
	o := newOIDC(t, cfg)
	for _, c := range []struct {
		name  string
		edit  map[string]any
		role  castgraph.Role
		where string
	}{
		{"no role claim", map[string]any{"realm_access": nil}, castgraph.RoleViewer, "default"},
		{"no castgraph role", map[string]any{"realm_access": map[string]any{"roles": []string{"offline_access"}}}, castgraph.RoleViewer, "default"},
		// The claim decides when it names a role, even a lesser one.
		{"a role below the default", map[string]any{"realm_access": map[string]any{"roles": []string{"viewer"}}}, castgraph.RoleViewer, "claim"},
		{"a role above the default", nil, castgraph.RoleEditor, "claim"},
	} {
		a, err := o.Verify(context.Background(), sign(t, jose.ES256, ecKey, "ec1", is.claims(c.edit)))
		if err != nil || a.Role != c.role {
			t.Errorf("%s: %+v, %v; want role %s (from the %s)", c.name, a, err, c.role, c.where)
		}
	}

	// No role claim at all: everyone the issuer signs in for this audience
	// gets the default role.
	cfg.RoleClaim = ""
	cfg.DefaultRole = castgraph.RoleAnalyst
	o = newOIDC(t, cfg)
	a, err := o.Verify(context.Background(), sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil)))
	if err != nil || a.Role != castgraph.RoleAnalyst {
		t.Errorf("without a role claim: %+v, %v; want analyst", a, err)
	}
}

func TestOIDCAlgorithms(t *testing.T) {
	is := newIssuer(t)
	cfg := keycloak(is)
	cfg.Algorithms = []string{"RS256"}
	o := newOIDC(t, cfg)
	if _, err := o.Verify(context.Background(), sign(t, jose.RS256, rsaKey, "rsa1", is.claims(nil))); err != nil {
		t.Errorf("RS256: %v", err)
	}
	_, err := o.Verify(context.Background(), sign(t, jose.ES256, ecKey, "ec1", is.claims(nil)))
	if castgraph.ErrorCode(err) != castgraph.EUNAUTHENTICATED {
		t.Errorf("ES256 where only RS256 is accepted: %v", err)
	}
}

// With the JWKS URL configured castgraph does not read the discovery
// document: it starts while the provider is unreachable.
func TestOIDCWithoutDiscovery(t *testing.T) {
	is := newIssuer(t)
	cfg := keycloak(is)
	cfg.JWKSURL = is.URL + "/jwks"
	o := newOIDC(t, cfg)
	if _, err := o.Verify(context.Background(), sign(t, jose.ES256, ecKey, "ec1", is.claims(nil))); err != nil {
		t.Fatal(err)
	}
	if d, _ := is.fetches(); d != 0 {
		t.Errorf("discovery read %d times, want never", d)
	}
}

func TestOIDCConfig(t *testing.T) {
	is := newIssuer(t)
	ok := keycloak(is)
	for _, c := range []struct {
		name string
		edit func(*OIDCConfig)
		msg  string
	}{
		{"no issuer", func(c *OIDCConfig) { c.Issuer = "" }, "issuer is not set"},
		{"plain http", func(c *OIDCConfig) { c.Issuer = "http://sso.example.cn/realms/cast" }, "must use https"},
		{"JWKS over plain http", func(c *OIDCConfig) { c.JWKSURL = "http://sso.example.cn/certs" }, "must use https"},
		{"not a URL", func(c *OIDCConfig) { c.Issuer = "sso.example.cn" }, "not an absolute URL"},
		{"no audience", func(c *OIDCConfig) { c.Audience = "" }, "audience is not set"},
		{"neither role claim nor default role", func(c *OIDCConfig) { c.RoleClaim = "" }, "set a role claim, a default role, or both"},
		{"unknown default role", func(c *OIDCConfig) { c.DefaultRole = "boss" }, `unknown role "boss"`},
		{"anonymous default role", func(c *OIDCConfig) { c.DefaultRole = castgraph.RoleAnonymous }, "may not be anonymous"},
		{"HS256", func(c *OIDCConfig) { c.Algorithms = []string{"RS256", "HS256"} }, `algorithm "HS256" is not accepted`},
		{"none", func(c *OIDCConfig) { c.Algorithms = []string{"none"} }, `algorithm "none" is not accepted`},
		// The issuer must be spelled as the provider spells it: go-oidc
		// compares the two exactly, at discovery and in every token.
		{"issuer with a trailing slash", func(c *OIDCConfig) { c.Issuer += "/" }, "did not match the issuer"},
		{"no discovery document", func(c *OIDCConfig) { c.Issuer += "/realms/none" }, "discovery"},
	} {
		cfg := ok
		c.edit(&cfg)
		o, err := NewOIDC(context.Background(), cfg)
		if err == nil {
			t.Errorf("%s: accepted (%v)", c.name, o)
			continue
		}
		if !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %q, want it to say %q", c.name, err, c.msg)
		}
	}
}

// Verify has the shape the Authenticator's Verifier interface asks for.
var _ interface {
	Verify(context.Context, string) (castgraph.Actor, error)
} = (*OIDC)(nil)
