package graph

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	"github.com/castgraph/castgraph/store"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"golang.org/x/sync/semaphore"
	"golang.org/x/time/rate"
)

// Bounds limit the time, concurrency and rate of requests; the zero value
// of a field means its default (DefaultBounds).
type Bounds struct {
	// RequestTimeout is the deadline of one request; its transactions carry
	// what is left of it to Neo4j.
	RequestTimeout time.Duration
	// StatementsPerRequest caps one request's statements in flight.
	StatementsPerRequest int
	// RowsInFlight caps the cost (rows) of all operations running at once,
	// so that the memory their answers take stays bounded; an operation
	// waits up to QueueWait for room, then gets OVERLOADED.
	RowsInFlight int64
	QueueWait    time.Duration
	// RatePerSecond and RateBurst limit each client's requests (a token
	// bucket per client address); RatePerSecond < 0 turns the limit off.
	RatePerSecond float64
	RateBurst     int
	// TrustedProxies are the addresses of reverse proxies whose
	// X-Forwarded-For names the client; other peers are the client.
	TrustedProxies []netip.Prefix
}

// DefaultBounds are the bounds of a server told nothing else.
var DefaultBounds = Bounds{
	RequestTimeout:       30 * time.Second,
	StatementsPerRequest: store.DefaultPerRequest,
	RowsInFlight:         2 * int64(DefaultLimits.MaxCost),
	QueueWait:            2 * time.Second,
	RatePerSecond:        50,
	RateBurst:            100,
}

func (b Bounds) withDefaults() Bounds {
	d := DefaultBounds
	if b.RequestTimeout <= 0 {
		b.RequestTimeout = d.RequestTimeout
	}
	if b.StatementsPerRequest <= 0 {
		b.StatementsPerRequest = d.StatementsPerRequest
	}
	if b.RowsInFlight <= 0 {
		b.RowsInFlight = d.RowsInFlight
	}
	if b.QueueWait <= 0 {
		b.QueueWait = d.QueueWait
	}
	if b.RatePerSecond == 0 {
		b.RatePerSecond = d.RatePerSecond
	}
	if b.RateBurst <= 0 {
		b.RateBurst = d.RateBurst
	}
	return b
}

// bounded gives each request its deadline and its gate of statements (see
// store.WithRequestGate). The request's context also ends when the client
// goes away, and with it the request's transactions.
func bounded(b Bounds, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), b.RequestTimeout)
		defer cancel()
		ctx = store.WithRequestGate(ctx, b.StatementsPerRequest)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// rateLimiter keeps a token bucket per client (a signed-in actor, or an
// address): the most recently seen clients, so that its memory stays bounded
// however many call.
type rateLimiter struct {
	bounds  Bounds
	clients *lru.Cache[string, *rate.Limiter]
	// failures is a bucket per address for credentials that did not hold:
	// each costs a token, and an address that has spent them is refused
	// before its credentials are looked up (a guess costs a database read).
	failures *lru.Cache[string, *rate.Limiter]
}

// Failed sign-ins an address may make: a burst of failedSignInBurst, then
// one each failedSignInEvery.
const (
	failedSignInBurst = 20
	failedSignInEvery = time.Second
)

// maxTrackedClients bounds the rate limiter's memory: a client pushed out
// by newer ones starts again with a full bucket.
const maxTrackedClients = 100_000

func newRateLimiter(b Bounds) *rateLimiter {
	clients, _ := lru.New[string, *rate.Limiter](maxTrackedClients)
	failures, _ := lru.New[string, *rate.Limiter](maxTrackedClients)
	return &rateLimiter{bounds: b, clients: clients, failures: failures}
}

// signIn checks a credential sent from r's address, as every way in does
// (HTTP, a WebSocket's upgrade and its connection_init): an address that has
// spent its failed sign-ins is refused with RATE_LIMITED (and how long until
// the next is allowed) before the credential is looked up, and a credential
// that does not hold costs its address one. Without a credential the
// authenticator alone decides (public reads, or UNAUTHENTICATED).
func (l *rateLimiter) signIn(ctx context.Context, r *http.Request, a *auth.Authenticator, credential string) (castgraph.Actor, time.Duration, error) {
	if credential != "" {
		if blocked, delay := l.signInBlocked(r); blocked {
			return castgraph.Actor{}, delay, castgraph.Errorf(castgraph.ERATELIMITED, "",
				"too many failed sign-ins from this address: at most %d, then one a second; retry later", failedSignInBurst)
		}
	}
	actor, err := authenticate(ctx, a, credential)
	if credential != "" && castgraph.ErrorCode(err) == castgraph.EUNAUTHENTICATED {
		l.signInFailed(r)
	}
	return actor, 0, err
}

// signInBlocked reports, for a request with credentials, whether its address
// has spent its failed sign-ins, and how long until the next is allowed.
func (l *rateLimiter) signInBlocked(r *http.Request) (bool, time.Duration) {
	if l == nil || l.bounds.RatePerSecond < 0 {
		return false, 0
	}
	lim, ok := l.failures.Get(clientAddr(r, l.bounds.TrustedProxies).String())
	if !ok || lim.Tokens() >= 1 {
		return false, 0
	}
	res := lim.Reserve()
	delay := res.Delay()
	res.Cancel()
	return true, delay
}

// signInFailed charges the request's address for credentials that did not hold.
func (l *rateLimiter) signInFailed(r *http.Request) {
	if l == nil || l.bounds.RatePerSecond < 0 {
		return
	}
	addr := clientAddr(r, l.bounds.TrustedProxies).String()
	lim, ok := l.failures.Get(addr)
	if !ok {
		lim = rate.NewLimiter(rate.Every(failedSignInEvery), failedSignInBurst)
		l.failures.Add(addr, lim)
	}
	lim.Allow()
}

// wrap answers 429 with Retry-After and a RATE_LIMITED error when the
// client's bucket is empty.
func (l *rateLimiter) wrap(next http.Handler) http.Handler {
	if l.bounds.RatePerSecond < 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		client := clientKey(r, l.bounds.TrustedProxies)
		lim, ok := l.clients.Get(client)
		if !ok {
			lim = rate.NewLimiter(rate.Limit(l.bounds.RatePerSecond), l.bounds.RateBurst)
			l.clients.Add(client, lim)
		}
		res := lim.Reserve()
		if delay := res.Delay(); delay > 0 {
			res.Cancel()
			w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(delay.Seconds()))))
			refuse(w, r, http.StatusTooManyRequests, castgraph.ERATELIMITED,
				fmt.Sprintf("too many requests from this client: at most %g a second (bursts of %d); retry after %s",
					l.bounds.RatePerSecond, l.bounds.RateBurst, delay.Round(time.Millisecond)))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientKey is who a request counts against: the signed-in actor, else its
// address (clientAddr).
func clientKey(r *http.Request, trusted []netip.Prefix) string {
	if a, ok := castgraph.ActorFrom(r.Context()); ok && a.Via != castgraph.Anonymous.Via {
		return "actor " + a.String()
	}
	return "address " + clientAddr(r, trusted).String()
}

// clientAddr is the address a request counts against: the peer, or, when
// the peer is a trusted proxy, the address the proxies say they forwarded
// for (the right-most one that is not itself a trusted proxy).
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		if hop = hop.Unmap(); !isTrusted(hop, trusted) {
			return hop
		}
	}
	return peer
}

// ParsePrefixes reads a comma-separated list of addresses and CIDR prefixes
// (CASTGRAPH_TRUSTED_PROXIES): "10.0.0.0/8, 192.0.2.7, ::1".
func ParsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, castgraph.Errorf(castgraph.EINVALID, "CASTGRAPH_TRUSTED_PROXIES", "%q is neither an address nor a CIDR prefix", item)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// rowsInFlight admits operations while the rows of those running, by the
// cost model's count, stay under Bounds.RowsInFlight.
type rowsInFlight struct {
	sem   *semaphore.Weighted
	limit int64
	wait  time.Duration
}

var _ graphql.ResponseInterceptor = (*rowsInFlight)(nil)

func (*rowsInFlight) ExtensionName() string                          { return "CastgraphRowsInFlight" }
func (*rowsInFlight) Validate(schema graphql.ExecutableSchema) error { return nil }

func (f *rowsInFlight) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	stats := CostOf(ctx)
	if stats == nil || stats.Requested == 0 {
		return next(ctx)
	}
	weight := min(int64(stats.Requested), f.limit)
	wait, cancel := context.WithTimeout(ctx, f.wait)
	err := f.sem.Acquire(wait, weight)
	cancel()
	if err != nil {
		graphql.AddError(ctx, &gqlerror.Error{
			Message:    fmt.Sprintf("the server is busy answering other requests; retry in a moment (this one may read %d rows)", stats.Requested),
			Extensions: map[string]any{"code": castgraph.EOVERLOADED},
		})
		return &graphql.Response{Errors: graphql.GetErrors(ctx)}
	}
	defer f.sem.Release(weight)
	return next(ctx)
}

// refuse answers a request turned away before it reached GraphQL, in the
// shape of a GraphQL request error: no data, one error with its code.
func refuse(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	noteCode(r.Context(), code)
	writeJSON(w, status, map[string]any{"errors": []map[string]any{
		{"message": message, "extensions": map[string]any{"code": code}},
	}})
}
