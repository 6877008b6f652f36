package paths

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// AppendRecords appends s as a record section — u64 LE path count, then per
// path u32 LE length and the path bytes, in sorted order — to dst and
// returns the extended slice. Values are not stored.
func AppendRecords(dst []byte, s *Set) []byte {
	s.Sort()
	dst = binary.LittleEndian.AppendUint64(dst, uint64(len(s.vals)))
	return appendBody(dst, s, 0, len(s.vals))
}

// appendBody appends the records of paths [i, j) without a count.
func appendBody(dst []byte, s *Set, i, j int) []byte {
	for ; i < j; i++ {
		p := s.raw(i)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(p)))
		dst = append(dst, p...)
	}
	return dst
}

// writeChunk is how much WriteRecords and the writers stage before each write.
const writeChunk = 64 << 10

// WriteRecords writes s to w as AppendRecords lays it out, in writes of
// about 64 KiB. An error from w is returned as it is.
func WriteRecords(w io.Writer, s *Set) error {
	s.Sort()
	buf := binary.LittleEndian.AppendUint64(make([]byte, 0, writeChunk), uint64(len(s.vals)))
	return writeBody(w, s, buf)
}

// writeBody writes buf, then the records of every path of the sorted s
// without a count.
func writeBody(w io.Writer, s *Set, buf []byte) error {
	for i := range s.vals {
		p := s.raw(i)
		if len(buf)+lenSize+len(p) > writeChunk && len(buf) > 0 {
			if _, err := w.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
		buf = binary.LittleEndian.AppendUint32(buf, uint32(len(p)))
		if len(p) > writeChunk {
			// A long path is written from the arena, not staged.
			if _, err := w.Write(buf); err != nil {
				return err
			}
			if _, err := w.Write(p); err != nil {
				return err
			}
			buf = buf[:0]
			continue
		}
		buf = append(buf, p...)
	}
	if len(buf) > 0 {
		if _, err := w.Write(buf); err != nil {
			return err
		}
	}
	return nil
}

// ReadRecords reads one record section from r — u64 LE count, then count
// records of u32 LE length and path bytes — and calls fn with each path in
// order. The path is a buffer reused for the next record: fn must copy what
// it keeps. It returns the number of records fn took (returned nil for);
// an error from fn stops the reading and is returned as it is.
//
// ReadRecords reads exactly the section and nothing after it, so r may go
// on with what follows (its reads are small: give it a buffered reader).
// The count is checked against lim.MaxPaths and each length against
// lim.MaxPathLen ([errcode.ErrLimit]); when r has a Len() int method
// (bytes.Reader, bytes.Buffer, strings.Reader), counts and lengths are also
// checked against the bytes it holds before anything is allocated
// ([errcode.ErrFormat]). Otherwise a long path's buffer grows as its bytes
// arrive, so a length the input cannot back allocates no more than the
// bytes it does hold. A section cut short is [errcode.ErrFormat]; error
// offsets count from the start of the section.
func ReadRecords(r io.Reader, lim *Limits, fn func(path []byte) error) (count uint64, err error) {
	l, err := lim.orDefault()
	if err != nil {
		return 0, err
	}
	rr := &recReader{r: r, lim: l, base: 0}
	if lr, ok := r.(interface{ Len() int }); ok {
		n := int64(lr.Len())
		rr.avail = func() (int64, error) { return n - rr.off, errcode.ErrFormat }
	}
	return rr.section(fn)
}

// recReader parses records from r. The section's declared sizes are
// checked against lim and, when avail is set, against the most bytes that
// can still come.
type recReader struct {
	r    io.Reader
	lim  Limits
	off  int64 // bytes consumed
	base int64 // offset of the section in the input, or -1 when off is not an input offset (decompressed data)
	// avail returns how many more bytes r can give, and the error kind when
	// a declared size needs more: ErrFormat when r holds the input itself
	// (the input is truncated), ErrLimit when it is a decompression budget.
	avail func() (int64, error)
	what  string // "record section", ".paths stream": names the data in errors
	// onCount, when set, is told the count once it has passed the checks.
	onCount func(count uint64)
	buf     []byte
	hdr     [countSize]byte
}

// fail builds an error at section offset at.
func (rr *recReader) fail(kind error, at int64, format string, args ...any) error {
	msg := rr.what + ": " + fmt.Sprintf(format, args...)
	if rr.base >= 0 {
		return errcode.At(pkg, kind, rr.base+at, "%s", msg)
	}
	return errcode.New(pkg, kind, "%s (at decompressed byte %d)", msg, at)
}

// readErr turns a read error into the section's error: the end of the
// input inside something is truncation, anything else is returned as it is.
func (rr *recReader) readErr(err error, what string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return rr.fail(errcode.ErrFormat, rr.off, "truncated in %s", what)
	}
	return err
}

// need checks that n more bytes can come before anything is allocated for
// them: the bytes of record i, or with i < 0 those the count's records take
// at least. (It formats nothing unless it fails: it runs once per record.)
func (rr *recReader) need(n int64, i int64, count uint64) error {
	if rr.avail == nil {
		return nil
	}
	left, kind := rr.avail()
	if n <= left {
		return nil
	}
	what := fmt.Sprintf("record %d", i)
	if i < 0 {
		what = fmt.Sprintf("a count of %d paths", count)
	}
	if kind == errcode.ErrLimit {
		return rr.fail(kind, rr.off, "%s needs %d bytes; the decompression limit leaves %d", what, n, max(left, 0))
	}
	return rr.fail(kind, rr.off, "%s needs %d bytes; %d remain", what, n, max(left, 0))
}

// section reads a count and that many records.
func (rr *recReader) section(fn func([]byte) error) (uint64, error) {
	if rr.what == "" {
		rr.what = "record section"
	}
	if n, err := io.ReadFull(rr.r, rr.hdr[:countSize]); err != nil {
		rr.off += int64(n)
		return 0, rr.readErr(err, "the path count")
	}
	rr.off += countSize
	count := binary.LittleEndian.Uint64(rr.hdr[:countSize])
	if count > uint64(rr.lim.MaxPaths) {
		return 0, rr.fail(errcode.ErrLimit, 0, "%d paths; Limits.MaxPaths is %d", count, rr.lim.MaxPaths)
	}
	least := int64(math.MaxInt64) // the bytes count records take at least
	if count <= math.MaxInt64/lenSize {
		least = int64(count) * lenSize
	}
	if err := rr.need(least, -1, count); err != nil {
		return 0, err
	}
	if rr.onCount != nil {
		rr.onCount(count)
	}
	for i := uint64(0); i < count; i++ {
		p, err := rr.record(i, false)
		if err != nil {
			return i, err
		}
		if err := fn(p); err != nil {
			return i, err
		}
	}
	return count, nil
}

// record reads record i. With atEOF, the end of the input before the
// record's first byte is io.EOF: the end of a stream of records.
func (rr *recReader) record(i uint64, atEOF bool) ([]byte, error) {
	if br, ok := rr.r.(*bufio.Reader); ok {
		if p, ok, err := rr.peekRecord(br, i); ok || err != nil {
			return p, err
		}
	}
	start := rr.off
	n, err := io.ReadFull(rr.r, rr.hdr[:lenSize])
	rr.off += int64(n)
	if err != nil {
		if atEOF && n == 0 && err == io.EOF {
			return nil, io.EOF
		}
		return nil, rr.readErr(err, fmt.Sprintf("the length of record %d", i))
	}
	l := int64(binary.LittleEndian.Uint32(rr.hdr[:lenSize]))
	if l > rr.lim.MaxPathLen {
		return nil, rr.fail(errcode.ErrLimit, start, "record %d is a path of %d bytes; Limits.MaxPathLen is %d", i, l, rr.lim.MaxPathLen)
	}
	if l > math.MaxInt {
		// Only where int has 32 bits: a path of 2 GiB or more cannot be held.
		return nil, rr.fail(errcode.ErrLimit, start, "record %d is a path of %d bytes, more than this platform can hold", i, l)
	}
	if err := rr.need(l, int64(i), 0); err != nil {
		return nil, err
	}
	if err := rr.fill(int(l)); err != nil {
		return nil, rr.readErr(err, fmt.Sprintf("record %d (a path of %d bytes)", i, l))
	}
	return rr.buf, nil
}

// peekRecord reads record i without copying it when the whole record is
// in br's buffer (or fits it): the path is then a view of that buffer,
// valid until the next read. ok is false, with nothing consumed, where
// record must read it the long way (a short read, an end of input, a path
// longer than the buffer or than the limits).
func (rr *recReader) peekRecord(br *bufio.Reader, i uint64) (p []byte, ok bool, err error) {
	hdr, _ := br.Peek(lenSize)
	if len(hdr) < lenSize {
		return nil, false, nil
	}
	l := int64(binary.LittleEndian.Uint32(hdr))
	if l > rr.lim.MaxPathLen || l > int64(br.Size()-lenSize) {
		return nil, false, nil
	}
	rec, _ := br.Peek(lenSize + int(l))
	if len(rec) < lenSize+int(l) {
		return nil, false, nil
	}
	rr.off += lenSize
	if err := rr.need(l, int64(i), 0); err != nil {
		return nil, false, err
	}
	br.Discard(lenSize + int(l))
	rr.off += l
	return rec[lenSize:], true, nil
}

// growStep is the most fill allocates ahead of the bytes it has received.
const growStep = 64 << 10

// fill reads n bytes into rr.buf. When n exceeds the buffer, the buffer
// grows as bytes arrive — by at most what it already holds, and at least
// growStep — so allocation stays within twice the bytes received plus
// growStep, whatever n is.
func (rr *recReader) fill(n int) error {
	if n <= cap(rr.buf) {
		rr.buf = rr.buf[:n]
		k, err := io.ReadFull(rr.r, rr.buf)
		rr.off += int64(k)
		return err
	}
	rr.buf = rr.buf[:0]
	for len(rr.buf) < n {
		step := min(n-len(rr.buf), max(len(rr.buf), growStep))
		if cap(rr.buf)-len(rr.buf) < step {
			nb := make([]byte, len(rr.buf), len(rr.buf)+step)
			copy(nb, rr.buf)
			rr.buf = nb
		}
		k, err := io.ReadFull(rr.r, rr.buf[len(rr.buf):len(rr.buf)+step])
		rr.buf = rr.buf[:len(rr.buf)+k]
		rr.off += int64(k)
		if err != nil {
			return err
		}
	}
	return nil
}
