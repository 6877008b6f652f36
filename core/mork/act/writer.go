package act

import (
	"bufio"
	"encoding/binary"
	"io"
	"math/bits"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// Writer streams a tree in either layout from paths given in strictly
// increasing byte order. It is not safe for concurrent use.
//
// Both layouts put a header at the front that is known only at the end
// (the root offset, and in the seed layout the counts). When w is an
// io.WriteSeeker whose position can be read (a regular file), the Writer
// streams through a buffer and seeks back to patch the header on Close:
// its memory is bounded by the depth of the trie and the fan-out along it,
// plus, for the PathMap layout, the table of distinct line data that
// pathmap keeps too (a line met again is referred to, not rewritten). For
// any other w the whole file is kept in memory and written on Close.
type Writer struct {
	layout Layout
	out    sink
	err    error // sticky: the first error ends the writer
	closed bool
	n      uint64 // paths added
	prev   []byte // last path added

	pm   pmWriter
	seed seedWriter
}

// NewWriter returns a Writer of the given layout to w. Nothing is written
// before the first Add or Close.
func NewWriter(w io.Writer, layout Layout) *Writer {
	wr := &Writer{layout: layout}
	if layout != LayoutSeed && layout != LayoutPathMap {
		wr.err = errcode.New(pkg, errcode.ErrBadArg, "act: unknown layout %d", int(layout))
		return wr
	}
	wr.out.init(w)
	if layout == LayoutSeed {
		wr.seed.init(&wr.out)
	} else {
		wr.pm.init(&wr.out)
	}
	return wr
}

// Add adds path with value. Paths must come in strictly increasing byte
// order (a path before its extensions); anything else is ErrBadArg and
// leaves the Writer as it was.
func (wr *Writer) Add(path []byte, value uint64) error {
	if wr.closed {
		return errcode.New(pkg, errcode.ErrClosed, "act: Add after Close")
	}
	if wr.err != nil {
		return wr.err
	}
	l := commonPrefix(path, wr.prev)
	if wr.n > 0 && (l == len(path) || l < len(wr.prev) && path[l] < wr.prev[l]) {
		return errcode.New(pkg, errcode.ErrBadArg, "act: path %x added after %x: paths must be strictly increasing", clip(path), clip(wr.prev))
	}
	var err error
	if wr.layout == LayoutSeed {
		err = wr.seed.add(wr.prev, l, path, value)
	} else {
		err = wr.pm.add(wr.prev, l, path, value)
	}
	if err != nil {
		wr.err = err
		return err
	}
	wr.prev = append(wr.prev[:0], path...)
	wr.n++
	return nil
}

// commonPrefix returns the length of the longest common prefix of a and b,
// comparing 8 bytes at a time.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+8 <= n; i += 8 {
		if x := binary.LittleEndian.Uint64(a[i:]) ^ binary.LittleEndian.Uint64(b[i:]); x != 0 {
			return i + bits.TrailingZeros64(x)/8
		}
	}
	for i < n && a[i] == b[i] {
		i++
	}
	return i
}

// clip shortens a path for an error message.
func clip(p []byte) []byte {
	if len(p) > 32 {
		return p[:32]
	}
	return p
}

// Close writes the rest of the tree and its header. It does not close the
// underlying writer. Calling it again returns the first result.
func (wr *Writer) Close() error {
	if wr.closed {
		return wr.err
	}
	wr.closed = true
	if wr.err != nil {
		return wr.err
	}
	var err error
	if wr.layout == LayoutSeed {
		err = wr.seed.finish(wr.prev)
	} else {
		err = wr.pm.finish(wr.prev)
	}
	if err == nil {
		err = wr.out.close()
	}
	wr.err = err
	return err
}

// sink is the output: streamed to a seekable writer and patched at the
// end, or collected in memory and written at the end.
type sink struct {
	w    io.Writer
	ws   io.WriteSeeker // nil: in memory
	base int64          // ws's position at the start
	bw   *bufio.Writer
	mem  []byte
	pos  int64 // bytes written so far
	err  error
}

func (s *sink) init(w io.Writer) {
	s.w = w
	if ws, ok := w.(io.WriteSeeker); ok {
		if base, err := ws.Seek(0, io.SeekCurrent); err == nil {
			s.ws, s.base = ws, base
			s.bw = bufio.NewWriterSize(w, 1<<20)
		}
	}
}

func (s *sink) write(p []byte) {
	if s.err != nil {
		return
	}
	if s.ws == nil {
		s.mem = append(s.mem, p...)
	} else if _, err := s.bw.Write(p); err != nil {
		s.err = err
	}
	s.pos += int64(len(p))
}

// patch overwrites bytes at off, once everything is written.
func (s *sink) patch(off int64, p []byte) error {
	if s.err != nil {
		return s.err
	}
	if s.ws == nil {
		copy(s.mem[off:], p)
		return nil
	}
	if err := s.bw.Flush(); err != nil {
		return err
	}
	if _, err := s.ws.Seek(s.base+off, io.SeekStart); err != nil {
		return err
	}
	if _, err := s.ws.Write(p); err != nil {
		return err
	}
	_, err := s.ws.Seek(s.base+s.pos, io.SeekStart)
	return err
}

func (s *sink) close() error {
	if s.err != nil {
		return s.err
	}
	if s.ws == nil {
		_, err := s.w.Write(s.mem)
		s.mem = nil
		return err
	}
	return s.bw.Flush()
}
