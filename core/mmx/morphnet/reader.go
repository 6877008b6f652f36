package morphnet

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// minEntrySize is the smallest bincode (key, entry) pair: two empty strings
// (8+8), chunk_type 4, offset 8, size 8, compression 4, four None tags 4.
const minEntrySize = 44

// readAt fills p from r at off. A short read is a truncated file
// (ErrFormat); any other failure is returned wrapped as it is, so an
// operating-system error keeps its own code.
func readAt(r io.ReaderAt, p []byte, off int64, what string) error {
	n, err := r.ReadAt(p, off)
	if n == len(p) {
		return nil
	}
	if err == nil || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errcode.At(pkg, errcode.ErrFormat, off+int64(n), "%s: file ends after %d of %d bytes", what, n, len(p))
	}
	return fmt.Errorf("%s: read %s: %w", pkg, what, err)
}

// Detect reports whether r looks like a file written by MorphNet: magic
// "MMX\0", version 1, and a trailer whose directory length D leaves room for
// the 4096-byte header (4096 ≤ size-8-D) and for at least the 8-byte entry
// count. It reads 16 bytes and never fails; Parse decides.
func Detect(r io.ReaderAt, size int64) bool {
	if r == nil || size < MinFileSize {
		return false
	}
	var h fixedHdr
	if readAt(r, h[:], 0, "header") != nil || h.magic() != Magic || h.version() != Version {
		return false
	}
	var t [TrailerSize]byte
	if readAt(r, t[:], size-TrailerSize, "trailer") != nil {
		return false
	}
	dl := binary.LittleEndian.Uint64(t[:])
	return dl >= 8 && dl <= uint64(size-HeaderSize-TrailerSize)
}

// Parse reads and validates the header and the directory of a file written
// by MorphNet. It does not read chunk bytes: use Entry.StoredRange,
// Entry.VerifyChecksum, decompress, then a Decode function.
//
// Errors: ErrFormat for anything malformed (bad magic, a header JSON that
// is not one valid UTF-8 JSON object with unique keys, a trailer that does
// not fit, a directory that is not exactly one bincode map of entries, an
// unknown chunk type or compression, a duplicate key, a chunk outside
// [4096, DirectoryOffset)); ErrUnsupported for a version other than 1;
// ErrLimit when Limits are exceeded. A nil lim means DefaultLimits.
func Parse(r io.ReaderAt, size int64, lim *Limits) (*File, error) {
	l := lim.orDefault()
	if r == nil {
		return nil, errcode.New(pkg, errcode.ErrBadArg, "nil reader")
	}
	if size < MinFileSize {
		return nil, errcode.At(pkg, errcode.ErrFormat, 0, "file is %d bytes, shorter than the %d-byte minimum (header, empty directory, trailer)", size, MinFileSize)
	}
	var h fixedHdr
	if err := readAt(r, h[:], 0, "header"); err != nil {
		return nil, err
	}
	if h.magic() != Magic {
		return nil, errcode.At(pkg, errcode.ErrFormat, 0, "bad magic %q", h.magic())
	}
	if h.version() != Version {
		return nil, errcode.At(pkg, errcode.ErrUnsupported, 4, "version %d (MorphNet files are version %d)", h.version(), Version)
	}
	jl := h.jsonLen()
	if jl > MaxHeaderJSON {
		return nil, errcode.At(pkg, errcode.ErrFormat, 8, "header JSON length %d exceeds the %d bytes before the first chunk", jl, MaxHeaderJSON)
	}
	f := &File{Version: h.version(), HeaderJSON: make([]byte, jl)}
	if err := readAt(r, f.HeaderJSON, fixedHeader, "header JSON"); err != nil {
		return nil, err
	}
	hdr, err := decodeHeaderJSON(f.HeaderJSON)
	if err != nil {
		return nil, err
	}
	f.Header = hdr

	var t [TrailerSize]byte
	if err := readAt(r, t[:], size-TrailerSize, "trailer"); err != nil {
		return nil, err
	}
	dl := binary.LittleEndian.Uint64(t[:])
	if room := uint64(size - HeaderSize - TrailerSize); dl > room {
		return nil, errcode.At(pkg, errcode.ErrFormat, size-TrailerSize, "directory length %d exceeds the %d bytes between header and trailer", dl, room)
	}
	if dl < 8 {
		return nil, errcode.At(pkg, errcode.ErrFormat, size-TrailerSize, "directory length %d is shorter than its 8-byte entry count", dl)
	}
	if dl > uint64(l.MaxDirectoryBytes) {
		return nil, errcode.At(pkg, errcode.ErrLimit, size-TrailerSize, "directory of %d bytes exceeds the limit of %d", dl, l.MaxDirectoryBytes)
	}
	f.DirectoryOffset = size - TrailerSize - int64(dl)
	dir := make([]byte, dl)
	if err := readAt(r, dir, f.DirectoryOffset, "directory"); err != nil {
		return nil, err
	}
	if f.Entries, err = parseDirectory(dir, f.DirectoryOffset, &l); err != nil {
		return nil, err
	}
	return f, nil
}

// ParseBytes is Parse over an in-memory file.
func ParseBytes(b []byte, lim *Limits) (*File, error) {
	return Parse(bytes.NewReader(b), int64(len(b)), lim)
}

// parseDirectory decodes the bincode ChunkDirectory (a map<String,
// ChunkEntry>, whose struct wrapper adds nothing) at file offset base. Every
// chunk must lie in [HeaderSize, base).
func parseDirectory(b []byte, base int64, l *Limits) ([]Entry, error) {
	d := &dec{b: b, base: base, what: "directory"}
	n, err := d.count("entries", minEntrySize, l.MaxEntries)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, n)
	seen := make(map[string]struct{}, n)
	for i := range entries {
		at := d.pos
		e := &entries[i]
		if e.Key, err = d.str("key", l.MaxNameLen); err != nil {
			return nil, err
		}
		if _, dup := seen[e.Key]; dup {
			d.pos = at
			return nil, d.errf(errcode.ErrFormat, "duplicate key %q", e.Key)
		}
		seen[e.Key] = struct{}{}
		if err := decodeEntry(d, e, l); err != nil {
			return nil, err
		}
		if e.Offset < HeaderSize || e.Size > uint64(base) || e.Offset > uint64(base)-e.Size {
			d.pos = at
			return nil, d.errf(errcode.ErrFormat, "entry %q: chunk [%d, +%d) is not within [%d, %d)", e.Key, e.Offset, e.Size, HeaderSize, base)
		}
	}
	return entries, d.end()
}

// decodeEntry decodes the ChunkEntry struct's fields in declaration order.
func decodeEntry(d *dec, e *Entry, l *Limits) error {
	var err error
	if e.Name, err = d.str("name", l.MaxNameLen); err != nil {
		return err
	}
	t, err := d.u32("chunk_type")
	if err != nil {
		return err
	}
	if e.Type = ChunkType(t); t >= numChunkTypes {
		d.pos -= 4
		return d.errf(errcode.ErrFormat, "chunk_type variant %d (MorphNet defines 0…%d)", t, numChunkTypes-1)
	}
	if e.Offset, err = d.u64("offset"); err != nil {
		return err
	}
	if e.Size, err = d.u64("size"); err != nil {
		return err
	}
	c, err := d.u32("compression")
	if err != nil {
		return err
	}
	if e.Compression = Compression(c); c >= numCompressions {
		d.pos -= 4
		return d.errf(errcode.ErrFormat, "compression variant %d (MorphNet defines 0…%d)", c, numCompressions-1)
	}
	if e.HasShape, err = d.option("shape"); err != nil {
		return err
	}
	if e.HasShape {
		if e.Shape, err = d.u64s("shape", l.MaxDims); err != nil {
			return err
		}
	}
	if e.Dtype, err = d.optString("dtype", l.MaxNameLen); err != nil {
		return err
	}
	if e.LogicalRegion, err = d.optString("logical_region", l.MaxNameLen); err != nil {
		return err
	}
	some, err := d.option("checksum")
	if err != nil || !some {
		return err
	}
	if err := d.need(ChecksumSize, "checksum"); err != nil {
		return err
	}
	e.Checksum = new([ChecksumSize]byte)
	d.pos += copy(e.Checksum[:], d.b[d.pos:])
	return nil
}

// decodeHeaderJSON checks that b is one valid UTF-8 JSON object with no
// repeated key at any depth, and decodes it. MorphNet reads it with
// serde_json, which rejects invalid UTF-8 and repeated struct fields.
func decodeHeaderJSON(b []byte) (map[string]any, error) {
	bad := func(format string, args ...any) error {
		return errcode.At(pkg, errcode.ErrFormat, fixedHeader, "header JSON: "+format, args...)
	}
	if !utf8.Valid(b) {
		return nil, bad("not valid UTF-8")
	}
	if err := uniqueKeys(b); err != nil {
		return nil, bad("%v", err)
	}
	dj := json.NewDecoder(bytes.NewReader(b))
	dj.UseNumber()
	var m map[string]any
	if err := dj.Decode(&m); err != nil {
		return nil, bad("%v", err)
	}
	if m == nil {
		return nil, bad("not an object")
	}
	if _, err := dj.Token(); err != io.EOF {
		return nil, bad("data after the object")
	}
	return m, nil
}

// uniqueKeys walks b's tokens and fails on a key repeated within one object.
// b is at most MaxHeaderJSON bytes, which bounds the nesting depth.
func uniqueKeys(b []byte) error {
	dj := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		keys    map[string]struct{} // nil for an array
		wantKey bool
	}
	var stack []frame
	for {
		tok, err := dj.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		top := len(stack) - 1
		if top >= 0 && stack[top].keys != nil && stack[top].wantKey {
			if k, ok := tok.(string); ok {
				if _, dup := stack[top].keys[k]; dup {
					return fmt.Errorf("duplicate key %q", k)
				}
				stack[top].keys[k] = struct{}{}
				stack[top].wantKey = false
				continue
			}
		}
		if top >= 0 && stack[top].keys != nil {
			stack[top].wantKey = true // the token is a value (or the closing brace)
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, frame{keys: map[string]struct{}{}, wantKey: true})
		case json.Delim('['):
			stack = append(stack, frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:top]
			if top > 0 && stack[top-1].keys != nil {
				stack[top-1].wantKey = true
			}
		}
	}
}
