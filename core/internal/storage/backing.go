package storage

import (
	"io"
	"os"
	"sync/atomic"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/mmap"
)

// Backing is where a format's File keeps its bytes, the same for every
// format: what it reads through and writes through, and what it holds of
// the operating system (file, writer lock, mapping) or of its caller (the
// bytes it was opened over). It is made by an Opener (Create, Open,
// OpenBytes, OpenReader, OpenWritable) and handed to the format by Attach.
//
// A Backing does no locking of its own except for its closed flag: the
// format's File guards it with its own lock, as it guards the rest of its
// state (Refresh swaps R and Data).
type Backing struct {
	R    io.ReaderAt // reads; the same as W when writable
	W    File        // writes; nil when read-only
	Mem  *Mem        // the file, when it is held in memory (Create(""), OpenBytes writable)
	Data []byte      // the whole file: the mapping (read-only, from a path) or the caller's bytes (OpenBytes read-only); else nil
	OS   OSFile      // the file, its writer lock and its mapping, when opened from a path
	Name string      // the path, or "memory", "bytes", "reader", "storage" for the other forms
	// New is set when the Backing is empty, for a new file to be written on
	// it: Create, and OpenBytes writable with no bytes.
	New bool
	// Size is the file's size when it was opened.
	Size int64
	// KeepMaps keeps the mappings Refresh replaces until Close, for a
	// format that lends views of its mapping (MMX's borrowed tensors):
	// they are promised to live until Close. Otherwise a replaced mapping
	// is unmapped at once.
	KeepMaps bool

	pkg     string // the format, named in errors
	closed  atomic.Bool
	retired []*mmap.Region
}

// An Opener makes a Backing. The format constructors take one rather than
// a Backing so that they check their options before a path is touched
// (Create truncates).
type Opener func() (*Backing, error)

// Create is a new, empty file at path (created if missing, locked for
// writing, then truncated: CreatePath), or in memory when path is "".
func Create(path string) Opener {
	return func() (*Backing, error) {
		if path == "" {
			return memory(nil), nil
		}
		h, err := CreatePath(path)
		if err != nil {
			return nil, err
		}
		return &Backing{R: h.File, W: h.File, OS: h, Name: path, New: true}, nil
	}
}

// Open is the file at path: read-only and memory-mapped, or writable with
// the writer lock taken (OpenPath).
func Open(path string, writable bool) Opener {
	return func() (*Backing, error) {
		flag := os.O_RDONLY
		if writable {
			flag = os.O_RDWR
		}
		h, size, data, err := OpenPath(path, flag)
		if err != nil {
			return nil, err
		}
		b := &Backing{OS: h, Name: path, Size: size}
		if writable {
			b.R, b.W = h.File, h.File
		} else {
			b.R, b.Data = Bytes(data), data
		}
		return b, nil
	}
}

// OpenBytes is data: read-only over data itself, not copied (it must not
// change while the file is open), named "bytes"; or writable over a copy
// in memory, named "memory" (no data: a new, empty file, as Create("")).
func OpenBytes(data []byte, writable bool) Opener {
	return func() (*Backing, error) {
		if writable {
			return memory(data), nil
		}
		return &Backing{R: Bytes(data), Data: data, Name: "bytes", Size: int64(len(data))}, nil
	}
}

// memory is a writable in-memory file holding a copy of data.
func memory(data []byte) *Backing {
	m := NewMem(data)
	return &Backing{R: m, W: m, Mem: m, Name: "memory", New: len(data) == 0, Size: m.Size()}
}

// OpenReader is read-only over r, which holds size bytes; named "reader".
func OpenReader(r io.ReaderAt, size int64) Opener {
	return func() (*Backing, error) {
		if size < 0 {
			return nil, errcode.New("storage", errcode.ErrBadArg, "negative size %d", size)
		}
		return &Backing{R: r, Name: "reader", Size: size}, nil
	}
}

// OpenWritable is writable over st, which holds size bytes; named
// "storage". The crash tests open a Faulty this way.
func OpenWritable(st File, size int64) Opener {
	return func() (*Backing, error) {
		return &Backing{R: st, W: st, Name: "storage", Size: size}, nil
	}
}

// Attach makes the Backing with open and sets a format's File up over it
// with setup: a new file written on it when b.New, else the file it holds
// read (and, writable, repaired). If setup fails the Backing is released
// and only the error returned. pkg names the format in the Backing's errors.
func Attach[F any](pkg string, open Opener, setup func(b *Backing) (F, error)) (F, error) {
	var none F
	b, err := open()
	if err != nil {
		return none, err
	}
	b.pkg = pkg
	f, err := setup(b)
	if err != nil {
		b.Release()
		return none, err
	}
	return f, nil
}

// Writable reports whether the file accepts changes: opened for writing
// and not closed.
func (b *Backing) Writable() bool { return b.W != nil && !b.closed.Load() }

// OnDisk reports whether the file was opened from a path.
func (b *Backing) OnDisk() bool { return b.OS.File != nil }

// Path is the path the file was opened from, "" for the other forms.
func (b *Backing) Path() string {
	if !b.OnDisk() {
		return ""
	}
	return b.Name
}

// CheckOpen is errcode.ErrClosed once the file is closed.
func (b *Backing) CheckOpen() error {
	if b.closed.Load() {
		return errcode.New(b.pkg, errcode.ErrClosed, "%s is closed", b.Name)
	}
	return nil
}

// MarkClosed marks the file closed, or is errcode.ErrClosed if it already
// was. A format that must wait for reads in flight marks it closed, waits,
// then calls Release; the others call Close.
func (b *Backing) MarkClosed() error {
	if !b.closed.CompareAndSwap(false, true) {
		return errcode.New(b.pkg, errcode.ErrClosed, "%s already closed", b.Name)
	}
	return nil
}

// Close is MarkClosed, then Release.
func (b *Backing) Close() error {
	if err := b.MarkClosed(); err != nil {
		return err
	}
	return b.Release()
}

// Release gives back what the Backing holds of the operating system (the
// mappings, those Refresh retired included, the sidecar, the flock, the
// file) and forgets the bytes it viewed, returning the first error.
func (b *Backing) Release() error {
	b.Data = nil
	for _, r := range b.retired {
		r.Close()
	}
	b.retired = nil
	return b.OS.Release()
}

// ImageInto copies the image of a file held in memory (created there,
// opened writable from bytes, or read-only over bytes) into memory from
// alloc, called once with its size. inMemory is false for a file on disk
// or over a reader, which has no image to hand out. A closed file is
// errcode.ErrClosed.
func (b *Backing) ImageInto(alloc func(n int) ([]byte, error)) (img []byte, inMemory bool, err error) {
	if err := b.CheckOpen(); err != nil {
		return nil, false, err
	}
	switch {
	case b.Mem != nil:
		img, err = b.Mem.CopyInto(alloc)
	case b.Data != nil && !b.OnDisk():
		if img, err = alloc(len(b.Data)); err == nil {
			img = img[:copy(img, b.Data)]
		}
	default:
		return nil, false, nil
	}
	return img, true, err
}

// Refresh makes a read-only Backing opened from a path hold the file as it
// is now: the file the path names now (a writer that compacts renames a new
// one over it), mapped whole. load reads the format's state from next, a
// Backing over the new mapping; only if it succeeds does b switch to it
// (load must take the new state then, and must not keep next). The old
// mapping is unmapped, or kept until Close with KeepMaps. Other Backings
// (writable, memory, bytes, reader) are current or fixed: Refresh does
// nothing and reports false. The caller holds the File's write lock.
func (b *Backing) Refresh(load func(next *Backing) error) (bool, error) {
	if b.W != nil || !b.OnDisk() {
		return false, nil
	}
	osf := b.OS.File
	if !SamePath(osf, b.Name) {
		if nf, err := os.Open(b.Name); err == nil {
			osf = nf
		}
	}
	next := &Backing{Name: b.Name, OS: OSFile{File: osf}, pkg: b.pkg}
	fail := func(err error) (bool, error) {
		if next.OS.Region != nil {
			next.OS.Region.Close()
		}
		if osf != b.OS.File {
			osf.Close()
		}
		return false, err
	}
	fi, err := osf.Stat()
	if err != nil {
		return fail(err)
	}
	data, err := next.OS.Map(fi.Size())
	if err != nil {
		return fail(err)
	}
	next.OS.stamp(fi)
	next.R, next.Data, next.Size = Bytes(data), data, fi.Size()
	if err := load(next); err != nil {
		return fail(err)
	}
	if osf != b.OS.File {
		b.OS.File.Close() // read-only: no lock to drop; its mapping stays valid
		b.OS.File = osf
	}
	if old := b.OS.Region; old != nil {
		if b.KeepMaps {
			b.retired = append(b.retired, old)
		} else {
			old.Close()
		}
	}
	b.OS.Region, b.Data, b.R, b.Size = next.OS.Region, next.Data, next.R, next.Size
	b.OS.Version, b.OS.versioned = next.OS.Version, next.OS.versioned
	return true, nil
}
