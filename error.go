package castgraph

import (
	"errors"
	"fmt"
)

// Error codes. They are the only codes a client sees (as extensions.code in
// GraphQL errors); the edge maps every other error to EINTERNAL.
const (
	EINVALID     = "INVALID_ARGUMENT" // the request is malformed or breaks a rule
	ENOTFOUND    = "NOT_FOUND"        // an id names nothing
	ECONFLICT    = "CONFLICT"         // a natural key is taken already
	EUNAVAILABLE = "UNAVAILABLE"      // the database cannot be reached
	EINTERNAL    = "INTERNAL"         // a bug or an unexpected failure
	ELIMIT       = "LIMIT_EXCEEDED"   // the operation asks for more than a limit allows
	EOVERLOADED  = "OVERLOADED"       // the server is busy: retry after a moment
	ERATELIMITED = "RATE_LIMITED"     // the client sent too much too fast: retry after Retry-After
	ETIMEOUT     = "TIMEOUT"          // the request ran out of time
	// EUNAUTHENTICATED: no credentials where some are needed, or credentials
	// that are malformed, unknown, expired or revoked (HTTP 401).
	EUNAUTHENTICATED = "UNAUTHENTICATED"
	// EFORBIDDEN: the caller's role does not grant what it asked.
	EFORBIDDEN = "FORBIDDEN"
)

// Error is an error a client may see: a code, a message safe to show, and the
// argument (a path such as "input.name" or "from") it is about, if any.
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the code, about the field, with a formatted message.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err if it is or wraps an *Error, else EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// Transport codes: what was wrong with the HTTP request itself, or why it
// may not run as sent (graph/transport.go gives each its HTTP status).
const (
	EBADREQUEST    = "BAD_REQUEST"                  // not a GraphQL request: malformed JSON, a batch, a parameter of the wrong type (400)
	ETOOLARGE      = "PAYLOAD_TOO_LARGE"            // the body is over the server's limit (413)
	EMEDIATYPE     = "UNSUPPORTED_MEDIA_TYPE"       // a POST body that is neither application/json nor multipart/form-data (415)
	EMETHOD        = "METHOD_NOT_ALLOWED"           // a method other than GET and POST, or a mutation over GET (405)
	EPREFLIGHT     = "PREFLIGHT_REQUIRED"           // a mutation a browser could have sent cross-site without asking CORS (403)
	EPERSISTED     = "PERSISTED_DOCUMENT_NOT_FOUND" // the server runs allow-listed documents only (400)
	EINTROSPECTION = "INTROSPECTION_DISABLED"       // the server does not describe its schema
)
