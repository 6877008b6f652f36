//go:build unix

package mmx

import (
	"syscall"
	"time"
)

// benchCPU is the CPU time (user + system) the process has used so far:
// beside wall time in BenchmarkCompressed, the work an op costs whatever
// else the machine runs.
func benchCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
