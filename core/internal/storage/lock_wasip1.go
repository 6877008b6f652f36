//go:build wasip1

package storage

import (
	"os"
	"strconv"
)

// LockWriter is a no-op: WASI has no advisory locks. A wasm writer holds
// the sidecar alone (OSFile.Lock).
func LockWriter(*os.File) (func(), error) { return func() {}, nil }

const hasFlock = false

// self is the owner the host named in the environment (POLYFMT_PID,
// POLYFMT_HOST; bindings/js sets both). A guest cannot learn its host
// process otherwise: without them the sidecar records pid 0, which no other
// writer calls stale.
func self(bool) Owner {
	pid, err := strconv.Atoi(os.Getenv("POLYFMT_PID"))
	if err != nil || pid < 0 {
		pid = 0
	}
	return Owner{PID: pid, Host: os.Getenv("POLYFMT_HOST")}
}

// alive: a guest cannot see processes, so every owner may be alive and no
// sidecar is stale here; the host reclaims stale ones before opening.
func alive(int) bool { return true }
