//go:build !unix && !wasip1

package storage

import "os"

// LockWriter is a no-op where the platform has no flock: the sidecar
// (OSFile.Lock) is the writer lock there.
func LockWriter(*os.File) (func(), error) { return func() {}, nil }

const hasFlock = false

func self(bool) Owner {
	host, _ := os.Hostname()
	return Owner{PID: os.Getpid(), Host: host}
}

// alive: no portable liveness check here, so a sidecar is never stale (a
// crashed writer's lock file is removed by hand).
func alive(int) bool { return true }
