package symtab

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/polyfmt/polyfmt/core/errcode"
)

// The ZIP container: bounded reading of an archive's entries and
// deterministic writing. Nothing here knows either layout.

// zipEntry is one checked ZIP entry, not yet read.
type zipEntry struct {
	f        *zip.File
	name     string
	declared uint64 // uncompressed size the archive declares
}

// openArchive opens the ZIP and checks every entry before any is read:
// name safety, duplicates, method, encryption, the entry count, each
// entry's ratio and compressed size, the total declared size.
func openArchive(r io.ReaderAt, size int64, lim *Limits) ([]zipEntry, error) {
	zr, err := zip.NewReader(boundedReaderAt{r, size}, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are checked below
		return nil, zipErr("the archive", err)
	}
	zr.RegisterDecompressor(zip.Deflate, newFlateReader)
	if int64(len(zr.File)) > lim.MaxEntries {
		return nil, errcode.New(pkg, errcode.ErrLimit, "symtab: the archive has %d entries, beyond Limits.MaxEntries (%d)", len(zr.File), lim.MaxEntries)
	}
	seen := make(map[string]bool, len(zr.File))
	out := make([]zipEntry, 0, len(zr.File))
	var total uint64
	for _, f := range zr.File {
		name := f.Name
		if reason := unsafeName(name); reason != "" {
			return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: entry name %q %s", name, reason)
		}
		if seen[name] {
			return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: entry %q appears twice", name)
		}
		seen[name] = true
		if f.Flags&0x1 != 0 {
			return nil, errcode.New(pkg, errcode.ErrUnsupported, "symtab: entry %q is encrypted", name)
		}
		switch f.Method {
		case zip.Store:
			if f.CompressedSize64 != f.UncompressedSize64 {
				return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: stored entry %q declares %d bytes stored and %d uncompressed", name, f.CompressedSize64, f.UncompressedSize64)
			}
		case zip.Deflate:
		default:
			return nil, errcode.New(pkg, errcode.ErrUnsupported, "symtab: entry %q uses compression method %d (only stored and deflate are read)", name, f.Method)
		}
		if f.CompressedSize64 > uint64(size) {
			return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: entry %q claims %d compressed bytes in an archive of %d", name, f.CompressedSize64, size)
		}
		if !lim.ratioAllows(f.UncompressedSize64, f.CompressedSize64) {
			return nil, errcode.New(pkg, errcode.ErrLimit, "symtab: entry %q declares %d bytes from %d compressed, beyond Limits.MaxRatio (%d)", name, f.UncompressedSize64, f.CompressedSize64, lim.MaxRatio)
		}
		// Each term is checked before it is added, so total stays below 2^64.
		if f.UncompressedSize64 > uint64(lim.MaxUncompressed) || total+f.UncompressedSize64 > uint64(lim.MaxUncompressed) {
			return nil, errcode.New(pkg, errcode.ErrLimit, "symtab: the entries declare more than Limits.MaxUncompressed (%d) bytes", lim.MaxUncompressed)
		}
		total += f.UncompressedSize64
		out = append(out, zipEntry{f: f, name: name, declared: f.UncompressedSize64})
	}
	return out, nil
}

// errOutside is a read the archive's own offsets send before its start.
var errOutside = errors.New("an offset outside the archive")

// boundedReaderAt keeps archive/zip's reads within [0, size): an offset
// the archive computes outside it is the archive's fault (malformed), so
// the underlying reader never sees it and its own errors stay I/O errors.
type boundedReaderAt struct {
	r    io.ReaderAt
	size int64
}

func (b boundedReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errOutside
	}
	if off >= b.size {
		return 0, io.EOF
	}
	if rest := b.size - off; int64(len(p)) > rest {
		n, err := b.r.ReadAt(p[:rest], off)
		if err == nil {
			err = io.EOF
		}
		return n, err
	}
	return b.r.ReadAt(p, off)
}

// unsafeName says why an entry name is refused, or "" when it is not.
func unsafeName(name string) string {
	switch {
	case name == "":
		return "is empty"
	case strings.HasPrefix(name, "/"):
		return "is absolute"
	case len(name) >= 2 && name[1] == ':':
		return "has a drive letter"
	case strings.Contains(name, `\`):
		return "contains a backslash"
	case strings.Contains(name, ".."):
		return `contains ".."`
	case strings.IndexByte(name, 0) >= 0:
		return "contains a NUL byte"
	}
	return ""
}

// read returns the entry's uncompressed bytes. Memory grows with the bytes
// that really arrive (at most the declared size), not with what the
// archive claims: a stored entry's size was checked against the archive,
// a compressed one starts small and doubles.
func (e *zipEntry) read() ([]byte, error) {
	rc, err := e.f.Open()
	if err != nil {
		return nil, zipErr(fmt.Sprintf("entry %q", e.name), err)
	}
	defer rc.Close()
	hint := e.declared
	if e.f.Method != zip.Store {
		hint = min(hint, 4*min(e.f.CompressedSize64, 1<<60)+4096)
	}
	buf := make([]byte, 0, hint)
	lr := io.LimitReader(rc, int64(min(e.declared, 1<<62))+1)
	for {
		if len(buf) == cap(buf) {
			if uint64(len(buf)) >= e.declared {
				// Everything declared is here: the next read must be EOF,
				// which is also when the CRC is checked.
				var one [1]byte
				n, err := io.ReadFull(lr, one[:])
				if n > 0 {
					return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: entry %q holds more than the %d bytes it declares", e.name, e.declared)
				}
				if err != io.EOF {
					return nil, zipErr(fmt.Sprintf("entry %q", e.name), err)
				}
				return buf, e.crcZero(buf)
			}
			buf = growTo(buf, e.declared)
		}
		n, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if uint64(len(buf)) != e.declared {
				return nil, errcode.New(pkg, errcode.ErrFormat, "symtab: entry %q holds %d bytes, not the %d it declares", e.name, len(buf), e.declared)
			}
			return buf, e.crcZero(buf)
		}
		if err != nil {
			return nil, zipErr(fmt.Sprintf("entry %q", e.name), err)
		}
	}
}

// crcZero checks what archive/zip leaves unchecked: a CRC-32 field of 0
// (it takes 0 as "not set"), which only empty data may have.
func (e *zipEntry) crcZero(buf []byte) error {
	if e.f.CRC32 == 0 && len(buf) > 0 && crc32.ChecksumIEEE(buf) != 0 {
		return errcode.New(pkg, errcode.ErrChecksum, "symtab: entry %q fails its CRC-32 (the archive gives 0)", e.name)
	}
	return nil
}

// growTo doubles buf's capacity, to at most limit.
func growTo(buf []byte, limit uint64) []byte {
	c := min(uint64(2*cap(buf))+4096, limit)
	nb := make([]byte, len(buf), c)
	copy(nb, buf)
	return nb
}

// zipErr maps archive/zip and decompression errors onto the sentinels;
// any other error (the io.ReaderAt's) is returned wrapped, as it is.
func zipErr(what string, err error) error {
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return errcode.Wrap(pkg, errcode.ErrChecksum, err, "symtab: %s fails its CRC-32", what)
	case errors.Is(err, zip.ErrAlgorithm):
		return errcode.Wrap(pkg, errcode.ErrUnsupported, err, "symtab: %s", what)
	case errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF), errors.Is(err, errOutside), errors.As(err, &corrupt):
		return errcode.Wrap(pkg, errcode.ErrFormat, err, "symtab: %s is not a valid ZIP", what)
	}
	return fmt.Errorf("mork: symtab: reading %s: %w", what, err)
}

// newFlateReader is the Deflate decompressor the reader registers
// (klauspost's, faster than compress/flate; the same format).
func newFlateReader(r io.Reader) io.ReadCloser { return flate.NewReader(r) }

// zipFile is one entry to write.
type zipFile struct {
	name    string
	data    []byte
	deflate bool
}

// deflateLevel is the Deflate level of the seed layout's entries. Part of
// the golden bytes: it must not change.
const deflateLevel = 6

// dosDate1980 is 1980-01-01 in MS-DOS date form: every entry's fixed
// modification time, so the same table writes the same bytes.
const dosDate1980 = 1<<5 | 1

// appendZip appends a ZIP of files, in order, to dst. The output depends
// only on the files: no clock, no extra fields, no data descriptors, the
// deflate level fixed. Entries are compressed concurrently (each on its
// own, so the bytes do not depend on the scheduling).
func appendZip(dst []byte, files []zipFile) ([]byte, error) {
	bodies := make([][]byte, len(files))
	crcs := make([]uint32, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			crcs[i] = crc32.ChecksumIEEE(f.data)
			bodies[i], errs[i] = f.data, nil
			if f.deflate {
				bodies[i], errs[i] = deflate(f.data)
			}
		}()
	}
	wg.Wait()
	out := bytes.NewBuffer(dst)
	zw := zip.NewWriter(out)
	for i, f := range files {
		if errs[i] != nil {
			return dst, errs[i]
		}
		h := &zip.FileHeader{
			Name:               f.name,
			Method:             zip.Store,
			ModifiedDate:       dosDate1980,
			CRC32:              crcs[i],
			CompressedSize64:   uint64(len(bodies[i])),
			UncompressedSize64: uint64(len(f.data)),
			CreatorVersion:     20,
			ReaderVersion:      20,
		}
		if f.deflate {
			h.Method = zip.Deflate
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			return dst, err
		}
		if _, err := w.Write(bodies[i]); err != nil {
			return dst, err
		}
	}
	if err := zw.Close(); err != nil {
		return dst, err
	}
	return out.Bytes(), nil
}

// deflate compresses b at deflateLevel.
func deflate(b []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(b)/3 + 64)
	fw, err := flate.NewWriter(&out, deflateLevel)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(b); err != nil {
		return nil, err
	}
	if err := fw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
