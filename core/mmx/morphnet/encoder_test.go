package morphnet

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"testing"

	"github.com/pierrec/lz4/v4"
)

// This file is a test-only MorphNet writer: a tiny bincode encoder and a
// file builder that lays bytes out the way MorphNet's MMXFile does. It
// produces the vectors in core/testdata/mmx/morphnet.

// bw appends bincode 1.x values.
type bw struct{ b []byte }

func (w *bw) u8(v uint8)    { w.b = append(w.b, v) }
func (w *bw) u32(v uint32)  { w.b = binary.LittleEndian.AppendUint32(w.b, v) }
func (w *bw) u64(v uint64)  { w.b = binary.LittleEndian.AppendUint64(w.b, v) }
func (w *bw) f32(v float32) { w.u32(math.Float32bits(v)) }
func (w *bw) str(s string)  { w.u64(uint64(len(s))); w.b = append(w.b, s...) }

// opt writes an option tag and reports whether the value follows.
func (w *bw) opt(some bool) bool {
	if some {
		w.u8(1)
	} else {
		w.u8(0)
	}
	return some
}

func (w *bw) optStr(s *string) {
	if w.opt(s != nil) {
		w.str(*s)
	}
}

func (w *bw) optF32(v *float32) {
	if w.opt(v != nil) {
		w.f32(*v)
	}
}

func (w *bw) u64s(v []uint64) {
	w.u64(uint64(len(v)))
	for _, x := range v {
		w.u64(x)
	}
}

func (w *bw) f32s(v []float32) {
	w.u64(uint64(len(v)))
	for _, x := range v {
		w.f32(x)
	}
}

func (w *bw) strs(v []string) {
	w.u64(uint64(len(v)))
	for _, s := range v {
		w.str(s)
	}
}

// strMap writes a map in sorted key order (MorphNet's HashMap order is
// arbitrary; sorting keeps the vectors reproducible).
func (w *bw) strMap(m map[string]string) {
	w.u64(uint64(len(m)))
	for _, k := range slices.Sorted(mapKeys(m)) {
		w.str(k)
		w.str(m[k])
	}
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func encTensor(shape []uint64, data []float32) []byte {
	var w bw
	w.u64s(shape)
	w.f32s(data)
	return w.b
}

func encText(t Text) []byte {
	var w bw
	w.str(t.Content)
	w.str(t.Encoding)
	w.optStr(t.Language)
	if w.opt(t.HasTokens) {
		w.u64(uint64(len(t.Tokens)))
		for _, x := range t.Tokens {
			w.u32(x)
		}
	}
	return w.b
}

func encSequence(s Sequence) []byte {
	var w bw
	w.strs(s.Frames)
	w.optF32(s.FPS)
	w.optF32(s.Duration)
	w.strMap(s.Metadata)
	return w.b
}

func encMesh(m Mesh) []byte {
	var w bw
	w.u64(uint64(len(m.Vertices)))
	for _, p := range m.Vertices {
		w.f32(p[0])
		w.f32(p[1])
		w.f32(p[2])
	}
	w.u64(uint64(len(m.Faces)))
	for _, f := range m.Faces {
		w.u32(f[0])
		w.u32(f[1])
		w.u32(f[2])
	}
	if w.opt(m.HasNormals) {
		w.u64(uint64(len(m.Normals)))
		for _, p := range m.Normals {
			w.f32(p[0])
			w.f32(p[1])
			w.f32(p[2])
		}
	}
	if w.opt(m.HasUVs) {
		w.u64(uint64(len(m.UVs)))
		for _, p := range m.UVs {
			w.f32(p[0])
			w.f32(p[1])
		}
	}
	if w.opt(m.HasMaterials) {
		w.strMap(m.Materials)
	}
	return w.b
}

func encEmbedding(e Embedding) []byte {
	var w bw
	w.u64s(e.Shape)
	w.f32s(e.Data)
	w.str(e.Method)
	if w.opt(e.HasLabels) {
		w.strs(e.Labels)
	}
	return w.b
}

// encMeta writes MetaData with an empty data map; env adds the timestamp
// and version strings, as MorphNet's write_metadata does.
func encMeta(m Meta) []byte {
	var w bw
	w.u64(0)
	if m.HasEnvelope {
		w.str(m.Timestamp)
		w.str(m.Version)
	}
	return w.b
}

// encEntry writes one ChunkEntry (without its map key).
func encEntry(e *Entry) []byte {
	var w bw
	w.str(e.Name)
	w.u32(uint32(e.Type))
	w.u64(e.Offset)
	w.u64(e.Size)
	w.u32(uint32(e.Compression))
	if w.opt(e.HasShape) {
		w.u64s(e.Shape)
	}
	w.optStr(e.Dtype)
	w.optStr(e.LogicalRegion)
	if w.opt(e.Checksum != nil) {
		w.b = append(w.b, e.Checksum[:]...)
	}
	return w.b
}

// encDirectory writes the ChunkDirectory map in the given order.
func encDirectory(es []Entry) []byte {
	var w bw
	w.u64(uint64(len(es)))
	for i := range es {
		w.str(es[i].Key)
		w.b = append(w.b, encEntry(&es[i])...)
	}
	return w.b
}

// lz4Block compresses p the way lz4_flex's compress_prepend_size frames it:
// u32 LE uncompressed length, then one LZ4 block.
func lz4Block(tb testing.TB, p []byte) []byte {
	dst := make([]byte, lz4.CompressBlockBound(len(p)))
	n, err := lz4.CompressBlock(p, dst, nil)
	if err != nil || n == 0 {
		tb.Fatalf("lz4: %d %v", n, err)
	}
	return append(binary.LittleEndian.AppendUint32(nil, uint32(len(p))), dst[:n]...)
}

func zlibStream(tb testing.TB, p []byte) []byte {
	var buf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&buf, 6)
	if _, err := zw.Write(p); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func compress(tb testing.TB, c Compression, p []byte) []byte {
	switch c {
	case CompressionNone:
		return slices.Clone(p)
	case CompressionLz4:
		return lz4Block(tb, p)
	case CompressionZlib:
		return zlibStream(tb, p)
	}
	tb.Fatalf("compression %d", c)
	return nil
}

// decompress inverts compress, bounded by max bytes of output.
func decompress(c Compression, stored []byte, max int64) ([]byte, error) {
	switch c {
	case CompressionNone:
		return stored, nil
	case CompressionLz4:
		if len(stored) < 4 {
			return nil, fmt.Errorf("lz4: %d bytes", len(stored))
		}
		n := int64(binary.LittleEndian.Uint32(stored))
		if n > max {
			return nil, fmt.Errorf("lz4: %d bytes declared", n)
		}
		out := make([]byte, n)
		k, err := lz4.UncompressBlock(stored[4:], out)
		if err != nil || int64(k) != n {
			return nil, fmt.Errorf("lz4: %d of %d: %v", k, n, err)
		}
		return out, nil
	case CompressionZlib:
		zr, err := zlib.NewReader(bytes.NewReader(stored))
		if err != nil {
			return nil, err
		}
		out, err := io.ReadAll(io.LimitReader(zr, max+1))
		if err != nil {
			return nil, err
		}
		if int64(len(out)) > max {
			return nil, fmt.Errorf("zlib: more than %d bytes", max)
		}
		return out, nil
	}
	return nil, fmt.Errorf("compression %d", c)
}

// write is one MMXFile write_chunk call.
type write struct {
	key     string
	typ     ChunkType
	comp    Compression
	payload []byte
	// Fields MorphNet never sets; polyfmt-made vectors use them to cover
	// the whole entry.
	shape         []uint64
	hasShape      bool
	dtype, region *string
	noChecksum    bool
}

// build lays out a file as MorphNet does: header (rewritten at close with
// total_chunks and file_size), chunk bytes appended in write order, then
// the directory and its length. A later write to the same key replaces the
// entry and leaves the old bytes in place. order, when not nil, gives the
// directory's key order (MorphNet's is its HashMap's).
func build(tb testing.TB, writes []write, order []string) []byte {
	body := []byte{}
	entries := map[string]Entry{}
	var keys []string
	for _, wr := range writes {
		stored := compress(tb, wr.comp, wr.payload)
		e := Entry{Key: wr.key, Name: wr.key, Type: wr.typ, Offset: uint64(HeaderSize + len(body)),
			Size: uint64(len(stored)), Compression: wr.comp, Shape: wr.shape, HasShape: wr.hasShape,
			Dtype: wr.dtype, LogicalRegion: wr.region}
		if !wr.noChecksum {
			sum := sha256.Sum256(stored)
			e.Checksum = &sum
		}
		if _, ok := entries[wr.key]; !ok {
			keys = append(keys, wr.key)
		}
		entries[wr.key] = e
		body = append(body, stored...)
	}
	if order != nil {
		keys = order
	}
	es := make([]Entry, 0, len(keys))
	for _, k := range keys {
		es = append(es, entries[k])
	}
	dir := encDirectory(es)
	size := HeaderSize + len(body) + len(dir) + TrailerSize
	js := fmt.Sprintf(`{"version":1,"file_id":"baf0db68-7ae2-4fd7-8991-01cce14b9d7b","created":"2025-06-05T12:34:56.123456789Z","creator":"polyfmt-testdata","model_uuid":null,"modality_summary":{},"total_chunks":%d,"file_size":%d}`, len(writes), size)
	return assemble(js, body, dir)
}

// assemble concatenates header (magic, version, json_len, JSON, zero
// padding), chunk bytes, directory and trailer.
func assemble(js string, body, dir []byte) []byte {
	f := make([]byte, HeaderSize, HeaderSize+len(body)+len(dir)+TrailerSize)
	copy(f, Magic)
	binary.LittleEndian.PutUint32(f[4:], Version)
	binary.LittleEndian.PutUint32(f[8:], uint32(len(js)))
	copy(f[fixedHeader:], js)
	f = append(f, body...)
	f = append(f, dir...)
	return binary.LittleEndian.AppendUint64(f, uint64(len(dir)))
}
