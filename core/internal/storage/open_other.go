//go:build !unix

package storage

import "os"

// OpenReadOnly opens path read-only.
func OpenReadOnly(path string) (*os.File, error) { return os.Open(path) }
