package castgraph

import (
	"fmt"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// creditCodeChars are the characters of a unified social credit code, in the
// order of their values (GB 32100-2015: no I, O, Z, S, V).
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are 3^i mod 31 for the first 17 characters.
var creditCodeWeights = func() [17]int {
	var w [17]int
	p := 1
	for i := range w {
		w[i] = p
		p = p * 3 % 31
	}
	return w
}()

// NormaliseCreditCode folds the spellings of a credit code: full-width
// characters, lower case, spaces and hyphens.
func NormaliseCreditCode(s string) string {
	s = norm.NFKC.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '-' || r == '\t' || r == '\u00a0':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

// CheckCreditCode reports what is wrong with a unified social credit code
// (统一社会信用代码, GB 32100-2015), or nil: 18 characters of the code's
// alphabet, the last one the check character of the first 17. It does not
// check the organisation-code digit inside (GB 11714), which some codes
// issued by other registries do not carry. The API and the roster importer
// both call it, on the code after NormaliseCreditCode.
func CheckCreditCode(code string) error {
	if n := len([]rune(code)); n != 18 {
		if n > 40 {
			return fmt.Errorf("a unified social credit code has 18 characters, this one has %d", n)
		}
		return fmt.Errorf("a unified social credit code has 18 characters, %q has %d", code, n)
	}
	for _, r := range code {
		if !strings.ContainsRune(creditCodeChars, r) {
			return fmt.Errorf("%q holds %q, which no unified social credit code has (they use 0-9 and A-Y without I, O, S, V, Z)", code, r)
		}
	}
	want := CreditCodeCheckChar(code[:17])
	if code[17] != want {
		return fmt.Errorf("%q fails the GB 32100-2015 check: its last character should be %c", code, want)
	}
	return nil
}

// CreditCodeCheckChar is the GB 32100-2015 check character of the first 17
// characters of a code, which must be of the code's alphabet: what
// CheckCreditCode compares, and what generators of synthetic codes append.
func CreditCodeCheckChar(code17 string) byte {
	sum := 0
	for i := range 17 {
		sum += strings.IndexByte(creditCodeChars, code17[i]) * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31]
}
