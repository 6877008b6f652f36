package mmx

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/codec"
	"github.com/polyfmt/polyfmt/core/internal/storage"
)

// lookupLocked finds name in the writer's view (pending, then committed).
// The caller holds mu.
func (f *File) lookupLocked(name string) (*Entry, error) {
	if e, ok := f.pending[name]; ok {
		if e == nil {
			return nil, errcode.New("mmx", errcode.ErrNotFound, "chunk %q (deleted)", name)
		}
		return e, nil
	}
	if e, ok := f.committed[name]; ok {
		return e, nil
	}
	return nil, errcode.New("mmx", errcode.ErrNotFound, "chunk %q", name)
}

// Entry returns name's directory entry.
func (f *File) Entry(name string) (Entry, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return Entry{}, err
	}
	e, err := f.lookupLocked(name)
	if err != nil {
		return Entry{}, err
	}
	return *e, nil
}

// List returns the entries whose names start with prefix, sorted by name.
// A writer sees its uncommitted writes.
func (f *File) List(prefix string) ([]Entry, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return nil, err
	}
	var out []Entry
	seen := map[string]bool{}
	for _, m := range []map[string]*Entry{f.pending, f.committed} {
		for k, e := range m {
			if seen[k] || !strings.HasPrefix(k, prefix) {
				continue
			}
			seen[k] = true
			if e != nil {
				out = append(out, *e)
			}
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Len is the number of live chunks in the writer's view.
func (f *File) Len() int {
	l, _ := f.List("")
	return len(l)
}

// stored returns a chunk's stored bytes: a view of the mapping when the
// file is mapped (view true), else a fresh copy.
// It holds the read lock while it reads, so Close cannot unmap or close
// under it (Refresh keeps old mappings until Close).
func (f *File) stored(e *Entry, off, n uint64) ([]byte, bool, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return nil, false, err
	}
	e = f.relocate(e) // moved by a compaction since it was looked up (compact.go)
	if f.store.Data != nil {
		return f.store.Data[e.Offset+off : e.Offset+off+n : e.Offset+off+n], true, nil
	}
	b := make([]byte, n)
	return b, false, f.readAt(b, e.Offset+off)
}

// check verifies e's checksum over its stored bytes, once per entry.
//
// A read (VerifyOnRead) also skips the hash when an earlier open of the same
// unchanged file in this process verified the same bytes and they are still
// in memory (storage's record: the file's device, inode, size and times,
// the range, its checksum, and the page cache); an explicit Verify always hashes
// (fresh).
func (f *File) check(e *Entry, stored []byte) error { return f.checkSum(e, stored, false) }

// hashedChunks counts the chunks check has hashed (its tests watch it).
var hashedChunks atomic.Int64

// skipRecord turns the process-wide record off: benchmarks that measure
// what the checksum costs set it, so every checked read hashes.
var skipRecord atomic.Bool

// checkFresh is check without the process-wide record: Verify's.
func (f *File) checkFresh(e *Entry, stored []byte) error { return f.checkSum(e, stored, true) }

func (f *File) checkSum(e *Entry, stored []byte, fresh bool) error {
	if _, ok := f.verified.Load(e); ok {
		return nil
	}
	if fresh {
		return f.hash(e, stored, storage.ChunkKey{}, false)
	}
	key, keyed, done := f.recorded(e, stored)
	if done {
		f.verified.Store(e, true)
		return nil
	}
	return f.hash(e, stored, key, keyed)
}

// hash checks e's checksum over stored, remembers that it held, and
// records key in the process-wide record when keyed.
func (f *File) hash(e *Entry, stored []byte, key storage.ChunkKey, keyed bool) error {
	hashedChunks.Add(1)
	if err := verifySum(e, e.alg().sum(stored), uint64(len(stored))); err != nil {
		return err
	}
	f.verified.Store(e, true)
	if keyed {
		storage.MarkVerified(key)
	}
	return nil
}

// recorded returns the process-wide record's key for stored (keyed: stored
// is a range of the file's mapping, not a copy, and the mapped file's
// version is known) and whether the record says it was verified and its
// pages are in memory.
func (f *File) recorded(e *Entry, stored []byte) (key storage.ChunkKey, keyed, verified bool) {
	if len(stored) == 0 || skipRecord.Load() {
		return key, false, false
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	data := f.store.Data
	if len(data) == 0 {
		return key, false, false
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	at := uintptr(unsafe.Pointer(unsafe.SliceData(stored)))
	if at < base || at-base+uintptr(len(stored)) > uintptr(len(data)) {
		return key, false, false // a copy, or a mapping Refresh replaced
	}
	if key, keyed = f.store.ChunkKey(uint64(at-base), uint64(len(stored)), string(e.alg())+":"+e.Checksum); !keyed {
		return key, false, false
	}
	return key, true, f.store.WasVerified(key, stored)
}

// Alloc gets memory for a payload: a slice of length n (n > 0), which the
// reader fills. It is how ReadChunkInto and ReadFlatInto place a payload in
// memory the caller owns (the C ABI's malloc, the buffer wasm hands to
// JS). An error from it is returned as it is.
type Alloc func(n int) ([]byte, error)

// heapAlloc is the Alloc of reads that return a buffer of their own
// (ReadChunk, ReadTensor, …). The buffer is not zeroed first: every read
// fills all n bytes before it returns the buffer (a decoder produces
// exactly the declared size or fails, a raw read fills it or fails) and
// drops it on any error. Zeroing a fresh 4 MiB cost more than half of
// what LZ4 takes to decode into it (bench/README.md, 2026-11-26).
func heapAlloc(n int) ([]byte, error) { return unzeroed(n), nil }

// unzeroed returns a slice of n bytes of Go heap whose contents are not
// cleared: what strings.Builder allocates its buffer with. Grow promises
// room for n bytes, so the slice lies within the allocation whatever the
// Builder does; the string is dropped, so nothing else sees the bytes.
func unzeroed(n int) []byte {
	if n <= 0 {
		return nil
	}
	var sb strings.Builder
	sb.Grow(n)
	sb.WriteByte(0)
	return unsafe.Slice(unsafe.StringData(sb.String()), n)[:n:n]
}

// payload returns name's entry and its payload (decompressed). view is true
// when the bytes are the mapping itself (raw chunk, mapped file): valid only
// until Close, never to be modified.
func (f *File) payload(name string, want ChunkType) (*Entry, []byte, bool, error) {
	return f.payloadInto(name, want, nil, true)
}

// payloadInto is payload with the memory from alloc (nil: the Go heap).
// lend allows a view of the mapping; otherwise, and whenever the payload is
// not a view, a non-empty payload is in memory from alloc, except for a
// MorphNet chunk, whose bincode payload is on the heap for the caller to
// decode and place. The declared
// size is checked against the stored size and the limits, and the stream
// against the size (codec.Check), before alloc is called; on an error after
// it, the memory is not used and the caller may free it.
func (f *File) payloadInto(name string, want ChunkType, alloc Alloc, lend bool) (*Entry, []byte, bool, error) {
	if alloc == nil {
		alloc = heapAlloc
	}
	if err := f.pin(); err != nil {
		return nil, nil, false, err
	}
	defer f.unpin()
	f.mu.RLock()
	if err := f.checkOpen(); err != nil {
		f.mu.RUnlock()
		return nil, nil, false, err
	}
	e, err := f.lookupLocked(name)
	f.mu.RUnlock()
	if err != nil {
		return nil, nil, false, err
	}
	if want != "" && e.ChunkType != want {
		return nil, nil, false, badType(name, e.ChunkType, want)
	}
	if err := f.lim.checkSize(e); err != nil {
		return nil, nil, false, err
	}
	c := e.codec()
	checking := f.opt.Verify != VerifyNever && e.Checksum != ""
	if checking {
		if _, done := f.verified.Load(e); done {
			checking = false
		}
	}
	if e.morphnet {
		st, view, err := f.stored(e, 0, e.Size)
		if err == nil && checking {
			err = f.check(e, st)
		}
		if err != nil {
			return nil, nil, false, err
		}
		// Decoded on the heap: the caller places what it makes of the
		// bincode (ReadChunkInto, readArrayInto, meshFlat copy it).
		out, err := morphPayload(e, st, f.lim)
		return e, out, view && e.Compression == "None" && lend, err
	}
	if c == codec.None {
		return f.rawPayload(e, alloc, lend, checking)
	}
	st, _, err := f.stored(e, 0, e.Size)
	if err != nil {
		return nil, nil, false, err
	}
	n := int64(e.UncompressedSize)
	if err := codec.Check(c, st, n); err != nil {
		return nil, nil, false, errcode.Wrap("mmx", errcode.ErrFormat, err, "chunk %q", name)
	}
	// The memory comes first, so a caller's buffer that is too small (or a
	// host that cannot allocate) fails the read before any hashing.
	var buf []byte
	if n > 0 {
		if buf, err = alloc(int(n)); err == nil && len(buf) != int(n) {
			err = errcode.New("mmx", errcode.ErrInternal, "allocator gave %d bytes for %d", len(buf), n)
		}
		if err != nil {
			return nil, nil, false, err
		}
	}
	// The checksum covers the stored bytes. For a large compressed chunk it
	// is computed while the chunk decompresses (the decoder is bounded and
	// safe on any input; its output is dropped if the hash fails), so a
	// checked read costs about the slower of the two, not their sum.
	checked := func() error { return nil }
	if checking {
		if checked, err = f.checkBeside(e, st); err != nil {
			return nil, nil, false, err
		}
	}
	// Decompress writes into buf's room in place: its capacity is n.
	out, err := codec.Decompress(c, buf[:0], st, n)
	if err != nil {
		err = errcode.Wrap("mmx", errcode.ErrFormat, err, "chunk %q", name)
	}
	if cerr := checked(); cerr != nil {
		return nil, nil, false, cerr
	}
	if err != nil {
		return nil, nil, false, err
	}
	return e, out, false, nil
}

// checkBeside checks e's checksum over its stored bytes st beside the
// caller's decompression of them: a large chunk (1 MiB or more, where
// goroutines run in parallel) is hashed on a goroutine and wait returns its
// result; a small one is checked now (err) and wait returns nil.
//
// The process-wide record is consulted here, before the caller touches the
// bytes: a copy or a decoder running beside the hash would page them in
// and make them look resident.
func (f *File) checkBeside(e *Entry, st []byte) (wait func() error, err error) {
	if _, ok := f.verified.Load(e); ok {
		return func() error { return nil }, nil
	}
	key, keyed, done := f.recorded(e, st)
	if done {
		f.verified.Store(e, true)
		return func() error { return nil }, nil
	}
	return beside(len(st), func() error { return f.hash(e, st, key, keyed) })
}

// beside runs check, the check of n stored bytes, on a goroutine when n is
// 1 MiB or more and goroutines run in parallel (wait returns its result),
// else now (err).
func beside(n int, check func() error) (wait func() error, err error) {
	if n < 1<<20 || runtime.GOARCH == "wasm" {
		return func() error { return nil }, check()
	}
	done := make(chan error, 1)
	go func() { done <- check() }()
	return func() error { return <-done }, nil
}

// rawPayload returns a raw chunk: the mapping itself when lend allows and
// the file is mapped, else its bytes read straight into memory from alloc.
func (f *File) rawPayload(e *Entry, alloc Alloc, lend, checking bool) (*Entry, []byte, bool, error) {
	f.mu.RLock()
	mapped := f.store.Data != nil
	f.mu.RUnlock()
	var b []byte
	view := false
	if mapped && lend {
		var err error
		if b, view, err = f.stored(e, 0, e.Size); err != nil {
			return nil, nil, false, err
		}
	} else if e.Size > 0 {
		var err error
		if b, err = alloc(int(e.Size)); err == nil && uint64(len(b)) != e.Size {
			err = errcode.New("mmx", errcode.ErrInternal, "allocator gave %d bytes for %d", len(b), e.Size)
		}
		if err == nil && mapped && checking {
			// Hash the mapping beside the copy out of it (checkBeside:
			// a large chunk on a second goroutine).
			var st []byte
			if st, _, err = f.stored(e, 0, e.Size); err == nil {
				var wait func() error
				if wait, err = f.checkBeside(e, st); err == nil {
					copy(b, st)
					err = wait()
				}
			}
			checking = false
		} else if err == nil {
			err = f.readStored(e, b)
		}
		if err != nil {
			return nil, nil, false, err
		}
	}
	if checking {
		if err := f.check(e, b); err != nil {
			return nil, nil, false, err
		}
	}
	return e, b, view, nil
}

// readStored reads e's stored bytes into b (len(b) == e.Size), from the
// mapping or the file, holding the read lock so Close cannot unmap under it.
func (f *File) readStored(e *Entry, b []byte) error {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if err := f.checkOpen(); err != nil {
		return err
	}
	e = f.relocate(e) // moved by a compaction since it was looked up
	if f.store.Data != nil {
		copy(b, f.store.Data[e.Offset:e.Offset+e.Size])
		return nil
	}
	return f.readAt(b, e.Offset)
}

// into copies b into memory from alloc (nil for empty b).
func into(alloc Alloc, b []byte) ([]byte, error) {
	if len(b) == 0 {
		return nil, nil
	}
	out, err := alloc(len(b))
	if err != nil {
		return nil, err
	}
	if len(out) != len(b) {
		return nil, errcode.New("mmx", errcode.ErrInternal, "allocator gave %d bytes for %d", len(out), len(b))
	}
	copy(out, b)
	return out, nil
}

// ReadChunk returns name's payload bytes (decompressed, checksum checked),
// its own copy.
func (f *File) ReadChunk(name string) (Entry, []byte, error) {
	if err := f.pin(); err != nil { // the copy of a view is made before Close may unmap
		return Entry{}, nil, err
	}
	defer f.unpin()
	e, b, view, err := f.payload(name, "")
	if err != nil {
		return Entry{}, nil, err
	}
	if view {
		b = bytes.Clone(b)
	}
	return *e, b, nil
}

// ReadChunkInto is ReadChunk into memory the caller provides: alloc is
// called at most once, with the payload's size, after that size has been
// checked against the chunk's stored bytes and the limits, and the payload
// is decompressed (or read, for a raw chunk) straight into it, so a large
// chunk is never held twice. It is not called for an empty payload (the
// result is then nil). On an error after alloc returned, the memory holds
// nothing useful and is the caller's to free.
func (f *File) ReadChunkInto(name string, alloc Alloc) (Entry, []byte, error) {
	if alloc == nil {
		return Entry{}, nil, errcode.New("mmx", errcode.ErrBadArg, "nil Alloc")
	}
	e, b, _, err := f.payloadInto(name, "", alloc, false)
	if err == nil && e.morphnet {
		b, err = into(alloc, b)
	}
	if err != nil {
		return Entry{}, nil, err
	}
	return *e, b, nil
}

// ReadChunkTo is ReadChunk into dst, memory the caller owns and may reuse
// from read to read: the payload is decompressed straight into dst (LZ4,
// zstd, zlib) or copied into it from the mapping or the file (a raw chunk),
// with no buffer of its own in between, and n is its length (dst[:n] holds
// it). The checksum is checked, as the file's Verify says, before it
// returns. A dst shorter than the payload is a [ShortBufferError] (an
// [errcode.ErrLimit]) naming the size needed, the entry's UncompressedSize,
// found before the chunk is hashed or decoded (a MorphNet chunk, whose size
// is its decoded form's, after it is decoded). On any error dst holds
// nothing useful.
func (f *File) ReadChunkTo(name string, dst []byte) (e Entry, n int, err error) {
	ent, b, err := f.readTo(name, "", dst)
	if err != nil {
		return Entry{}, 0, err
	}
	return *ent, len(b), nil
}

// ReadTensorTo reads a Tensor or Embedding chunk's elements into dst, as
// ReadChunkTo does, and returns the tensor with Data = dst[:n] (nil when it
// has no elements). Another chunk type is [errcode.ErrBadArg].
func (f *File) ReadTensorTo(name string, dst []byte) (*Tensor, error) {
	e, err := f.Entry(name)
	if err != nil {
		return nil, err
	}
	if e.ChunkType != TypeTensor && e.ChunkType != TypeEmbedding {
		return nil, badType(name, e.ChunkType, TypeTensor)
	}
	_, t, _, err := f.readArrayInto(name, e.ChunkType, true, toBuffer(name, dst))
	return t, err
}

// readTo reads name's payload (of type want, "" for any) into dst.
func (f *File) readTo(name string, want ChunkType, dst []byte) (*Entry, []byte, error) {
	e, b, _, err := f.payloadInto(name, want, toBuffer(name, dst), false)
	if err == nil && e.morphnet {
		b, err = into(toBuffer(name, dst), b)
	}
	if err != nil {
		return nil, nil, err
	}
	return e, b, nil
}

// ShortBufferError is the error of ReadChunkTo and ReadTensorTo when the
// caller's buffer is shorter than the payload: Need bytes, of which the
// buffer has Have. It is an [errcode.ErrLimit].
type ShortBufferError struct {
	Chunk      string
	Need, Have int
}

func (e *ShortBufferError) Error() string {
	return "mmx: chunk " + strconv.Quote(e.Chunk) + " needs a buffer of " + strconv.Itoa(e.Need) +
		" bytes, got " + strconv.Itoa(e.Have)
}

// Unwrap makes it an errcode.ErrLimit.
func (e *ShortBufferError) Unwrap() error { return errcode.ErrLimit }

// toBuffer is an Alloc that hands out dst[:n], or a ShortBufferError when
// dst is shorter than n.
func toBuffer(name string, dst []byte) Alloc {
	return func(n int) ([]byte, error) {
		if n > len(dst) {
			return nil, &ShortBufferError{Chunk: name, Need: n, Have: len(dst)}
		}
		return dst[:n:n], nil
	}
}

func (f *File) readArray(name string, want ChunkType, copyOut bool) (*Entry, *Tensor, bool, error) {
	return f.readArrayInto(name, want, copyOut, nil)
}

// readArrayInto reads an array chunk; the data is a view when copyOut is
// false and it can be, else in memory from alloc (nil: the heap).
func (f *File) readArrayInto(name string, want ChunkType, copyOut bool, alloc Alloc) (*Entry, *Tensor, bool, error) {
	if err := f.pin(); err != nil { // the copy of a view is made before Close may unmap
		return nil, nil, false, err
	}
	defer f.unpin()
	e, b, view, err := f.payloadInto(name, want, alloc, !copyOut)
	if err != nil {
		return nil, nil, false, err
	}
	if e.morphnet {
		t, err := morphnetTensor(e, b, &f.lim)
		if err == nil && alloc != nil {
			t.Data, err = into(alloc, t.Data)
		}
		return e, t, false, err
	}
	if view && copyOut {
		b, view = bytes.Clone(b), false
	}
	return e, &Tensor{DType: *e.DType, Shape: slices.Clone(e.Shape), Data: b}, view, nil
}

// ReadTensor returns the tensor stored under name, with its own copy of the data.
func (f *File) ReadTensor(name string) (*Tensor, error) {
	_, t, _, err := f.readArray(name, TypeTensor, true)
	return t, err
}

// TensorView returns the tensor without copying when the chunk is raw and
// the file is memory-mapped (read-only opens of a path, OpenBytes): Data is
// then the mapping itself, valid until Close and never to be modified.
// Otherwise it returns a copy. view says which.
func (f *File) TensorView(name string) (t *Tensor, view bool, err error) {
	_, t, view, err = f.readArray(name, TypeTensor, false)
	return t, view, err
}

// ReadTensorRows returns rows [start, end) along the first axis. For a raw
// chunk only those rows are read (without the checksum, which covers the
// whole chunk: use Verify); a compressed chunk is decompressed and checked
// in full, then sliced. view is as for TensorView.
func (f *File) ReadTensorRows(name string, start, end uint64) (t *Tensor, view bool, err error) {
	f.mu.RLock()
	e, err := f.lookupLocked(name)
	closed := f.checkOpen()
	f.mu.RUnlock()
	if closed != nil {
		return nil, false, closed
	}
	if err != nil {
		return nil, false, err
	}
	if e.ChunkType != TypeTensor && e.ChunkType != TypeEmbedding {
		return nil, false, badType(name, e.ChunkType, TypeTensor)
	}
	if e.morphnet || len(e.Shape) == 0 {
		return nil, false, errcode.New("mmx", errcode.ErrBadArg, "chunk %q has no rows to slice", name)
	}
	if start > end || end > e.Shape[0] {
		return nil, false, errcode.New("mmx", errcode.ErrBadArg, "rows [%d, %d) of %d", start, end, e.Shape[0])
	}
	rowBytes, _ := numBytes(*e.DType, e.Shape[1:])
	shape := append([]uint64{end - start}, e.Shape[1:]...)
	if e.codec() == codec.None {
		b, view, err := f.stored(e, start*rowBytes, (end-start)*rowBytes)
		if err != nil {
			return nil, false, err
		}
		return &Tensor{DType: *e.DType, Shape: shape, Data: b}, view, nil
	}
	_, b, _, err := f.payload(name, e.ChunkType)
	if err != nil {
		return nil, false, err
	}
	return &Tensor{DType: *e.DType, Shape: shape, Data: b[start*rowBytes : end*rowBytes]}, false, nil
}

// ReadEmbedding returns the embedding stored under name.
func (f *File) ReadEmbedding(name string) (*Embedding, error) {
	if e, err := f.Entry(name); err == nil && e.morphnet {
		return morphnetEmbedding(f, &e)
	}
	e, t, _, err := f.readArray(name, TypeEmbedding, true)
	if err != nil {
		return nil, err
	}
	em := &Embedding{Tensor: *t}
	if em.Method, em.Labels, err = embeddingAttrs(e); err != nil {
		return nil, err
	}
	return em, nil
}

// embeddingAttrs returns an Embedding entry's method and labels, checked:
// method absent or a string, labels absent (or null) or an array of
// strings with one per row (the first dimension).
func embeddingAttrs(e *Entry) (method string, labels []string, err error) {
	bad := func(format string, args ...any) error {
		return errcode.New("mmx", errcode.ErrFormat, "chunk %q: "+format, append([]any{e.Name}, args...)...)
	}
	if m, ok := e.Attributes["method"]; ok {
		if method, ok = m.(string); !ok {
			return "", nil, bad("attributes.method is %T, not a string", m)
		}
	}
	switch ls := e.Attributes["labels"].(type) {
	case nil:
	case []string: // written in this session
		labels = slices.Clone(ls)
	case []any: // decoded from the directory
		labels = make([]string, len(ls))
		for i, l := range ls {
			s, ok := l.(string)
			if !ok {
				return "", nil, bad("label %d is %T, not a string", i, l)
			}
			labels[i] = s
		}
	default:
		return "", nil, bad("attributes.labels is %T, not an array of strings", ls)
	}
	if labels != nil && (len(e.Shape) == 0 || uint64(len(labels)) != e.Shape[0]) {
		return "", nil, bad("%d labels for shape %v (one per row)", len(labels), e.Shape)
	}
	return method, labels, nil
}

// ReadMesh returns the mesh stored under name.
func (f *File) ReadMesh(name string) (*Mesh, error) {
	e, b, _, err := f.payload(name, TypeMesh)
	if err != nil {
		return nil, err
	}
	if e.morphnet {
		return morphnetMesh(b, &f.lim)
	}
	return decodeMesh(b, &f.lim)
}

// ReadSequence returns the sequence stored under name.
func (f *File) ReadSequence(name string) (*Sequence, error) {
	e, b, _, err := f.payload(name, TypeSequence)
	if err != nil {
		return nil, err
	}
	if e.morphnet {
		return morphnetSequence(b, &f.lim)
	}
	var s Sequence
	return &s, decodeJSONPayload(b, &s, &f.lim)
}

// ReadText returns the text stored under name.
func (f *File) ReadText(name string) (*Text, error) {
	e, b, _, err := f.payload(name, TypeText)
	if err != nil {
		return nil, err
	}
	if e.morphnet {
		return morphnetText(b, &f.lim)
	}
	var t Text
	return &t, decodeJSONPayload(b, &t, &f.lim)
}

// ReadMeta returns the Meta chunk stored under name.
func (f *File) ReadMeta(name string) (*Meta, error) {
	e, b, _, err := f.payload(name, TypeMeta)
	if err != nil {
		return nil, err
	}
	if e.morphnet {
		return morphnetMeta(b, &f.lim)
	}
	var m Meta
	return &m, decodeJSONPayload(b, &m, &f.lim)
}

// Float32s returns the elements of a float32 tensor (a copy).
func (t *Tensor) Float32s() ([]float32, error) {
	if t.DType != Float32 {
		return nil, errcode.New("mmx", errcode.ErrBadArg, "tensor is %s, not float32", t.DType)
	}
	out := make([]float32, len(t.Data)/4)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
	}
	return out, nil
}

// Float32Tensor makes a float32 tensor from values (row-major) and a shape.
func Float32Tensor(shape []uint64, values []float32) *Tensor {
	b := make([]byte, 0, 4*len(values))
	for _, v := range values {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return &Tensor{DType: Float32, Shape: shape, Data: b}
}

var _ = json.Marshal
