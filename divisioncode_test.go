package castgraph

import "testing"

func TestCheckDivisionCode(t *testing.T) {
	for _, ok := range []string{"320000", "320100", "320583", "110101", "820000"} {
		if err := CheckDivisionCode(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "32058", "3205831", "32058x", "３２０５８３", "000000", "990000", "32 583"} {
		if CheckDivisionCode(bad) == nil {
			t.Errorf("%q passes", bad)
		}
	}
}
