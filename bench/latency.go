// Package bench holds what the benchmarks of this folder and the comparison
// of bench/compare both need to report latencies the same way.
package bench

import (
	"math"
	"time"
)

// Percentile is the nearest-rank percentile p (0–100) of sorted latencies:
// the smallest latency that at least p % of them do not exceed (with 100
// latencies, p 99 is the second slowest). It is 0 for none.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}
