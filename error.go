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
