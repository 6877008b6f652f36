//go:build unix

package storage

import (
	"os"
	"syscall"
)

// OpenReadOnly opens path read-only as a plain blocking file: os.Open would
// also try to register it with the network poller, two more system calls
// on every Open for a file that is only mapped.
func OpenReadOnly(path string) (*os.File, error) {
	for {
		fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		return os.NewFile(uintptr(fd), path), nil
	}
}
