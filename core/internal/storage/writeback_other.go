//go:build !linux

package storage

// StartWriteback does nothing where sync_file_range does not exist: the
// commit's fsync writes everything (writeback_linux.go).
func StartWriteback(w File, off, n int64) {}
