package mmx

import (
	"encoding/hex"
	"encoding/json"
	"runtime"
	"sync"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// Compression is a chunk's codec (on disk: "None", "Lz4", "Zlib", "Zstd").
type Compression = codec.Codec

// The codecs a chunk may be stored with.
const (
	Raw  Compression = codec.None // stored as is: mappable in place
	LZ4  Compression = codec.LZ4  // u32 size + one LZ4 block (MorphNet's form)
	Zlib Compression = codec.Zlib // RFC 1950
	Zstd Compression = codec.Zstd // one zstd frame
)

// writeBehindFrom is the smallest chunk whose disk write starts as soon
// as it is written (durable files, Linux): smaller ones wait for the commit.
const writeBehindFrom = 256 << 10

// WriteOptions configures one chunk write. nil means raw, default
// alignment, no logical region.
type WriteOptions struct {
	Compression   Compression // Raw (the zero value), LZ4, Zlib or Zstd
	Level         int         // codec level; 0 is the codec's default
	LogicalRegion string      // grouping label ("" for none)
	Alignment     uint64      // power of two ≥ 8; 0 means DefaultAlignment
}

// compressBuffers pools the buffers chunks are compressed into (*[]byte),
// each kept up to maxPooledCompress bytes.
var compressBuffers = sync.Pool{New: func() any { return new([]byte) }}

const maxPooledCompress = 64 << 20

// put stores a chunk's payload in the append region and records it in the
// open transaction. The chunk becomes visible to other readers at Commit.
func (f *File) put(name string, e Entry, payload []byte, o *WriteOptions) error {
	if o == nil {
		o = &WriteOptions{}
	}
	if err := validName(name, f.lim); err != nil {
		return err
	}
	align := o.Alignment
	if align == 0 {
		align = DefaultAlignment
	}
	if align < 8 || align&(align-1) != 0 || align > 1<<20 {
		return errcode.New("mmx", errcode.ErrBadArg, "alignment %d is not a power of two in [8, 1 MiB]", align)
	}
	if uint64(len(payload)) > f.lim.MaxChunkBytes {
		return errcode.New("mmx", errcode.ErrLimit, "chunk of %d bytes, limit %d", len(payload), f.lim.MaxChunkBytes)
	}
	if e.ChunkType.isJSON() && int64(len(payload)) > f.lim.MaxJSONBytes {
		return errcode.New("mmx", errcode.ErrLimit, "%s payload of %d bytes, limit %d (Limits.MaxJSONBytes)", e.ChunkType, len(payload), f.lim.MaxJSONBytes)
	}
	stored := payload
	if o.Compression != codec.None {
		// The compressed bytes live only until they are written (every
		// store copies them), so their buffer is pooled: a fresh one per
		// chunk cost a zeroed allocation (and its page faults) as large as
		// the chunk.
		zb := compressBuffers.Get().(*[]byte)
		defer compressBuffers.Put(zb)
		if bound := codec.Bound(o.Compression, len(payload)); bound > 0 && cap(*zb) < bound && bound <= maxPooledCompress {
			*zb = make([]byte, 0, bound)
		}
		var err error
		if stored, err = codec.Compress(o.Compression, (*zb)[:0], payload, o.Level); err != nil {
			return err
		}
		if cap(stored) <= maxPooledCompress {
			*zb = stored[:0]
		}
	}
	e.Name = name
	e.Compression = o.Compression.String()
	e.Size = uint64(len(stored))
	e.UncompressedSize = uint64(len(payload))
	e.Alignment = align
	if o.LogicalRegion != "" {
		r := o.LogicalRegion
		e.LogicalRegion = &r
	}

	f.wmu.Lock()
	defer f.wmu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	e.Offset = alignUp(f.end, align)
	// Hash while the bytes are written: overlapping the two nearly halves
	// the write of a large chunk (not in wasm, where goroutines do not run
	// in parallel).
	var sum [32]byte
	alg := f.alg
	hashed := make(chan struct{})
	if len(stored) >= 1<<20 && runtime.GOARCH != "wasm" {
		go func() { sum = alg.sum(stored); close(hashed) }()
	} else {
		sum = alg.sum(stored)
		close(hashed)
	}
	if len(stored) > 0 {
		if _, err := f.store.W.WriteAt(stored, int64(e.Offset)); err != nil {
			<-hashed
			f.broken = err
			return err
		}
		if !f.opt.NoSync && len(stored) >= writeBehindFrom {
			// A durable commit will fsync these bytes: start their disk
			// write now, beside the hashing and copying of the next chunks.
			storage.StartWriteback(f.store.W, int64(e.Offset), int64(len(stored)))
		}
	}
	<-hashed
	e.Checksum = hex.EncodeToString(sum[:checksumSize[alg]])
	e.ChecksumAlgorithm = ChecksumAlgorithm(alg.entryField())
	f.end = e.Offset + e.Size
	f.mu.Lock()
	f.pending[name] = &e
	f.mu.Unlock()
	return nil
}

func (f *File) writable() error {
	if err := f.checkOpen(); err != nil {
		return err
	}
	if f.store.W == nil {
		reason := "it is open read-only"
		if f.readOnlyReason != "" {
			reason = f.readOnlyReason
		}
		return errcode.New("mmx", errcode.ErrBadArg, "cannot write %s: %s", f.store.Name, reason)
	}
	if f.broken != nil {
		return errcode.Wrap("mmx", errcode.ErrBadArg, f.broken, "an earlier write failed; reopen the file to recover its last commit")
	}
	return nil
}

// WriteTensor stores t under name (replacing any chunk of that name at commit).
func (f *File) WriteTensor(name string, t *Tensor, o *WriteOptions) error {
	return f.writeArray(name, TypeTensor, t, nil, o)
}

// WriteEmbedding stores an embedding: its array, method and labels.
func (f *File) WriteEmbedding(name string, em *Embedding, o *WriteOptions) error {
	attrs := map[string]any{"method": em.Method}
	if em.Labels != nil {
		if len(em.Shape) == 0 || uint64(len(em.Labels)) != em.Shape[0] {
			return errcode.New("mmx", errcode.ErrBadArg, "%d labels for %v samples", len(em.Labels), em.Shape)
		}
		attrs["labels"] = em.Labels
	}
	return f.writeArray(name, TypeEmbedding, &em.Tensor, attrs, o)
}

func (f *File) writeArray(name string, ct ChunkType, t *Tensor, attrs map[string]any, o *WriteOptions) error {
	if err := t.Check(); err != nil {
		return err
	}
	if len(t.Shape) > f.lim.MaxDims {
		return errcode.New("mmx", errcode.ErrLimit, "%d dimensions, limit %d", len(t.Shape), f.lim.MaxDims)
	}
	d := t.DType
	shape := append([]uint64{}, t.Shape...)
	return f.put(name, Entry{ChunkType: ct, Shape: shape, DType: &d, Attributes: attrs}, t.Data, o)
}

// WriteMesh stores a mesh.
func (f *File) WriteMesh(name string, m *Mesh, o *WriteOptions) error {
	p, err := encodeMesh(m)
	if err != nil {
		return err
	}
	return f.put(name, Entry{ChunkType: TypeMesh}, p, o)
}

// WriteSequence stores a sequence.
func (f *File) WriteSequence(name string, s *Sequence, o *WriteOptions) error {
	c := *s
	if c.Frames == nil {
		c.Frames = []string{}
	}
	if c.Metadata == nil {
		c.Metadata = map[string]string{}
	}
	p, err := jsonx.Marshal(&c)
	if err != nil {
		return err
	}
	return f.put(name, Entry{ChunkType: TypeSequence}, p, o)
}

// WriteText stores text.
func (f *File) WriteText(name string, t *Text, o *WriteOptions) error {
	p, err := encodeText(t)
	if err != nil {
		return err
	}
	return f.put(name, Entry{ChunkType: TypeText}, p, o)
}

// WriteMeta stores a JSON value with its version and timestamp.
func (f *File) WriteMeta(name string, m *Meta, o *WriteOptions) error {
	p, err := encodeMeta(m)
	if err != nil {
		return err
	}
	return f.put(name, Entry{ChunkType: TypeMeta}, p, o)
}

// WriteJSON stores any JSON-encodable value as a Meta chunk, version 1.
func (f *File) WriteJSON(name string, v any, o *WriteOptions) error {
	b, err := json.Marshal(v)
	if err != nil {
		return errcode.Wrap("mmx", errcode.ErrBadArg, err, "meta value")
	}
	return f.WriteMeta(name, &Meta{Version: 1, Data: b}, o)
}

// Delete removes name at the next commit.
func (f *File) Delete(name string) error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.lookupLocked(name); err != nil {
		return err
	}
	f.pending[name] = nil
	return nil
}

// Pending reports whether there are uncommitted writes or deletes.
func (f *File) Pending() bool {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.pending) > 0
}

// Commit makes every write and delete since the last commit visible at
// once: the chunks are synced, then a new directory is appended and synced,
// then the header is rewritten. A crash at any point leaves the previous
// commit or this one, never a mix. When the commit leaves more dead space
// than Options allow (AutoCompactMinDead, AutoCompactRatio), Commit then
// compacts the file, as crash-safe as Compact.
func (f *File) Commit() error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	f.mu.RLock()
	n := len(f.pending)
	f.mu.RUnlock()
	if err := f.commit(false); err != nil || n == 0 {
		return err
	}
	f.autoCompact()
	return nil
}

// commit writes the directory of committed+pending. force commits even
// with nothing pending (create, repair). The caller holds wmu.
func (f *File) commit(force bool) error {
	f.mu.RLock()
	n := len(f.pending)
	f.mu.RUnlock()
	if n == 0 && !force {
		return nil
	}
	fail := func(err error) error {
		f.broken = err
		return err
	}
	if err := f.sync(); err != nil { // chunks before the directory that names them
		return fail(err)
	}
	f.mu.RLock()
	merged := make(map[string]*Entry, len(f.committed)+len(f.pending))
	for k, e := range f.committed {
		merged[k] = e
	}
	for k, e := range f.pending {
		if e == nil {
			delete(merged, k)
		} else {
			merged[k] = e
		}
	}
	f.mu.RUnlock()
	if len(merged) > f.lim.MaxChunks {
		return errcode.New("mmx", errcode.ErrLimit, "%d chunks, limit %d", len(merged), f.lim.MaxChunks)
	}
	doc := &dirDoc{Version: Version, Generation: f.gen + 1, File: f.id, Chunks: merged}
	off := alignUp(f.end, dirAlign)
	rec, err := encodeRecord(doc, off)
	if err != nil {
		return err
	}
	if int64(len(rec)) > f.lim.MaxDirectoryBytes+dirRecordSize(0) {
		return errcode.New("mmx", errcode.ErrLimit, "directory of %d bytes, limit %d", len(rec), f.lim.MaxDirectoryBytes)
	}
	if _, err := f.store.W.WriteAt(rec, int64(off)); err != nil {
		return fail(err)
	}
	if err := f.sync(); err != nil {
		return fail(err)
	}
	end := off + uint64(len(rec))
	h := f.headerFor(merged, end, &DirectoryRef{Offset: off, Length: uint64(len(rec)), Generation: doc.Generation})
	if err := f.writeHeader(h); err != nil {
		return fail(err)
	}
	f.mu.Lock()
	f.committed, f.pending = merged, map[string]*Entry{}
	f.gen, f.hdr, f.end, f.commitEnd, f.recOff = doc.Generation, h, end, end, off
	f.mu.Unlock()
	return nil
}

// Rollback discards every write and delete since the last commit and gives
// back the space their chunks took.
func (f *File) Rollback() error {
	f.wmu.Lock()
	defer f.wmu.Unlock()
	if err := f.writable(); err != nil {
		return err
	}
	f.mu.Lock()
	f.pending = map[string]*Entry{}
	f.mu.Unlock()
	if f.end > f.commitEnd {
		if err := f.store.W.Truncate(int64(f.commitEnd)); err != nil {
			f.broken = err
			return err
		}
		f.end = f.commitEnd
	}
	return nil
}
