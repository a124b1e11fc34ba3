package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/castgraph/castgraph/graph"
)

// serveJobs reads the bounds of import jobs and of the WebSocket of
// subscriptions from the environment; what is unset keeps its default
// (graph.DefaultJobOptions). The README's Limits table lists the variables.
func serveJobs() (graph.JobOptions, error) {
	var o graph.JobOptions
	for _, v := range []struct {
		env string
		to  *int
	}{
		{"CASTGRAPH_MAX_JOBS", &o.MaxRunning},
		{"CASTGRAPH_MAX_WEBSOCKETS", &o.MaxConnections},
		{"CASTGRAPH_MAX_SUBSCRIPTIONS", &o.MaxSubscriptions},
	} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n <= 0 {
				return o, fmt.Errorf("%s must be a whole number above 0, not %q", v.env, s)
			}
			*v.to = n
		}
	}
	if s := os.Getenv("CASTGRAPH_JOB_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return o, fmt.Errorf("CASTGRAPH_JOB_TIMEOUT must be a duration such as 30m, not %q", s)
		}
		o.MaxRunTime = d
	}
	return o, nil
}
