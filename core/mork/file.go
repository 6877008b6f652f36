package mork

import (
	"bytes"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/storage"
	"github.com/polyfmt/polyfmt/core/mork/act"
	"github.com/polyfmt/polyfmt/core/mork/paths"
	"github.com/polyfmt/polyfmt/core/mork/symtab"
)

// Options configures Create, OpenFile, OpenBytes and NewMem. A nil
// *Options means the zero value: a space file, fsync on commit, the
// default limits and encodings.
type Options struct {
	// Kind is the container Create makes (default KindSpace). An opened
	// file keeps the kind it has.
	Kind Kind
	// NoSync skips fsync when a commit writes a file on disk.
	NoSync bool
	// Limits bounds what open accepts; nil means the defaults.
	Limits *Limits
	// Compression is what a new PATHMAP1 file is written with: "none",
	// "zlib", "lz4" or "zstd" ("": zstd). An opened file keeps its own.
	Compression string
	// ACTLayout is the layout a new ACT is written in: "pathmap" ("": the
	// default, which PathMap and MORK read) or "seed". An opened file keeps
	// its own.
	ACTLayout string
	// SymbolLayout is a new symbol table's ZIP layout: "seed" ("": the
	// default) or "mork". An opened table keeps its own.
	SymbolLayout string
	// CompressSpace writes a space file's paths as one zstd frame.
	CompressSpace bool
}

// File is an open MORK container: a space file, a path file (PATHMAP1
// or PathMap's .paths), an ACT, a symbol table or a multiplicities file.
// Every kind is a sorted set of paths with u64 values (a space's and a
// path file's values are 0; a multiplicities file's paths are its keys)
// and, for a space or a symbol table, a symbol table.
//
// An ACT opened read-only is read in place: open checks its header only,
// and lookups and walks read the nodes they reach in the mapping. Every
// other kind is read whole at open. A writable file keeps its changes in
// memory; Commit (and Close) writes the container again, whole and
// atomically (a temporary file renamed over the old one).
//
// A File is safe for concurrent use: readers share a lock, changes take
// it alone.
type File struct {
	mu    sync.RWMutex
	store *storage.Backing
	opt   Options
	lim   Limits
	kind  Kind
	set   *paths.Set // nil while tree is read in place
	tree  *act.Tree
	syms  *symtab.Table
	space SpaceHeader
	ver   Version
	data  []byte // the committed image, as opened: Verify reads it again
	enc   encoding
	dirty bool
	repl  storage.Replacement
}

// Create makes a new, empty container of opt.Kind at path (truncating any
// file there), locked for writing; "" makes it in memory. Nothing is
// written until Commit or Close.
func Create(path string, opt *Options) (*File, error) { return build(opt, storage.Create(path)) }

// NewMem returns a writable in-memory file over a copy of data (none: a
// new file of opt.Kind).
func NewMem(data []byte, opt *Options) (*File, error) {
	return build(opt, storage.OpenBytes(data, true))
}

// Open opens path read-only, memory-mapped where the platform allows.
func Open(path string) (*File, error) { return OpenFile(path, os.O_RDONLY, nil) }

// OpenFile opens path read-only (os.O_RDONLY) or writable (os.O_RDWR:
// the writer lock is taken, and Commit rewrites the file atomically).
func OpenFile(path string, flag int, opt *Options) (*File, error) {
	return build(opt, storage.Open(path, flag&(os.O_RDWR|os.O_WRONLY) != 0))
}

// OpenBytes opens a read-only File over data without copying it (an ACT
// is read in place): data must not change while the File is in use.
func OpenBytes(data []byte, opt *Options) (*File, error) {
	return build(opt, storage.OpenBytes(data, false))
}

// NewReader opens a read-only File over r, which holds size bytes, read
// into memory once (size is checked against Limits.Paths.MaxDecompressed).
func NewReader(r io.ReaderAt, size int64, opt *Options) (*File, error) {
	return build(opt, storage.OpenReader(r, size))
}

// encoding is how a file's container is written: its PATHMAP1
// compression, ACT layout and symbol table layout.
type encoding struct {
	comp paths.Compression
	act  act.Layout
	sym  symtab.Layout
}

// parseEncoding reads the names of an encoding; "" is the default.
func parseEncoding(comp, actLayout, symLayout string) (encoding, error) {
	var e encoding
	var err error
	if e.comp, err = ParseCompression(comp); err != nil {
		return e, err
	}
	if e.act, err = ParseACTLayout(actLayout); err != nil {
		return e, err
	}
	e.sym, err = ParseSymbolLayout(symLayout)
	return e, err
}

func (o *Options) check() (Options, Limits, encoding, error) {
	var v Options
	if o != nil {
		v = *o
	}
	if v.Kind == 0 {
		v.Kind = KindSpace
	}
	if _, ok := kindNames[v.Kind]; !ok {
		return v, Limits{}, encoding{}, badArg("unknown kind %d", v.Kind)
	}
	e, err := parseEncoding(v.Compression, v.ACTLayout, v.SymbolLayout)
	if err != nil {
		return v, Limits{}, e, err
	}
	l, err := v.Limits.resolve()
	return v, l, e, err
}

func badArg(format string, args ...any) error {
	return errcode.New("mork", errcode.ErrBadArg, format, args...)
}

func build(opt *Options, open storage.Opener) (*File, error) {
	o, lim, enc, err := opt.check()
	if err != nil {
		return nil, err
	}
	return storage.Attach("mork", open, func(b *storage.Backing) (*File, error) {
		f := &File{store: b, opt: o, lim: lim, enc: enc}
		if b.W != nil {
			f.repl = storage.ReplacementFor(b, "commit")
		}
		if b.New {
			f.kind, f.set, f.syms, f.dirty = o.Kind, paths.NewSet(), symtab.New(), true
			return f, f.commitLocked()
		}
		data, _, err := b.Image(lim.maxFile(), "Limits.Paths.MaxDecompressed")
		if err != nil {
			return nil, err
		}
		if err := f.load(data); err != nil {
			return nil, err
		}
		if b.W != nil {
			if err := f.materialize(); err != nil {
				return nil, err
			}
		}
		return f, nil
	})
}

// load reads the container in data: its kind, header and content. An ACT
// is kept in place (a tree over data).
func (f *File) load(data []byte) error {
	k, ok := DetectKind(data)
	if !ok {
		return errcode.At("mork", errcode.ErrFormat, 0, "not a MORK container: it starts % x", clip(data[:min(len(data), 8)]))
	}
	f.kind, f.tree, f.set, f.syms, f.data = k, nil, nil, nil, data
	var err error
	switch k {
	case KindSpace:
		var s *Space
		if s, f.space, err = readSpace(data, &f.lim, false); err == nil {
			f.set, f.syms, f.ver = s.Paths, s.Symbols, f.space.Version
			f.enc.sym = f.space.SymbolLayout
		}
	case KindPathMap1:
		var h paths.Header
		if f.set, h, err = paths.ReadPathMap1(data, &f.lim.Paths); err == nil {
			f.ver, f.enc.comp = Version{h.Major, h.Minor}, h.Compression
		}
	case KindPaths:
		f.set, err = paths.ReadPaths(bytes.NewReader(data), &f.lim.Paths)
	case KindACT:
		if f.tree, err = act.NewTree(data, &f.lim.ACT); err == nil {
			f.enc.act = f.tree.Layout()
		}
	case KindSymbols:
		var lay symtab.Layout
		if f.syms, lay, err = symtab.ReadBytes(data, &f.lim.Symbols); err == nil {
			f.set, f.enc.sym = paths.NewSet(), lay
		}
	case KindMult:
		f.set, f.ver, err = readMult(data, &f.lim, false)
	}
	if err != nil {
		return err
	}
	if f.syms == nil {
		f.syms = symtab.New()
	}
	return nil
}

// materialize reads an ACT kept in place into the set, so it can change.
func (f *File) materialize() error {
	set, err := f.fullSet()
	if err != nil {
		return err
	}
	f.set, f.tree = set, nil
	return nil
}

// Close commits pending changes (a writable file) and releases the file. A
// second Close is ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.store.CheckOpen(); err != nil {
		return err
	}
	var err error
	if f.store.W != nil && f.dirty {
		err = f.commitLocked()
	}
	if cerr := f.store.Close(); err == nil {
		err = cerr
	}
	f.set, f.tree, f.data = nil, nil, nil
	return err
}

// Name is the path the file was opened with, or "memory", "bytes", "reader".
func (f *File) Name() string { return f.store.Name }

// Writable reports whether the file accepts changes (false once closed).
func (f *File) Writable() bool { return f.store.Writable() }

// Kind is the container the file holds.
func (f *File) Kind() Kind {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.kind
}

// Symbols returns the file's symbol table (empty when it has none). A
// writable file's table may be changed; it is written by the next commit.
func (f *File) Symbols() *symtab.Table {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.syms
}

// Interned reports whether the file's paths store symbols as 8-byte ids
// of its symbol table: a space whose table holds symbols.
func (f *File) Interned() bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.interned()
}

func (f *File) interned() bool { return f.syms != nil && f.syms.Len() > 0 && f.kind == KindSpace }

func (f *File) readable() error { return f.store.CheckOpen() }

// Len is the number of paths (keys, for a multiplicities file). For an ACT
// read in place it walks the tree once.
func (f *File) Len() (uint64, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return 0, err
	}
	if f.tree != nil {
		return f.tree.Count()
	}
	return uint64(f.set.Len()), nil
}

// Get returns the value stored at path, and whether path is in the file.
func (f *File) Get(path []byte) (uint64, bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return 0, false, err
	}
	if f.tree != nil {
		return f.tree.Get(path)
	}
	v, ok := f.set.Get(path)
	return v, ok, nil
}

// Stop, returned by a Walk or Query callback, ends the iteration early
// without an error.
var Stop = errors.New("mork: stop")

// Walk calls fn for every path starting with prefix, in byte order, with
// its value. path is reused between calls: copy it to keep it. fn may
// return Stop to end the walk. fn runs under the file's read lock: it
// must not call the File's methods (a writer waiting for the lock would
// deadlock them); to print paths, Scan.
func (f *File) Walk(prefix []byte, fn func(path []byte, value uint64) error) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.readable(); err != nil {
		return err
	}
	return noStop(f.walk(prefix, fn))
}

func noStop(err error) error {
	if errors.Is(err, Stop) {
		return nil
	}
	return err
}

func (f *File) walk(prefix []byte, fn func(path []byte, value uint64) error) error {
	if f.tree != nil {
		return f.tree.Walk(prefix, fn)
	}
	lo, hi := f.set.Range(prefix)
	for i := lo; i < hi; i++ {
		if err := fn(f.set.Path(i), f.set.Value(i)); err != nil {
			return err
		}
	}
	return nil
}

func (f *File) writable() error {
	if err := f.store.CheckOpen(); err != nil {
		return err
	}
	if f.store.W == nil {
		return errcode.New("mork", errcode.ErrBadArg, "%s is open read-only", f.store.Name)
	}
	return nil
}

// Add puts path in the file with value (replacing its value if present).
// A space's and a path file's values are not stored: use 0. In a space
// file path must be one MORK expression.
func (f *File) Add(path []byte, value uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	if err := f.checkPath(path); err != nil {
		return err
	}
	f.set.Add(path, value)
	f.dirty = true
	return nil
}

// Remove takes path out of the file, reporting whether it was there.
func (f *File) Remove(path []byte) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.writable(); err != nil {
		return false, err
	}
	ok := f.set.Remove(path)
	f.dirty = f.dirty || ok
	return ok, nil
}

// Commit writes the file's container again with every change, atomically.
// A file opened in an older version (a 1.0 space file) is written in the
// current one (1.1): Commit on an unchanged file is how it is migrated.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	f.dirty = true
	return f.commitLocked()
}

// image encodes the file's content as its kind's container.
func (f *File) image() ([]byte, error) {
	var buf bytes.Buffer
	if err := f.exportLocked(&buf, f.kind, nil); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (f *File) commitLocked() error {
	img, err := f.image()
	if err != nil {
		return err
	}
	st, err := storage.Commit(f.repl, img, f.opt.NoSync, "mork", f.Name())
	if err != nil {
		return err
	}
	f.store.R, f.store.W = st, st
	set, syms := f.set, f.syms
	if err := f.load(img); err != nil {
		return errcode.Wrap("mork", errcode.ErrInternal, err, "the image just written does not read back")
	}
	if f.kind == KindSymbols || f.kind == KindACT {
		// A symbol table keeps no paths, an ACT read back in place: keep
		// the sets the writer works on.
		f.set, f.tree = set, nil
	}
	if f.kind == KindSymbols {
		f.syms = syms
	}
	f.dirty = false
	return nil
}

// Refresh makes a read-only file opened from a path see what a writer
// committed since, and returns its path count.
func (f *File) Refresh() (uint64, error) {
	f.mu.Lock()
	if err := f.store.CheckOpen(); err != nil {
		f.mu.Unlock()
		return 0, err
	}
	if f.store.W == nil && f.store.OnDisk() {
		if _, err := f.store.Refresh(func(next *storage.Backing) error { return f.load(next.Data) }); err != nil {
			f.mu.Unlock()
			return 0, err
		}
	}
	f.mu.Unlock()
	return f.Len()
}

// BytesInto copies the committed image of a file held in memory into
// memory from alloc. inMemory is false for a file on disk.
func (f *File) BytesInto(alloc func(n int) ([]byte, error)) ([]byte, bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.store.ImageInto(alloc)
}

// Bytes returns a copy of the committed image of a file held in memory.
func (f *File) Bytes() ([]byte, error) {
	b, ok, err := f.BytesInto(func(n int) ([]byte, error) { return make([]byte, n), nil })
	if err == nil && !ok {
		err = errcode.New("mork", errcode.ErrBadArg, "%s is on disk: read the file", f.Name())
	}
	return b, err
}
