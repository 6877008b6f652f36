//go:build unix

package storage

import (
	"errors"
	"os"
	"syscall"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// LockWriter takes the advisory writer lock (flock LOCK_EX, non-blocking).
// Readers never lock: blocks are append-only and the header is rewritten last.
func LockWriter(f *os.File) (unlock func(), err error) {
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return nil, errcode.New("storage", errcode.ErrLocked, "%s: another writer holds the file", f.Name())
	}
	if err != nil {
		return nil, &os.PathError{Op: "flock", Path: f.Name(), Err: err}
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
}
