package main

import (
	"strings"
	"testing"
)

func TestParseBench_ReadsTheMediansOfEachCase(t *testing.T) {
	out := `benchmark graph: 132818 nodes, 998523 relationships, 100024 experts, 30023 enterprises
goos: linux
BenchmarkQ1_ExpertsServingCluster/hub-cluster-2     	      50	  21773311 ns/op	        20.91 p50-ms	        54.55 p99-ms
BenchmarkLookupByID/last-expert-2                   	      50	   1912000 ns/op	         1.701 p50-ms	         6.717 p99-ms
BenchmarkImport_ExpertRoster-2   	       1	16987695731 ns/op	        35.29 %-of-floor	      2211 rows/s
PASS`
	p50, p99, order := parseBench(out)
	if len(order) != 2 || order[0] != "Q1_ExpertsServingCluster/hub-cluster" || order[1] != "LookupByID/last-expert" {
		t.Fatalf("cases %q", order)
	}
	if p50["Q1_ExpertsServingCluster/hub-cluster"] != 20.91 || p99["LookupByID/last-expert"] != 6.717 {
		t.Errorf("p50 %v, p99 %v", p50, p99)
	}
}

func TestGrowth_IsPerTenfold(t *testing.T) {
	a := &size{experts: 10000, p50: map[string]float64{"x": 2, "y": 1}, order: []string{"x", "y"}}
	b := &size{experts: 100000, p50: map[string]float64{"x": 3}}
	c := &size{experts: 1000000, p50: map[string]float64{"x": 30}}
	if g := growth(a, b, "x"); g != "1.50" {
		t.Errorf("10k → 100k: %s", g)
	}
	if g := growth(a, c, "x"); g != "3.87" { // 15× over a hundredfold: √15 per tenfold
		t.Errorf("10k → 1M: %s", g)
	}
	if g := growth(a, b, "y"); g != "–" {
		t.Errorf("a case missing at one size: %s", g)
	}
	table := report([]*size{a, b})
	if !strings.Contains(table, "| x | 2 | – | 3 | – | 1.50 |") {
		t.Errorf("table:\n%s", table)
	}
}
