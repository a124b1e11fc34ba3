package roster

import (
	"slices"
	"testing"
)

// TestExportHeaders: every header an export writes is read back by the
// roster of its kind as a field that roster takes, and a file with all of a
// kind's headers is detected as that roster – the promise that an exported
// roster re-imports.
func TestExportHeaders_ReadBackByTheirRoster(t *testing.T) {
	for kind, e := range exportHeaders {
		spec := kindSpecs[e.roster]
		var all []string
		for field, h := range e.headers {
			f, ok := builtinField(e.roster, h)
			if !ok || !(slices.Contains(spec.allowed, f) || slices.Contains(spec.required, f)) {
				t.Errorf("%s.%s: header %s reads as %q (%v), which the %s roster does not take", kind, field, h, f, ok, e.roster)
			}
			if got, _ := ExportHeader(kind, field); got != h {
				t.Errorf("ExportHeader(%s, %s) = %q", kind, field, got)
			}
			if !slices.Contains(all, h) {
				all = append(all, h)
			}
		}
		slices.Sort(all)
		if got, ok := detectKind(all); !ok || got != e.roster {
			t.Errorf("%s: headers %v detected as %q, want %s", kind, all, got, e.roster)
		}
	}
}
