// Package format is what every file format of polyfmt shares: the
// lifecycle of an open file (File) and the registry that tells formats
// apart by their first bytes (Format, Register, Detect).
//
// Each format package (core/mem8, core/mmx, …) registers itself in its
// init function, the way image formats register with the standard library's
// image package, and asserts at compile time that its *File is a File. The
// ABI (core/ffi), the command-line tool and the bindings reach every format
// through this table: opening a file whose format is not known in advance,
// the lifecycle exports (pf_open, pf_info, pf_verify, …) and the CLI's
// inspect/verify/convert.
//
// The semantics every format follows are written down once, in
// core/RATIONALE.md ("One lifecycle"), and checked by the table-driven
// tests of this package over every registered format.
package format

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"slices"
	"sync"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// File is an open file of any format.
//
// Close commits what is pending (where the format has transactions),
// releases the writer lock and unmaps the file; a second Close is
// errcode.ErrClosed. Every other method on a closed file is ErrClosed too.
type File interface {
	io.Closer
	// Name is the path the file was opened with, or "memory" (created or
	// opened writable from bytes) or "bytes" (opened read-only from bytes).
	Name() string
	// Writable reports whether the file accepts changes.
	Writable() bool
	// Verify reads everything committed and checks every checksum, hash
	// and structural rule the format has. It streams: memory stays bounded
	// whatever the file's size.
	Verify() error
	// Refresh makes a read-only file opened from a path see what a writer
	// committed since, and returns the new generation (a format without
	// generations returns its record count). Other files return the same
	// value unchanged.
	Refresh() (uint64, error)
	// BytesInto copies the image of a file held in memory into memory from
	// alloc (called once, with the image's size). inMemory is false for a
	// file on disk, which has no image to hand out.
	BytesInto(alloc func(n int) ([]byte, error)) (b []byte, inMemory bool, err error)
	// Info is a JSON-encodable summary: the format's name, the file's name,
	// whether it is writable, what open had to recover, and the format's
	// own header. pf_info returns it; the CLI's inspect -json prints it.
	Info() any
}

// Format describes one registered format.
type Format struct {
	// ID is the format's pinned number on the ABI (PF_FORMAT_*); never reused.
	ID int32
	// Name is the lower-case name used in APIs and on the command line
	// ("mem8", "mmx").
	Name string
	// Title is how documents write it ("MEM8", "MMX").
	Title string
	// Extensions are the usual file-name extensions, with the dot, the
	// first one preferred.
	Extensions []string
	// Magic are the byte strings a file of the format may start with.
	Magic [][]byte
	// Create makes a new file at path (truncating it), locked for writing;
	// path "" makes a new file in memory. opts is the format's options as a
	// JSON object (nil or empty: defaults; an unknown key is ErrBadArg).
	Create func(path string, opts []byte) (File, error)
	// Open opens path read-only (memory-mapped where the platform allows)
	// or writable (writer lock, torn tail repaired).
	Open func(path string, writable bool, opts []byte) (File, error)
	// OpenBytes opens data: read-only without copying it (data must not
	// change while the file is open), or writable as an in-memory copy.
	// Writable with no data is a new file in memory, as Create("").
	OpenBytes func(data []byte, writable bool, opts []byte) (File, error)
}

// Bind returns f with Create, Open and OpenBytes made from a format's Go
// API, which every format has in this form, so that every format reads the
// registry's arguments the same way: parse reads the options JSON (create
// is true where a new file is made: Create, and OpenBytes writable with no
// data, as only a new file takes the options that shape it); create makes
// a file at a path ("" in memory); openFile opens a path with os.O_RDONLY
// or os.O_RDWR; newMem opens a writable copy of data (none: a new file);
// openBytes opens data read-only without copying it. A failed call returns
// a nil File, never a File holding a nil pointer.
func Bind[O any, F File](f Format, parse func(opts []byte, create bool) (O, error),
	create func(path string, o O) (F, error),
	openFile func(path string, flag int, o O) (F, error),
	newMem func(data []byte, o O) (F, error),
	openBytes func(data []byte, o O) (F, error)) Format {
	f.Create = func(path string, opts []byte) (File, error) {
		o, err := parse(opts, true)
		if err != nil {
			return nil, err
		}
		return asFile(create(path, o))
	}
	f.Open = func(path string, writable bool, opts []byte) (File, error) {
		o, err := parse(opts, false)
		if err != nil {
			return nil, err
		}
		flag := os.O_RDONLY
		if writable {
			flag = os.O_RDWR
		}
		return asFile(openFile(path, flag, o))
	}
	f.OpenBytes = func(data []byte, writable bool, opts []byte) (File, error) {
		o, err := parse(opts, writable && len(data) == 0)
		if err != nil {
			return nil, err
		}
		if writable {
			return asFile(newMem(data, o))
		}
		return asFile(openBytes(data, o))
	}
	return f
}

func asFile[F File](f F, err error) (File, error) {
	if err != nil {
		return nil, err
	}
	return f, nil
}

var registry struct {
	sync.RWMutex
	formats []*Format
}

// Register adds a format. It panics on a duplicate ID or name, or a magic
// that another format's magic starts with (or is a prefix of): those are
// programming errors caught when the program starts.
func Register(f Format) {
	registry.Lock()
	defer registry.Unlock()
	if f.ID <= 0 || f.Name == "" || len(f.Magic) == 0 || f.Create == nil || f.Open == nil || f.OpenBytes == nil {
		panic("format: Register: incomplete format " + f.Name)
	}
	for _, m := range f.Magic {
		if len(m) == 0 || len(m) > HeadLen {
			panic("format: Register: a magic of " + f.Name + " is empty or longer than HeadLen")
		}
	}
	for _, g := range registry.formats {
		if g.ID == f.ID || g.Name == f.Name {
			panic("format: Register: " + f.Name + " registered twice")
		}
		for _, m := range f.Magic {
			for _, n := range g.Magic {
				if bytes.HasPrefix(m, n) || bytes.HasPrefix(n, m) {
					panic("format: Register: the magic of " + f.Name + " overlaps " + g.Name + "'s")
				}
			}
		}
	}
	registry.formats = append(registry.formats, &f)
	slices.SortFunc(registry.formats, func(a, b *Format) int { return int(a.ID - b.ID) })
}

// All returns every registered format, by ID.
func All() []*Format {
	registry.RLock()
	defer registry.RUnlock()
	return slices.Clone(registry.formats)
}

// ByName returns the format called name (its Name or Title), or nil.
func ByName(name string) *Format {
	for _, f := range All() {
		if f.Name == name || f.Title == name {
			return f
		}
	}
	return nil
}

// ByID returns the format with the given ID, or nil.
func ByID(id int32) *Format {
	for _, f := range All() {
		if f.ID == id {
			return f
		}
	}
	return nil
}

// HeadLen is how many leading bytes of a file always tell its format:
// no format's magic is longer (Register refuses one that is). Surfaces
// read this many to detect a format (PF_DETECT_LEN).
const HeadLen = 16

// MagicLen is how many leading bytes Detect needs at most today (≤ HeadLen):
// what DetectFile reads, and what its error shows of a file no format claims.
func MagicLen() int {
	n := 0
	for _, f := range All() {
		for _, m := range f.Magic {
			n = max(n, len(m))
		}
	}
	return n
}

// Detect returns the format whose magic head starts with, or nil.
func Detect(head []byte) *Format {
	for _, f := range All() {
		for _, m := range f.Magic {
			if bytes.HasPrefix(head, m) {
				return f
			}
		}
	}
	return nil
}

// Unknown is the error for bytes no registered format claims.
func Unknown(name string, head []byte) error {
	head = head[:min(len(head), 8)]
	return errcode.New("format", errcode.ErrFormat, "%s is not a file polyfmt knows (first bytes % x)", name, head)
}

// DetectFile reads the first bytes of path and returns its format.
// A file no format claims is ErrFormat.
func DetectFile(path string) (*Format, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	head := make([]byte, MagicLen())
	n, err := io.ReadFull(fh, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, err
	}
	f := Detect(head[:n])
	if f == nil {
		return nil, Unknown(path, head[:n])
	}
	return f, nil
}

// Open detects the format of path and opens it (see Format.Open).
func Open(path string, writable bool, opts []byte) (File, *Format, error) {
	f, err := DetectFile(path)
	if err != nil {
		return nil, nil, err
	}
	file, err := f.Open(path, writable, opts)
	return file, f, err
}

// Resolve settles the format a file whose first bytes are head is opened
// as: want, unless head is another format's (ErrFormat, "x is a MEM8 file,
// not MMX"); with want nil, the format head says. No bytes and no want is
// ErrBadArg when writable (a new file needs a format) and ErrFormat
// otherwise; bytes no format claims are ErrFormat showing them. name names
// the file in the errors. Every surface opens through it, so each says the
// same thing about the same bytes.
func Resolve(want *Format, name string, head []byte, writable bool) (*Format, error) {
	is := Detect(head)
	switch {
	case want != nil && is != nil && is != want:
		return nil, Mismatch(name, is, want)
	case want != nil:
		return want, nil
	case is != nil:
		return is, nil
	case len(head) == 0 && writable:
		return nil, errcode.New("format", errcode.ErrBadArg, "%s: no bytes and no format: a new file needs a format (create one: pf_create, or a format's Create; or name the format to open as)", name)
	case len(head) == 0:
		return nil, errcode.New("format", errcode.ErrFormat, "%s: no bytes: an empty image is not a file of any format", name)
	}
	return nil, Unknown(name, head)
}

// Mismatch is the error for the file name, of format is, opened as want.
func Mismatch(name string, is, want *Format) error {
	return errcode.New("format", errcode.ErrFormat, "%s is a %s file, not %s (open it as any format to get the right one)", name, is.Title, want.Title)
}

// OpenBytes opens data as its format (see Format.OpenBytes and Resolve).
func OpenBytes(data []byte, writable bool, opts []byte) (File, *Format, error) {
	f, err := Resolve(nil, "the bytes", data, writable)
	if err != nil {
		return nil, nil, err
	}
	file, err := f.OpenBytes(data, writable, opts)
	return file, f, err
}

// DecodeStrict parses a JSON object (options, a query, a description)
// strictly into v: empty input leaves v alone, and an unknown key is
// ErrBadArg, so a misspelt option is never silently ignored. pkg and what
// name it in the error.
func DecodeStrict(pkg, what string, b []byte, v any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errcode.Wrap(pkg, errcode.ErrBadArg, err, "%s", what)
	}
	if dec.More() {
		return errcode.New(pkg, errcode.ErrBadArg, "%s: more than one JSON value", what)
	}
	return nil
}

// RecoveryInfo is the "recovery" object of every format's Info: what open
// found past the last intact commit, and what it did about it.
type RecoveryInfo struct {
	Clean        bool   `json:"clean"`
	Reason       string `json:"reason"`
	DroppedBytes int64  `json:"dropped_bytes"`
	Repaired     bool   `json:"repaired"`
}
