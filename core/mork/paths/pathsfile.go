package paths

import (
	"bufio"
	"io"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// ReadPaths reads a PathMap .paths file (or MORK's .upaths: the same,
// unsorted and with duplicates) from r into a new Set, sorted and
// deduplicated. The value of each path is the index of its last record in
// the file, so values PathMap keeps beside the file by path index
// (serialize_paths_with_auxdata) can be matched up. Limits and errors are
// EachPath's.
func ReadPaths(r io.Reader, lim *Limits) (*Set, error) {
	s := NewSet()
	var idx uint64
	err := EachPath(r, lim, func(p []byte) error {
		s.Add(p, idx)
		idx++
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// EachPath reads a PathMap .paths file from r — one zlib stream of records
// u32 LE length ‖ path bytes, with no count — and calls fn with each path
// in file order, in any order and with any repetition the file has. The
// path is a buffer reused for the next record: fn must copy what it keeps.
// An error from fn stops the reading and is returned as it is.
//
// The stream must end at a record boundary, its Adler-32 must match
// ([errcode.ErrChecksum]), and r must end with it ([errcode.ErrFormat]
// for bytes after it). Records past lim.MaxPaths or paths longer than
// lim.MaxPathLen are [errcode.ErrLimit], as is output past
// lim.MaxDecompressed or lim.MaxRatio times the compressed bytes: the
// whole input when r has a Len() int method (bytes.Reader and the like),
// otherwise the bytes read from r so far. A preset dictionary is
// [errcode.ErrUnsupported]. Errors from r are returned as they are.
func EachPath(r io.Reader, lim *Limits, fn func(path []byte) error) error {
	l, err := lim.orDefault()
	if err != nil {
		return err
	}
	cr := &countingReader{r: r}
	src := bufio.NewReaderSize(cr, readChunk)
	var budget func() (int64, string)
	if lr, ok := r.(interface{ Len() int }); ok {
		budget = describeBudget(l, int64(lr.Len()))
	} else {
		budget = func() (int64, string) {
			limit, which := l.ratioBudget(cr.n)
			if which == "Limits.MaxRatio" {
				which = "Limits.MaxRatio over the compressed bytes read"
			}
			return limit, which
		}
	}
	d, err := openDecoder(Zlib, src)
	if err != nil {
		return err
	}
	defer d.release()
	br := &boundedReader{d: d, budget: budget, what: ".paths stream"}
	in := bufio.NewReaderSize(br, readChunk)
	// The budget may grow as input is read, so declared lengths are not
	// checked against it: a long path's buffer grows as its bytes arrive.
	rr := &recReader{r: in, lim: l, base: -1, what: ".paths stream"}
	for i := uint64(0); ; i++ {
		p, err := rr.record(i, true)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if i >= uint64(l.MaxPaths) {
			return rr.fail(errcode.ErrLimit, rr.off, "more than %d paths (Limits.MaxPaths)", l.MaxPaths)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	// The zlib stream has ended (the Adler-32 checked); so must r.
	if _, err := src.ReadByte(); err != io.EOF {
		if err != nil {
			return err
		}
		return errcode.At(pkg, errcode.ErrFormat, cr.n-int64(src.Buffered())-1, "bytes after the .paths zlib stream")
	}
	return nil
}

// countingReader counts the bytes read from r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}

// WritePaths writes s to w as a PathMap .paths file: one zlib stream at
// level 7 (starting 78 DA, as PathMap writes) of the records u32 LE length
// ‖ path bytes of every path in sorted order, without duplicates or
// values. The empty set is the 8 bytes 78 DA 03 00 00 00 00 01. The bytes
// are deterministic for a given set and version of klauspost/compress, but
// are not PathMap's (zlib-ng's deflate differs); they decompress to the
// same records. An error from w is returned as it is.
func WritePaths(w io.Writer, s *Set) error {
	s.Sort()
	bw := bufio.NewWriterSize(w, writeChunk)
	enc, release, err := openEncoder(Zlib, bw, pathsLevel)
	if err != nil {
		return err
	}
	defer release()
	if err := writeBody(enc, s, make([]byte, 0, writeChunk)); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	return bw.Flush()
}
