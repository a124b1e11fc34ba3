package synth

import (
	"fmt"
	"strings"

	"github.com/castgraph/castgraph"
)

// Unified social credit codes (统一社会信用代码, GB 32100-2015): 18 characters,
// "91" (registered by the market regulator, an enterprise), a 6-digit
// division code, a 9-character organisation code (8 characters and a GB 11714
// check character) and a check character over the first 17, which
// castgraph.CreditCodeCheckChar computes (the one place of the algorithm).
const uccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// orgCheck is the GB 11714 check character of an 8-character organisation code body.
func orgCheck(body string) byte {
	s := 0
	for i := 0; i < 8; i++ {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' && c <= 'Z' {
			v = int(c) - 55
		}
		s += v * orgWeights[i]
	}
	switch c := 11 - s%11; c {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + c)
	}
}

// creditCodeOf returns the full 18-character code for a division and an
// organisation code body.
func creditCodeOf(division, body string) string {
	code17 := "91" + division + body + string(orgCheck(body))
	return code17 + string(castgraph.CreditCodeCheckChar(code17))
}

// creditCode is the synthetic code of enterprise serial (from 1) in city
// index city: division 3290xx (no real division has it) and organisation
// code body "Y9" and the six-digit serial, so the codes are unique and easy
// to recognise as fake.
func creditCode(city, serial int) string {
	return creditCodeOf(fmt.Sprintf("3290%02d", city), fmt.Sprintf("Y9%06d", serial))
}

// ValidCreditCode reports whether s is 18 characters of the code's alphabet
// whose check characters (GB 11714 and GB 32100) are right.
func ValidCreditCode(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 18; i++ {
		if strings.IndexByte(uccChars, s[i]) < 0 {
			return false
		}
	}
	return orgCheck(s[8:16]) == s[16] && castgraph.CreditCodeCheckChar(s[:17]) == s[17]
}
