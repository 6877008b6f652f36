//go:build !unix

package mem8

import "os"

// lockWriter is a no-op where the platform has no advisory locks (wasip1):
// there a single host owns the file.
func lockWriter(*os.File) (func(), error) { return func() {}, nil }
