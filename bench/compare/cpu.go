package main

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// CPU accounting: how much processor time Neo4j, the GraphQL server and
// this process (the load generator, and for the floor the driver) spend per
// answered request. With two cores shared by all of them, a system's
// throughput is bounded by its CPU per request, so this column says where a
// request's time goes. Linux only (it reads /proc); elsewhere the columns
// stay empty.

// cpuRoles are the processes watched, in report order.
var cpuRoles = []string{"neo4j", "server", "harness"}

// cpuSample is the CPU time used so far by each role; a role whose process
// is unknown is missing.
type cpuSample map[string]time.Duration

// clockTicks is the unit of /proc/<pid>/stat's times (USER_HZ, 100 on Linux).
const clockTicks = 100

// sampleCPU reads the CPU time of Neo4j, the server (0: none, as for the
// floor, or not started by this run) and this process.
func sampleCPU(neo4jPid, serverPid int) cpuSample {
	s := cpuSample{}
	if d, ok := procCPU(neo4jPid); ok {
		s["neo4j"] = d
	}
	if d, ok := procCPU(serverPid); ok {
		s["server"] = d
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		s["harness"] = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return s
}

// since is the CPU time used between two samples, by role.
func (s cpuSample) since(before cpuSample) cpuSample {
	out := cpuSample{}
	for role, d := range s {
		if b, ok := before[role]; ok {
			out[role] = d - b
		}
	}
	return out
}

// procCPU reads a process's user and system time from /proc/<pid>/stat.
func procCPU(pid int) (time.Duration, bool) {
	if pid <= 0 {
		return 0, false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	// The command name (field 2) is in parentheses and may hold spaces;
	// utime and stime are fields 14 and 15, the 12th and 13th after it.
	end := strings.LastIndexByte(string(b), ')')
	if end < 0 {
		return 0, false
	}
	fields := strings.Fields(string(b)[end+1:])
	if len(fields) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}
