package store

import (
	"encoding/base64"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/castgraph/castgraph"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"
)

// The cursor codec is pure: these tests need no database.

// cursorFields is an order with a sort field of every type a cursor carries.
var cursorFields = []sortField{
	{Order: Order{Field: "name"}, typ: castgraph.PropString},
	{Order: Order{Field: "level", Desc: true}, typ: castgraph.PropEnum},
	{Order: Order{Field: "year"}, typ: castgraph.PropInt},
	{Order: Order{Field: "academician"}, typ: castgraph.PropBool},
	{Order: Order{Field: "issuedOn"}, typ: castgraph.PropDate},
	{Order: Order{Field: "createdAt"}, typ: castgraph.PropDate, time: true},
	{Order: Order{Field: "id"}, typ: castgraph.PropString},
}

const cursorScope = "list:Expert"

// checkBadCursor fails unless err is the INVALID_ARGUMENT error of argument arg.
func checkBadCursor(t *testing.T, err error, arg string) {
	t.Helper()
	var e *castgraph.Error
	if !errors.As(err, &e) || e.Code != castgraph.EINVALID || e.Field != arg {
		t.Fatalf("want an %s error on %q, got %v", castgraph.EINVALID, arg, err)
	}
}

func sameKey(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if ta, ok := a[i].(time.Time); ok {
			tb, ok := b[i].(time.Time)
			if !ok || !ta.Equal(tb) {
				return false
			}
			continue
		}
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCursor_RoundTrip(t *testing.T) {
	sig := signature(cursorScope, cursorFields)
	at := time.Date(2024, 3, 1, 8, 30, 15, 123456789, time.FixedZone("CST", 8*3600))
	for name, key := range map[string][]any{
		"plain":            {"中国科协", "NATIONAL", int64(2024), true, neo4j.DateOf(time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)), at, "expert/0001"},
		"empty and lowest": {"", "", int64(math.MinInt64), false, neo4j.DateOf(time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)), time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		"highest":          {"\U0010FFFF", "Z", int64(math.MaxInt64), true, neo4j.DateOf(time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), "z"},
		"syntax as text":   {`" OR 1=1 //`, `\u0000`, int64(-1), false, neo4j.DateOf(time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC)), at.UTC(), "a/b?c=d&e"},
	} {
		t.Run(name, func(t *testing.T) {
			cur := encodeCursor(sig, key)
			if strings.ContainsAny(cur, "+/=") {
				t.Fatalf("cursor %q is not URL-safe", cur)
			}
			got, err := decodeCursor(cur, sig, cursorFields, "after")
			if err != nil {
				t.Fatal(err)
			}
			if !sameKey(got, key) {
				t.Fatalf("round trip changed the key:\n got %#v\nwant %#v", got, key)
			}
		})
	}
}

// A cursor is refused on any list or order but the one that gave it out,
// through the same path a query takes.
func TestCursor_RefusedOnAnotherListOrOrder(t *testing.T) {
	expert := target{kind: castgraph.KindExpert}
	fields, err := compileOrder(expert, "n", []Order{{Field: "title"}})
	if err != nil {
		t.Fatal(err)
	}
	cur := encodeCursor(signature("list:Expert", fields), []any{"教授", "expert/1"})
	window := func(t target, scope string, q Plan) error {
		_, err := newBuilder().compileWindow(t, "n", relVar{}, scope, &q, castgraph.DefaultListPage, castgraph.MaxListPage)
		return err
	}
	if err := window(expert, "list:Expert", Plan{Order: []Order{{Field: "title"}}, Window: Window{After: cur}}); err != nil {
		t.Fatalf("the cursor on its own list: %v", err)
	}
	for name, c := range map[string]struct {
		t     target
		scope string
		q     Plan
		arg   string
	}{
		"another order":           {expert, "list:Expert", Plan{Order: []Order{{Field: "field"}}, Window: Window{After: cur}}, "after"},
		"the order reversed":      {expert, "list:Expert", Plan{Order: []Order{{Field: "title", Desc: true}}, Window: Window{After: cur}}, "after"},
		"the default order":       {expert, "list:Expert", Plan{Window: Window{After: cur}}, "after"},
		"another kind":            {target{kind: castgraph.KindSociety}, "list:Society", Plan{Order: []Order{{Field: "field"}}, Window: Window{After: cur}}, "after"},
		"a relationship list":     {expert, "rel:Society.members", Plan{Order: []Order{{Field: "title"}}, Window: Window{After: cur}}, "after"},
		"another list, as before": {expert, "list:Society", Plan{Order: []Order{{Field: "title"}}, Window: Window{Before: cur}}, "before"},
		"an order with a field":   {expert, "list:Expert", Plan{Order: []Order{{Field: "title"}, {Field: "field"}}, Window: Window{After: cur}}, "after"},
	} {
		t.Run(name, func(t *testing.T) {
			checkBadCursor(t, window(c.t, c.scope, c.q), c.arg)
		})
	}
}

// Hand-made cursors: JSON the codec never writes, wrapped in base64.
func craftedCursors(sig string) map[string]string {
	b64 := func(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
	good := encodeCursor(sig, []any{"x", "E", int64(1), true, neo4j.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), time.Unix(0, 0).UTC(), "x/1"})
	flipped := []byte(good)
	flipped[len(flipped)/2] ^= 1
	seven := `{"s":"` + sig + `","k":[` + strings.Repeat(`{"s":"x"},`, 6) + `%s]}`
	return map[string]string{
		"empty JSON":                b64(""),
		"JSON null":                 b64("null"),
		"an empty object":           b64("{}"),
		"keys not a list":           b64(`{"s":"` + sig + `","k":{}}`),
		"no keys":                   b64(`{"s":"` + sig + `","k":[]}`),
		"null keys":                 b64(`{"s":"` + sig + `","k":[null,null,null,null,null,null,null]}`),
		"a value of the wrong type": b64(`{"s":"` + sig + `","k":[{"i":1},{"s":"E"},{"i":1},{"b":true},{"d":"2024-01-01"},{"t":"2024-01-01T00:00:00Z"},{"s":"x"}]}`),
		"a date that is no date":    b64(`{"s":"` + sig + `","k":[{"s":"x"},{"s":"E"},{"i":1},{"b":true},{"d":"2024-02-30"},{"t":"2024-01-01T00:00:00Z"},{"s":"x"}]}`),
		"a time that is no time":    b64(`{"s":"` + sig + `","k":[{"s":"x"},{"s":"E"},{"i":1},{"b":true},{"d":"2024-01-01"},{"t":"yesterday"},{"s":"x"}]}`),
		"a date for a time":         b64(`{"s":"` + sig + `","k":[{"s":"x"},{"s":"E"},{"i":1},{"b":true},{"d":"2024-01-01"},{"d":"2024-01-01"},{"s":"x"}]}`),
		"an int too big":            b64(`{"s":"` + sig + `","k":[{"s":"x"},{"s":"E"},{"i":1e30},{"b":true},{"d":"2024-01-01"},{"t":"2024-01-01T00:00:00Z"},{"s":"x"}]}`),
		"a fraction for an int":     b64(`{"s":"` + sig + `","k":[{"s":"x"},{"s":"E"},{"i":1.5},{"b":true},{"d":"2024-01-01"},{"t":"2024-01-01T00:00:00Z"},{"s":"x"}]}`),
		"a key too many":            b64(strings.Replace(seven, "%s", `{"s":"x"},{"s":"x"}`, 1)),
		"deeply nested":             b64(strings.Repeat("[", 100_000)),
		"trailing data":             good + b64("x"),
		"a flipped bit":             string(flipped),
		"padded base64":             base64.URLEncoding.EncodeToString([]byte(`{"s":"` + sig + `"}`)),
		"standard base64":           base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\xff", 30))),
		"not base64":                "!!! not a cursor ???",
		"white space":               " " + good,
		"a million characters":      strings.Repeat("A", 1_000_000),
		"a million-byte forgery":    b64(`{"s":"` + sig + `","k":[{"s":"` + strings.Repeat("x", 1_000_000) + `"}]}`),
		"invalid UTF-8":             "\xff\xfe" + good,
	}
}

func TestCursor_RefusesTamperedAndGarbage(t *testing.T) {
	sig := signature(cursorScope, cursorFields)
	for name, cur := range craftedCursors(sig) {
		t.Run(name, func(t *testing.T) {
			_, err := decodeCursor(cur, sig, cursorFields, "before")
			checkBadCursor(t, err, "before")
		})
	}
}

func FuzzCursor_Decode(f *testing.F) {
	sig := signature(cursorScope, cursorFields)
	for _, cur := range craftedCursors(sig) {
		if len(cur) < 1000 {
			f.Add(cur)
		}
	}
	f.Add(encodeCursor(sig, []any{"中", "E", int64(7), false, neo4j.DateOf(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)), time.Unix(1e9, 5).UTC(), "x/1"}))
	f.Fuzz(func(t *testing.T, cur string) {
		key, err := decodeCursor(cur, sig, cursorFields, "after")
		if err != nil {
			checkBadCursor(t, err, "after")
			return
		}
		// Whatever decodes holds one value of each field's type, and
		// encodes to a cursor that decodes to the same key.
		if len(key) != len(cursorFields) {
			t.Fatalf("%d values for %d fields", len(key), len(cursorFields))
		}
		for i, v := range key {
			var ok bool
			switch f := cursorFields[i]; {
			case f.time:
				_, ok = v.(time.Time)
			case f.typ == castgraph.PropString || f.typ == castgraph.PropEnum:
				_, ok = v.(string)
			case f.typ == castgraph.PropInt:
				_, ok = v.(int64)
			case f.typ == castgraph.PropBool:
				_, ok = v.(bool)
			case f.typ == castgraph.PropDate:
				_, ok = v.(dbtype.Date)
			}
			if !ok {
				t.Fatalf("value %d is a %T, not of its field's type", i, v)
			}
		}
		again, err := decodeCursor(encodeCursor(sig, key), sig, cursorFields, "after")
		if err != nil || !sameKey(again, key) {
			t.Fatalf("re-encoding %#v gave %#v, %v", key, again, err)
		}
		// Another order refuses it.
		if _, err := decodeCursor(cur, signature("list:Society", cursorFields), cursorFields, "after"); err == nil {
			t.Fatal("a cursor of one list decoded on another")
		}
	})
}
