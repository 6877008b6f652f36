//go:build linux

package storage

import (
	"os"
	"syscall"
)

// StartWriteback asks the kernel to start writing bytes [off, off+n) of w
// to disk now (sync_file_range SYNC_FILE_RANGE_WRITE), without waiting for
// it, so a durable commit's fsync later finds most of them written: the
// disk works while the writer is still hashing and copying the next chunk.
// It changes no ordering guarantee (the kernel may write dirty pages at any
// time anyway); only fsync makes anything durable. w other than an
// *os.File, and any failure, are ignored.
func StartWriteback(w File, off, n int64) {
	f, ok := w.(*os.File)
	if !ok || n <= 0 {
		return
	}
	const syncFileRangeWrite = 0x2
	if c, err := f.SyscallConn(); err == nil {
		c.Control(func(fd uintptr) { syscall.SyncFileRange(int(fd), off, n, syncFileRangeWrite) })
	}
}
