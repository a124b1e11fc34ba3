package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/castgraph/castgraph"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// refusingExecutor parses nothing: every operation is a query, and an
// extension turns it away before execution, as the rows-in-flight gate does
// when the server is busy.
type refusingExecutor struct{}

func (refusingExecutor) CreateOperationContext(ctx context.Context, p *graphql.RawParams) (*graphql.OperationContext, gqlerror.List) {
	return &graphql.OperationContext{Operation: &ast.OperationDefinition{Operation: ast.Query}}, nil
}

func (refusingExecutor) DispatchOperation(ctx context.Context, op *graphql.OperationContext) (graphql.ResponseHandler, context.Context) {
	err := gqlerror.Errorf("busy")
	err.Extensions = map[string]any{"code": castgraph.EOVERLOADED}
	return graphql.OneShot(&graphql.Response{Errors: gqlerror.List{err}}), ctx
}

func (refusingExecutor) DispatchError(ctx context.Context, list gqlerror.List) *graphql.Response {
	return &graphql.Response{Errors: list}
}

// TestTransport_RefusedBeforeExecutionIsARequestError: an answer with
// errors and no data at all gets the code's status and no "data" entry.
func TestTransport_RefusedBeforeExecutionIsARequestError(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ __typename }"}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	httpTransport{maxBody: 1 << 20}.Do(w, r, refusingExecutor{})
	if body := w.Body.String(); w.Code != http.StatusServiceUnavailable || strings.Contains(body, `"data"`) || !strings.Contains(body, "OVERLOADED") {
		t.Errorf("HTTP %d %s", w.Code, body)
	}
}
