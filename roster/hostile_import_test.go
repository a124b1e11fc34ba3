package roster_test

import (
	"context"
	"strings"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/roster"
)

// A file over a limit is refused before any row of it is written, even when
// the offending row comes batches after good ones (the import streams, so
// the limits are checked on a first pass over the whole file).
func TestImport_FileOverALimitWritesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("needs Neo4j")
	}
	w := newWorld(t)
	before := w.fingerprint()
	huge := strings.Repeat("长", 30_000) // 90 000 bytes, over MaxCellBytes
	path := w.file("experts.csv", append(w.expertsRoster(), csvText([]string{w.n("最后"), w.n("测试大学"), "", "", huge, "", "", ""})...))
	for _, opts := range []roster.Options{{BatchSize: 1}, {BatchSize: 1, Strict: true}, {DryRun: true}} {
		rep, err := w.try(context.Background(), path, opts)
		if castgraph.ErrorCode(err) != castgraph.EINVALID || !strings.Contains(err.Error(), "MaxCellBytes") || !strings.Contains(err.Error(), "line 7") {
			t.Fatalf("%+v: err = %v, want INVALID_ARGUMENT naming MaxCellBytes and line 7", opts, err)
		}
		if rep.Batches != 0 || rep.NodesCreated != 0 || rep.RowsRead != 0 {
			t.Errorf("%+v: report %s", opts, rep.Summary())
		}
	}
	if after := w.fingerprint(); after != before {
		t.Error("a refused file changed the graph")
	}
	if n := w.count(`MATCH (e:Expert) WHERE e.name ENDS WITH $tag RETURN count(e)`, nil); n != 0 {
		t.Errorf("a refused file created %d experts", n)
	}
}
