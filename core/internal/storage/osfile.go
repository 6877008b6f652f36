package storage

import (
	"io"
	"os"

	"github.com/polyfmt/polyfmt/core/internal/mmap"
)

// OSFile is what a format's File holds of the operating system: the open
// file, its writer lock (flock and sidecar) and its read-only mapping. The
// zero value holds nothing; Release gives back whatever it holds, once.
type OSFile struct {
	File    *os.File
	Region  *mmap.Region
	Unlock  func()   // drops the flock (LockWriter)
	Sidecar *Sidecar // the lock file every surface honours (sidecar.go)
	// Version is the mapped file's version (verified.go), when versioned.
	Version   FileVersion
	versioned bool
}

// lockCurrent takes the writer lock of path: flock on the file where the
// platform has it, then the sidecar path.lock. A writer that compacts
// renames a new file over path, locked before it is renamed, then lets go
// of the old one; whoever locked the old one after that holds a file no
// path names, so the flock is checked to be on the file path names now
// (reopening with mode otherwise) before the sidecar is touched.
// Compaction may later swap File and Unlock for another file renamed over
// path; the sidecar stays.
func (o *OSFile) lockCurrent(path string, mode int) error {
	for tries := 0; ; tries++ {
		unlock, err := LockWriter(o.File)
		if err != nil {
			return err
		}
		if SamePath(o.File, path) {
			sc, err := acquireSidecar(path, hasFlock)
			if err != nil {
				unlock()
				return err
			}
			o.Unlock, o.Sidecar = unlock, sc
			return nil
		}
		unlock()
		o.File.Close()
		o.File = nil
		if tries == 10 {
			return &os.PathError{Op: "lock", Path: path, Err: os.ErrNotExist}
		}
		if o.File, err = os.OpenFile(path, mode, 0o644); err != nil {
			return err
		}
	}
}

// Release unmaps, removes the sidecar, unlocks and closes, returning the
// first error. The sidecar goes while the flock is still held, so no native
// writer can take over in between and lose its own sidecar.
func (o *OSFile) Release() error {
	var err error
	if o.Region != nil {
		err = o.Region.Close()
		o.Region = nil
	}
	if o.Sidecar != nil {
		if serr := o.Sidecar.Release(); err == nil {
			err = serr
		}
		o.Sidecar = nil
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
	if writable {
		o.File, err = os.OpenFile(path, mode, 0)
	} else {
		o.File, err = OpenReadOnly(path) // to be mapped: not the poller's
	}
	if err != nil {
		return OSFile{}, 0, nil, err
	}
	fail := func(e error) (OSFile, int64, []byte, error) {
		o.Release()
		return OSFile{}, 0, nil, e
	}
	if writable {
		if err = o.lockCurrent(path, mode); err != nil {
			return fail(err)
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
		o.stamp(fi)
	}
	return o, fi.Size(), data, nil
}

// CreatePath opens path for a new writer: created if missing, locked
// (lockCurrent), then emptied. Nothing is truncated unless the lock was taken.
func CreatePath(path string) (OSFile, error) {
	var o OSFile
	var err error
	const mode = os.O_RDWR | os.O_CREATE
	if o.File, err = os.OpenFile(path, mode, 0o644); err != nil {
		return OSFile{}, err
	}
	if err = o.lockCurrent(path, mode); err == nil {
		err = Empty(o.File)
	}
	if err != nil {
		o.Release()
		return OSFile{}, err
	}
	return o, nil
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
