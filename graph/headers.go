package graph

import "net/http"

// securityHeaders puts the defaults of a careful API on every response;
// a handler that knows better (GraphiQL's page, with its own
// Content-Security-Policy; its assets, cached for good) sets its own after.
//
//   - nosniff: a browser never runs an answer as script or style it is not;
//   - no-referrer: URLs (GET queries and their variables) do not leak to
//     other sites;
//   - frame-ancestors 'none' and X-Frame-Options (older browsers): no page
//     can frame ours to click through it;
//   - default-src 'none': a JSON answer opened as a page can load nothing;
//   - no-store: answers (and the queries in GET URLs) stay out of caches,
//     shared ones above all.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
