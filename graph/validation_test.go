package graph_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/store/storetest"
)

func TestValidation_BadInputGetsCodedErrorsAndWritesNothing(t *testing.T) {
	a := newAPI(t)
	f := newFixture(t, a)
	societyName := str(a.ok(t, `query($id: ID!) { node(id: $id) { name } }`, map[string]any{"id": f.society}), "node", "name")
	relCount := func() int64 {
		rows := storetest.Query(t, "MATCH (n:Entity {id: $id})-[r]-() RETURN count(r) AS c", map[string]any{"id": f.expert})
		return rows[0]["c"].(int64)
	}
	countNamed := func(name string) int64 {
		rows := storetest.Query(t, "MATCH (n:Entity) WHERE n.name = $name RETURN count(n) AS c", map[string]any{"name": name})
		return rows[0]["c"].(int64)
	}

	t.Run("empty name", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "input.name", createSociety, map[string]any{"in": map[string]any{"name": "   "}})
	})
	t.Run("empty alias", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "input.aliases[1]", createSociety, map[string]any{"in": map[string]any{"name": unique("学会"), "aliases": []string{"好", " "}}})
	})
	t.Run("renaming to empty", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "input.name", `mutation($id: ID!) { updateSociety(id: $id, input: {name: ""}) { id } }`, map[string]any{"id": f.society})
	})
	t.Run("duplicate natural key on create", func(t *testing.T) {
		a.fails(t, "CONFLICT", "input.name", createSociety, map[string]any{"in": map[string]any{"name": societyName}})
		// The same name in full-width and with extra spaces is the same key.
		fullWidth := " " + strings.ReplaceAll(societyName, "-", "－") + " "
		a.fails(t, "CONFLICT", "input.name", createSociety, map[string]any{"in": map[string]any{"name": fullWidth}})
		if n := countNamed(societyName); n != 1 {
			t.Errorf("%d societies named %s", n, societyName)
		}
	})
	t.Run("duplicate credit code", func(t *testing.T) {
		code := validCreditCode()
		a.ok(t, createCompany, map[string]any{"in": map[string]any{"name": unique("甲公司"), "creditCode": code}})
		other := unique("乙公司")
		a.fails(t, "CONFLICT", "input.creditCode", createCompany, map[string]any{"in": map[string]any{"name": other, "creditCode": code}})
		if n := countNamed(other); n != 0 {
			t.Errorf("the rejected enterprise was written")
		}
	})
	t.Run("duplicate natural key on update", func(t *testing.T) {
		other := str(a.ok(t, createSociety, map[string]any{"in": map[string]any{"name": unique("另一学会")}}), "createSociety", "id")
		a.fails(t, "CONFLICT", "input.name", `mutation($id: ID!, $n: String) { updateSociety(id: $id, input: {name: $n}) { id } }`, map[string]any{"id": other, "n": societyName})
	})
	t.Run("unknown id on update", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "id", `mutation { updateSociety(id: "society/nope", input: {field: "x"}) { id } }`, nil)
	})
	t.Run("unknown id on delete", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "id", `mutation { deleteExpert(id: "expert/nope") }`, nil)
	})
	t.Run("wrong kind on update", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "id", `mutation($id: ID!) { updateSociety(id: $id, input: {field: "x"}) { id } }`, map[string]any{"id": f.expert})
	})
	t.Run("wrong kind on delete", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "id", `mutation($id: ID!) { deleteSociety(id: $id) }`, map[string]any{"id": f.expert})
		if a.ok(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": f.expert})["node"] == nil {
			t.Error("the expert was deleted")
		}
	})
	t.Run("unknown from", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "input.from", link, map[string]any{"in": map[string]any{"type": "SERVES", "from": "expert/nope", "to": f.enterprise}})
	})
	t.Run("unknown to", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "input.to", link, map[string]any{"in": map[string]any{"type": "SERVES", "from": f.expert, "to": "enterprise/nope"}})
	})
	t.Run("wrong kind at the end", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "input.to", link, map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.enterprise}})
	})
	t.Run("wrong kind at the start", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "input.from", link, map[string]any{"in": map[string]any{"type": "LAUNCHES", "from": f.expert, "to": f.society}})
	})
	t.Run("property the relationship does not have", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "input.props.via", link, map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "props": map[string]any{"via": "x"}}})
	})
	t.Run("unknown id on unlink", func(t *testing.T) {
		a.fails(t, "NOT_FOUND", "input.to", unlink, map[string]any{"in": map[string]any{"type": "SERVES", "from": f.expert, "to": "enterprise/nope"}})
	})
	if n := relCount(); n != 0 {
		t.Errorf("failed links wrote %d relationships", n)
	}

	t.Run("bad date", func(t *testing.T) {
		e := a.post(t, link, map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "props": map[string]any{"since": "2023-13-45"}}})
		if len(e.Errors) == 0 || e.Errors[0].Extensions["code"] == nil || !strings.Contains(e.Errors[0].Message, "YYYY-MM-DD") {
			t.Errorf("errors = %+v", e.Errors)
		}
		if n := relCount(); n != 0 {
			t.Errorf("a bad date wrote %d relationships", n)
		}
	})
	t.Run("unknown enum value", func(t *testing.T) {
		a.fails(t, "GRAPHQL_VALIDATION_FAILED", "", `mutation { createSociety(input: {name: "x", scope: GALACTIC}) { id } }`, nil)
	})
	t.Run("missing required property", func(t *testing.T) {
		a.fails(t, "GRAPHQL_VALIDATION_FAILED", "", `mutation { createProgram(input: {name: "x"}) { id } }`, nil)
	})
	t.Run("malformed query", func(t *testing.T) {
		e := a.fails(t, "GRAPHQL_PARSE_FAILED", "", `{ experts(first: 2 { nodes { name } }`, nil)
		if !strings.Contains(e.Message, "Expected") {
			t.Errorf("message = %q", e.Message)
		}
	})
	t.Run("unknown field", func(t *testing.T) {
		a.fails(t, "GRAPHQL_VALIDATION_FAILED", "", `{ experts { nodes { salary } } }`, nil)
	})
	t.Run("page too large", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "first", `{ experts(first: 100000) { totalCount } }`, nil)
	})
	t.Run("foreign cursor", func(t *testing.T) {
		a.fails(t, "INVALID_ARGUMENT", "after", `{ experts(after: "not-a-cursor") { totalCount } }`, nil)
	})
	t.Run("hostile name filter is only a value", func(t *testing.T) {
		d := a.ok(t, `query($n: String) { experts(name: $n) { totalCount } }`, map[string]any{"n": "x' OR 1=1 WITH n MATCH (m) DETACH DELETE m //"})
		if get(d, "experts", "totalCount") != float64(0) {
			t.Errorf("hostile filter matched: %v", d)
		}
	})
	t.Run("GET cannot mutate", func(t *testing.T) {
		res, err := http.Get(a.url + `/graphql?query=mutation%7BdeleteExpert(id:%22x%22)%7D`)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			t.Errorf("GET mutation answered %d", res.StatusCode)
		}
	})
}
