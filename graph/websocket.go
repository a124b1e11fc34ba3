package graph

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/auth"
	coderws "github.com/coder/websocket"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// Subscriptions (importProgress) run over a WebSocket at /graphql, by either
// protocol gqlgen speaks: graphql-transport-ws and the older graphql-ws. An
// upgrade request does not take the path of other requests (http.go): it has
// no request deadline (a connection lives as long as MaxConnectionTime) and
// no body limit, so it has bounds of its own, checked before the upgrade:
//
//   - the Origin must be the server's own or one of the CORS origins: a page
//     on another site could otherwise open a socket with its visitor's
//     cookies or network position (browsers send no CORS preflight for it);
//   - credentials: the upgrade request's Authorization header, or, since
//     browsers cannot set headers on a WebSocket, the connection_init
//     payload's {"Authorization": "Bearer …"}; anonymous connections are
//     refused (every subscription needs sign-in);
//   - the per-client rate limit, and at most MaxConnections connections;
//   - then, on the connection: connection_init within InitTimeout, messages
//     up to 64 KiB, a ping every KeepAlive, at most MaxSubscriptions at once.
//
// Only subscriptions run over it: queries and mutations have their bounds
// (deadline, loaders, bookmarks, the CSRF check) on the HTTP path.

// wsMaxMessage is the largest message a client may send: a document is at
// most 32 KiB (Limits.MaxDocumentBytes), variables of a subscription few.
const wsMaxMessage = 64 << 10

// wsCloseForbidden is the close code graphql-transport-ws gives a
// connection_init refused.
const wsCloseForbidden = 4403

// wsConn is what the server knows of one WebSocket connection.
type wsConn struct {
	authn *auth.Authenticator
	// limiter and upgrade charge failed sign-ins in connection_init to the
	// upgrade request's address, as failed sign-ins over HTTP are.
	limiter *rateLimiter
	upgrade *http.Request
	// header is the credential the upgrade request carried, if any.
	header string
	// credential is the one the connection acts with, once initialised.
	credential string
	subs       atomic.Int32
	max        int32
	// conn is the accepted socket, closed when the handler returns whatever
	// gqlgen did with it.
	mu   sync.Mutex
	conn transport.WebsocketConn
}

type wsConnKey struct{}

func wsConnFrom(ctx context.Context) *wsConn {
	c, _ := ctx.Value(wsConnKey{}).(*wsConn)
	return c
}

// isWebsocket tells whether a request asks to upgrade to a WebSocket.
func isWebsocket(r *http.Request) bool {
	return headerHas(r.Header, "Connection", "upgrade") && headerHas(r.Header, "Upgrade", "websocket")
}

func headerHas(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// upgrades sends WebSocket upgrades to ws and every other request to next.
func upgrades(ws, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isWebsocket(r) {
			ws.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// originAllowed: no Origin (not a browser), the server's own, or a CORS
// origin. Never every origin.
func originAllowed(r *http.Request, allowed []string) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	for _, a := range allowed {
		if strings.EqualFold(strings.TrimRight(a, "/"), u.Scheme+"://"+u.Host) {
			return true
		}
	}
	return false
}

// websocketHandler admits a WebSocket upgrade (origin, credentials in the
// header, rate, connection cap) and hands it to next, the GraphQL handler
// whose websocket transport takes it over.
func websocketHandler(opts Options, limiter *rateLimiter, next http.Handler) http.Handler {
	jo := opts.Jobs.withDefaults()
	slots := make(chan struct{}, jo.MaxConnections)
	admitted := limiter.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case slots <- struct{}{}:
		default:
			w.Header().Set("Retry-After", "5")
			refuse(w, r, http.StatusServiceUnavailable, castgraph.EOVERLOADED,
				fmt.Sprintf("the server holds %d WebSocket connections, the most it does; retry in a moment", jo.MaxConnections))
			return
		}
		defer func() { <-slots }()
		// net/http's read and write timeouts (serve sets them) stay on the
		// connection after the upgrade and would cut it; the connection's
		// own bounds are MaxConnectionTime and the keep-alive.
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		c := wsConnFromRequest(r)
		ctx, cancel := context.WithTimeout(r.Context(), jo.MaxConnectionTime)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, wsConnKey{}, c)))
		c.mu.Lock()
		if c.conn != nil {
			_ = c.conn.Close()
		}
		c.mu.Unlock()
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !originAllowed(r, opts.AllowedOrigins) {
			refuse(w, r, http.StatusForbidden, castgraph.EFORBIDDEN, "WebSocket connections from this origin are not allowed")
			return
		}
		c := &wsConn{authn: opts.Auth, max: int32(jo.MaxSubscriptions), limiter: limiter, upgrade: r}
		actor := castgraph.Anonymous
		if header := r.Header.Get("Authorization"); header != "" {
			var err error
			if actor, _, err = limiter.signIn(r.Context(), r, opts.Auth, header); err != nil {
				var e *castgraph.Error
				switch {
				case !errors.As(err, &e) || e.Code != castgraph.EUNAUTHENTICATED && e.Code != castgraph.ERATELIMITED:
					refuse(w, r, http.StatusServiceUnavailable, castgraph.ErrorCode(err), "cannot check the credentials now; retry in a moment")
				case e.Code == castgraph.ERATELIMITED:
					refuse(w, r, http.StatusTooManyRequests, e.Code, e.Message)
				default:
					w.Header().Set("WWW-Authenticate", `Bearer realm="castgraph", error="invalid_token"`)
					refuse(w, r, http.StatusUnauthorized, e.Code, e.Message)
				}
				return
			}
			c.header = header
		}
		ctx := context.WithValue(castgraph.WithActor(r.Context(), actor), wsConnKey{}, c)
		admitted.ServeHTTP(w, r.WithContext(ctx))
	})
}

func wsConnFromRequest(r *http.Request) *wsConn { return wsConnFrom(r.Context()) }

// authenticate checks a credential; without an authenticator nobody signs in.
func authenticate(ctx context.Context, a *auth.Authenticator, credential string) (castgraph.Actor, error) {
	if a == nil {
		return castgraph.Actor{}, castgraph.Errorf(castgraph.EUNAUTHENTICATED, "", "this server takes no credentials")
	}
	return a.Authenticate(ctx, credential)
}

// websocketTransport is gqlgen's WebSocket transport with castgraph's
// bounds; it takes only the upgrades websocketHandler admitted.
type websocketTransport struct{ transport.Websocket }

func (t websocketTransport) Supports(r *http.Request) bool {
	return isWebsocket(r) && wsConnFrom(r.Context()) != nil
}

func newWebsocketTransport(opts Options) websocketTransport {
	jo := opts.Jobs.withDefaults()
	limit := int64(wsMaxMessage)
	var origins []string
	for _, o := range opts.AllowedOrigins {
		origins = append(origins, strings.TrimRight(o, "/"))
	}
	return websocketTransport{transport.Websocket{
		// coder/websocket checks the origin again (the same rule).
		Implementation:        trackedWebsocket{transport.CoderWebsocketImplementation{AcceptOptions: coderws.AcceptOptions{OriginPatterns: origins}}},
		InitFunc:              websocketInit,
		InitTimeout:           jo.InitTimeout,
		KeepAlivePingInterval: jo.KeepAlive,
		PingPongInterval:      jo.KeepAlive,
		PayloadReadLimit:      &limit,
		ErrorFunc:             func(context.Context, error) {}, // a client gone away is no news
	}}
}

// trackedWebsocket remembers the accepted socket on its wsConn, so that
// websocketHandler closes it however gqlgen leaves it.
type trackedWebsocket struct {
	transport.CoderWebsocketImplementation
}

func (t trackedWebsocket) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	conn, err := t.CoderWebsocketImplementation.Accept(w, r, o)
	if c := wsConnFrom(r.Context()); err == nil && c != nil {
		c.mu.Lock()
		c.conn = conn
		c.mu.Unlock()
	}
	return conn, err
}

// websocketInit settles who the connection acts for: the connection_init
// payload's Authorization, else the upgrade request's. Anonymous
// connections are refused (4403): there is nothing they may subscribe to.
func websocketInit(ctx context.Context, payload transport.InitPayload) (context.Context, *transport.InitPayload, error) {
	c := wsConnFrom(ctx)
	if c == nil {
		return transport.WithWebsocketCloseCode(ctx, wsCloseForbidden), nil, errors.New("not admitted")
	}
	credential := payload.Authorization()
	if credential == "" {
		credential = c.header
	}
	if credential == "" {
		return refuseInit(ctx, `sign in: send {"Authorization": "Bearer <token>"} in connection_init`)
	}
	var actor castgraph.Actor
	var err error
	if credential == c.header {
		// Checked (and any failure charged) before the upgrade was accepted.
		actor, err = authenticate(ctx, c.authn, credential)
	} else {
		actor, _, err = c.limiter.signIn(ctx, c.upgrade, c.authn, credential)
	}
	if err != nil {
		msg := "cannot check the credentials now; retry in a moment"
		var e *castgraph.Error
		if errors.As(err, &e) && (e.Code == castgraph.EUNAUTHENTICATED || e.Code == castgraph.ERATELIMITED) {
			msg = e.Message
		}
		return refuseInit(ctx, msg)
	}
	c.credential = credential
	return castgraph.WithActor(ctx, actor), nil, nil
}

// refuseInit closes the connection with 4403 and the message: as
// connection_error too for graphql-ws, only as the close reason (at most
// 123 bytes) for graphql-transport-ws, which has no error message.
func refuseInit(ctx context.Context, msg string) (context.Context, *transport.InitPayload, error) {
	ctx = transport.WithWebsocketCloseCode(ctx, wsCloseForbidden)
	reason := msg
	for len(reason) > 120 {
		_, size := utf8.DecodeLastRuneInString(reason)
		reason = reason[:len(reason)-size]
	}
	return transport.AppendCloseReason(ctx, reason), nil, errors.New(msg)
}

// transportRule keeps each kind of operation on the transport that bounds
// it: subscriptions on the WebSocket (a subscription over HTTP would hold
// the request open), queries and mutations on HTTP. On the WebSocket it also
// caps the subscriptions of a connection, and checks the connection's
// credential again at each one (a revoked token stops subscribing within a
// second). With an allow-list of documents, the WebSocket runs only its
// documents too (the HTTP transport checks its own requests).
type transportRule struct {
	persisted persistedDocuments
}

var (
	_ graphql.OperationInterceptor      = transportRule{}
	_ graphql.OperationParameterMutator = transportRule{}
)

func (t transportRule) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if wsConnFrom(ctx) == nil {
		return nil
	}
	if err := t.persisted.resolve(p, ""); err != nil {
		return gqlerror.Wrap(err)
	}
	return nil
}

func (transportRule) ExtensionName() string                          { return "CastgraphTransportRule" }
func (transportRule) Validate(schema graphql.ExecutableSchema) error { return nil }

func (transportRule) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	op := graphql.GetOperationContext(ctx).Operation
	c := wsConnFrom(ctx)
	refuse := func(code, msg string) graphql.ResponseHandler {
		return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{{Message: msg, Extensions: map[string]any{"code": code}}}})
	}
	switch {
	case op == nil:
		return next(ctx)
	case c == nil && op.Operation == ast.Subscription:
		return refuse(castgraph.EBADREQUEST, "subscriptions run over a WebSocket at /graphql (graphql-transport-ws or graphql-ws), not over HTTP")
	case c == nil:
		return next(ctx)
	case op.Operation != ast.Subscription:
		return refuse(castgraph.EBADREQUEST, "only subscriptions run over the WebSocket: send queries and mutations over HTTP")
	}
	if c.credential != "" {
		actor, err := authenticate(ctx, c.authn, c.credential)
		if err != nil {
			return refuse(castgraph.EUNAUTHENTICATED, "the connection's credentials no longer hold: sign in again")
		}
		ctx = castgraph.WithActor(ctx, actor)
	}
	if c.subs.Add(1) > c.max {
		c.subs.Add(-1)
		return refuse(castgraph.ELIMIT, fmt.Sprintf("a connection runs at most %d subscriptions at once", c.max))
	}
	go func() {
		<-ctx.Done() // the subscription's context ends when it completes or is stopped
		c.subs.Add(-1)
	}()
	return next(ctx)
}
