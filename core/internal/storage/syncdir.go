package storage

import (
	"os"
	"path/filepath"
)

// SyncParent fsyncs the directory holding path, so a file just created
// there survives a power loss under its name (fsync of the file alone
// makes its bytes durable, not the directory entry that names it).
// Failure is ignored: some platforms and filesystems cannot sync a
// directory, and the file's own commit already holds.
func SyncParent(path string) {
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
}
