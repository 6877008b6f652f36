//go:build unix

package act

import (
	"os"
	"syscall"
)

// openFile opens path read-only as a plain blocking file: os.Open would
// also try to register it with the network poller, two more system calls
// on every Open for a file that is only mapped.
func openFile(path string) (*os.File, error) {
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
