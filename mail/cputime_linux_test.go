package mail_test

import (
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling thread has used: the paired
// ratios read it, as wall time on a shared machine counts other
// processes' work too. Callers lock their goroutine to its thread.
func threadCPU() time.Duration {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return time.Duration(time.Now().UnixNano())
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
