//go:build unix

package storage

import (
	"errors"
	"os"
	"syscall"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// LockWriter takes the advisory writer lock (flock LOCK_EX, non-blocking):
// the guard between native writers, released by the kernel when its holder
// dies. Readers never lock: blocks are append-only and the header is
// rewritten last. A writer also holds the sidecar (OSFile.Lock); this alone
// guards a file with no path of its own (MMX's compaction output).
func LockWriter(f *os.File) (unlock func(), err error) {
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		who := "another writer"
		if o, _, err := readOwner(f.Name() + SidecarSuffix); err == nil {
			who += " (" + o.String() + ")"
		}
		return nil, errcode.New("storage", errcode.ErrLocked, "%s: %s holds the file", f.Name(), who)
	}
	if err != nil {
		return nil, &os.PathError{Op: "flock", Path: f.Name(), Err: err}
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
}

// hasFlock: native writers here hold flock beside the sidecar.
const hasFlock = true

// self is the owner this process records in a sidecar.
func self(flocked bool) Owner {
	host, _ := os.Hostname()
	return Owner{PID: os.Getpid(), Host: host, Flock: flocked}
}

// alive reports whether process pid exists (signal 0: EPERM means it does,
// under another user).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
