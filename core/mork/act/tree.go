package act

import (
	"bytes"
	"encoding/binary"
	"sync"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/mmap"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Tree is an ArenaCompactTree read in place. Its methods are safe for
// concurrent use; Close must not run concurrently with them.
type Tree struct {
	data   []byte
	layout Layout
	lim    Limits
	root   int64
	region *mmap.Region // nil for NewTree
	closed bool

	// count is Count's walk, run once: the bytes do not change.
	count struct {
		once sync.Once
		n    uint64
		err  error
	}
}

// Open maps the file at path read-only (reading it whole where the
// platform has no mmap) and checks its header. It does not read the nodes:
// opening takes the same time whatever the file holds.
func Open(path string, lim *Limits) (*Tree, error) {
	l, err := lim.resolve()
	if err != nil {
		return nil, err
	}
	f, err := storage.OpenReadOnly(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errcode.New(pkg, errcode.ErrBadArg, "act: %s is not a regular file", path)
	}
	r, err := mmap.Map(f, fi.Size())
	if err != nil {
		return nil, err
	}
	t, err := newTree(r.Data, l)
	if err != nil {
		r.Close()
		return nil, err
	}
	t.region = r
	return t, nil
}

// NewTree reads the tree in data, which it does not copy: data must not
// change while the Tree is in use. It checks the header only.
func NewTree(data []byte, lim *Limits) (*Tree, error) {
	l, err := lim.resolve()
	if err != nil {
		return nil, err
	}
	return newTree(data, l)
}

func newTree(data []byte, lim Limits) (*Tree, error) {
	if len(data) < len(Magic) || string(data[:len(Magic)]) != Magic {
		return nil, errcode.At(pkg, errcode.ErrFormat, 0, "act: not an ArenaCompactTree (no %q magic)", Magic)
	}
	if len(data) < pmArenaStart+1 {
		return nil, errcode.At(pkg, errcode.ErrFormat, int64(len(data)), "act: file of %d bytes is shorter than any ArenaCompactTree", len(data))
	}
	t := &Tree{data: data, lim: lim, layout: LayoutPathMap}
	if bytes.Equal(data[8:16], seedSelector[:]) {
		t.layout = LayoutSeed
	}
	var err error
	if t.layout == LayoutSeed {
		err = t.openSeed()
	} else {
		err = t.openPathMap()
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// openSeed checks the seed layout's header.
func (t *Tree) openSeed() error {
	d := t.data
	if len(d) < seedHeaderSize {
		return errcode.At(pkg, errcode.ErrFormat, int64(len(d)), "act: seed layout: %d bytes, shorter than the %d-byte header", len(d), seedHeaderSize)
	}
	h := (*seedHeader)(d[:seedHeaderSize])
	if fl := h.flags(); fl != 0 {
		return errcode.At(pkg, errcode.ErrUnsupported, 16, "act: seed layout: flags %#x (none is defined)", fl)
	}
	if !allZero(h.reserved()) {
		return errcode.At(pkg, errcode.ErrFormat, 44, "act: seed layout: reserved header bytes are not zero")
	}
	area := int64(len(d)) - seedHeaderSize
	if area%seedNodeSize != 0 {
		return errcode.At(pkg, errcode.ErrFormat, int64(len(d)), "act: seed layout: %d bytes after the header is not a whole number of %d-byte nodes", area, seedNodeSize)
	}
	nodes := uint64(area / seedNodeSize)
	if h.totalNodes() != nodes {
		return errcode.At(pkg, errcode.ErrFormat, 28, "act: seed layout: header says %d nodes, the file holds %d", h.totalNodes(), nodes)
	}
	if h.valueCount() > nodes {
		return errcode.At(pkg, errcode.ErrFormat, 36, "act: seed layout: header says %d values in %d nodes", h.valueCount(), nodes)
	}
	root := h.root()
	if root < seedHeaderSize || root >= uint64(len(d)) || (root-seedHeaderSize)%seedNodeSize != 0 {
		return errcode.At(pkg, errcode.ErrFormat, 20, "act: seed layout: root offset %d is not a node", root)
	}
	t.root = int64(root)
	return nil
}

// openPathMap checks the PathMap layout's root offset.
func (t *Tree) openPathMap() error {
	root := binary.LittleEndian.Uint64(t.data[pmRootAt:])
	if root < pmArenaStart || root >= uint64(len(t.data)) {
		return errcode.At(pkg, errcode.ErrFormat, pmRootAt, "act: pathmap layout: root offset %d outside the arena [%d, %d)", root, pmArenaStart, len(t.data))
	}
	t.root = int64(root)
	return nil
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Close releases the mapping. Calling it again does nothing.
func (t *Tree) Close() error {
	if t == nil || t.closed {
		return nil
	}
	t.closed = true
	t.data = nil
	if t.region != nil {
		return t.region.Close()
	}
	return nil
}

// Layout reports which layout the file uses.
func (t *Tree) Layout() Layout { return t.layout }

// Size returns the file's size in bytes.
func (t *Tree) Size() int64 { return int64(len(t.data)) }

var errClosed = errcode.New(pkg, errcode.ErrClosed, "act: tree is closed")

// Get returns the value stored at path. A path not in the tree is
// (0, false, nil); a malformed node on the way is ErrFormat with its offset.
// Get allocates nothing but its error.
func (t *Tree) Get(path []byte) (value uint64, ok bool, err error) {
	if t.closed {
		return 0, false, errClosed
	}
	if t.layout == LayoutSeed {
		return t.seedGet(path)
	}
	return t.pmGet(path)
}

// Walk calls fn for every path under prefix (prefix itself included) that
// holds a value, in byte order. The path slice is reused between calls: fn
// must copy it to keep it. An error from fn stops the walk and is returned
// as is.
func (t *Tree) Walk(prefix []byte, fn func(path []byte, value uint64) error) error {
	if t.closed {
		return errClosed
	}
	if t.layout == LayoutSeed {
		return t.seedWalk(prefix, fn, nil)
	}
	return t.pmWalk(prefix, fn, nil)
}

// Count returns the number of paths that hold a value. The first call
// makes one pass over every reachable node; the others return what it
// found (the count, and the error that stopped it), as the bytes do not
// change.
func (t *Tree) Count() (uint64, error) {
	if t.closed {
		return 0, errClosed
	}
	c := &t.count
	c.once.Do(func() {
		count := func([]byte, uint64) error { c.n++; return nil }
		if t.layout == LayoutSeed {
			c.err = t.seedWalk(nil, count, nil)
		} else {
			c.err = t.pmWalk(nil, count, nil)
		}
	})
	return c.n, c.err
}

// Verify checks every reachable node in one pass, including what Get and
// Walk tolerate (see the package documentation): shortest varints, child
// masks only for 32 children or more, node shapes pathmap writes, no
// reserved bits, the seed header's counts and every seed node reached
// exactly once.
func (t *Tree) Verify() error {
	if t.closed {
		return errClosed
	}
	if t.layout == LayoutSeed {
		return t.seedVerify()
	}
	return t.pmVerify()
}
