package morphnet

import (
	"math"
	"math/bits"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// The payload decoders take a chunk's bytes after decompression. Each
// payload must be exactly one bincode value: trailing bytes are ErrFormat.
// Payloads longer than Limits.MaxPayloadBytes are ErrLimit.

// Text is MorphNet's TextData.
type Text struct {
	Content   string
	Encoding  string   // free text, "utf-8" in practice
	Language  *string  // nil for None
	Tokens    []uint32 // nil when HasTokens is false
	HasTokens bool
}

// Sequence is MorphNet's SequenceData.
type Sequence struct {
	Frames   []string // keys of other chunks
	FPS      *float32 // nil for None
	Duration *float32 // nil for None
	Metadata map[string]string
}

// Mesh is MorphNet's MeshData. Vertices and normals are nalgebra points
// and vectors, serialized as three f32 with no length prefix.
type Mesh struct {
	Vertices     [][3]float32
	Faces        [][3]uint32
	Normals      [][3]float32 // nil when HasNormals is false
	HasNormals   bool
	UVs          [][2]float32 // nil when HasUVs is false
	HasUVs       bool
	Materials    map[string]string // nil when HasMaterials is false
	HasMaterials bool
}

// Embedding is the tuple MorphNet writes for an embedding: the
// matrix's shape and row-major data, the method name and optional labels.
type Embedding struct {
	Shape     []uint64
	Data      []float32
	Method    string
	Labels    []string // nil when HasLabels is false
	HasLabels bool
}

// Meta is MorphNet's MetaData struct as write_metadata stores it:
// data (a map of untagged JSON values), then timestamp and version strings.
type Meta struct {
	Data map[string]any
	// HasEnvelope reports that the timestamp and version strings followed
	// the map; a payload holding only the map leaves it false.
	HasEnvelope bool
	Timestamp   string // RFC 3339, as chrono writes it
	Version     string // the MorphNet crate version that wrote it
}

func payloadDec(b []byte, lim *Limits, what string) (*dec, Limits, error) {
	l := lim.orDefault()
	d := &dec{b: b, what: what}
	if int64(len(b)) > l.MaxPayloadBytes {
		return nil, l, d.errf(errcode.ErrLimit, "%d bytes exceed the limit of %d", len(b), l.MaxPayloadBytes)
	}
	return d, l, nil
}

// elements returns the element count of shape, the way ndarray checks it:
// the product of the non-zero dimensions must fit an isize (int64) on its
// own, and the count is 0 if any dimension is 0. ok is false on overflow.
func elements(shape []uint64) (n uint64, ok bool) {
	n, zero := 1, false
	for _, s := range shape {
		if s == 0 {
			zero = true
			continue
		}
		hi, lo := bits.Mul64(n, s)
		if hi != 0 || lo > math.MaxInt64 {
			return 0, false
		}
		n = lo
	}
	if zero {
		return 0, true
	}
	return n, true
}

// DecodeTensor decodes a tensor payload: u64 ndim, ndim u64 dimensions, u64
// n, then n f32 (row-major). n must equal the product of the dimensions.
// MorphNet writes only float32 tensors.
func DecodeTensor(b []byte, lim *Limits) (shape []uint64, data []float32, err error) {
	d, l, err := payloadDec(b, lim, "tensor payload")
	if err != nil {
		return nil, nil, err
	}
	if shape, err = d.u64s("shape", l.MaxDims); err != nil {
		return nil, nil, err
	}
	at := d.pos
	if data, err = d.f32s("data"); err != nil {
		return nil, nil, err
	}
	if want, ok := elements(shape); !ok || want != uint64(len(data)) {
		d.pos = at
		return nil, nil, d.errf(errcode.ErrFormat, "shape %v does not hold %d elements", shape, len(data))
	}
	return shape, data, d.end()
}

// DecodeText decodes a Text payload.
func DecodeText(b []byte, lim *Limits) (Text, error) {
	var t Text
	d, _, err := payloadDec(b, lim, "text payload")
	if err != nil {
		return t, err
	}
	if t.Content, err = d.str("content", 0); err != nil {
		return Text{}, err
	}
	if t.Encoding, err = d.str("encoding", 0); err != nil {
		return Text{}, err
	}
	if t.Language, err = d.optString("language", 0); err != nil {
		return Text{}, err
	}
	if t.HasTokens, err = d.option("tokens"); err != nil {
		return Text{}, err
	}
	if t.HasTokens {
		if t.Tokens, err = d.u32s("tokens"); err != nil {
			return Text{}, err
		}
	}
	if err := d.end(); err != nil {
		return Text{}, err
	}
	return t, nil
}

// DecodeSequence decodes a Sequence payload. Frame names are bounded by
// Limits.MaxNameLen, like the directory keys they refer to.
func DecodeSequence(b []byte, lim *Limits) (Sequence, error) {
	var s Sequence
	d, l, err := payloadDec(b, lim, "sequence payload")
	if err != nil {
		return s, err
	}
	if s.Frames, err = d.strs("frames", l.MaxNameLen); err != nil {
		return Sequence{}, err
	}
	if s.FPS, err = d.optF32("fps"); err != nil {
		return Sequence{}, err
	}
	if s.Duration, err = d.optF32("duration"); err != nil {
		return Sequence{}, err
	}
	if s.Metadata, err = d.strMap("metadata"); err != nil {
		return Sequence{}, err
	}
	if err := d.end(); err != nil {
		return Sequence{}, err
	}
	return s, nil
}

// DecodeMesh decodes a Mesh payload. Face indices are not checked
// against the vertex count (MorphNet does not either).
func DecodeMesh(b []byte, lim *Limits) (Mesh, error) {
	var m Mesh
	d, _, err := payloadDec(b, lim, "mesh payload")
	if err != nil {
		return m, err
	}
	if m.Vertices, err = d.vec3f("vertices"); err != nil {
		return Mesh{}, err
	}
	if m.Faces, err = d.vec3s("faces"); err != nil {
		return Mesh{}, err
	}
	if m.HasNormals, err = d.option("normals"); err != nil {
		return Mesh{}, err
	}
	if m.HasNormals {
		if m.Normals, err = d.vec3f("normals"); err != nil {
			return Mesh{}, err
		}
	}
	if m.HasUVs, err = d.option("uvs"); err != nil {
		return Mesh{}, err
	}
	if m.HasUVs {
		if m.UVs, err = d.vec2f("uvs"); err != nil {
			return Mesh{}, err
		}
	}
	if m.HasMaterials, err = d.option("materials"); err != nil {
		return Mesh{}, err
	}
	if m.HasMaterials {
		if m.Materials, err = d.strMap("materials"); err != nil {
			return Mesh{}, err
		}
	}
	if err := d.end(); err != nil {
		return Mesh{}, err
	}
	return m, nil
}

// DecodeEmbedding decodes the (shape, data, method, labels) tuple MorphNet
// writes for an embedding. The data length must equal the shape's product.
func DecodeEmbedding(b []byte, lim *Limits) (Embedding, error) {
	var e Embedding
	d, l, err := payloadDec(b, lim, "embedding payload")
	if err != nil {
		return e, err
	}
	if e.Shape, err = d.u64s("shape", l.MaxDims); err != nil {
		return Embedding{}, err
	}
	at := d.pos
	if e.Data, err = d.f32s("data"); err != nil {
		return Embedding{}, err
	}
	if want, ok := elements(e.Shape); !ok || want != uint64(len(e.Data)) {
		d.pos = at
		return Embedding{}, d.errf(errcode.ErrFormat, "shape %v does not hold %d elements", e.Shape, len(e.Data))
	}
	if e.Method, err = d.str("method", 0); err != nil {
		return Embedding{}, err
	}
	if e.HasLabels, err = d.option("labels"); err != nil {
		return Embedding{}, err
	}
	if e.HasLabels {
		if e.Labels, err = d.strs("labels", 0); err != nil {
			return Embedding{}, err
		}
	}
	if err := d.end(); err != nil {
		return Embedding{}, err
	}
	return e, nil
}

// DecodeMeta returns the data map of a Meta payload (see DecodeMetaRecord).
func DecodeMeta(b []byte, lim *Limits) (map[string]any, error) {
	m, err := DecodeMetaRecord(b, lim)
	return m.Data, err
}

// DecodeMetaRecord decodes a Meta payload whose data map is empty: the u64
// pair count 0, then either nothing (the bare map) or exactly the
// timestamp and version strings of MorphNet's MetaData struct.
//
// A non-empty map is ErrUnsupported. Its values are serde_json::Value
// serialized by bincode, which writes no type tag: null is zero bytes, a
// bool one byte, every number eight bytes (u64, i64 or f64 by the value's
// kind), a string or array a u64 length then its items, an object a u64
// count then pairs. The same bytes decode as different values (eight bytes
// could be one number, eight bools, or a null then a string length), so no
// reader can recover them — MorphNet's own reader fails on them too.
func DecodeMetaRecord(b []byte, lim *Limits) (Meta, error) {
	d, l, err := payloadDec(b, lim, "meta payload")
	if err != nil {
		return Meta{}, err
	}
	// A pair is at least an 8-byte key length; a null value takes no bytes.
	n, err := d.count("data", 8, 0)
	if err != nil {
		return Meta{}, err
	}
	if n != 0 {
		d.pos -= 8
		return Meta{}, d.errf(errcode.ErrUnsupported, "%d untagged JSON values: bincode does not record their types", n)
	}
	m := Meta{Data: map[string]any{}}
	if d.rem() == 0 {
		return m, nil
	}
	m.HasEnvelope = true
	if m.Timestamp, err = d.str("timestamp", l.MaxNameLen); err != nil {
		return Meta{}, err
	}
	if m.Version, err = d.str("version", l.MaxNameLen); err != nil {
		return Meta{}, err
	}
	if err := d.end(); err != nil {
		return Meta{}, err
	}
	return m, nil
}
