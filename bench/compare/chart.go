package main

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Colours of the systems: castgraph blue, the peer amber, the floor grey.
var systemColours = map[string]string{"castgraph": "#2563eb", "peer": "#f59e0b", "floor": "#6b7280"}

var systemLabels = map[string]string{
	"castgraph": "castgraph",
	"peer":      "Neo4j GraphQL Library 7 (peer)",
	"floor":     "raw Cypher via Go driver (floor)",
}

// Geometry of the chart, in pixels.
const (
	chartLeft   = 28
	chartTop    = 160
	panelWidth  = 228
	panelHeight = 190
	panelGap    = 18
	rowGap      = 30
)

// chart draws one column per query and two rows: throughput (bars, with
// castgraph ÷ peer above each group) and latency (a solid bar to p50, a pale
// one on to p99), each group one concurrency, each bar one system. Plain SVG
// written by hand: no chart library, no browser needed to make it.
func (r *report) chart() string {
	cols := len(r.mix)
	width := chartLeft + cols*(panelWidth+panelGap) + 10
	height := chartTop + 2*panelHeight + rowGap + 100
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, 'Noto Sans CJK SC', sans-serif">`+"\n",
		width, height, width, height)
	p(`<rect width="100%%" height="100%%" fill="#ffffff"/>` + "\n")
	p(`<text x="%d" y="30" font-size="20" font-weight="bold" fill="#111827">castgraph against the Neo4j GraphQL Library and the raw-Cypher floor</text>`+"\n", chartLeft)
	sub := fmt.Sprintf("%s · %s per cell after %s warm-up · %s", r.started.UTC().Format("2006-01-02 15:04 UTC"), r.cfg.duration, r.cfg.warmup, r.info.short)
	p(`<text x="%d" y="50" font-size="12" fill="#4b5563">%s</text>`+"\n", chartLeft, esc(sub))
	if r.cfg.label != "" {
		p(`<text x="%d" y="68" font-size="13" font-weight="bold" fill="#b91c1c">%s</text>`+"\n", chartLeft, esc(r.cfg.label))
	}
	// Legend.
	x := chartLeft
	for _, s := range systemNames {
		if !r.hasSystem(s) {
			continue
		}
		p(`<rect x="%d" y="82" width="14" height="14" fill="%s"/><text x="%d" y="94" font-size="13" fill="#111827">%s</text>`+"\n",
			x, systemColours[s], x+20, esc(systemLabels[s]))
		x += 28 + 8*len(systemLabels[s])
	}

	p(`<text x="%d" y="118" font-size="12" fill="#374151">Top row: throughput in requests/s (higher is better). `+
		`Bottom row: latency in ms on a log scale, solid to the median (p50), pale on to p99 (lower is better).</text>`+"\n", chartLeft)
	for row := range 2 {
		y0 := chartTop + row*(panelHeight+rowGap)
		for i, q := range r.mix {
			x0 := chartLeft + i*(panelWidth+panelGap)
			if row == 0 {
				p(`<text x="%d" y="%d" font-size="13" font-weight="bold" fill="#111827">%s</text>`+"\n", x0, y0-22, esc(q.name))
				p(`<text x="%d" y="%d" font-size="10" fill="#4b5563">%s</text>`+"\n", x0, y0-8, esc(shorten(q.title, 44)))
			}
			r.panel(&b, q, row == 1, x0, y0)
		}
	}
	ny := chartTop + 2*panelHeight + rowGap + 30
	p(`<text x="%d" y="%d" font-size="11" fill="#4b5563">Above the throughput bars: castgraph's throughput ÷ the peer's at that concurrency (c = requests in flight). `+
		`Each cell cycles through the query's variants; the answers of all three systems were checked to be the same first.</text>`+"\n", chartLeft, ny)
	p(`<text x="%d" y="%d" font-size="11" fill="#4b5563">castgraph %s · peer %s</text>`+"\n", chartLeft, ny+16,
		esc(r.info.castgraph), esc(shorten(r.info.peer, 150)))
	p(`<text x="%d" y="%d" font-size="11" fill="#4b5563">%s</text>`+"\n", chartLeft, ny+32, esc(r.info.neo4j))
	p("</svg>\n")
	return b.String()
}

func (r *report) hasSystem(s string) bool {
	for _, res := range r.results {
		if res.system == s {
			return true
		}
	}
	return false
}

// panel draws the throughput (latency false) or latency panel of one query.
func (r *report) panel(b *strings.Builder, q *query, latency bool, x0, y0 int) {
	p := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	plotLeft := x0 + 34
	plotWidth := panelWidth - 38
	base := y0 + panelHeight - 18
	plotHeight := panelHeight - 30
	p(`<rect x="%d" y="%d" width="%d" height="%d" fill="#f9fafb" stroke="#e5e7eb"/>`+"\n", x0, y0, panelWidth, panelHeight)
	if !r.checks[q.name].agree {
		p(`<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#b91c1c">not timed: the answers differ</text>`+"\n",
			x0+panelWidth/2, y0+panelHeight/2)
		return
	}
	value := func(res *result) (lo, hi float64) {
		if latency {
			return ms(res.p50), ms(res.p99)
		}
		return res.throughput(), res.throughput()
	}
	top, bottom := 0.0, math.Inf(1)
	systems := []string{}
	for _, s := range systemNames {
		if r.hasSystem(s) {
			systems = append(systems, s)
		}
	}
	for _, c := range r.cfg.concurrency {
		for _, s := range systems {
			if res := r.get(q.name, s, c); res != nil && res.requests > 0 {
				lo, hi := value(res)
				top, bottom = math.Max(top, hi), math.Min(bottom, lo)
			}
		}
	}
	if top == 0 {
		p(`<text x="%d" y="%d" text-anchor="middle" font-size="12" fill="#6b7280">no measurements</text>`+"\n", x0+panelWidth/2, y0+panelHeight/2)
		return
	}
	// Throughput on a linear axis from 0; latency, which spans orders of
	// magnitude between c=1 and c=32, on a log axis between powers of ten.
	var scale func(v float64) float64
	var ticks []float64
	if latency {
		lo := math.Pow(10, math.Floor(math.Log10(math.Max(bottom*0.9, 0.01))))
		hi := math.Pow(10, math.Ceil(math.Log10(top)))
		if hi <= lo {
			hi = lo * 10
		}
		scale = func(v float64) float64 {
			return float64(plotHeight) * (math.Log10(math.Max(v, lo)) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
		}
		for t := lo; t <= hi*1.001; t *= 10 {
			ticks = append(ticks, t)
		}
	} else {
		step := niceStep(top / 4)
		axisMax := math.Ceil(top/step) * step
		scale = func(v float64) float64 { return float64(plotHeight) * v / axisMax }
		for t := 0.0; t <= axisMax+step/2; t += step {
			ticks = append(ticks, t)
		}
	}
	for _, t := range ticks {
		y := float64(base) - scale(t)
		p(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#e5e7eb"/>`+"\n", plotLeft, y, plotLeft+plotWidth, y)
		p(`<text x="%d" y="%.1f" text-anchor="end" font-size="9" fill="#6b7280">%s</text>`+"\n", plotLeft-3, y+3, tickLabel(t))
	}
	groups := len(r.cfg.concurrency)
	groupWidth := float64(plotWidth) / float64(groups)
	barWidth := math.Min(16, (groupWidth-10)/float64(len(systems)))
	for gi, c := range r.cfg.concurrency {
		gx := float64(plotLeft) + groupWidth*float64(gi)
		start := gx + (groupWidth-barWidth*float64(len(systems)))/2
		for si, s := range systems {
			res := r.get(q.name, s, c)
			if res == nil || res.requests == 0 {
				continue
			}
			bx := start + barWidth*float64(si)
			lo, hi := value(res)
			colour := systemColours[s]
			tip := fmt.Sprintf("%s, %s, c=%d: %.1f req/s, p50 %.2f ms, p99 %.2f ms", q.name, s, c, res.throughput(), ms(res.p50), ms(res.p99))
			if latency && hi > lo {
				p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" fill-opacity="0.3"><title>%s</title></rect>`+"\n",
					bx, float64(base)-scale(hi), barWidth-1, scale(hi)-scale(lo), colour, esc(tip))
			}
			p(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`+"\n",
				bx, float64(base)-scale(lo), barWidth-1, math.Max(scale(lo), 0.5), colour, esc(tip))
		}
		p(`<text x="%.1f" y="%d" text-anchor="middle" font-size="10" fill="#374151">c=%d</text>`+"\n", gx+groupWidth/2, base+12, c)
		if !latency {
			cg, peer := r.get(q.name, "castgraph", c), r.get(q.name, "peer", c)
			if cg != nil && peer != nil && cg.requests > 0 && peer.requests > 0 {
				ratio := cg.throughput() / peer.throughput()
				colour := "#1d4ed8"
				if ratio < 1 {
					colour = "#b91c1c"
				}
				tallest := 0.0
				for _, s := range systems {
					if res := r.get(q.name, s, c); res != nil && res.requests > 0 {
						_, hi := value(res)
						tallest = math.Max(tallest, hi)
					}
				}
				y := float64(base) - scale(tallest) - 4
				p(`<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11" font-weight="bold" fill="%s">%s×</text>`+"\n",
					gx+groupWidth/2, math.Max(y, float64(y0)+11), colour, trimFloat(ratio))
			}
		}
	}
	p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#9ca3af"/>`+"\n", plotLeft, base, plotLeft+plotWidth, base)
}

// niceStep rounds up to 1, 2, 2.5 or 5 times a power of ten.
func niceStep(v float64) float64 {
	if v <= 0 {
		return 1
	}
	pow := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*pow >= v {
			return m * pow
		}
	}
	return 10 * pow
}

func tickLabel(v float64) string {
	if v >= 1000 {
		return trimFloat(v/1000) + "k"
	}
	return trimFloat(v)
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	if v >= 10 {
		s = fmt.Sprintf("%.1f", v)
	}
	if v >= 100 {
		s = fmt.Sprintf("%.0f", v)
	}
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func esc(s string) string { return html.EscapeString(s) }
