// Package mmap maps a file read-only into memory, with a read-whole-file
// fallback where the platform has no mmap (wasip1, windows).
package mmap

import "os"

// Region is a read-only view of a file. Data must not be used after Close.
type Region struct {
	Data   []byte
	mapped bool
}

// Map maps the first size bytes of f. A size of 0 gives an empty region.
func Map(f *os.File, size int64) (*Region, error) {
	if size <= 0 {
		return &Region{}, nil
	}
	return mapFile(f, size)
}

// Mapped reports whether Data is a real memory mapping (false: a heap copy).
func (r *Region) Mapped() bool { return r.mapped }

// Close unmaps the region. It is safe to call more than once.
func (r *Region) Close() error {
	if r == nil || r.Data == nil {
		return nil
	}
	d := r.Data
	r.Data = nil
	if r.mapped {
		return unmap(d)
	}
	return nil
}
