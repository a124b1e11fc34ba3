package graph

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
)

// authenticated settles the actor of each request before anything else
// runs: credentials that do not hold are 401 with WWW-Authenticate, as RFC
// 6750 has it for bearer tokens; a request without any, where public reads
// are off, too. With no authenticator every request is anonymous, with
// public reads and nothing more. Credentials that do not hold cost their
// address a failed sign-in (limiter): an address that guesses too fast is
// answered 429 before its guesses are looked up.
func authenticated(a *auth.Authenticator, limiter *rateLimiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		actor := castgraph.Anonymous
		if a != nil {
			header := r.Header.Get("Authorization")
			var delay time.Duration
			var err error
			if actor, delay, err = limiter.signIn(r.Context(), r, a, header); err != nil {
				var e *castgraph.Error
				switch {
				case !errors.As(err, &e) || e.Code != castgraph.EUNAUTHENTICATED && e.Code != castgraph.ERATELIMITED:
					refuse(w, r, http.StatusServiceUnavailable, castgraph.ErrorCode(err), "cannot check the credentials now; retry in a moment")
				case e.Code == castgraph.ERATELIMITED:
					w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(delay.Seconds())))))
					refuse(w, r, http.StatusTooManyRequests, e.Code, e.Message)
				default:
					challenge := `Bearer realm="castgraph"`
					if header != "" {
						challenge += `, error="invalid_token"`
					}
					w.Header().Set("WWW-Authenticate", challenge)
					refuse(w, r, http.StatusUnauthorized, e.Code, e.Message)
				}
				return
			}
		}
		noteActor(r.Context(), actor)
		next.ServeHTTP(w, r.WithContext(castgraph.WithActor(r.Context(), actor)))
	})
}
