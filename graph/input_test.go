package graph_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/store/storetest"
)

// validCreditCode makes a unified social credit code that passes the GB
// 32100 check: 91 (an enterprise), a random body, and the check character
// found by trying the 31 there are.
func validCreditCode() string {
	body := fmt.Sprintf("91320000MA%07d", rand.IntN(10000000))
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := body + string(c); castgraph.CheckCreditCode(code) == nil {
			return code
		}
	}
	panic("no check character fits " + body)
}

// The inputs an attack on an isolated instance got accepted before they were bounded, each
// refused now with INVALID_ARGUMENT about its field, and nothing written.
func TestInput_HostileValuesAreRefusedBeforeAnyWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	a := newAPI(t)
	f := newFixture(t, a)
	countNamed := func(prefix string) int64 {
		rows := storetest.Query(t, "MATCH (n:Entity) WHERE n.name STARTS WITH $p RETURN count(n) AS c", map[string]any{"p": prefix})
		return rows[0]["c"].(int64)
	}
	society := func(in map[string]any) map[string]any { return map[string]any{"in": in} }
	tag := unique("输入")
	for _, tc := range []struct {
		name, field, want string
		query             string
		vars              map[string]any
	}{
		{"NUL in a name", "input.name", "NUL", createSociety, society(map[string]any{"name": tag + "\x00"})},
		{"ANSI escape in a name", "input.name", "escape", createSociety, society(map[string]any{"name": tag + "\x1b[31m红"})},
		{"BEL in a name", "input.name", "control", createSociety, society(map[string]any{"name": tag + "\a"})},
		{"newline in a name", "input.name", "line break", createSociety, society(map[string]any{"name": tag + "\n第二行"})},
		{"right-to-left override in a name", "input.name", "bidirectional", createSociety, society(map[string]any{"name": tag + "\u202Eexe.txt"})},
		{"isolate control in a name", "input.name", "bidirectional", createSociety, society(map[string]any{"name": tag + "\u2066"})},
		{"10 KB name", "input.name", "at most 200", createSociety, society(map[string]any{"name": tag + strings.Repeat("名", 10240/3)})},
		{"20 000 aliases", "input.aliases", "at most 50", createSociety, society(map[string]any{"name": tag, "aliases": strings.Split(strings.Repeat("a,", 20000), ",")[:20000]})},
		{"bidi control in an alias", "input.aliases[1]", "bidirectional", createSociety, society(map[string]any{"name": tag, "aliases": []string{"好", "\u200Fx"}})},
		{"ANSI escape in a description", "input.description", "escape", createSociety, society(map[string]any{"name": tag, "description": "\x1b[2J"})},
		{"100 KB source", "input.source", "at most 300", createSociety, society(map[string]any{"name": tag, "source": strings.Repeat("s", 100<<10)})},
		{"control character in a property", "input.field", "control", createSociety, society(map[string]any{"name": tag, "field": "化学\x07"})},
		{"year 99999", "input.year", "between 1900 and 2100", `mutation($in: CreateProgramInput!) { createProgram(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": tag, "kind": "EVENT", "year": 99999}}},
		{"malformed credit code", "input.creditCode", "no unified social credit code", createCompany,
			map[string]any{"in": map[string]any{"name": tag, "creditCode": validCreditCode()[:17] + "?"}}},
		{"credit code with a wrong check character", "input.creditCode", "GB 32100", createCompany,
			map[string]any{"in": map[string]any{"name": tag, "creditCode": wrongCheck(validCreditCode())}}},
		{"newline in a new name", "input.name", "line break", `mutation($id: ID!, $n: String) { updateSociety(id: $id, input: {name: $n}) { id } }`,
			map[string]any{"id": f.society, "n": tag + "\n第二行"}},
		{"since after until", "input.props.until", "before since", link,
			map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "props": map[string]any{"since": "2024-05-01", "until": "2020-01-01"}}}},
		{"a date in year 1066", "input.props.since", "1900–2100", link,
			map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "props": map[string]any{"since": "1066-10-14"}}}},
		{"year 99999 on a relationship", "input.props.year", "between 1900 and 2100", link,
			map[string]any{"in": map[string]any{"type": "AWARDED", "from": f.expert, "to": programID(t, a), "props": map[string]any{"year": 99999}}}},
		{"ANSI escape in a role", "input.props.role", "escape", link,
			map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "props": map[string]any{"role": "理事\x1b[0m"}}}},
		{"100 KB source of a link", "input.source", "at most 300", link,
			map[string]any{"in": map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "source": strings.Repeat("s", 100<<10)}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := a.fails(t, castgraph.EINVALID, tc.field, tc.query, tc.vars)
			if !strings.Contains(e.Message, tc.want) {
				t.Errorf("message %q does not say %q", e.Message, tc.want)
			}
		})
	}
	if n := countNamed(tag); n != 0 {
		t.Errorf("refused inputs wrote %d nodes", n)
	}
	rows := storetest.Query(t, "MATCH (:Entity {id: $id})-[r]-() RETURN count(r) AS c", map[string]any{"id": f.expert})
	if n := rows[0]["c"].(int64); n != 0 {
		t.Errorf("refused links wrote %d relationships", n)
	}

	t.Run("until before a since given earlier", func(t *testing.T) {
		in := map[string]any{"type": "MEMBER_OF", "from": f.expert, "to": f.society, "props": map[string]any{"since": "2024-05-01"}}
		a.ok(t, link, map[string]any{"in": in})
		in["props"] = map[string]any{"until": "2020-01-01"}
		a.fails(t, castgraph.EINVALID, "input.props.until", link, map[string]any{"in": in})
		rows := storetest.Query(t, "MATCH (:Entity {id: $from})-[r:MEMBER_OF]->(:Entity {id: $to}) RETURN r.until AS until", map[string]any{"from": f.expert, "to": f.society})
		if len(rows) != 1 || rows[0]["until"] != nil {
			t.Errorf("the refused link was written: %v", rows)
		}
	})
	t.Run("a credit code in another spelling is stored in the one form", func(t *testing.T) {
		code := validCreditCode()
		spelled := " " + strings.ToLower(code[:6]) + "-" + code[6:]
		d := a.ok(t, createCompany, map[string]any{"in": map[string]any{"name": unique("信用代码公司"), "creditCode": spelled}})
		if got := str(d, "createEnterprise", "creditCode"); got != code {
			t.Errorf("creditCode = %q, want %q", got, code)
		}
	})
	t.Run("a 200-character name and 50 aliases are fine", func(t *testing.T) {
		name := unique("长")
		name += strings.Repeat("名", castgraph.MaxNameLen-len([]rune(name)))
		aliases := make([]string, castgraph.MaxAliases)
		for i := range aliases {
			aliases[i] = fmt.Sprintf("%s别名%d", tag, i)
		}
		a.ok(t, createSociety, map[string]any{"in": map[string]any{"name": name, "aliases": aliases, "description": "第一行\n\t第二行"}})
	})
}

// wrongCheck changes the check character of a valid code.
func wrongCheck(code string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	i := strings.IndexByte(chars, code[17])
	return code[:17] + string(chars[(i+1)%len(chars)])
}

func programID(t *testing.T, a *api) string {
	t.Helper()
	d := a.ok(t, `mutation($in: CreateProgramInput!) { createProgram(input: $in) { id } }`,
		map[string]any{"in": map[string]any{"name": unique("测试奖"), "kind": "AWARD"}})
	return str(d, "createProgram", "id")
}

// Link, unlink and update racing the delete of their nodes, through the API:
// the losers hear NOT_FOUND (or CONFLICT), never INTERNAL. No timing is
// assumed: each round starts all five at once and accepts any winner.
func TestInput_WritesRacingDeleteGetNotFound(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	a := newAPI(t)
	const deleteCompany = `mutation($id: ID!) { deleteEnterprise(id: $id) }`
	const deleteExpert = `mutation($id: ID!) { deleteExpert(id: $id) }`
	const update = `mutation($id: ID!) { updateEnterprise(id: $id, input: {category: "科技型企业"}) { id } }`
	post := func(query string, vars map[string]any) response { return a.post(t, query, vars) }
	create := func(query, field, name string) string {
		r := post(query, map[string]any{"in": map[string]any{"name": unique(name)}})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", field, r.Errors)
		}
		return str(r.Data, field, "id")
	}
	for range 50 {
		expert := create(createExpert, "createExpert", "竞态专家")
		company := create(createCompany, "createEnterprise", "竞态企业")
		ends := map[string]any{"type": "SERVES", "from": expert, "to": company}
		ops := []struct {
			name, query string
			vars        map[string]any
		}{
			{"link", link, map[string]any{"in": ends}},
			{"unlink", unlink, map[string]any{"in": ends}},
			{"update", update, map[string]any{"id": company}},
			{"delete enterprise", deleteCompany, map[string]any{"id": company}},
			{"delete expert", deleteExpert, map[string]any{"id": expert}},
		}
		var wg sync.WaitGroup
		for _, op := range ops {
			wg.Go(func() {
				r := post(op.query, op.vars)
				for _, e := range r.Errors {
					if c := e.Extensions["code"]; c != castgraph.ENOTFOUND && c != castgraph.ECONFLICT {
						t.Errorf("%s: %s: %s", op.name, c, e.Message)
					}
				}
			})
		}
		wg.Wait()
	}
}
