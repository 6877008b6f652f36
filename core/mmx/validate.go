package mmx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
)

// VerifyError names the chunk (or "" for the file) that failed Verify.
type VerifyError struct {
	Chunk  string
	Reason string
	Err    error
}

func (e *VerifyError) Error() string {
	return "mmx: verify: " + e.Reason // the reason names the chunk
}

func (e *VerifyError) Unwrap() error { return e.Err }

// Verify checks what open does not: that open needed no recovery, and for
// every committed chunk its checksum, its decompression and its payload
// decoding. It reads every chunk in full.
func (f *File) Verify() error {
	f.mu.RLock()
	rec, closed := f.rec, f.checkOpen()
	f.mu.RUnlock()
	if closed != nil {
		return closed
	}
	if !rec.Clean() && !rec.Repaired {
		return &VerifyError{Reason: "open needed recovery: " + rec.Reason, Err: errcode.ErrFormat}
	}
	return f.verifyChunks()
}

// verifyChunks checks every committed chunk, several at a time (one per
// core: a file of many small chunks, or of CRC-32C or SHA-256 chunks, which
// cannot be split, is hashed on every core too), and reports the failure of the
// first chunk by name, as a serial pass would.
func (f *File) verifyChunks() error {
	f.mu.RLock()
	names := sortedNames(f.committed)
	f.mu.RUnlock()
	errs := make([]error, len(names))
	var next atomic.Int64
	var firstBad atomic.Int64 // lowest failing index; chunks after it need no check
	firstBad.Store(int64(len(names)))
	work := func() {
		for i := next.Add(1) - 1; i < int64(len(names)) && i < firstBad.Load(); i = next.Add(1) - 1 {
			if errs[i] = f.verifyChunk(names[i]); errs[i] != nil {
				for bad := firstBad.Load(); i < bad && !firstBad.CompareAndSwap(bad, i); bad = firstBad.Load() {
				}
			}
		}
	}
	var wg sync.WaitGroup
	for range min(verifyWorkers(), len(names)) - 1 {
		wg.Add(1)
		go func() { defer wg.Done(); work() }()
	}
	work()
	wg.Wait()
	for i, name := range names {
		if err := errs[i]; err != nil {
			var kind error = errcode.ErrFormat
			switch errcode.Of(err) {
			case errcode.Checksum:
				kind = errcode.ErrChecksum
			case errcode.Unsupported:
				kind = errcode.ErrUnsupported
			case errcode.Limit:
				kind = errcode.ErrLimit
			}
			reason := err.Error()
			if !strings.Contains(reason, fmt.Sprintf("%q", name)) {
				reason = fmt.Sprintf("chunk %q: %s", name, reason)
			}
			return &VerifyError{Chunk: name, Reason: reason, Err: kind}
		}
	}
	return nil
}

// verifyWorkers is how many chunks Verify checks at once: one per core
// (one in wasm, where goroutines do not run in parallel).
func verifyWorkers() int {
	if runtime.GOARCH == "wasm" {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// verifyWindow is how much of a chunk Verify reads or hashes at a time.
const verifyWindow = 1 << 20

// verifyChunk checks one committed chunk with memory independent of its
// size: the checksum over its stored bytes a window at a time, then its
// payload decoded as a stream. Arrays are only counted (the decoder checks
// the exact size); a mesh is checked as it streams by (counts, face
// indices, materials JSON); JSON payloads, bounded by MaxJSONBytes, are
// decoded whole. MorphNet's chunks are read as a read would.
func (f *File) verifyChunk(name string) error {
	if err := f.pin(); err != nil {
		return err
	}
	defer f.unpin()
	f.mu.RLock()
	e := f.committed[name]
	f.mu.RUnlock()
	f.verified.Delete(e)
	if e.morphnet {
		return f.verifyMorphNet(e)
	}
	if err := f.lim.checkSize(e); err != nil {
		return err
	}
	if e.ChunkType == TypeEmbedding {
		if _, _, err := embeddingAttrs(e); err != nil {
			return err
		}
	}
	c := e.codec()
	var sink io.Writer = io.Discard
	var mesh *meshSink
	if e.ChunkType == TypeMesh {
		mesh = &meshSink{total: e.UncompressedSize, lim: &f.lim}
		sink = mesh
	}
	switch {
	case e.ChunkType.isJSON():
		// Bounded by MaxJSONBytes (checkSize): hash, then read it whole.
		if err := f.hashStored(e, nil); err != nil {
			return err
		}
		var err error
		switch e.ChunkType {
		case TypeText:
			_, err = f.ReadText(name)
		case TypeSequence:
			_, err = f.ReadSequence(name)
		case TypeMeta:
			_, err = f.ReadMeta(name)
		}
		return err
	case c == codec.None:
		// Raw: the payload is the stored bytes; a mesh sees them as they
		// are hashed.
		var feed io.Writer
		if mesh != nil {
			feed = mesh
		}
		if err := f.hashStored(e, feed); err != nil {
			return err
		}
	default:
		st, _, err := f.stored(e, 0, e.Size)
		if err != nil {
			return err
		}
		hashed, err := beside(len(st), func() error { return f.checkFresh(e, st) })
		if err != nil {
			return err
		}
		err = codec.DecompressTo(c, sink, st, int64(e.UncompressedSize))
		if herr := hashed(); herr != nil {
			return herr
		}
		if err != nil && errcode.Of(err) == errcode.Format && !isMeshErr(err) {
			err = errcode.Wrap("mmx", errcode.ErrFormat, err, "chunk %q", name)
		}
		if err != nil {
			return err
		}
	}
	if mesh != nil {
		return mesh.finish()
	}
	return nil
}

// hashStored checks e's checksum over its stored bytes, read (or viewed in
// the mapping) a window at a time, passing each window to feed if set.
func (f *File) hashStored(e *Entry, feed io.Writer) error {
	hashedChunks.Add(1)
	h := e.alg().stream()
	var buf []byte
	for off := uint64(0); off < e.Size; off += verifyWindow {
		n := min(verifyWindow, e.Size-off)
		f.mu.RLock()
		if err := f.checkOpen(); err != nil {
			f.mu.RUnlock()
			return err
		}
		at := f.relocate(e).Offset // a writer's compaction may have moved it
		var w []byte
		if f.store.Data != nil {
			w = f.store.Data[at+off : at+off+n]
		} else {
			if buf == nil {
				buf = make([]byte, min(verifyWindow, e.Size))
			}
			w = buf[:n]
			if err := f.readAt(w, at+off); err != nil {
				f.mu.RUnlock()
				return err
			}
		}
		h.Write(w)
		var err error
		if feed != nil {
			_, err = feed.Write(w)
		}
		f.mu.RUnlock()
		if err != nil {
			return err
		}
	}
	if err := verifySum(e, h.sum32(), e.Size); err != nil {
		return err
	}
	f.verified.Store(e, true)
	return nil
}

// verifyMorphNet checks an imported MorphNet chunk by reading it.
func (f *File) verifyMorphNet(e *Entry) error {
	if e.Checksum != "" { // MorphNet entries may carry none
		st, _, err := f.stored(e, 0, e.Size)
		if err != nil {
			return err
		}
		if err := f.checkFresh(e, st); err != nil {
			return err
		}
	}
	var err error
	switch e.ChunkType {
	case TypeTensor:
		_, err = f.ReadTensor(e.Name)
	case TypeEmbedding:
		_, err = f.ReadEmbedding(e.Name)
	case TypeMesh:
		_, err = f.ReadMesh(e.Name)
	case TypeSequence:
		_, err = f.ReadSequence(e.Name)
	case TypeText:
		_, err = f.ReadText(e.Name)
	case TypeMeta:
		_, err = f.ReadMeta(e.Name)
	}
	return err
}

// meshErr marks an error found by meshSink, so it is not re-labelled as
// the codec's.
type meshErr struct{ error }

func (m meshErr) Unwrap() error { return m.error }

func isMeshErr(err error) bool {
	var m meshErr
	return errors.As(err, &m)
}

// meshSink checks a mesh payload as it streams by: the head against the
// payload's size, every face index against the vertex count, and the
// materials JSON (at most MaxJSONBytes, the only part it keeps).
type meshSink struct {
	total uint64
	lim   *Limits
	off   uint64
	head  []byte
	l     meshLayout
	part  [4]byte // a face index split across writes
	np    int
	mat   []byte
}

func (m *meshSink) Write(p []byte) (int, error) {
	n := len(p)
	if m.off < meshHead {
		k := min(uint64(len(p)), meshHead-m.off)
		m.head = append(m.head, p[:k]...)
		m.off += k
		p = p[k:]
		if m.off == meshHead {
			var err error
			if m.l, err = parseMeshHeadSized(m.head, m.total); err != nil {
				return 0, meshErr{err}
			}
			if m.l.l > uint64(m.lim.MaxJSONBytes) {
				return 0, meshErr{errcode.New("mmx", errcode.ErrLimit, "mesh materials of %d bytes, limit %d (Limits.MaxJSONBytes)", m.l.l, m.lim.MaxJSONBytes)}
			}
		}
	}
	for len(p) > 0 {
		l := &m.l
		switch fEnd := l.fOff + 12*l.f; {
		case m.off >= l.fOff && m.off < fEnd:
			k := min(uint64(len(p)), fEnd-m.off)
			for _, c := range p[:k] {
				m.part[m.np] = c
				if m.np++; m.np == 4 {
					m.np = 0
					if v := binary.LittleEndian.Uint32(m.part[:]); uint64(v) >= l.v {
						face := (m.off - l.fOff) / 12
						return 0, meshErr{errcode.New("mmx", errcode.ErrFormat, "mesh face %d uses vertex %d of %d", face, v, l.v)}
					}
				}
				m.off++
			}
			p = p[k:]
		case m.off >= l.lOff:
			m.mat = append(m.mat, p...)
			m.off += uint64(len(p))
			p = nil
		default: // vertices, normals, uvs: any float
			next := l.lOff
			if m.off < l.fOff {
				next = l.fOff
			}
			k := min(uint64(len(p)), next-m.off)
			m.off += k
			p = p[k:]
		}
	}
	return n, nil
}

// finish checks what only the whole payload shows.
func (m *meshSink) finish() error {
	if m.off != m.total || m.off < meshHead {
		return errcode.New("mmx", errcode.ErrFormat, "mesh payload: %d of %d bytes", m.off, m.total)
	}
	if m.l.flags&meshMaterials != 0 {
		var mat map[string]string
		if err := jsonx.Unmarshal(m.mat, &mat, m.lim.MaxJSONDepth); err != nil {
			return errcode.Wrap("mmx", errcode.ErrFormat, err, "mesh materials")
		}
	}
	return nil
}
