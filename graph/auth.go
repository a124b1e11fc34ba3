package graph

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"

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
			var err error
			header := r.Header.Get("Authorization")
			if header != "" {
				if blocked, delay := limiter.signInBlocked(r); blocked {
					w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(delay.Seconds())))))
					refuse(w, r, http.StatusTooManyRequests, castgraph.ERATELIMITED,
						fmt.Sprintf("too many failed sign-ins from this address: at most %d, then one a second; retry later", failedSignInBurst))
					return
				}
			}
			if actor, err = a.Authenticate(r.Context(), header); err != nil {
				var e *castgraph.Error
				if !errors.As(err, &e) || e.Code != castgraph.EUNAUTHENTICATED {
					refuse(w, r, http.StatusServiceUnavailable, castgraph.ErrorCode(err), "cannot check the credentials now; retry in a moment")
					return
				}
				if header != "" {
					limiter.signInFailed(r)
				}
				challenge := `Bearer realm="castgraph"`
				if header != "" {
					challenge += `, error="invalid_token"`
				}
				w.Header().Set("WWW-Authenticate", challenge)
				refuse(w, r, http.StatusUnauthorized, e.Code, e.Message)
				return
			}
		}
		noteActor(r.Context(), actor)
		next.ServeHTTP(w, r.WithContext(castgraph.WithActor(r.Context(), actor)))
	})
}
