package castgraph

import "fmt"

// CheckDivisionCode reports what is wrong with an administrative division
// code (行政区划代码, GB/T 2260), or nil: six digits, the first two a
// province's (11–82), as the standard lays them out – two for the province,
// two for the prefecture, two for the county. It does not check that the
// code is in force: divisions are renamed and merged, and old codes stay in
// old records.
func CheckDivisionCode(code string) error {
	if len(code) != 6 {
		if len(code) > 40 {
			return fmt.Errorf("a division code has 6 digits, this one has %d characters", len(code))
		}
		return fmt.Errorf("a division code has 6 digits, %q has %d characters", code, len([]rune(code)))
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return fmt.Errorf("a division code is 6 digits, %q is not", code)
		}
	}
	if code[:2] < "11" || code[:2] > "82" {
		return fmt.Errorf("%q does not start with a province's two digits (11–82)", code)
	}
	return nil
}
