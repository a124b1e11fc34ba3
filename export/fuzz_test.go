package export

import (
	"encoding/csv"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
)

// FuzzFlatten_NeverPanics: any JSON, any -list path, flattened or not,
// makes a table or a coded error, never a panic; the table's rows are as
// wide as its header, and its CSV reads back with as many records as rows.
func FuzzFlatten_NeverPanics(f *testing.F) {
	f.Add([]byte(answer), "", true)
	f.Add([]byte(answer), "experts.nodes", false)
	f.Add([]byte(`{"a":[{"b":[{"c":[1,[2,{"name":"x"}]]}],"d":{"e":null}},null,{"b":[]}]}`), "a", true)
	f.Add([]byte(`[[[]]]`), "", false)
	f.Add([]byte(`{"a":[{"":1},{"":null}]}`), "", false)
	f.Add([]byte(`{"a":{"a":{"a":[]}}}`), "a.a.a", true)
	f.Fuzz(func(t *testing.T, raw []byte, list string, flatten bool) {
		data, err := DecodeBytes(raw)
		if err != nil {
			return
		}
		tab, err := Flatten(data, Options{List: list, Flatten: flatten, Fields: fields, Header: headerOf, MaxRows: 10_000, MaxBytes: 1 << 20})
		if err != nil {
			if code := castgraph.ErrorCode(err); code != castgraph.EINVALID && code != castgraph.ELIMIT {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		for _, r := range tab.Rows {
			if len(r) != len(tab.Columns) {
				t.Fatalf("a row of %d cells under %d columns", len(r), len(tab.Columns))
			}
		}
		b, err := Encode(tab, CSV)
		if err != nil {
			t.Fatal(err)
		}
		if len(tab.Columns) == 0 {
			return
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), bom))).ReadAll()
		if err != nil || len(recs) != len(tab.Rows)+1 {
			t.Fatalf("CSV reads back as %d records (%v), want %d", len(recs), err, len(tab.Rows)+1)
		}
	})
}
