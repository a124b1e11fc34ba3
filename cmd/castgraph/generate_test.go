package main

import "testing"

// -size is read before the flag set parses, in each way flags are written;
// anything else is left for the flag set to report.
func TestSizeArg(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
		ok   bool
	}{
		{[]string{"-size", "1000000"}, 1000000, true},
		{[]string{"--size=20000", "-experts", "5"}, 20000, true},
		{[]string{"-bench-db", "-size=300"}, 300, true},
		{[]string{"-size", "x"}, 0, false},
		{[]string{"-size", "0"}, 0, false},
		{[]string{"-size"}, 0, false},
		{[]string{"-sizes", "10"}, 0, false},
		{[]string{"size", "10"}, 0, false},
		{nil, 0, false},
	} {
		got, ok := sizeArg(c.args)
		if got != c.want || ok != c.ok {
			t.Errorf("sizeArg(%q) = %d, %v; want %d, %v", c.args, got, ok, c.want, c.ok)
		}
	}
}
