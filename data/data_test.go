package data_test

import (
	"os/exec"
	"testing"

	"github.com/castgraph/castgraph"
	"github.com/castgraph/castgraph/data"
)

// The embedded datasets pass the loader's own check, and the divisions are
// all there with their codes.
func TestDatasets_Check(t *testing.T) {
	for name, read := range map[string]func() (*castgraph.Dataset, error){"seed": data.Seed, "demo": data.Demo, "regions": data.Regions} {
		d, err := read()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := d.Check(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	r, _ := data.Regions()
	byType := map[string]int{}
	for _, n := range r.Nodes {
		typ, _ := n.Props["regionType"].(string)
		if code, _ := n.Props["code"].(string); castgraph.CheckDivisionCode(code) == nil {
			byType[typ]++
		}
	}
	if byType["PROVINCE"] != 1 || byType["CITY"] != 13 || byType["COUNTY"] != 95 {
		t.Errorf("coded divisions by type: %v", byType)
	}
}

// The seed checker (data/tools/check_seed.py) passes on the committed
// files; it needs Python 3 (.ci/run installs it where it is missing).
func TestCheckSeed_Passes(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("the seed checker needs python3: %v", err)
	}
	out, err := exec.Command(py, "tools/check_seed.py", "-q").CombinedOutput()
	if err != nil {
		t.Fatalf("check_seed.py: %v\n%s", err, out)
	}
}
