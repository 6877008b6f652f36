package paths

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"io"

	"golang.org/x/crypto/blake2b"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// readChunk is the buffer between a decompressor and the record parser.
const readChunk = 64 << 10

// ReadPathMap1 reads a PATHMAP1 file held in data.
//
// The checks run in this order: the magic (else [errcode.ErrFormat]); the
// version's major, which must be 1 (else [errcode.ErrUnsupported]: another
// major may lay the file out otherwise, so its checksum cannot be found);
// the length (at least header and checksum); the Blake2b-256 checksum over
// every byte before it ([errcode.ErrChecksum]); the compression (an unknown
// one is [errcode.ErrUnsupported]); then the payload, decompressed as a
// stream within lim and parsed as it comes. The payload must hold exactly
// one record section, and its compressed stream must end at the checksum.
//
// Paths may come in any order and repeat: the Set sorts and deduplicates
// them. The value of each path is the index of its (last) record in the
// file. Any minor version and nonzero reserved bytes are accepted; the
// Header reports them.
func ReadPathMap1(data []byte, lim *Limits) (*Set, Header, error) {
	var h Header
	l, err := lim.orDefault()
	if err != nil {
		return nil, h, err
	}
	if len(data) < len(Magic) || string(data[:len(Magic)]) != Magic {
		return nil, h, errcode.At(pkg, errcode.ErrFormat, 0, "not a PATHMAP1 file (no %q magic)", Magic)
	}
	if len(data) < HeaderSize {
		return nil, h, errcode.At(pkg, errcode.ErrFormat, int64(len(data)), "PATHMAP1 header truncated: %d of %d bytes", len(data), HeaderSize)
	}
	hd := (*header)(data[:HeaderSize])
	h.Major, h.Minor, h.Compression, h.Reserved = hd.major(), hd.minor(), hd.compression(), hd.reserved()
	if h.Major != VersionMajor {
		return nil, h, errcode.At(pkg, errcode.ErrUnsupported, 8, "PATHMAP1 version %d.%d; this build reads version %d.x", h.Major, h.Minor, VersionMajor)
	}
	if len(data) < HeaderSize+ChecksumSize {
		return nil, h, errcode.At(pkg, errcode.ErrFormat, int64(len(data)), "PATHMAP1 file of %d bytes is shorter than its header and checksum (%d)", len(data), HeaderSize+ChecksumSize)
	}
	end := len(data) - ChecksumSize
	copy(h.Checksum[:], data[end:])
	if sum := blake2b.Sum256(data[:end]); sum != h.Checksum {
		return nil, h, errcode.At(pkg, errcode.ErrChecksum, int64(end), "PATHMAP1 Blake2b-256 is %x, the file's bytes give %x", h.Checksum[:8], sum[:8])
	}
	if !h.Compression.known() {
		return nil, h, errcode.At(pkg, errcode.ErrUnsupported, 10, "PATHMAP1 compression %d (known: 0 none, 1 zlib, 2 lz4, 3 zstd)", uint16(h.Compression))
	}
	s, err := readPayload(data[HeaderSize:end], h.Compression, l)
	if err != nil {
		return nil, h, err
	}
	return s, h, nil
}

// readPayload parses a PATHMAP1 payload into a new Set.
func readPayload(payload []byte, c Compression, l Limits) (*Set, error) {
	s := NewSet()
	var idx uint64
	add := func(p []byte) error {
		s.Add(p, idx)
		idx++
		return nil
	}
	src := bytes.NewReader(payload)
	if c == None {
		size := int64(len(payload))
		if size > l.MaxDecompressed {
			return nil, errcode.At(pkg, errcode.ErrLimit, HeaderSize, "PATHMAP1 payload of %d bytes; Limits.MaxDecompressed is %d", size, l.MaxDecompressed)
		}
		rr := &recReader{r: src, lim: l, base: HeaderSize, what: "PATHMAP1 payload"}
		rr.avail = func() (int64, error) { return size - rr.off, errcode.ErrFormat }
		// The count is checked against the payload, which holds 4 bytes a
		// record besides the paths: the set's exact size, at most 4 times
		// the bytes already in memory.
		rr.onCount = func(n uint64) { s.reserve(int(n), int(size-countSize-int64(n)*lenSize)) }
		if _, err := rr.section(add); err != nil {
			return nil, err
		}
		if rr.off != size {
			return nil, rr.fail(errcode.ErrFormat, rr.off, "%d bytes after the last record", size-rr.off)
		}
		return s, nil
	}
	d, err := openDecoder(c, src)
	if err != nil {
		return nil, err
	}
	defer d.release()
	budget := describeBudget(l, int64(len(payload)))
	limit, _ := budget()
	br := &boundedReader{d: d, budget: budget, what: "PATHMAP1 " + c.String() + " payload"}
	in := bufio.NewReaderSize(br, readChunk)
	rr := &recReader{r: in, lim: l, base: -1, what: "PATHMAP1 " + c.String() + " payload"}
	rr.avail = func() (int64, error) { return limit - rr.off, errcode.ErrLimit }
	// Room for the paths, but no more than one per compressed byte: the
	// count is backed only by the decompression budget.
	rr.onCount = func(n uint64) { s.reserve(int(min(n, uint64(len(payload)))), 0) }
	if _, err := rr.section(add); err != nil {
		return nil, err
	}
	// The stream must end here: reading on to its end also checks its
	// checksum (zlib's Adler-32, the LZ4 and zstd content checksums).
	if _, err := in.ReadByte(); err != io.EOF {
		if err != nil {
			return nil, err
		}
		return nil, rr.fail(errcode.ErrFormat, rr.off, "bytes after the last record")
	}
	if rest := src.Len(); rest > 0 {
		return nil, errcode.At(pkg, errcode.ErrFormat, int64(HeaderSize+len(payload)-rest), "%d bytes after the %s stream", rest, c)
	}
	return s, nil
}

// WritePathMap1 writes s to w as a PATHMAP1 file, version 1.0, its payload
// compressed with c: the record section of s (sorted, deduplicated; values
// are not stored), zlib at level 6, LZ4 frames of 64 KiB blocks with a
// content checksum, or zstd at level 6 with a content checksum, then the
// Blake2b-256 of header and payload. It streams: memory does not grow
// with s. The output is deterministic for a given set, compression and
// version of the compression libraries. An unknown c is
// [errcode.ErrBadArg]; an error from w is returned as it is.
func WritePathMap1(w io.Writer, s *Set, c Compression) error {
	if !c.known() {
		return errcode.New(pkg, errcode.ErrBadArg, "unknown compression %s", c)
	}
	s.Sort()
	bw := bufio.NewWriterSize(w, writeChunk)
	sum, _ := blake2b.New256(nil)
	out := io.MultiWriter(bw, sum)
	var hd header
	hd.setMagic()
	hd.setVersion(VersionMajor, VersionMinor)
	hd.setCompression(c)
	if _, err := out.Write(hd[:]); err != nil {
		return err
	}
	enc, release, err := openEncoder(c, out, pathMap1ZlibLevel)
	if err != nil {
		return err
	}
	defer release()
	buf := binary.LittleEndian.AppendUint64(make([]byte, 0, writeChunk), uint64(s.Len()))
	if err := writeBody(enc, s, buf); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if _, err := bw.Write(sum.Sum(nil)); err != nil {
		return err
	}
	return bw.Flush()
}
