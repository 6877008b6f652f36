//go:build !unix

package storage

import "os"

// LockWriter is a no-op where the platform has no advisory locks (wasip1):
// there a single host owns the file.
func LockWriter(*os.File) (func(), error) { return func() {}, nil }
