package morphnet

import (
	"encoding/binary"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// payloadCase is one encoded payload and what DecodeX makes of it.
type payloadCase struct {
	name string
	typ  ChunkType
	b    []byte
	lim  *Limits
	want any   // decoded value when kind is nil
	kind error // expected error kind
}

func cat(parts ...[]byte) []byte { return slices.Concat(parts...) }

func u64b(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
func u32b(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func strb(s string) []byte { return cat(u64b(uint64(len(s))), []byte(s)) }

func payloadCases() []payloadCase {
	tv := func(s []uint64, d []float32) tensorValue { return tensorValue{s, d} }
	nan := math.Float32frombits(0x7fc00001)
	return []payloadCase{
		// Tensor
		{"tensor reference", ChunkTensor, mustHex(refTensorHex), nil, tv(tensorShape, tensorData), nil},
		{"tensor scalar", ChunkTensor, cat(u64b(0), u64b(1), u32b(0x3f800000)), nil, tv([]uint64{}, []float32{1}), nil},
		{"tensor zero dim", ChunkTensor, encTensor([]uint64{4, 0, 1 << 40}, nil), nil, tv([]uint64{4, 0, 1 << 40}, []float32{}), nil},
		{"tensor NaN payload kept", ChunkTensor, encTensor([]uint64{1}, []float32{nan}), nil, nil, nil},
		{"tensor scalar without value", ChunkTensor, cat(u64b(0), u64b(0)), nil, nil, errcode.ErrFormat},
		{"tensor count mismatch", ChunkTensor, encTensor([]uint64{2, 3}, tensorData[:5]), nil, nil, errcode.ErrFormat},
		{"tensor shape overflows", ChunkTensor, encTensor([]uint64{1 << 32, 1 << 32}, nil), nil, nil, errcode.ErrFormat},
		{"tensor shape past isize", ChunkTensor, encTensor([]uint64{1 << 62, 2, 0}, nil), nil, nil, errcode.ErrFormat},
		{"tensor ndim huge", ChunkTensor, cat(u64b(^uint64(0)), u64b(0)), nil, nil, errcode.ErrFormat},
		{"tensor n huge", ChunkTensor, cat(u64b(1), u64b(1<<62), u64b(1<<62)), nil, nil, errcode.ErrFormat},
		{"tensor MaxDims", ChunkTensor, encTensor([]uint64{1, 1, 1}, []float32{1}), &Limits{MaxDims: 2}, nil, errcode.ErrLimit},
		{"tensor MaxPayloadBytes", ChunkTensor, mustHex(refTensorHex), &Limits{MaxPayloadBytes: 55}, nil, errcode.ErrLimit},
		{"tensor trailing byte", ChunkTensor, cat(mustHex(refTensorHex), []byte{0}), nil, nil, errcode.ErrFormat},
		{"tensor empty", ChunkTensor, nil, nil, nil, errcode.ErrFormat},

		// Text
		{"text full", ChunkText, encText(textFull), nil, textFull, nil},
		{"text bare", ChunkText, encText(textBare), nil, textBare, nil},
		{"text empty tokens", ChunkText, cat(strb("x"), strb("utf-8"), []byte{0, 1}, u64b(0)), nil,
			Text{Content: "x", Encoding: "utf-8", Tokens: []uint32{}, HasTokens: true}, nil},
		{"text content not UTF-8", ChunkText, cat(strb("\xff"), strb("utf-8"), []byte{0, 0}), nil, nil, errcode.ErrFormat},
		{"text language tag 2", ChunkText, cat(strb(""), strb(""), []byte{2, 0}), nil, nil, errcode.ErrFormat},
		{"text tokens count huge", ChunkText, cat(strb(""), strb(""), []byte{0, 1}, u64b(^uint64(0))), nil, nil, errcode.ErrFormat},
		{"text content length huge", ChunkText, cat(u64b(^uint64(0)), strb("")), nil, nil, errcode.ErrFormat},
		{"text trailing byte", ChunkText, cat(encText(textBare), []byte{0}), nil, nil, errcode.ErrFormat},

		// Sequence
		{"sequence", ChunkSequence, encSequence(seq), nil, seq, nil},
		{"sequence minimal", ChunkSequence, cat(u64b(0), []byte{0, 0}, u64b(0)), nil,
			Sequence{Frames: []string{}, Metadata: map[string]string{}}, nil},
		{"sequence duration only", ChunkSequence, cat(u64b(0), []byte{0, 1}, u32b(0x40000000), u64b(0)), nil,
			Sequence{Frames: []string{}, Duration: ptr(float32(2)), Metadata: map[string]string{}}, nil},
		{"sequence duplicate metadata key", ChunkSequence, cat(u64b(0), []byte{0, 0}, u64b(2), strb("k"), strb("1"), strb("k"), strb("2")), nil, nil, errcode.ErrFormat},
		{"sequence frame too long", ChunkSequence, encSequence(seq), &Limits{MaxNameLen: 11}, nil, errcode.ErrLimit},
		{"sequence frames count huge", ChunkSequence, cat(u64b(1<<61), []byte{0, 0}, u64b(0)), nil, nil, errcode.ErrFormat},
		{"sequence metadata count huge", ChunkSequence, cat(u64b(0), []byte{0, 0}, u64b(^uint64(0))), nil, nil, errcode.ErrFormat},
		{"sequence fps cut", ChunkSequence, cat(u64b(0), []byte{1, 0, 0}), nil, nil, errcode.ErrFormat},

		// Mesh
		{"mesh full", ChunkMesh, encMesh(meshFull), nil, meshFull, nil},
		{"mesh bare", ChunkMesh, encMesh(meshBare), nil, meshBare, nil},
		{"mesh empty", ChunkMesh, cat(u64b(0), u64b(0), []byte{0, 0, 0}), nil, Mesh{Vertices: [][3]float32{}, Faces: [][3]uint32{}}, nil},
		{"mesh empty materials", ChunkMesh, cat(u64b(0), u64b(0), []byte{0, 0, 1}, u64b(0)), nil,
			Mesh{Vertices: [][3]float32{}, Faces: [][3]uint32{}, Materials: map[string]string{}, HasMaterials: true}, nil},
		{"mesh vertices count huge", ChunkMesh, cat(u64b(^uint64(0)/12+1), u64b(0), []byte{0, 0, 0}), nil, nil, errcode.ErrFormat},
		{"mesh vertex cut", ChunkMesh, cat(u64b(1), make([]byte, 11)), nil, nil, errcode.ErrFormat},
		{"mesh uvs tag 255", ChunkMesh, cat(u64b(0), u64b(0), []byte{0, 255, 0}), nil, nil, errcode.ErrFormat},
		{"mesh trailing byte", ChunkMesh, cat(encMesh(meshBare), []byte{0}), nil, nil, errcode.ErrFormat},

		// Embedding
		{"embedding", ChunkEmbedding, encEmbedding(emb), nil, emb, nil},
		{"embedding no labels", ChunkEmbedding, encEmbedding(Embedding{Shape: []uint64{1, 1}, Data: []float32{7}, Method: "UMAP"}), nil,
			Embedding{Shape: []uint64{1, 1}, Data: []float32{7}, Method: "UMAP"}, nil},
		{"embedding mismatch", ChunkEmbedding, encEmbedding(Embedding{Shape: []uint64{2, 2}, Data: []float32{7}, Method: "PCA"}), nil, nil, errcode.ErrFormat},
		{"embedding MaxDims", ChunkEmbedding, encEmbedding(emb), &Limits{MaxDims: 1}, nil, errcode.ErrLimit},
		{"embedding label not UTF-8", ChunkEmbedding, encEmbedding(Embedding{Shape: []uint64{0}, Method: "x", Labels: []string{"\xc3("}, HasLabels: true}), nil, nil, errcode.ErrFormat},

		// Meta
		{"meta bare map", ChunkMeta, u64b(0), nil, Meta{Data: map[string]any{}}, nil},
		{"meta MorphNet struct", ChunkMeta, encMeta(metaEnv), nil, metaEnv, nil},
		{"meta non-empty", ChunkMeta, cat(u64b(1), strb("k"), u64b(1)), nil, nil, errcode.ErrUnsupported},
		{"meta non-empty with null value", ChunkMeta, cat(u64b(1), strb("k")), nil, nil, errcode.ErrUnsupported},
		{"meta count huge", ChunkMeta, u64b(^uint64(0)), nil, nil, errcode.ErrFormat},
		{"meta timestamp only", ChunkMeta, cat(u64b(0), strb("2025-06-05T12:34:56Z")), nil, nil, errcode.ErrFormat},
		{"meta trailing after envelope", ChunkMeta, cat(encMeta(metaEnv), []byte{0}), nil, nil, errcode.ErrFormat},
		{"meta short", ChunkMeta, []byte{0, 0, 0}, nil, nil, errcode.ErrFormat},
	}
}

func TestDecodePayloads(t *testing.T) {
	for _, c := range payloadCases() {
		t.Run(c.name, func(t *testing.T) {
			got, err := decodeAny(c.typ, c.b, c.lim)
			if !sameKind(err, c.kind) {
				t.Fatalf("got %v, want kind %v", err, c.kind)
			}
			if err != nil {
				var e *errcode.Error
				if !errors.As(err, &e) || e.Offset < 0 || e.Offset > int64(len(c.b)) {
					t.Fatalf("error %v has no offset within the payload", err)
				}
				return
			}
			if c.want != nil && !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %#v\nwant %#v", got, c.want)
			}
			// Re-encoding gives the same bytes (maps are written sorted, and
			// these cases hold at most sorted maps).
			if re := encodeAny(t, got); !slices.Equal(re, c.b) {
				t.Fatalf("re-encoded %x\nwant       %x", re, c.b)
			}
		})
	}
}

func TestDecodeMetaMap(t *testing.T) {
	m, err := DecodeMeta(encMeta(metaEnv), nil)
	if err != nil || m == nil || len(m) != 0 {
		t.Fatalf("%v %v", m, err)
	}
	if m, err := DecodeMeta(cat(u64b(2), strb("a"), strb("b")), nil); m != nil || !errors.Is(err, errcode.ErrUnsupported) {
		t.Fatalf("%v %v", m, err)
	}
}

// encodeAny re-encodes a decoded value with the test writer.
func encodeAny(tb testing.TB, v any) []byte {
	switch v := v.(type) {
	case tensorValue:
		return encTensor(v.Shape, v.Data)
	case Text:
		return encText(v)
	case Sequence:
		return encSequence(v)
	case Mesh:
		return encMesh(v)
	case Embedding:
		return encEmbedding(v)
	case Meta:
		return encMeta(v)
	}
	tb.Fatalf("encodeAny(%T)", v)
	return nil
}

// TestPayloadTruncation: every proper prefix of every valid payload fails,
// except the one prefix that is itself a whole value: the bare empty map
// at the start of a Meta payload with its envelope.
func TestPayloadTruncation(t *testing.T) {
	for _, c := range payloadCases() {
		if c.kind != nil {
			continue
		}
		for n := range len(c.b) {
			_, err := decodeAny(c.typ, c.b[:n], c.lim)
			if c.typ == ChunkMeta && n == 8 {
				if err != nil {
					t.Errorf("%s: bare map prefix: %v", c.name, err)
				}
				continue
			}
			if !errors.Is(err, errcode.ErrFormat) {
				t.Fatalf("%s cut to %d bytes: %v", c.name, n, err)
			}
		}
	}
}

// TestPayloadMutation flips every byte of every payload case under every
// decoder: nothing panics and every error is classified.
func TestPayloadMutation(t *testing.T) {
	for _, c := range payloadCases() {
		for i := range c.b {
			for _, x := range []byte{0xff, 0x80, 0x01} {
				b := slices.Clone(c.b)
				b[i] ^= x
				for typ := range ChunkType(numChunkTypes - 1) {
					if _, err := decodeAny(typ, b, nil); err != nil && errcode.Of(err) == errcode.Internal {
						t.Fatalf("%s byte %d ^%#x as %v: unclassified %v", c.name, i, x, typ, err)
					}
				}
			}
		}
	}
}

// TestPayloadHugeLengths writes 2^64-1 and 2^63 into every 8-byte-aligned
// u64 of every valid payload: decoding must fail or succeed without
// allocating for the declared size.
func TestPayloadHugeLengths(t *testing.T) {
	for _, c := range payloadCases() {
		if c.kind != nil {
			continue
		}
		for at := 0; at+8 <= len(c.b); at++ {
			for _, v := range []uint64{^uint64(0), 1 << 63, 1 << 34} {
				b := slices.Clone(c.b)
				binary.LittleEndian.PutUint64(b[at:], v)
				if n := allocBytes(func() { _, _ = decodeAny(c.typ, b, nil) }); n > 1<<16 {
					t.Fatalf("%s: %#x at %d allocated %d bytes", c.name, v, at, n)
				}
			}
		}
	}
}
