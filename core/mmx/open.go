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
	n, err := f.r.ReadAt(p, int64(off))
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

// record reads and checks the directory record whose trailer ends at end.
// It returns nil (no error) when there is no valid record there.
func (f *File) record(end uint64) (*found, error) {
	if end < HeaderSize+uint64(dirRecordSize(0)) {
		return nil, nil
	}
	var tail [16]byte
	if err := f.readAt(tail[:], end-16); err != nil {
		return nil, nil
	}
	if string(tail[8:]) != tailMagic {
		return nil, nil
	}
	off := binary.LittleEndian.Uint64(tail[:8])
	if off < HeaderSize || off%dirAlign != 0 || off > end-uint64(dirRecordSize(0)) {
		return nil, nil
	}
	jsonLen := end - off - uint64(dirRecordSize(0))
	if int64(jsonLen) > f.lim.MaxDirectoryBytes || jsonLen > 1<<40 {
		return nil, errcode.New("mmx", errcode.ErrLimit, "directory of %d bytes, limit %d", jsonLen, f.lim.MaxDirectoryBytes)
	}
	rec := make([]byte, end-off)
	if err := f.readAt(rec, off); err != nil {
		return nil, nil
	}
	le := binary.LittleEndian
	if string(rec[:4]) != dirMagic || le.Uint64(rec[16:24]) != jsonLen {
		return nil, nil
	}
	body := rec[:dirHeadSize+jsonLen]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], rec[dirHeadSize+jsonLen:dirHeadSize+jsonLen+32]) {
		return nil, nil
	}
	if v := le.Uint32(rec[4:8]); v != dirVersion {
		return nil, errcode.At("mmx", errcode.ErrUnsupported, int64(off+4), "directory record version %d", v)
	}
	doc, err := decodeDirectory(rec[dirHeadSize:dirHeadSize+jsonLen], f.lim.MaxJSONDepth)
	if err != nil {
		return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "directory at %d", off)
	}
	if doc.Generation != le.Uint64(rec[8:16]) {
		return nil, formatErr(int64(off+8), "directory generation %d, JSON says %d", le.Uint64(rec[8:16]), doc.Generation)
	}
	if doc.Chunks == nil {
		doc.Chunks = map[string]*Entry{}
	}
	return &found{doc: doc, off: off, end: end}, nil
}

// lastRecord finds the newest valid directory: normally the one the file
// ends with; after a commit cut short, the newest one before the torn tail.
func (f *File) lastRecord(size uint64) (*found, error) {
	if r, err := f.record(size); r != nil || err != nil {
		return r, err
	}
	// Scan back for trailer magics; a candidate counts only if its record's
	// SHA-256 holds, so chunk bytes that happen to contain the magic are passed over.
	const window = 1 << 20
	magic := []byte(tailMagic)
	buf := make([]byte, window+len(magic))
	hi := size
	for hi > HeaderSize {
		lo := max(HeaderSize, hi-uint64(min(hi, window)))
		n := hi - lo
		chunk := buf[:n]
		if err := f.readAt(chunk, lo); err != nil {
			return nil, err
		}
		for i := len(chunk); ; {
			j := bytes.LastIndex(chunk[:i], magic)
			if j < 0 {
				break
			}
			if r, err := f.record(lo + uint64(j) + 8); r != nil || err != nil {
				return r, err
			}
			i = j + len(magic) - 1
		}
		if lo == HeaderSize {
			break
		}
		hi = lo + uint64(len(magic)) - 1 // overlap so a magic across windows is seen
	}
	return nil, nil
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
	if h.crc() != h.computeCRC() && isMorphNet(f.r, size) {
		err := f.openMorphNet(size)
		if err == nil && writable {
			return errcode.New("mmx", errcode.ErrUnsupported, "%s was written by MorphNet; it opens read-only (polyfmt convert copies it into a new file)", f.name)
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
	if err := f.st.Truncate(int64(f.commitEnd)); err != nil {
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
	if _, err := f.st.WriteAt(hb[:], 0); err != nil {
		return err
	}
	return f.sync()
}

func (f *File) sync() error {
	if f.opt.NoSync {
		return nil
	}
	return f.st.Sync()
}

// Refresh makes a read-only file opened from a path see what a writer
// committed since, and returns the new generation. Other files return
// their generation unchanged.
func (f *File) Refresh() (uint64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.checkOpen(); err != nil {
		return 0, err
	}
	if f.st != nil || f.h.File == nil {
		return f.gen, nil
	}
	fi, err := f.h.File.Stat()
	if err != nil {
		return 0, err
	}
	g := &File{h: storage.OSFile{File: f.h.File}, path: f.path, name: f.name, opt: f.opt, lim: f.lim}
	if err := g.mapFile(fi.Size()); err != nil {
		return 0, err
	}
	if err := g.open(uint64(fi.Size()), false); err != nil {
		g.h.Region.Close()
		return 0, err
	}
	// The old mapping stays until Close: views lent from it (Go slices,
	// borrowed pointers across the ABI) are promised to live that long.
	if f.h.Region != nil {
		f.retired = append(f.retired, f.h.Region)
	}
	f.h.Region, f.data, f.r = g.h.Region, g.data, g.r
	f.id, f.hdr, f.gen, f.committed, f.pending = g.id, g.hdr, g.gen, g.committed, g.pending
	f.end, f.commitEnd, f.recOff, f.rec = g.end, g.commitEnd, g.recOff, g.rec
	f.verified.Clear()
	return f.gen, nil
}
