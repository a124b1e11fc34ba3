package graph_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/graph"
	"github.com/go-jose/go-jose/v4"
)

// TestOIDC_SignInThroughTheAPI signs requests with JWTs of a local OpenID
// Connect provider (discovery and JWKS served by httptest, ES256): the role
// in the token's realm_access.roles decides what the caller may do, and a
// token signed by anyone else is 401. auth/oidc_test.go has the refusals
// one by one; this is the path from the HTTP header to the directive.
func TestOIDC_SignInThroughTheAPI(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	mux := http.NewServeMux()
	provider := httptest.NewServer(mux)
	defer provider.Close()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"issuer": provider.URL, "jwks_uri": provider.URL + "/jwks",
			"authorization_endpoint": provider.URL + "/auth", "id_token_signing_alg_values_supported": []string{"ES256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: key.Public(), KeyID: "k1", Algorithm: "ES256", Use: "sig"}}})
	})
	jwt := func(signer *ecdsa.PrivateKey, role string) string {
		s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.ES256, Key: jose.JSONWebKey{Key: signer, KeyID: "k1"}}, (&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			t.Fatal(err)
		}
		claims, _ := json.Marshal(map[string]any{"iss": provider.URL, "aud": "castgraph", "sub": "user-" + role,
			"exp": time.Now().Add(time.Hour).Unix(), "iat": time.Now().Unix(), "realm_access": map[string]any{"roles": []string{role}}})
		signed, err := s.Sign(claims)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := signed.CompactSerialize()
		return out
	}

	oidc, err := auth.NewOIDC(t.Context(), auth.OIDCConfig{Issuer: provider.URL, Audience: "castgraph", RoleClaim: "realm_access.roles"})
	if err != nil {
		t.Fatal(err)
	}
	base := newAPI(t)
	a := newAPIWith(t, graph.Options{Auth: auth.NewAuthenticator(base.store, oidc, false), Bounds: graph.Bounds{RatePerSecond: -1}})
	as := func(token string) *api { b := *a; b.token = token; return &b }
	const write = `mutation { deleteRegion(id: "region/no-such-region") }`

	if r := as(jwt(key, "editor")).post(t, write, nil); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != castgraph.ENOTFOUND {
		t.Errorf("an editor's JWT: %+v (want NOT_FOUND: the write was let through)", r.Errors)
	}
	if r := as(jwt(key, "viewer")).post(t, write, nil); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != castgraph.EFORBIDDEN {
		t.Errorf("a viewer's JWT: %+v (want FORBIDDEN)", r.Errors)
	}
	if r := as(jwt(key, "viewer")).post(t, `{ regions(first: 1) { totalCount } }`, nil); len(r.Errors) > 0 {
		t.Errorf("a viewer reads: %+v", r.Errors)
	}
	stranger, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	forged := jwt(stranger, "admin")
	res := send(t, "POST", a.url+"/graphql", "application/json", strings.NewReader(`{"query":"{ __typename }"}`),
		map[string]string{"Authorization": "Bearer " + forged})
	if res.status != 401 || res.code() != castgraph.EUNAUTHENTICATED {
		t.Errorf("a JWT signed by another key: %d %s", res.status, res.code())
	}
}
