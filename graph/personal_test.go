package graph_test

import (
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/graph"
)

// personal is an expert with every personal field set, who serves an
// enterprise (whose servedBy are experts only), written by an admin.
type personal struct {
	expert, company, name   string
	phone, email, birth, gd string
}

func newPersonal(t *testing.T, a *api) personal {
	t.Helper()
	p := personal{
		name:  unique("个人信息专家"),
		phone: fmt.Sprintf("139%08d", rand.IntN(100_000_000)),
		email: fmt.Sprintf("pipl%d@example.cn", rand.Int64()),
		birth: "1988-04",
		gd:    "FEMALE",
	}
	d := a.ok(t, `mutation($in: CreateExpertInput!) { createExpert(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"name": p.name, "title": "研究员", "gender": p.gd, "birthMonth": p.birth,
		// Spaced and with the country code, as people write it; stored as 11 digits.
		"phone": "+86 " + p.phone[:3] + " " + p.phone[3:7] + " " + p.phone[7:], "email": strings.ToUpper(p.email),
	}})
	p.expert = str(d, "createExpert", "id")
	d = a.ok(t, createCompany, map[string]any{"in": map[string]any{"name": unique("个人信息测试有限公司")}})
	p.company = str(d, "createEnterprise", "id")
	a.ok(t, link, map[string]any{"in": map[string]any{"type": "SERVES", "from": p.expert, "to": p.company}})
	// The local part keeps its case; the domain is folded.
	local, domain, _ := strings.Cut(strings.ToUpper(p.email), "@")
	p.email = local + "@" + strings.ToLower(domain)
	return p
}

// refused checks that an answer is refused with the code about the field
// (when not empty), and that no error message holds any of the values.
func refused(t *testing.T, r response, code, field string, values ...string) {
	t.Helper()
	if len(r.Errors) == 0 {
		t.Fatalf("expected %s, got data %v", code, r.Data)
	}
	for _, e := range r.Errors {
		if e.Extensions["code"] != code {
			t.Errorf("expected code %s, got %+v", code, e)
		}
		if field != "" && e.Extensions["field"] != field {
			t.Errorf("expected field %s, got %+v", field, e)
		}
		for _, v := range values {
			if strings.Contains(e.Message, v) {
				t.Errorf("the error tells a personal value: %q", e.Message)
			}
		}
	}
}

const personalQuery = `query($id: ID!) { node(id: $id) { id name ... on Expert { title gender birthMonth phone email } } }`

func TestPersonal_Fields(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	a := newAPI(t)
	p := newPersonal(t, a)
	vars := map[string]any{"id": p.expert}

	t.Run("an analyst reads them", func(t *testing.T) {
		d := a.as(t, castgraph.RoleAnalyst).ok(t, personalQuery, vars)
		for field, want := range map[string]string{"gender": p.gd, "birthMonth": p.birth, "phone": p.phone, "email": p.email} {
			if got := str(d, "node", field); got != want {
				t.Errorf("%s = %q, want %q", field, got, want)
			}
		}
	})

	t.Run("a viewer gets FORBIDDEN on each and the rest of the answer", func(t *testing.T) {
		r := a.as(t, castgraph.RoleViewer).post(t, personalQuery, vars)
		refused(t, r, castgraph.EFORBIDDEN, "", p.phone, p.email, p.birth)
		paths := map[string]bool{}
		for _, e := range r.Errors {
			paths[fmt.Sprint(e.Path)] = true
		}
		for _, f := range []string{"gender", "birthMonth", "phone", "email"} {
			if !paths["[node "+f+"]"] {
				t.Errorf("no error at node.%s: %+v", f, r.Errors)
			}
			if v := get(r.Data, "node", f); v != nil {
				t.Errorf("node.%s = %v for a viewer", f, v)
			}
		}
		if str(r.Data, "node", "name") != p.name || str(r.Data, "node", "title") != "研究员" {
			t.Errorf("the rest of the answer is missing: %v", r.Data)
		}
	})

	t.Run("anonymous callers get UNAUTHENTICATED", func(t *testing.T) {
		r := a.as(t, castgraph.RoleAnonymous).post(t, personalQuery, vars)
		refused(t, r, castgraph.EUNAUTHENTICATED, "", p.phone, p.email)
		if str(r.Data, "node", "name") != p.name || get(r.Data, "node", "phone") != nil {
			t.Errorf("data = %v", r.Data)
		}
	})

	t.Run("lists, relationship fields and paths apply the directive too", func(t *testing.T) {
		v := a.as(t, castgraph.RoleViewer)
		for name, q := range map[string]string{
			"list":         `query($id: ID!) { experts(where: {id: {eq: $id}}) { nodes { name phone } } }`,
			"relationship": `query($s: ID!) { node(id: $s) { ... on Enterprise { servedBy { nodes { name birthMonth } } } } }`,
			"paths":        `query($id: ID!, $s: ID!) { paths(from: $s, to: $id) { nodes { id ... on Expert { email } } } }`,
			"neighborhood": `query($s: ID!) { neighborhood(id: $s) { nodes { label node { ... on Expert { gender } } } } }`,
		} {
			r := v.post(t, q, map[string]any{"id": p.expert, "s": p.company})
			refused(t, r, castgraph.EFORBIDDEN, "", p.phone, p.email, p.birth)
			if len(r.Errors) != 1 {
				t.Errorf("%s: %d errors, want one (the expert's field): %+v", name, len(r.Errors), r.Errors)
			}
			if !strings.Contains(fmt.Sprint(r.Data), p.expert) && !strings.Contains(fmt.Sprint(r.Data), p.name) {
				t.Errorf("%s: the rest of the answer is missing: %v", name, r.Data)
			}
		}
	})
}

func TestPersonal_Filters(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	a := newAPI(t)
	p := newPersonal(t, a)
	viewer, anonymous, analyst := a.as(t, castgraph.RoleViewer), a.as(t, castgraph.RoleAnonymous), a.as(t, castgraph.RoleAnalyst)
	vars := map[string]any{"id": p.expert, "s": p.company, "phone": p.phone, "name": p.name}

	for _, tc := range []struct {
		name, query, field string
	}{
		{"a list", `query($id: ID!) { experts(where: {id: {eq: $id}, birthMonth: {lt: "1990-01"}}) { totalCount nodes { id } } }`, "where.birthMonth"},
		{"inside AND", `query($id: ID!) { experts(where: {AND: [{id: {eq: $id}}, {gender: {eq: FEMALE}}]}) { nodes { id } } }`, "where.AND[1].gender"},
		{"through a relationship", `query($phone: String) { enterprises(where: {servedBy: {some: {phone: {eq: $phone}}}}) { nodes { id } } }`, "where.servedBy.some.phone"},
		{"a relationship field read ahead of node(id)", `query($s: ID!) { node(id: $s) { ... on Enterprise { servedBy(where: {birthMonth: {gte: "1988-04"}}) { totalCount nodes { id } } } } }`, "where.birthMonth"},
		{"a relationship field read ahead of a list", `query($s: ID!) { enterprises(where: {id: {eq: $s}}) { nodes { servedBy(where: {email: {contains: "pipl"}}) { nodes { id } } } } }`, "where.email"},
		{"a relationship field of search hits (the loaders)", `query($name: String!) { search(text: $name) { node { ... on Expert { serves(where: {servedBy: {some: {phone: {startsWith: "139"}}}}) { nodes { id } } } } } }`, "where.servedBy.some.phone"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := viewer.post(t, tc.query, vars)
			refused(t, r, castgraph.EFORBIDDEN, tc.field, p.phone)
			if s := fmt.Sprint(r.Data); strings.Contains(s, p.expert) {
				t.Errorf("the refused filter still answered: %v", r.Data)
			}
			refused(t, anonymous.post(t, tc.query, vars), castgraph.EUNAUTHENTICATED, tc.field, p.phone)
			if r := analyst.post(t, tc.query, vars); len(r.Errors) > 0 {
				t.Errorf("an analyst is refused: %+v", r.Errors)
			}
		})
	}

	t.Run("an analyst's filters find the person by birth month and phone", func(t *testing.T) {
		count := func(where map[string]any) int {
			d := analyst.ok(t, `query($w: ExpertFilter) { experts(where: $w) { totalCount } }`, map[string]any{"w": where})
			n, _ := get(d, "experts", "totalCount").(float64)
			return int(n)
		}
		id := map[string]any{"id": map[string]any{"eq": p.expert}}
		if n := count(map[string]any{"AND": []any{id, map[string]any{"birthMonth": map[string]any{"gte": "1988-04", "lt": "1988-05"}}}}); n != 1 {
			t.Errorf("born in April 1988: %d", n)
		}
		if n := count(map[string]any{"AND": []any{id, map[string]any{"birthMonth": map[string]any{"lt": "1988-04"}}}}); n != 0 {
			t.Errorf("born before April 1988: %d", n)
		}
		if n := count(map[string]any{"phone": map[string]any{"eq": p.phone}, "gender": map[string]any{"eq": "FEMALE"}}); n != 1 {
			t.Errorf("by phone and gender: %d", n)
		}
		r := analyst.post(t, `{ experts(where: {birthMonth: {eq: "1988-13"}}) { totalCount } }`, nil)
		refused(t, r, castgraph.EINVALID, "where.birthMonth.eq", "1988-13")
	})

	t.Run("personal fields are no sort fields", func(t *testing.T) {
		for _, role := range []castgraph.Role{castgraph.RoleViewer, castgraph.RoleAdmin} {
			a.as(t, role).fails(t, "GRAPHQL_VALIDATION_FAILED", "", `{ experts(orderBy: [{field: BIRTH_MONTH}]) { nodes { id } } }`, nil)
		}
	})
}

func TestPersonal_Writes(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	a := newAPI(t)
	p := newPersonal(t, a)
	const update = `mutation($id: ID!, $in: UpdateExpertInput!) { updateExpert(id: $id, input: $in) { id } }`

	t.Run("bad values are INVALID_ARGUMENT about the field, without the value", func(t *testing.T) {
		for field, values := range map[string][]string{
			"birthMonth": {"1988-13", "昨天", "1988-4", "2999-01", "1899-12"},
			"phone":      {"12345", "13812345678/13912345678", "电话号码"},
			"email":      {"zhangsan", "zhang@san@example.cn", "张三 <zs@example.cn>"},
		} {
			for _, v := range values {
				r := a.post(t, update, map[string]any{"id": p.expert, "in": map[string]any{field: v}})
				refused(t, r, castgraph.EINVALID, "input."+field, v)
			}
		}
		r := a.post(t, update, map[string]any{"id": p.expert, "in": map[string]any{"gender": "男"}})
		refused(t, r, "GRAPHQL_VALIDATION_FAILED", "")
		// Nothing was written.
		d := a.ok(t, personalQuery, map[string]any{"id": p.expert})
		if str(d, "node", "birthMonth") != p.birth || str(d, "node", "phone") != p.phone {
			t.Errorf("a refused write changed the node: %v", d)
		}
	})

	t.Run("writing them needs WRITE; an editor may set and clear them", func(t *testing.T) {
		for role, code := range map[castgraph.Role]string{castgraph.RoleAnalyst: castgraph.EFORBIDDEN, castgraph.RoleViewer: castgraph.EFORBIDDEN, castgraph.RoleAnonymous: castgraph.EUNAUTHENTICATED} {
			r := a.as(t, role).post(t, update, map[string]any{"id": p.expert, "in": map[string]any{"phone": "025-83456789"}})
			refused(t, r, code, "")
		}
		editor := a.as(t, castgraph.RoleEditor)
		editor.ok(t, update, map[string]any{"id": p.expert, "in": map[string]any{"phone": "(025) 8345 6789", "email": nil}})
		d := a.ok(t, personalQuery, map[string]any{"id": p.expert})
		if str(d, "node", "phone") != "025-83456789" || get(d, "node", "email") != nil || str(d, "node", "birthMonth") != p.birth {
			t.Errorf("after the editor's update: %v", d)
		}
	})
}

// TestPersonal_NotElsewhere: search, name matching, neighbourhood labels,
// error messages and the log never hold a personal value.
func TestPersonal_NotElsewhere(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	var logs syncBuffer
	a := newAPIWith(t, graph.Options{Log: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	p := newPersonal(t, a)
	viewer := a.as(t, castgraph.RoleViewer)
	local, _, _ := strings.Cut(p.email, "@")

	t.Run("search indexes names and aliases only", func(t *testing.T) {
		for _, text := range []string{p.phone, local, p.email} {
			// As an admin: the index itself must not hold the value.
			d := a.ok(t, `query($t: String!) { search(text: $t) { node { id } } }`, map[string]any{"t": text})
			if hits := list(d, "search"); len(hits) != 0 {
				t.Errorf("search(%q) = %v", text, hits)
			}
			d = a.ok(t, `query($t: String) { experts(name: $t) { totalCount } }`, map[string]any{"t": text})
			if n := get(d, "experts", "totalCount"); n != 0.0 {
				t.Errorf("experts(name: %q) = %v", text, n)
			}
		}
		d := viewer.ok(t, `query($t: String!) { search(text: $t) { node { id } } }`, map[string]any{"t": p.name})
		if str(d, "search", 0, "node", "id") != p.expert {
			t.Errorf("search by name = %v", d)
		}
	})

	t.Run("neighbourhood labels are names", func(t *testing.T) {
		d := viewer.ok(t, `query($s: ID!) { neighborhood(id: $s) { nodes { id kind label } } }`, map[string]any{"s": p.company})
		seen := false
		for _, n := range list(d, "neighborhood", "nodes") {
			if str(n, "id") == p.expert {
				seen = true
				if str(n, "label") != p.name {
					t.Errorf("label = %q", str(n, "label"))
				}
			}
		}
		if !seen {
			t.Errorf("the expert is not in the neighbourhood: %v", d)
		}
		if s := fmt.Sprint(d); strings.Contains(s, p.phone) || strings.Contains(s, p.email) || strings.Contains(s, p.birth) {
			t.Errorf("the neighbourhood tells a personal value: %s", s)
		}
	})

	t.Run("errors and the log", func(t *testing.T) {
		// A refused filter, a bad write, a write by someone who may not:
		// each carries the values; none may come back or reach the log.
		refused(t, viewer.post(t, `query($p: String) { experts(where: {phone: {eq: $p}}) { nodes { id } } }`, map[string]any{"p": p.phone}), castgraph.EFORBIDDEN, "where.phone", p.phone)
		bad := "1" + p.phone // 12 digits: not a phone number
		r := a.post(t, `mutation($id: ID!, $in: UpdateExpertInput!) { updateExpert(id: $id, input: $in) { id } }`, map[string]any{"id": p.expert, "in": map[string]any{"phone": bad}})
		refused(t, r, castgraph.EINVALID, "input.phone", bad)
		r = viewer.post(t, `mutation($id: ID!, $in: UpdateExpertInput!) { updateExpert(id: $id, input: $in) { id } }`, map[string]any{"id": p.expert, "in": map[string]any{"email": p.email}})
		refused(t, r, castgraph.EFORBIDDEN, "", p.email)
		a.ok(t, personalQuery, map[string]any{"id": p.expert})
		out := logs.String()
		for _, v := range []string{p.phone, p.email, local} {
			if strings.Contains(out, v) {
				i := strings.Index(out, v)
				t.Errorf("the log holds a personal value: …%s…", out[max(0, i-200):min(len(out), i+50)])
			}
		}
	})
}
