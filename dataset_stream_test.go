package castgraph

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// streamAll ranges over StreamDataset and joins its parts, checking that
// none is larger than partRows and that the stream ends after an error.
func streamAll(t testing.TB, input []byte, partRows int) (*Dataset, []int, error) {
	t.Helper()
	all := &Dataset{}
	var sizes []int
	var failed error
	for part, err := range StreamDataset(bytes.NewReader(input), "t.json", partRows) {
		if failed != nil {
			t.Fatalf("the stream went on after its error %v", failed)
		}
		if err != nil {
			if part != nil {
				t.Fatalf("a part with the error %v", err)
			}
			failed = err
			continue
		}
		if part.Rows() == 0 || part.Rows() > max(partRows, 1) {
			t.Fatalf("a part of %d rows, want 1 to %d", part.Rows(), partRows)
		}
		sizes = append(sizes, part.Rows())
		all.Source = part.Source
		all.Nodes = append(all.Nodes, part.Nodes...)
		all.Relationships = append(all.Relationships, part.Relationships...)
	}
	return all, sizes, failed
}

// sameDataset compares two datasets, an empty list equal to none.
func sameDataset(a, b *Dataset) bool {
	if a.Source != b.Source || len(a.Nodes) != len(b.Nodes) || len(a.Relationships) != len(b.Relationships) {
		return false
	}
	return (len(a.Nodes) == 0 || reflect.DeepEqual(a.Nodes, b.Nodes)) &&
		(len(a.Relationships) == 0 || reflect.DeepEqual(a.Relationships, b.Relationships))
}

func TestStreamDataset_YieldsWhatReadDatasetReadsForTheDataFiles(t *testing.T) {
	files, err := filepath.Glob("data/*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("data files: %v, %v", files, err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ReadDataset(bytes.NewReader(b), name)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 7, 1000, 1 << 20} {
			got, sizes, err := streamAll(t, b, size)
			if err != nil {
				t.Fatalf("%s in parts of %d: %v", name, size, err)
			}
			if !sameDataset(got, want) {
				t.Errorf("%s in parts of %d: the stream differs from ReadDataset", name, size)
			}
			if wantParts := (want.Rows() + size - 1) / size; len(sizes) != wantParts {
				t.Errorf("%s in parts of %d: %d parts, want %d", name, size, len(sizes), wantParts)
			}
		}
	}
}

func TestStreamDataset_AnyKeyOrderAndTheSourceOnEveryPartAfterIt(t *testing.T) {
	input := `{"relationships": [{"type": "MEMBER_OF", "from": "expert/a", "to": "society/s", "source": "s"}],
		"nodes": [{"id": "expert/a", "kind": "Expert", "name": "A", "source": "s"}, {"id": "society/s", "kind": "Society", "name": "S", "source": "s"}],
		"source": "late"}`
	var parts []*Dataset
	for part, err := range StreamDataset(strings.NewReader(input), "t.json", 1) {
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part)
	}
	if len(parts) != 3 || len(parts[0].Relationships) != 1 || parts[1].Nodes[0].ID != "expert/a" || parts[2].Nodes[0].ID != "society/s" {
		t.Fatalf("parts = %+v", parts)
	}
	// The source comes last: the parts before it have none.
	if parts[0].Source != "" || parts[2].Source != "" {
		t.Errorf("sources %q, %q", parts[0].Source, parts[2].Source)
	}
	all, _, err := streamAll(t, []byte(`{"source": "first", "nodes": [{"id": "x"}, {"id": "y"}], "relationships": null}`), 1)
	if err != nil || all.Source != "first" || len(all.Nodes) != 2 {
		t.Errorf("got %+v, %v", all, err)
	}
}

func TestStreamDataset_RefusesWhatIsNotADatasetNamingWhere(t *testing.T) {
	node := `{"id": "expert/a", "kind": "Expert", "name": "A", "source": "s"}`
	deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
	big := `{"nodes": [` + node + `, {"id": "b", "description": "` + strings.Repeat("x", MaxDatasetEntryBytes) + `"}]}`
	for _, c := range []struct{ name, input, field, says string }{
		{"empty", "", "t.json", "empty"},
		{"only space", " \n\t ", "t.json", "empty"},
		{"an array", `[]`, "t.json", "JSON object"},
		{"null", `null`, "t.json", "JSON object"},
		{"unknown key", `{"nodes": [], "extra": 1}`, "t.json: extra", `unknown field "extra"`},
		{"a key in another case", `{"Nodes": []}`, "t.json: Nodes", "unknown field"},
		{"a key twice", `{"nodes": [], "nodes": []}`, "t.json: nodes", "twice"},
		{"nodes not an array", `{"nodes": {}}`, "t.json: nodes", "must be an array"},
		{"nodes a string", `{"nodes": "x"}`, "t.json: nodes", "must be an array, not a string"},
		{"source a number", `{"source": 5}`, "t.json: source", "wrong type"},
		{"a node a number", `{"nodes": [1]}`, "t.json: nodes[0]", "wrong type"},
		{"a wrong type", `{"nodes": [` + node + `, {"id": 5}]}`, "t.json: nodes[1]", "wrong type"},
		{"an unknown field", `{"nodes": [` + node + `, {"id": "b", "bogus": 1}]}`, "t.json: nodes[1]", `unknown field "bogus"`},
		{"an unknown provenance field", `{"nodes": [{"id": "b", "provenance": {"sources": [], "when": 1}}]}`, "t.json: nodes[0]", `unknown field "when"`},
		{"a relationship's wrong type", `{"relationships": [{"type": "MEMBER_OF", "from": ["a"]}]}`, "t.json: relationships[0]", "wrong type"},
		{"deep nesting", `{"relationships": [{"type": "MEMBER_OF", "props": {"x": ` + deep + `}}]}`, "t.json: relationships[0]", "depth"},
		{"a missing comma", `{"nodes": [` + node + ` ` + node + `]}`, "t.json: nodes[1]", "invalid JSON"},
		{"cut inside an entry", `{"nodes": [{"id": "a"`, "t.json: nodes[0]", "ends in the middle"},
		{"cut after an entry", `{"nodes": [` + node + `,`, "t.json: nodes[1]", "ends in the middle"},
		{"cut after the nodes", `{"nodes": []`, "t.json", "ends in the middle"},
		{"a second object", `{} {}`, "t.json", "goes on after"},
		{"garbage after", `{"nodes": []} x`, "t.json", "goes on after"},
		{"an entry too large", big, "t.json: nodes[1]", "larger than"},
		{"a source too large", `{"source": "` + strings.Repeat("x", MaxDatasetEntryBytes) + `"}`, "t.json: source", "larger than"},
		{"a key too large", `{"` + strings.Repeat("x", MaxDatasetEntryBytes) + `": 1}`, "t.json", "larger than"},
		{"space without end", `{"nodes": [` + strings.Repeat(" ", MaxDatasetEntryBytes+10) + `]}`, "t.json: nodes[0]", "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := streamAll(t, []byte(c.input), 2)
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID {
				t.Fatalf("err = %v, want an %s *Error", err, EINVALID)
			}
			if e.Field != c.field || !strings.Contains(e.Message, c.says) {
				t.Errorf("err = %.300v\nwant field %q and a message with %q", err, c.field, c.says)
			}
		})
	}
}

// The parts before an error are yielded; the rows since are not.
func TestStreamDataset_PartsBeforeAnErrorComeFirst(t *testing.T) {
	input := `{"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}, {"id": 4}]}`
	all, sizes, err := streamAll(t, []byte(input), 2)
	if err == nil || !strings.Contains(err.Error(), "nodes[3]") {
		t.Fatalf("err = %v", err)
	}
	if len(sizes) != 1 || all.Nodes[1].ID != "b" {
		t.Errorf("parts %v: %+v", sizes, all.Nodes)
	}
}

func TestStreamDataset_StopsWhenTheConsumerStops(t *testing.T) {
	input := `{"nodes": [{"id": "a"}, {"id": "b"}, {"id": "c"}], "bogus": 1}`
	n := 0
	for part, err := range StreamDataset(strings.NewReader(input), "t.json", 1) {
		if err != nil || part.Nodes[0].ID != "a" {
			t.Fatalf("%+v, %v", part, err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("%d parts", n)
	}
}

// writeBigDataset writes a dataset of about nodes + 3×nodes rows that looks
// like a dump, nodes first, and returns how many bytes it wrote.
func writeBigDataset(w io.Writer, nodes int) (int64, error) {
	out := bufio.NewWriter(w)
	n := int64(0)
	put := func(s string) {
		k, _ := out.WriteString(s)
		n += int64(k)
	}
	prov := &DatasetProvenance{Sources: []string{"memory test"}, Assertions: []string{"memory test|cli:test"},
		CreatedAt: "2024-01-01T00:00:00Z", UpdatedAt: "2024-01-01T00:00:00Z",
		SourceFirst: []string{"2024-01-01T00:00:00Z"}, SourceLast: []string{"2024-01-01T00:00:00Z"}}
	desc := strings.Repeat("研究方向：材料与能源。", 4)
	put(`{"source": "memory test", "nodes": [`)
	for i := range nodes {
		b, _ := json.Marshal(DatasetNode{ID: fmt.Sprintf("expert/mem-%07d", i), Kind: KindExpert, Name: fmt.Sprintf("专家%d", i),
			Description: &desc, Props: map[string]any{"title": "研究员", "disambiguation": fmt.Sprintf("%d", i)}, Source: "memory test", Provenance: prov})
		if i > 0 {
			put(",\n")
		}
		put(string(b))
	}
	put("],\n\"relationships\": [")
	for i := range 3 * nodes {
		b, _ := json.Marshal(DatasetRelship{Type: "COLLABORATES_WITH", From: fmt.Sprintf("expert/mem-%07d", i%nodes),
			To: fmt.Sprintf("expert/mem-%07d", (i*7+1)%nodes), Props: map[string]any{"since": 2020}, Source: "memory test", Provenance: prov})
		if i > 0 {
			put(",\n")
		}
		put(string(b))
	}
	put("]}\n")
	return n, out.Flush()
}

// liveHeap is the heap in use after a collection: what is still referenced.
func liveHeap() uint64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// The decoder's memory is bounded by the part, not by the input: 200 000
// rows (about 80 MB of JSON, some 190 MB if all were kept decoded) stream through a
// pipe while the live heap, measured after a collection every 20 parts,
// stays within a few parts.
func TestStreamDataset_MemoryStaysFlat(t *testing.T) {
	const nodes = 50_000 // and 150 000 relationships
	const partRows = 1000
	const bound = 32 << 20
	pr, pw := io.Pipe()
	written := make(chan int64, 1)
	go func() {
		n, err := writeBigDataset(pw, nodes)
		written <- n
		pw.CloseWithError(err)
	}()
	base := liveHeap()
	peak, rows, parts := base, 0, 0
	for part, err := range StreamDataset(pr, "big.json", partRows) {
		if err != nil {
			t.Fatal(err)
		}
		rows += part.Rows()
		if parts++; parts%20 == 0 {
			peak = max(peak, liveHeap())
		}
	}
	bytes := <-written
	if rows != 4*nodes {
		t.Fatalf("%d rows, want %d", rows, 4*nodes)
	}
	growth := int64(peak) - int64(base)
	t.Logf("%d rows, %.1f MB of JSON: the live heap grew by at most %.1f MB", rows, float64(bytes)/1e6, float64(growth)/1e6)
	if growth > bound {
		t.Errorf("the live heap grew by %d bytes while streaming, more than %d: the stream holds more than a part", growth, bound)
	}
}

// Whatever the input, the stream neither panics nor yields a part larger
// than asked, its errors are EINVALID *Errors, and what it reads whole
// ReadDataset reads the same (the stream is the stricter of the two).
func FuzzStreamDataset_NeverPanics(f *testing.F) {
	for _, s := range []string{
		``, `{}`, `null`, `[]`, `{"nodes": null}`, `{"nodes": [], "nodes": []}`, `{} {}`,
		`{"source": "s", "nodes": [{"id": "expert/a", "kind": "Expert", "name": "A", "source": "s", "props": {"title": "x", "n": 1.5}}]}`,
		`{"relationships": [{"type": "MEMBER_OF", "from": "a", "to": "b", "source": "s", "props": {"role": "x"}}], "nodes": [{"id": "a"}]}`,
		`{"nodes": [{"id": "a", "provenance": {"sources": ["s"], "createdAt": "2024-01-01T00:00:00Z", "updatedAt": "x"}}]}`,
		`{"nodes": [{"id": 5}]}`, `{"nodes": [{"id": "a"`, `{"nodes": [[[[[[]]]]]]}`,
	} {
		f.Add([]byte(s), 2)
	}
	f.Fuzz(func(t *testing.T, input []byte, partRows int) {
		partRows = partRows%50 + 1
		if partRows < 1 {
			partRows += 50
		}
		got, _, err := streamAll(t, input, partRows)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != EINVALID || !strings.HasPrefix(e.Field, "t.json") {
				t.Fatalf("err = %v, want an %s *Error about t.json", err, EINVALID)
			}
			return
		}
		want, err := ReadDataset(bytes.NewReader(input), "t.json")
		if err != nil {
			t.Fatalf("the stream read what ReadDataset refuses: %v", err)
		}
		if !sameDataset(got, want) {
			t.Fatalf("the stream read %+v, ReadDataset %+v", got, want)
		}
	})
}
