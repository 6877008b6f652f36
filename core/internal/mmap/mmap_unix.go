//go:build unix

package mmap

import (
	"os"
	"syscall"
)

func mapFile(f *os.File, size int64) (*Region, error) {
	if int64(int(size)) != size {
		return nil, syscall.EFBIG
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, &os.PathError{Op: "mmap", Path: f.Name(), Err: err}
	}
	return &Region{Data: b, mapped: true}, nil
}

func unmap(b []byte) error { return syscall.Munmap(b) }
