package vsf

import (
	"io"
	"math/bits"
	"os"
	"strings"
	"sync"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Options configures Create, OpenFile, OpenBytes and NewMem. A nil
// *Options means the zero value: the seed's form, fsync on commit,
// DefaultLimits.
type Options struct {
	// Form is the wire form Create writes (and a writable file keeps):
	// FormSeed (default) or FormCrate. Opening reads either.
	Form Form
	// NoSync skips fsync when a commit writes a file on disk. A process
	// crash still loses nothing committed; an OS crash may leave the
	// previous commit.
	NoSync bool
	// Limits bounds what open accepts; nil means DefaultLimits.
	Limits *Limits
}

// File is an open VSF file: read-only (a mapping of the file, or bytes),
// or writable (a Builder over its sections, written whole by Commit and
// Close). It is safe for concurrent use: readers share a lock, changes
// take it alone.
type File struct {
	mu       sync.RWMutex
	store    *storage.Backing
	data     []byte // the committed image
	hdr      Header
	trailer  []Field // the seed form's whole-file fields (hash, signature, key)
	trailAt  uint64  // where the trailer starts: the bytes it covers are [0, trailAt)
	lim      Limits
	opt      Options
	b        *Builder // the pending image; nil when read-only
	dirty    bool
	repl     storage.Replacement
	borrowed bool // data is the caller's or the mapping: not ours to change
}

// Create makes a new, empty VSF file at path (truncating any file there),
// locked for writing; "" makes it in memory. Nothing is written until
// Commit or Close.
func Create(path string, opt *Options) (*File, error) { return build(opt, storage.Create(path)) }

// NewMem returns a writable in-memory file over a copy of data (none: a
// new file). Bytes returns its image after Commit.
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

// OpenBytes opens a read-only File over data without copying it: unboxed
// sections and tensors are views of data, which must not change while the
// File is in use.
func OpenBytes(data []byte, opt *Options) (*File, error) {
	return build(opt, storage.OpenBytes(data, false))
}

// NewReader opens a read-only File over r, which holds size bytes: the
// bytes are read into memory once (size is checked against
// Limits.MaxDecompressed first).
func NewReader(r io.ReaderAt, size int64, opt *Options) (*File, error) {
	return build(opt, storage.OpenReader(r, size))
}

func (o *Options) check() (Options, Limits, error) {
	var v Options
	if o != nil {
		v = *o
	}
	if v.Form != FormSeed && v.Form != FormCrate {
		return v, Limits{}, badArg("unknown form %d", v.Form)
	}
	l, err := v.Limits.resolve()
	return v, l, err
}

func build(opt *Options, open storage.Opener) (*File, error) {
	o, lim, err := opt.check()
	if err != nil {
		return nil, err
	}
	return storage.Attach("vsf", open, func(b *storage.Backing) (*File, error) {
		f := &File{store: b, lim: lim, opt: o}
		b.KeepMaps = true // views of the mapping are lent until Close
		if b.W != nil {
			f.repl = storage.ReplacementFor(b, "commit")
		}
		if b.New {
			f.b = NewBuilder(o.Form)
			f.dirty = true
			return f, f.commitLocked()
		}
		data, lent, err := b.Image(lim.MaxDecompressed, "Limits.MaxDecompressed")
		if err != nil {
			return nil, err
		}
		f.borrowed = lent
		if err := f.load(data); err != nil {
			return nil, err
		}
		if b.W != nil {
			f.b = builderFrom(f)
			f.opt.Form = f.hdr.Form
		}
		return f, nil
	})
}

// load parses data's header and trailer: the one structural pass at open.
// Sections are parsed when read, and hashes checked by Verify.
func (f *File) load(data []byte) error {
	h, err := parseHeader(data, f.lim)
	if err != nil {
		return err
	}
	f.data, f.hdr = data, h
	f.trailAt = h.sectionsEnd()
	f.trailer = nil
	if f.trailAt < uint64(len(data)) {
		if h.Form == FormCrate {
			return errcode.At("vsf", errcode.ErrFormat, int64(f.trailAt), "%d bytes follow the last section", uint64(len(data))-f.trailAt)
		}
		d := &decoder{b: data[f.trailAt:], base: int64(f.trailAt), lim: f.lim}
		fs, err := d.fields(0, -1)
		if err != nil {
			return err
		}
		if d.remaining() != 0 {
			return d.errf(errcode.ErrFormat, "%d bytes after the last section are not trailer fields", d.remaining())
		}
		for _, fl := range fs {
			if _, ok := trailerKinds[fl.Name]; !ok || fl.Value.Kind() != trailerKinds[fl.Name] {
				return errcode.At("vsf", errcode.ErrFormat, int64(f.trailAt), "trailer field %q (%v) is not one of hash (h), signature (g), key (k)", fl.Name, fl.Value.Kind())
			}
		}
		f.trailer = fs
	}
	return nil
}

// trailerKinds are the whole-file fields the seed form may end with.
var trailerKinds = map[string]Kind{"hash": KindHash, "signature": KindSignature, "key": KindKey}

// Close commits pending changes (a writable file) and releases the file. A
// second Close is ErrClosed.
func (f *File) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.store.CheckOpen(); err != nil {
		return err
	}
	var err error
	if f.b != nil && f.dirty {
		err = f.commitLocked()
	}
	if cerr := f.store.Close(); err == nil {
		err = cerr
	}
	f.data = nil
	return err
}

// Name is the path the file was opened with, or "memory", "bytes", "reader".
func (f *File) Name() string { return f.store.Name }

// Writable reports whether the file accepts changes (false once closed).
func (f *File) Writable() bool { return f.store.Writable() }

// Header returns the committed header.
func (f *File) Header() Header {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.hdr
}

// Labels returns the committed label definitions, in header order.
func (f *File) Labels() []Label {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return append([]Label(nil), f.hdr.Labels...)
}

// Trailer returns the seed form's whole-file fields (hash, signature, key).
func (f *File) Trailer() []Field {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return append([]Field(nil), f.trailer...)
}

// Form is the committed file's wire form.
func (f *File) Form() Form {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return f.hdr.Form
}

func (f *File) label(name string) (*Label, error) {
	if err := f.store.CheckOpen(); err != nil {
		return nil, err
	}
	l := f.hdr.Label(name)
	if l == nil {
		return nil, errcode.New("vsf", errcode.ErrNotFound, "no section %q", name)
	}
	return l, nil
}

// Stored returns a section's stored bytes, a view of the file (of the
// mapping for a file opened read-only from a path): valid until Close,
// not to be changed.
func (f *File) Stored(name string) ([]byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	l, err := f.label(name)
	if err != nil {
		return nil, err
	}
	return f.data[l.Offset:l.End():l.End()], nil
}

// Raw returns a section's bytes: for an unboxed section the blob, for a
// structured one its encoded fields. An unwrapped section is a view of the
// file (zero-copy, valid until Close); a wrapped (compressed) one is
// decompressed into a new slice, bounded by Limits.
func (f *File) Raw(name string) ([]byte, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	l, err := f.label(name)
	if err != nil {
		return nil, err
	}
	return f.raw(l)
}

func (f *File) raw(l *Label) ([]byte, error) {
	st := f.data[l.Offset:l.End():l.End()]
	if l.Wrap == nil {
		return st, nil
	}
	if l.Wrap.RawSize > uint64(f.lim.MaxDecompressed) {
		return nil, errcode.New("vsf", errcode.ErrLimit, "section %q expands to %d bytes, beyond Limits.MaxDecompressed (%d)", l.Name, l.Wrap.RawSize, f.lim.MaxDecompressed)
	}
	hi, lo := bits.Mul64(l.Size, uint64(f.lim.MaxRatio))
	if bound, carry := bits.Add64(lo, 64<<10, 0); hi == 0 && carry == 0 && l.Wrap.RawSize > bound {
		return nil, errcode.New("vsf", errcode.ErrLimit, "section %q claims %d bytes from %d stored, beyond Limits.MaxRatio (%d)", l.Name, l.Wrap.RawSize, l.Size, f.lim.MaxRatio)
	}
	out, err := codec.Decompress(codec.Zstd, nil, st, int64(l.Wrap.RawSize))
	if err != nil {
		return nil, errcode.Wrap("vsf", errcode.ErrFormat, err, "section %q", l.Name)
	}
	return out, nil
}

// Section is a structured section's decoded fields.
type Section struct {
	Name   string
	Fields []Field
}

// Field returns the first field called name, or nil.
func (s *Section) Field(name string) Value {
	for _, f := range s.Fields {
		if f.Name == name {
			return f.Value
		}
	}
	return nil
}

// Section decodes a structured section: [ d name (d field : value)* ].
// Tensors and blobs in it are views of the file (of the decompressed
// bytes, for a wrapped section). An unboxed section is ErrBadArg: read it
// with Raw.
func (f *File) Section(name string) (*Section, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	l, err := f.label(name)
	if err != nil {
		return nil, err
	}
	return f.section(l)
}

func (f *File) section(l *Label) (*Section, error) {
	if l.Unboxed() {
		return nil, errcode.New("vsf", errcode.ErrBadArg, "section %q is unboxed (n[0]): read it with Raw", l.Name)
	}
	b, err := f.raw(l)
	if err != nil {
		return nil, err
	}
	base := int64(l.Offset)
	if l.Wrap != nil {
		base = 0
	}
	return decodeSection(b, base, l, f.lim, f.hdr.Form)
}

func decodeSection(b []byte, base int64, l *Label, lim Limits, form Form) (*Section, error) {
	d := &decoder{b: b, base: base, lim: lim, crate: form == FormCrate}
	if err := d.expect(markSecOpen, "section "+l.Name); err != nil {
		return nil, err
	}
	name, err := d.name("section " + l.Name + "'s name")
	if err != nil {
		return nil, err
	}
	if name != l.Name {
		return nil, d.errf(errcode.ErrFormat, "the section at label %q calls itself %q", l.Name, name)
	}
	fs, err := d.fields(1, int64(l.Count))
	if err != nil {
		return nil, err
	}
	if err := d.expect(markSecEnd, "the end of section "+l.Name+" (its label counts "+itoa(l.Count)+" fields)"); err != nil {
		return nil, err
	}
	if d.remaining() != 0 {
		return nil, d.errf(errcode.ErrFormat, "%d bytes follow the end of section %q", d.remaining(), l.Name)
	}
	return &Section{Name: name, Fields: fs}, nil
}

// Lookup finds a value by its dotted path: the longest label name the path
// starts with, then field names, then nested structures' field names
// ("imaging.raw.exposure.shutter_time_ns"). A path naming an unboxed
// section returns its bytes as a *Tensor of u3 with one dimension.
func (f *File) Lookup(path string) (Value, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.store.CheckOpen(); err != nil {
		return nil, err
	}
	var best *Label
	for i := range f.hdr.Labels {
		l := &f.hdr.Labels[i]
		if (path == l.Name || strings.HasPrefix(path, l.Name+".")) && (best == nil || len(l.Name) > len(best.Name)) {
			best = l
		}
	}
	if best == nil {
		return nil, errcode.New("vsf", errcode.ErrNotFound, "no section holds %q", path)
	}
	if best.Unboxed() {
		if path != best.Name {
			return nil, errcode.New("vsf", errcode.ErrNotFound, "%q: section %q is unboxed and has no fields", path, best.Name)
		}
		b, err := f.raw(best)
		if err != nil {
			return nil, err
		}
		return &Tensor{Elem: U8, Shape: []uint64{uint64(len(b))}, Data: b}, nil
	}
	s, err := f.section(best)
	if err != nil {
		return nil, err
	}
	if path == best.Name {
		return &Struct{Fields: s.Fields}, nil
	}
	return lookupFields(s.Fields, strings.TrimPrefix(path, best.Name+"."), path)
}

// lookupFields resolves rest (a.b.c) in fs; field names may hold dots
// themselves, so the longest matching name wins at each step.
func lookupFields(fs []Field, rest, path string) (Value, error) {
	var best *Field
	for i := range fs {
		n := fs[i].Name
		if (rest == n || strings.HasPrefix(rest, n+".")) && (best == nil || len(n) > len(best.Name)) {
			best = &fs[i]
		}
	}
	if best == nil {
		return nil, errcode.New("vsf", errcode.ErrNotFound, "no field %q", path)
	}
	if rest == best.Name {
		return best.Value, nil
	}
	st, ok := best.Value.(*Struct)
	if !ok {
		return nil, errcode.New("vsf", errcode.ErrNotFound, "%q: field %q is a %v, not a structure", path, best.Name, best.Value.Kind())
	}
	return lookupFields(st.Fields, strings.TrimPrefix(rest, best.Name+"."), path)
}

func itoa(v uint64) string { return U64(v).String() }

// Refresh re-reads a read-only file opened from a path if a writer
// replaced it since, and returns its label count; other files return it
// unchanged.
func (f *File) Refresh() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.store.CheckOpen(); err != nil {
		return 0, err
	}
	if f.store.W == nil && f.store.OnDisk() {
		if _, err := f.store.Refresh(func(next *storage.Backing) error { return f.load(next.Data) }); err != nil {
			return 0, err
		}
	}
	return uint64(len(f.hdr.Labels)), nil
}

// BytesInto copies the committed image of a file held in memory into
// memory from alloc. inMemory is false for a file on disk.
func (f *File) BytesInto(alloc func(n int) ([]byte, error)) ([]byte, bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.store.CheckOpen(); err != nil {
		return nil, false, err
	}
	if f.store.OnDisk() || f.store.Name == "reader" {
		return nil, false, nil
	}
	out, err := alloc(len(f.data))
	if err != nil {
		return nil, true, err
	}
	return out[:copy(out, f.data)], true, nil
}

// Bytes returns a copy of the committed image of a file held in memory.
func (f *File) Bytes() ([]byte, error) {
	b, ok, err := f.BytesInto(func(n int) ([]byte, error) { return make([]byte, n), nil })
	if err == nil && !ok {
		err = errcode.New("vsf", errcode.ErrBadArg, "%s is on disk: read the file", f.Name())
	}
	return b, err
}

// signKeys are the keys a signature may be checked against: those of its
// label (or of the trailer), then the caller's.
func signKeys(own []Key, extra *Key) []Key {
	ks := append([]Key(nil), own...)
	if extra != nil {
		ks = append(ks, *extra)
	}
	return ks
}

// Builder returns the pending image of a writable file, to change with
// its methods; Commit (or Close) writes it. A read-only file is ErrBadArg.
func (f *File) Builder() (*Builder, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.store.CheckOpen(); err != nil {
		return nil, err
	}
	if f.b == nil {
		return nil, errcode.New("vsf", errcode.ErrBadArg, "%s is open read-only", f.Name())
	}
	f.dirty = true
	return f.b, nil
}

// Commit writes the pending image: whole, to a temporary file beside the
// path that is synced and renamed over it (a crash leaves the previous
// commit or this one, never a mix), or in place in memory. The file then
// reads as committed.
func (f *File) Commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.store.CheckOpen(); err != nil {
		return err
	}
	if f.b == nil {
		return errcode.New("vsf", errcode.ErrBadArg, "%s is open read-only", f.Name())
	}
	return f.commitLocked()
}

func (f *File) commitLocked() error {
	img, err := f.b.Bytes()
	if err != nil {
		return err
	}
	st, err := storage.Commit(f.repl, img, f.opt.NoSync, "vsf", f.Name())
	if err != nil {
		return err
	}
	f.store.R, f.store.W = st, st
	if err := f.load(img); err != nil {
		return errcode.Wrap("vsf", errcode.ErrInternal, err, "the image just written does not read back")
	}
	f.b, f.dirty = builderFrom(f), false
	return nil
}

// RawView is Raw, also saying whether the bytes are lent: memory outside
// the Go heap that lives until Close (the mapping of a file opened
// read-only from a path, or the bytes a read-only file was opened over),
// which the ABI may hand out as a view. Otherwise they are Go memory: the
// decompressed section, or the image of a writable file or one read from a
// reader. No one changes those either (a commit writes a new image), so
// they are not copied here; a caller that must hand them across the ABI
// copies them once.
func (f *File) RawView(name string) ([]byte, bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	l, err := f.label(name)
	if err != nil {
		return nil, false, err
	}
	b, err := f.raw(l)
	if err != nil {
		return nil, false, err
	}
	return b, l.Wrap == nil && f.borrowed, nil
}
