//go:build linux

package storage

import (
	"os"
	"syscall"
)

// Preallocate reserves disk space up to size without changing the file's
// length (FALLOC_FL_KEEP_SIZE), so appends do not allocate block by block.
// Failure is harmless (the filesystem may not support it) and ignored.
func Preallocate(f *os.File, size int64) {
	const keepSize = 0x1
	syscall.Fallocate(int(f.Fd()), keepSize, 0, size)
}
