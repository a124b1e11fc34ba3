package roster

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
)

// ProgressPrinter shows an import's progress on w: a bar with rows, rows/s
// and the time left when w is a terminal, otherwise a plain line every
// interval (for logs). The total is estimated from the share of the input
// read so far (bytes of a text file, rows of a sheet's dimension). It is the
// project's one progress printer: `castgraph generate` shows its batched
// load with it too.
type ProgressPrinter struct {
	w        io.Writer
	bar      *progressbar.ProgressBar
	interval time.Duration
	last     time.Time
	pass     int
}

// NewProgressPrinter makes a printer for w; interval is how often a
// non-terminal gets a line (0: every 10 s).
func NewProgressPrinter(w *os.File, label string, interval time.Duration) *ProgressPrinter {
	if interval <= 0 {
		interval = 10 * time.Second
	}
	p := &ProgressPrinter{w: w, interval: interval, last: time.Now()}
	if fi, err := w.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
		p.bar = progressbar.NewOptions64(-1,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(label),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionUseANSICodes(true),
		)
	}
	return p
}

// Update is an Options.Progress function.
func (p *ProgressPrinter) Update(pr Progress) {
	if p.bar != nil {
		if pr.Pass != p.pass {
			p.pass = pr.Pass
			if pr.Pass == 2 {
				p.bar.Reset()
				p.bar.Describe("writing")
			}
		}
		if pr.Fraction > 0 {
			p.bar.ChangeMax64(max(int64(float64(pr.Rows)/pr.Fraction), int64(pr.Rows)))
		}
		_ = p.bar.Set64(int64(pr.Rows))
		return
	}
	now := time.Now()
	if now.Sub(p.last) < p.interval && pr.Fraction < 1 {
		return
	}
	p.last = now
	rate := float64(pr.Rows) / max(pr.Elapsed.Seconds(), 1e-9)
	line := fmt.Sprintf("%d rows, %d ok, %.0f rows/s, %s elapsed", pr.Rows, pr.OK, rate, pr.Elapsed.Round(time.Second))
	if pr.Fraction > 0 && pr.Fraction < 1 && rate > 0 {
		left := float64(pr.Rows)/pr.Fraction - float64(pr.Rows)
		line += fmt.Sprintf(", %.0f%%, ETA %s", 100*pr.Fraction, (time.Duration(left/rate) * time.Second).Round(time.Second))
	}
	if pr.Pass == 2 {
		line = "writing: " + line
	}
	fmt.Fprintln(p.w, line)
}

// Done ends the bar's line.
func (p *ProgressPrinter) Done() {
	if p.bar != nil {
		_ = p.bar.Finish()
		fmt.Fprintln(p.w)
	}
}
