// Package storage is what the format writers read and write through: an
// interface that *os.File satisfies, an in-memory file, the advisory writer
// lock, and space preallocation.
package storage

import (
	"io"
	"sync"
)

// File is what a writer reads and writes. *os.File satisfies it; Mem is the
// in-memory form (browser, wasm, tests); tests wrap either to inject faults.
type File interface {
	io.ReaderAt
	io.WriterAt
	Truncate(size int64) error
	Sync() error
}

// Mem is a growable in-memory file. It is safe for concurrent use.
type Mem struct {
	mu sync.RWMutex
	b  []byte
}

// NewMem returns an in-memory file holding a copy of b.
func NewMem(b []byte) *Mem { return &Mem{b: append([]byte(nil), b...)} }

func (m *Mem) ReadAt(p []byte, off int64) (int, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if off < 0 {
		return 0, io.ErrUnexpectedEOF
	}
	if off >= int64(len(m.b)) {
		return 0, io.EOF
	}
	n := copy(p, m.b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (m *Mem) WriteAt(p []byte, off int64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	end := off + int64(len(p))
	if end > int64(len(m.b)) {
		if end > int64(cap(m.b)) {
			nb := make([]byte, end, max(end, 2*int64(cap(m.b))))
			copy(nb, m.b)
			m.b = nb
		}
		m.b = m.b[:end]
	}
	copy(m.b[off:], p)
	return len(p), nil
}

func (m *Mem) Truncate(size int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if size <= int64(len(m.b)) {
		m.b = m.b[:size]
		return nil
	}
	m.b = append(m.b, make([]byte, size-int64(len(m.b)))...)
	return nil
}

func (m *Mem) Sync() error { return nil }

// Size is the current length.
func (m *Mem) Size() int64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return int64(len(m.b))
}

// Snapshot returns a copy of the contents.
func (m *Mem) Snapshot() []byte {
	b, _ := m.CopyInto(func(n int) ([]byte, error) { return make([]byte, n), nil })
	return b
}

// CopyInto copies the contents into memory from alloc, called once with
// their size, so an image handed to a host is built in the host's memory.
func (m *Mem) CopyInto(alloc func(n int) ([]byte, error)) ([]byte, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	b, err := alloc(len(m.b))
	if err != nil {
		return nil, err
	}
	return b[:copy(b, m.b)], nil
}
