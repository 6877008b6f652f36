package mmx

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

func formatErr(off int64, format string, args ...any) error {
	return errcode.At("mmx", errcode.ErrFormat, off, format, args...)
}

// readAt reads exactly len(p) bytes at off.
func (f *File) readAt(p []byte, off uint64) error {
	if len(p) == 0 {
		return nil
	}
	n, err := f.store.R.ReadAt(p, int64(off))
	if n == len(p) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return errcode.Wrap("mmx", errcode.ErrFormat, err, "read %d bytes at %d", len(p), off)
}

// found is a directory record that passed its checksum.
type found struct {
	doc      *dirDoc
	off, end uint64
}

// Recovery's work is bounded by the tail it examines. A scan back over a
// torn tail reads every byte once; each trailer magic it meets is a
// candidate, checked cheaply first (its offset, then the 24-byte record
// head at that offset: magic and a json_len that ends the record exactly at
// the trailer) and only then hashed. Hashing is charged against a budget of
// recoveryFactor bytes per byte of the tail examined (from the lowest offset
// looked at to the end) plus recoverySlack: honest files need at most about
// three (the scan, the hash and the JSON of the record that holds), so only
// many crafted heads whose records all fail their SHA-256 can exhaust it,
// and open then fails with ErrFormat saying so instead of reading the file
// over and over.
const (
	recoveryFactor = 4
	recoverySlack  = 1 << 20
	scanWindowMin  = 4 << 10 // the first window of the scan back; it doubles…
	scanWindowMax  = 1 << 20 // …up to this
)

// scanner finds the newest valid directory record of a file of size bytes.
type scanner struct {
	f      *File
	size   uint64
	low    uint64 // lowest offset examined: the tail is [low, size)
	read   uint64 // bytes read or hashed so far
	failed int    // candidates with a well-formed head whose SHA-256 failed
	skip   error  // the newest candidate passed over for a limit, to explain finding none
}

func newScanner(f *File, size uint64) *scanner { return &scanner{f: f, size: size, low: size} }

func (s *scanner) readAt(p []byte, off uint64) error {
	s.read += uint64(len(p))
	return s.f.readAt(p, off)
}

// record reads and checks the directory record whose trailer ends at end.
// It returns nil (no error) when there is no valid record there.
func (f *File) record(end uint64) (*found, error) {
	return f.scan(end, func(s *scanner) (*found, error) { return s.candidate(end) })
}

// scan runs find over the file's first size bytes and counts what it read.
// A candidate over a limit is passed over like any other; when find finds
// no valid record, the newest such candidate is the error.
func (f *File) scan(size uint64, find func(*scanner) (*found, error)) (*found, error) {
	s := newScanner(f, size)
	r, err := find(s)
	f.recoveryRead += s.read
	if r == nil && err == nil && s.skip != nil {
		return nil, s.skip
	}
	return r, err
}

// candidate checks the record whose trailer ends at end: nil (no error)
// when there is no valid record there.
func (s *scanner) candidate(end uint64) (*found, error) {
	if end < HeaderSize+uint64(dirRecordSize(0)) {
		return nil, nil
	}
	var tail [16]byte
	if err := s.readAt(tail[:], end-16); err != nil || string(tail[8:]) != tailMagic {
		return nil, nil
	}
	return s.at(binary.LittleEndian.Uint64(tail[:8]), end)
}

// at checks a candidate record [off, end), cheapest checks first.
func (s *scanner) at(off, end uint64) (*found, error) {
	f := s.f
	if off < HeaderSize || off%dirAlign != 0 || off > end-uint64(dirRecordSize(0)) {
		return nil, nil
	}
	jsonLen := end - off - uint64(dirRecordSize(0))
	var head [dirHeadSize]byte
	if err := s.readAt(head[:], off); err != nil {
		return nil, nil
	}
	le := binary.LittleEndian
	if string(head[:4]) != dirMagic || le.Uint64(head[16:24]) != jsonLen {
		return nil, nil
	}
	if int64(jsonLen) > f.lim.MaxDirectoryBytes || jsonLen > 1<<40 {
		// Passed over like any other bad candidate: an older commit may
		// still be reachable. Kept to explain finding none.
		if s.skip == nil {
			s.skip = errcode.New("mmx", errcode.ErrLimit, "directory of %d bytes at %d, limit %d", jsonLen, off, f.lim.MaxDirectoryBytes)
		}
		return nil, nil
	}
	s.low = min(s.low, off)
	if s.read+2*(end-off) > recoveryFactor*(s.size-s.low)+recoverySlack {
		return nil, formatErr(int64(off), "recovery gave up after reading %d bytes for the last %d bytes of the file: "+
			"%d candidate directory records had well-formed heads but failed their SHA-256 (a crafted tail?)",
			s.read, s.size-s.low, s.failed)
	}
	// The JSON is read once (or viewed in the mapping), hashed, then decoded.
	bodyEnd := off + dirHeadSize + jsonLen
	var js []byte
	if f.store.Data != nil && bodyEnd <= uint64(len(f.store.Data)) {
		js = f.store.Data[off+dirHeadSize : bodyEnd]
		s.read += jsonLen
	} else {
		js = make([]byte, jsonLen) // ≤ MaxDirectoryBytes, and within the file (its head is there)
		if err := s.readAt(js, off+dirHeadSize); err != nil {
			return nil, nil
		}
	}
	h := sha256.New()
	h.Write(head[:])
	h.Write(js)
	var sum [32]byte
	if err := s.readAt(sum[:], bodyEnd); err != nil || !bytes.Equal(h.Sum(nil), sum[:]) {
		s.failed++
		return nil, nil
	}
	if v := le.Uint32(head[4:8]); v != dirVersion {
		return nil, errcode.At("mmx", errcode.ErrUnsupported, int64(off+4), "directory record version %d", v)
	}
	doc, err := decodeDirectory(js, f.lim.MaxJSONDepth)
	if err != nil {
		return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "directory at %d", off)
	}
	if doc.Generation != le.Uint64(head[8:16]) {
		return nil, formatErr(int64(off+8), "directory generation %d, JSON says %d", le.Uint64(head[8:16]), doc.Generation)
	}
	if doc.Chunks == nil {
		doc.Chunks = map[string]*Entry{}
	}
	return &found{doc: doc, off: off, end: end}, nil
}

// lastRecord finds the newest valid directory: normally the one the file
// ends with; after a commit cut short, the newest one before the torn tail.
func (f *File) lastRecord(size uint64) (*found, error) {
	return f.scan(size, (*scanner).last)
}

func (s *scanner) last() (*found, error) {
	if r, err := s.candidate(s.size); r != nil || err != nil {
		return r, err
	}
	// Scan back for trailer magics, in windows that grow so that a short
	// torn tail costs little. The offset before each magic is taken from the
	// window; the candidate's head is then read and checked before its body.
	magic := []byte(tailMagic)
	var buf []byte
	var at []int
	window := uint64(scanWindowMin)
	hi := s.size
	for hi > HeaderSize {
		lo := hi - min(hi-HeaderSize, window)
		chunk, err := s.window(&buf, lo, hi)
		if err != nil {
			return nil, err
		}
		s.low = min(s.low, lo)
		// Find the magics forward (bytes.Index skips ahead to the first
		// byte, much faster than LastIndex over data without it), then try
		// them newest first.
		at = at[:0]
		for i := 0; ; {
			j := bytes.Index(chunk[i:], magic)
			if j < 0 {
				break
			}
			at = append(at, i+j)
			i += j + len(magic) // occurrences of the magic cannot overlap
		}
		for k := len(at) - 1; k >= 0; k-- {
			j := at[k]
			end := lo + uint64(j) + 8
			if end == s.size {
				continue // tried first, above
			}
			var r *found
			var err error
			if j >= 8 {
				r, err = s.at(binary.LittleEndian.Uint64(chunk[j-8:j]), end)
			} else {
				r, err = s.candidate(end)
			}
			if r != nil || err != nil {
				return r, err
			}
		}
		if lo == HeaderSize {
			break
		}
		hi = lo + uint64(len(magic)) - 1 // overlap so a magic across windows is seen
		window = min(2*window, scanWindowMax)
	}
	return nil, nil
}

// window returns the bytes [lo, hi): read into *buf, or a slice of the
// bytes when the file is a byte slice (a mapped file is read through its
// descriptor, so scanning a long tail does not fault its pages in).
func (s *scanner) window(buf *[]byte, lo, hi uint64) ([]byte, error) {
	if s.f.store.OS.File == nil && s.f.store.Data != nil && hi <= uint64(len(s.f.store.Data)) {
		s.read += hi - lo
		return s.f.store.Data[lo:hi], nil
	}
	if uint64(cap(*buf)) < hi-lo {
		*buf = make([]byte, hi-lo)
	}
	b := (*buf)[:hi-lo]
	s.read += hi - lo
	if s.f.store.OS.File != nil {
		if _, err := s.f.store.OS.File.ReadAt(b, int64(lo)); err != nil {
			return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "read %d bytes at %d", len(b), lo)
		}
		return b, nil
	}
	return b, s.f.readAt(b, lo)
}

// open reads the header and the newest valid directory, checks the
// directory once, and (writable) repairs a torn tail or header.
func (f *File) open(size uint64, writable bool) error {
	if size < HeaderSize {
		return formatErr(0, "file is %d bytes, shorter than the %d-byte header", size, HeaderSize)
	}
	var h header
	if err := f.readAt(h[:], 0); err != nil {
		return err
	}
	if h.magic() != Magic {
		return formatErr(0, "bad magic %q", h.magic())
	}
	if v := h.version(); v != Version {
		return errcode.At("mmx", errcode.ErrUnsupported, 4, "version %d (this library reads %d)", v, Version)
	}
	// A polyfmt header carries its CRC; MorphNet leaves those bytes zero and
	// ends its files with a bincode directory instead of our trailer.
	if h.crc() != h.computeCRC() && isMorphNet(f.store.R, size) {
		err := f.openMorphNet(size)
		if err == nil && writable {
			return errcode.New("mmx", errcode.ErrUnsupported, "%s was written by MorphNet; it opens read-only (polyfmt convert copies it into a new file)", f.store.Name)
		}
		if err == nil {
			return nil
		}
		// Not MorphNet's after all (or damaged): try our own recovery,
		// reporting MorphNet's complaint if that finds nothing either.
		if rec, _ := f.lastRecord(size); rec == nil {
			return err
		}
	}
	rec, err := f.lastRecord(size)
	if err != nil {
		return err
	}
	var hdr Header
	hdrOK := h.jsonLen() <= maxHeaderJSON && h.crc() == h.computeCRC() &&
		jsonx.Unmarshal(h.json(), &hdr, f.lim.MaxJSONDepth) == nil
	reasons := []string{}
	var doc *dirDoc
	var recEnd uint64
	if rec == nil {
		// A file whose first commit never finished: empty, if the header
		// says who it is.
		if !hdrOK {
			return formatErr(HeaderSize, "no valid directory and no valid header")
		}
		// The header is written only after its directory was synced: a
		// header naming a directory that is not there means the committed
		// state is damaged, not that no commit ever finished. Opening it
		// empty would let a writer truncate what was committed.
		if d := hdr.Directory; d != nil && d.Generation > 0 {
			return formatErr(int64(d.Offset), "the header names directory generation %d at offset %d, but no valid directory record is in the file (damaged; nothing was changed)", d.Generation, d.Offset)
		}
		doc = &dirDoc{Version: Version, File: identity{FileID: hdr.FileID, Created: hdr.Created, Creator: hdr.Creator, ModelUUID: hdr.ModelUUID}, Chunks: map[string]*Entry{}}
		recEnd = HeaderSize
		reasons = append(reasons, "no directory was ever committed")
	} else {
		doc, recEnd = rec.doc, rec.end
		f.recOff = rec.off
		if err := checkDirectory(doc, rec.off, f.lim); err != nil {
			return err
		}
	}
	f.id, f.gen, f.committed, f.pending = doc.File, doc.Generation, doc.Chunks, map[string]*Entry{}
	f.end, f.commitEnd = recEnd, recEnd
	var ref *DirectoryRef
	if rec != nil {
		ref = &DirectoryRef{Offset: rec.off, Length: rec.end - rec.off, Generation: doc.Generation}
		if hdrOK && hdr.Directory != nil && hdr.Directory.Generation == doc.Generation {
			ref = hdr.Directory // keep pointing at a start copy after Compact
		}
	}
	f.hdr = f.headerFor(doc.Chunks, recEnd, ref)
	if !hdrOK {
		reasons = append(reasons, "header checksum or JSON invalid (a header write cut short); rebuilt from the directory")
	} else if rec != nil && (hdr.FileID != f.id.FileID || hdr.Directory == nil || hdr.Directory.Generation != doc.Generation) {
		reasons = append(reasons, "header describes another commit; rebuilt from the directory")
	}
	if recEnd < size {
		reasons = append(reasons, fmt.Sprintf("%d bytes after the last valid directory (a commit cut short)", size-recEnd))
		f.rec.DroppedBytes = int64(size - recEnd)
	}
	if len(reasons) > 0 {
		f.rec.Reason = joinReasons(reasons)
	}
	if f.opt.Verify == VerifyOnOpen {
		if err := f.verifyChunks(); err != nil {
			return err
		}
	}
	if writable && !f.rec.Clean() {
		if err := f.repair(); err != nil {
			return err
		}
	}
	return nil
}

func joinReasons(rs []string) string {
	var b bytes.Buffer
	for i, r := range rs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(r)
	}
	return b.String()
}

// repair truncates what follows the last valid directory and rewrites the
// header (committing a fresh directory when none was ever committed).
func (f *File) repair() error {
	if err := f.store.W.Truncate(int64(f.commitEnd)); err != nil {
		return err
	}
	if f.gen == 0 {
		if err := f.commit(true); err != nil {
			return err
		}
	} else if err := f.writeHeader(f.hdr); err != nil {
		return err
	}
	f.rec.Repaired = true
	return nil
}

func (f *File) writeHeader(h Header) error {
	hb, err := encodeHeader(&h)
	if err != nil {
		return err
	}
	if _, err := f.store.W.WriteAt(hb[:], 0); err != nil {
		return err
	}
	return f.sync()
}

func (f *File) sync() error {
	if f.opt.NoSync {
		return nil
	}
	return f.store.W.Sync()
}

// Refresh makes a read-only file opened from a path see what a writer
// committed since (following the path to the file a compaction renamed
// over it), and returns the new generation. Other files return their
// generation unchanged.
func (f *File) Refresh() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkOpen(); err != nil {
		return 0, err
	}
	if _, err := f.store.Refresh(func(next *storage.Backing) error {
		g := &File{store: next, opt: f.opt, lim: f.lim}
		if err := g.open(uint64(next.Size), false); err != nil {
			return err
		}
		f.id, f.hdr, f.gen, f.committed, f.pending = g.id, g.hdr, g.gen, g.committed, g.pending
		f.end, f.commitEnd, f.recOff, f.rec = g.end, g.commitEnd, g.recOff, g.rec
		f.verified.Clear()
		return nil
	}); err != nil {
		return 0, err
	}
	return f.gen, nil
}
