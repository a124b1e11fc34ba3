package roster_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castgraph/castgraph/data"
	"github.com/castgraph/castgraph/roster"
	"github.com/castgraph/castgraph/store/storetest"
)

// TestExamples_CheckAgainstTheDemoData dry-runs every example roster of
// data/rosters against the plan and the demo roster: the good ones are
// good, the one with deliberate bad rows has exactly its errors.
func TestExamples_CheckAgainstTheDemoData(t *testing.T) {
	s := storetest.MustOpen(t)
	d, err := data.Demo()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "data", "rosters")
	mapping, err := os.Open(filepath.Join(dir, "experts-custom-headers.mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := roster.ReadMapping(mapping, "mapping")
	mapping.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file         string
		opts         roster.Options
		kind         roster.Kind
		encoding     string
		ok, rejected int
	}{
		{"experts-synthetic.xlsx", roster.Options{Sheet: "专家名单"}, roster.Experts, "", 7, 0},
		{"enterprises-synthetic-gbk.csv", roster.Options{}, roster.Enterprises, roster.EncodingGB18030, 6, 0},
		{"members-synthetic.tsv", roster.Options{}, roster.Members, roster.EncodingUTF8, 4, 0},
		{"services-synthetic.jsonl", roster.Options{}, roster.Services, roster.EncodingUTF8, 4, 0},
		{"liaisons-synthetic-bom.csv", roster.Options{}, roster.Liaisons, roster.EncodingUTF8, 3, 0},
		{"experts-synthetic-custom-headers.csv", roster.Options{Mapping: m}, roster.Experts, roster.EncodingUTF8, 1, 0},
		{"experts-synthetic-bad-rows.csv", roster.Options{}, roster.Experts, roster.EncodingUTF8, 1, 7},
		{"societies-synthetic.csv", roster.Options{}, roster.Societies, roster.EncodingUTF8, 3, 0},
		{"parks-synthetic.csv", roster.Options{}, roster.Parks, roster.EncodingUTF8, 2, 0},
		{"stations-synthetic.csv", roster.Options{}, roster.Stations, roster.EncodingUTF8, 2, 0},
		{"institutions-synthetic.csv", roster.Options{}, roster.Institutions, roster.EncodingUTF8, 2, 0},
		{"clusters-synthetic.csv", roster.Options{}, roster.Clusters, roster.EncodingUTF8, 1, 0},
		{"chains-synthetic.csv", roster.Options{}, roster.Chains, roster.EncodingUTF8, 3, 0},
		{"programs-synthetic.jsonl", roster.Options{}, roster.Programs, roster.EncodingUTF8, 2, 0},
		{"regions-synthetic.csv", roster.Options{}, roster.Regions, roster.EncodingUTF8, 2, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			tc.opts.DryRun = true
			rep, err := roster.Import(context.Background(), s, roster.File{Name: path, R: f, Size: fi.Size()}, tc.opts)
			if err != nil {
				t.Fatalf("%v\n%s", err, rep.Summary())
			}
			if rep.Kind != tc.kind || rep.Encoding != tc.encoding || rep.RowsOK != tc.ok || rep.RowsRejected != tc.rejected {
				t.Errorf("%s%+v", rep.Summary(), rep.Errors())
			}
			// The columns the examples leave unread on purpose, to show it.
			want := map[string]string{"stations-synthetic.csv": "网址", "experts-synthetic-bad-rows.csv": "备注"}[tc.file]
			if got := strings.Join(rep.IgnoredColumns, ","); got != want {
				t.Errorf("ignored columns: %q, want %q", got, want)
			}
		})
	}
}
