package storage

import (
	"io"
	"os"

	"github.com/polyfmt/polyfmt/core/internal/mmap"
)

// OSFile is what a format's File holds of the operating system: the open
// file, its writer lock and its read-only mapping. The zero value holds
// nothing; Release gives back whatever it holds, once.
type OSFile struct {
	File   *os.File
	Region *mmap.Region
	Unlock func()
}

// Release unmaps, unlocks and closes, returning the first error.
func (o *OSFile) Release() error {
	var err error
	if o.Region != nil {
		err = o.Region.Close()
		o.Region = nil
	}
	if o.Unlock != nil {
		o.Unlock()
		o.Unlock = nil
	}
	if o.File != nil {
		if cerr := o.File.Close(); err == nil {
			err = cerr
		}
		o.File = nil
	}
	return err
}

// Map (re)maps the first size bytes of the file read-only and returns them.
func (o *OSFile) Map(size int64) ([]byte, error) {
	r, err := mmap.Map(o.File, size)
	if err != nil {
		return nil, err
	}
	if o.Region != nil {
		o.Region.Close()
	}
	o.Region = r
	return r.Data, nil
}

// Bytes reads from a byte slice (io.ReaderAt without bytes.Reader's state).
type Bytes []byte

func (b Bytes) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 || off > int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Empty truncates f to zero length if it has any contents. A file that is
// already empty is left alone: truncating makes ext4 flush the file's data
// at close (its auto_da_alloc heuristic), so every newly created file would
// pay for a disk write its writer did not ask for.
func Empty(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() == 0 {
		return nil
	}
	return f.Truncate(0)
}

// OpenPath opens path for a format's File: for writing (os.O_RDWR in flag)
// with the writer lock taken, else read-only and memory-mapped. It returns
// the OS side, the file's size, and the mapped bytes (nil when writable).
func OpenPath(path string, flag int) (o OSFile, size int64, data []byte, err error) {
	writable := flag&(os.O_RDWR|os.O_WRONLY) != 0
	mode := os.O_RDONLY
	if writable {
		mode = os.O_RDWR
	}
	if o.File, err = os.OpenFile(path, mode, 0); err != nil {
		return OSFile{}, 0, nil, err
	}
	fail := func(e error) (OSFile, int64, []byte, error) {
		o.Release()
		return OSFile{}, 0, nil, e
	}
	if writable {
		if o.Unlock, err = LockWriter(o.File); err != nil {
			return fail(err)
		}
		// A writer that compacts renames a new file over path, locked
		// before it is renamed, then lets go of the old one. Whoever locked
		// the old one after that holds a file no path names: open again.
		for tries := 0; !SamePath(o.File, path); tries++ {
			o.Release()
			if tries == 10 {
				return OSFile{}, 0, nil, &os.PathError{Op: "lock", Path: path, Err: os.ErrNotExist}
			}
			if o.File, err = os.OpenFile(path, mode, 0); err != nil {
				return OSFile{}, 0, nil, err
			}
			if o.Unlock, err = LockWriter(o.File); err != nil {
				return fail(err)
			}
		}
	}
	fi, err := o.File.Stat()
	if err != nil {
		return fail(err)
	}
	if !writable {
		if data, err = o.Map(fi.Size()); err != nil {
			return fail(err)
		}
	}
	return o, fi.Size(), data, nil
}

// SamePath reports whether path still names the file f has open.
func SamePath(f *os.File, path string) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	pi, err := os.Stat(path)
	return err == nil && os.SameFile(fi, pi)
}
