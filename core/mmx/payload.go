package mmx

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"time"
	"unicode/utf8"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
)

// Chunk payload encodings (the bytes before compression):
//
//	Tensor, Embedding  the array's elements, little-endian, row-major; dtype and
//	                   shape are in the directory entry (Embedding's method and
//	                   labels in its "attributes")
//	Text, Sequence,    one JSON object (the Text, Sequence or Meta struct's fields)
//	Meta
//	Mesh               a 48-byte head, then the arrays back to back:
//
//	  off  size  field
//	    0     4  "MMXM"
//	    4     4  flags u32: 1 normals present, 2 uvs present, 4 materials present
//	    8     8  V u64 vertices        then V×3 f32
//	   16     8  F u64 faces           then F×3 u32
//	   24     8  N u64 normals         then N×3 f32
//	   32     8  U u64 uvs             then U×2 f32
//	   40     8  L u64 materials JSON  then L bytes: {"name": "value", …}
const (
	meshMagic     = "MMXM"
	meshHead      = 48
	meshNormals   = 1
	meshUVs       = 2
	meshMaterials = 4
)

func encodeMesh(m *Mesh) ([]byte, error) {
	var flags uint32
	var mat []byte
	if m.Normals != nil {
		flags |= meshNormals
	}
	if m.UVs != nil {
		flags |= meshUVs
	}
	if m.Materials != nil {
		flags |= meshMaterials
		var err error
		if mat, err = jsonx.Marshal(m.Materials); err != nil {
			return nil, err
		}
	}
	for i, f := range m.Faces {
		for _, v := range f {
			if uint64(v) >= uint64(len(m.Vertices)) {
				return nil, errcode.New("mmx", errcode.ErrBadArg, "mesh face %d uses vertex %d of %d", i, v, len(m.Vertices))
			}
		}
	}
	size := meshHead + 12*len(m.Vertices) + 12*len(m.Faces) + 12*len(m.Normals) + 8*len(m.UVs) + len(mat)
	b := make([]byte, meshHead, size)
	le := binary.LittleEndian
	copy(b, meshMagic)
	le.PutUint32(b[4:], flags)
	le.PutUint64(b[8:], uint64(len(m.Vertices)))
	le.PutUint64(b[16:], uint64(len(m.Faces)))
	le.PutUint64(b[24:], uint64(len(m.Normals)))
	le.PutUint64(b[32:], uint64(len(m.UVs)))
	le.PutUint64(b[40:], uint64(len(mat)))
	for _, v := range m.Vertices {
		b = appendF32s(b, v[:])
	}
	for _, f := range m.Faces {
		b = le.AppendUint32(le.AppendUint32(le.AppendUint32(b, f[0]), f[1]), f[2])
	}
	for _, v := range m.Normals {
		b = appendF32s(b, v[:])
	}
	for _, v := range m.UVs {
		b = appendF32s(b, v[:])
	}
	return append(b, mat...), nil
}

func appendF32s(b []byte, v []float32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

// meshLayout checks a mesh payload's head against its length and returns
// the byte offset of each part.
type meshLayout struct {
	flags                  uint32
	v, f, n, u, l          uint64
	vOff, fOff, nOff, uOff uint64
	lOff                   uint64
}

func parseMeshHead(b []byte) (meshLayout, error) {
	return parseMeshHeadSized(b, uint64(len(b)))
}

// parseMeshHeadSized checks the head at the start of b against a payload
// of total bytes (b may hold just the head).
func parseMeshHeadSized(b []byte, total uint64) (meshLayout, error) {
	var m meshLayout
	if len(b) < meshHead || total < meshHead || string(b[:4]) != meshMagic {
		return m, errcode.New("mmx", errcode.ErrFormat, "mesh payload: no MMXM head")
	}
	le := binary.LittleEndian
	m.flags = le.Uint32(b[4:])
	if m.flags&^(meshNormals|meshUVs|meshMaterials) != 0 {
		return m, errcode.New("mmx", errcode.ErrUnsupported, "mesh payload: flags %#x", m.flags)
	}
	m.v, m.f, m.n, m.u, m.l = le.Uint64(b[8:]), le.Uint64(b[16:]), le.Uint64(b[24:]), le.Uint64(b[32:]), le.Uint64(b[40:])
	rest := total - meshHead
	// Each count is bounded by the bytes present before any multiplication.
	if m.v > rest/12 || m.f > rest/12 || m.n > rest/12 || m.u > rest/8 || m.l > rest {
		return m, errcode.New("mmx", errcode.ErrFormat, "mesh payload: counts exceed its %d bytes", total)
	}
	m.vOff = meshHead
	m.fOff = m.vOff + 12*m.v
	m.nOff = m.fOff + 12*m.f
	m.uOff = m.nOff + 12*m.n
	m.lOff = m.uOff + 8*m.u
	if m.lOff+m.l != total {
		return m, errcode.New("mmx", errcode.ErrFormat, "mesh payload: parts take %d bytes, payload has %d", m.lOff+m.l, total)
	}
	if m.flags&meshNormals == 0 && m.n != 0 || m.flags&meshUVs == 0 && m.u != 0 || m.flags&meshMaterials == 0 && m.l != 0 {
		return m, errcode.New("mmx", errcode.ErrFormat, "mesh payload: data for a part its flags say is absent")
	}
	return m, nil
}

func decodeMesh(b []byte, lim *Limits) (*Mesh, error) {
	l, err := parseMeshHead(b)
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	f32 := func(off uint64) float32 { return math.Float32frombits(le.Uint32(b[off:])) }
	m := &Mesh{Vertices: make([][3]float32, l.v), Faces: make([][3]uint32, l.f)}
	for i := range m.Vertices {
		o := l.vOff + 12*uint64(i)
		m.Vertices[i] = [3]float32{f32(o), f32(o + 4), f32(o + 8)}
	}
	for i := range m.Faces {
		o := l.fOff + 12*uint64(i)
		m.Faces[i] = [3]uint32{le.Uint32(b[o:]), le.Uint32(b[o+4:]), le.Uint32(b[o+8:])}
		for _, v := range m.Faces[i] {
			if uint64(v) >= l.v {
				return nil, errcode.New("mmx", errcode.ErrFormat, "mesh face %d uses vertex %d of %d", i, v, l.v)
			}
		}
	}
	if l.flags&meshNormals != 0 {
		m.Normals = make([][3]float32, l.n)
		for i := range m.Normals {
			o := l.nOff + 12*uint64(i)
			m.Normals[i] = [3]float32{f32(o), f32(o + 4), f32(o + 8)}
		}
	}
	if l.flags&meshUVs != 0 {
		m.UVs = make([][2]float32, l.u)
		for i := range m.UVs {
			o := l.uOff + 8*uint64(i)
			m.UVs[i] = [2]float32{f32(o), f32(o + 4)}
		}
	}
	if l.flags&meshMaterials != 0 {
		if ml := lim.orDefault().MaxJSONBytes; l.l > uint64(ml) {
			return nil, errcode.New("mmx", errcode.ErrLimit, "mesh materials of %d bytes, limit %d (Limits.MaxJSONBytes)", l.l, ml)
		}
		if err := jsonx.Unmarshal(b[l.lOff:], &m.Materials, lim.orDefault().MaxJSONDepth); err != nil {
			return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "mesh materials")
		}
		if m.Materials == nil {
			m.Materials = map[string]string{}
		}
	}
	return m, nil
}

func encodeText(t *Text) ([]byte, error) {
	c := *t
	if c.Encoding == "" {
		c.Encoding = "utf-8"
	}
	if !utf8.ValidString(c.Content) {
		return nil, errcode.New("mmx", errcode.ErrBadArg, "text content is not valid UTF-8")
	}
	return jsonx.Marshal(&c)
}

func encodeMeta(m *Meta) ([]byte, error) {
	c := *m
	if c.Timestamp == "" {
		c.Timestamp = time.Now().UTC().Format(time.RFC3339Nano)
	} else if _, err := time.Parse(time.RFC3339Nano, c.Timestamp); err != nil {
		return nil, errcode.Wrap("mmx", errcode.ErrBadArg, err, "meta timestamp")
	}
	if len(c.Data) == 0 {
		c.Data = json.RawMessage("null")
	} else if err := jsonx.Valid(c.Data, DefaultLimits.MaxJSONDepth); err != nil {
		return nil, errcode.Wrap("mmx", errcode.ErrBadArg, err, "meta data")
	}
	return jsonx.Marshal(&c)
}

// decodeJSONPayload parses a Text, Sequence or Meta payload strictly.
func decodeJSONPayload(b []byte, v any, lim *Limits) error {
	if ml := lim.orDefault().MaxJSONBytes; int64(len(b)) > ml {
		return errcode.New("mmx", errcode.ErrLimit, "JSON payload of %d bytes, limit %d (Limits.MaxJSONBytes)", len(b), ml)
	}
	if err := jsonx.Unmarshal(b, v, lim.orDefault().MaxJSONDepth); err != nil {
		return errcode.Wrap("mmx", errcode.ErrFormat, err, "chunk payload")
	}
	return nil
}
