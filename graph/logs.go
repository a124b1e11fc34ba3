package graph

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
)

// maxLoggedError caps the text of an error in the log.
const maxLoggedError = 300

// logInternal logs an error that the client sees only as INTERNAL. It names
// the operation and the sha256 of its document, which find the query in a
// persisted-document manifest or a client's own log, but never the document,
// the variables or the body themselves: those may carry anything, personal
// data included, and megabytes of it. The error's own text is kept (it is
// what says what broke) but cut short, and any variable's text it quotes (a
// driver or decoder error may) is blanked out.
func logInternal(ctx context.Context, log *slog.Logger, path string, err error) {
	text := err.Error()
	attrs := []any{"path", path, "errorType", fmt.Sprintf("%T", err)}
	if graphql.HasOperationContext(ctx) {
		if op := graphql.GetOperationContext(ctx); op != nil {
			text = redactVariables(capText(text, 4096), op.Variables)
			attrs = append(attrs, "operation", capText(op.OperationName, 100), "documentSha256", documentHash(op.RawQuery))
		}
	}
	log.Error("internal error", append(attrs, "err", capText(text, maxLoggedError))...)
}

// redactVariables blanks out in s every string of the variables (nested in
// lists and objects too) of 4 bytes or more, and the first 256 bytes of
// longer ones, which s may hold cut short.
func redactVariables(s string, vars any) string {
	switch v := vars.(type) {
	case string:
		if len(v) >= 4 {
			s = strings.ReplaceAll(s, v, "[variable]")
			if len(v) > 256 {
				s = strings.ReplaceAll(s, v[:256], "[variable]")
			}
		}
	case map[string]any:
		for _, e := range v {
			s = redactVariables(s, e)
		}
	case []any:
		for _, e := range v {
			s = redactVariables(s, e)
		}
	}
	return s
}

// capText cuts s to at most max bytes (on a rune boundary) and says how long
// it was.
func capText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes in all)", s[:cut], len(s))
}
