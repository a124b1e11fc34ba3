package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/graph"
	"github.com/castgraph/castgraph/store"
)

// serveBounds reads the limits of serve from the environment; what is unset
// keeps its default (graph.DefaultLimits, graph.DefaultBounds). The README's
// configuration table lists the variables.
func serveBounds() (graph.Limits, graph.Bounds, error) {
	var (
		l graph.Limits
		b graph.Bounds
	)
	ints := []struct {
		env string
		to  *int
	}{
		{"CASTGRAPH_MAX_COST", &l.MaxCost},
		{"CASTGRAPH_MAX_DEPTH", &l.MaxDepth},
		{"CASTGRAPH_MAX_FIELDS", &l.MaxFields},
		{"CASTGRAPH_MAX_ALIASES", &l.MaxAliases},
		{"CASTGRAPH_MAX_ROOT_FIELDS", &l.MaxRootFields},
		{"CASTGRAPH_MAX_TOKENS", &l.MaxTokens},
		{"CASTGRAPH_MAX_DOCUMENT_BYTES", &l.MaxDocumentBytes},
		{"CASTGRAPH_RATE_BURST", &b.RateBurst},
		{"CASTGRAPH_STATEMENTS_PER_REQUEST", &b.StatementsPerRequest},
	}
	for _, v := range ints {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return l, b, fmt.Errorf("%s must be a whole number above 0, not %q", v.env, s)
			}
			*v.to = n
		}
	}
	if s := os.Getenv("CASTGRAPH_ROWS_IN_FLIGHT"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n <= 0 {
			return l, b, fmt.Errorf("CASTGRAPH_ROWS_IN_FLIGHT must be a whole number above 0, not %q", s)
		}
		b.RowsInFlight = n
	}
	if s := os.Getenv("CASTGRAPH_REQUEST_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return l, b, fmt.Errorf("CASTGRAPH_REQUEST_TIMEOUT must be a duration such as 30s, not %q", s)
		}
		b.RequestTimeout = d
	}
	switch s := os.Getenv("CASTGRAPH_RATE_LIMIT"); s {
	case "":
	case "off":
		b.RatePerSecond = -1
	default:
		r, err := strconv.ParseFloat(s, 64)
		if err != nil || r <= 0 {
			return l, b, fmt.Errorf("CASTGRAPH_RATE_LIMIT must be requests a second above 0, or off, not %q", s)
		}
		b.RatePerSecond = r
	}
	proxies, err := graph.ParsePrefixes(os.Getenv("CASTGRAPH_TRUSTED_PROXIES"))
	if err != nil {
		return l, b, err
	}
	b.TrustedProxies = proxies
	return l, b, nil
}

// serveAuth builds the authenticator of serve: API tokens always; OIDC when
// CASTGRAPH_OIDC_ISSUER is set; public reads unless CASTGRAPH_ANONYMOUS=none.
func serveAuth(ctx context.Context, s *store.Store) (*auth.Authenticator, error) {
	var publicReads bool
	switch v := os.Getenv("CASTGRAPH_ANONYMOUS"); v {
	case "", "read":
		publicReads = true
	case "none":
	default:
		return nil, fmt.Errorf("CASTGRAPH_ANONYMOUS must be read or none, not %q", v)
	}
	var verifier auth.Verifier
	if issuer := os.Getenv("CASTGRAPH_OIDC_ISSUER"); issuer != "" {
		cfg := auth.OIDCConfig{
			Issuer:    issuer,
			Audience:  os.Getenv("CASTGRAPH_OIDC_AUDIENCE"),
			RoleClaim: os.Getenv("CASTGRAPH_OIDC_ROLE_CLAIM"),
			JWKSURL:   os.Getenv("CASTGRAPH_OIDC_JWKS_URL"),
		}
		if v := os.Getenv("CASTGRAPH_OIDC_DEFAULT_ROLE"); v != "" {
			role, err := castgraph.ParseRole(v)
			if err != nil {
				return nil, fmt.Errorf("CASTGRAPH_OIDC_DEFAULT_ROLE: %w", err)
			}
			cfg.DefaultRole = role
		}
		if v := os.Getenv("CASTGRAPH_OIDC_ALGORITHMS"); v != "" {
			cfg.Algorithms = graph.SplitOrigins(v)
		}
		oidc, err := auth.NewOIDC(ctx, cfg)
		if err != nil {
			return nil, fmt.Errorf("OIDC: %w", err)
		}
		verifier = oidc
	}
	return auth.NewAuthenticator(s, verifier, publicReads), nil
}
