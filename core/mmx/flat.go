package mmx

import (
	"encoding/binary"
	"encoding/json"
	"math"

	"github.com/polyfmt/polyfmt/core/errcode"
	"github.com/polyfmt/polyfmt/core/internal/jsonx"
)

// Flat is a chunk in the form a flat ABI carries: its arrays placed inside
// one byte slice, everything else as one JSON value. Tensor and Embedding
// have one array, "data"; Mesh has "vertices", "faces" and, when present,
// "normals" and "uvs"; Text, Sequence and Meta have none.
type Flat struct {
	Entry  Entry
	Value  json.RawMessage      // Text, Sequence, Meta: the object; Embedding: {"method","labels"}; Mesh: {"materials"}
	Arrays map[string]FlatArray // placements in Data
	Data   []byte
	View   bool // Data is the file's mapping: valid until Close, read-only
}

// FlatArray places one array inside Flat.Data.
type FlatArray struct {
	DType  DType    `json:"dtype"`
	Shape  []uint64 `json:"shape"`
	Offset uint64   `json:"offset"`
	NBytes uint64   `json:"nbytes"`
}

func one(t *Tensor) map[string]FlatArray {
	return map[string]FlatArray{"data": {DType: t.DType, Shape: t.Shape, NBytes: uint64(len(t.Data))}}
}

// ReadFlat reads name in flat form, without copying when the chunk is raw
// and the file is mapped (View).
func (f *File) ReadFlat(name string) (*Flat, error) {
	return f.readFlat(name, nil)
}

// ReadFlatInto is ReadFlat with the data bytes, when they are not a view
// of the mapping, decompressed (or read) straight into memory from alloc,
// which is called at most once and only after the size is checked (see
// ReadChunkInto). Unless View is set, a non-empty Data is memory from
// alloc; on an error after alloc returned, that memory is the caller's to
// free.
func (f *File) ReadFlatInto(name string, alloc Alloc) (*Flat, error) {
	if alloc == nil {
		return nil, errcode.New("mmx", errcode.ErrBadArg, "nil Alloc")
	}
	return f.readFlat(name, alloc)
}

func (f *File) readFlat(name string, alloc Alloc) (*Flat, error) {
	e, err := f.Entry(name)
	if err != nil {
		return nil, err
	}
	fl := &Flat{Entry: e}
	switch e.ChunkType {
	case TypeTensor:
		_, t, view, err := f.readArrayInto(name, TypeTensor, false, alloc)
		if err != nil {
			return nil, err
		}
		fl.Arrays, fl.Data, fl.View = one(t), t.Data, view
	case TypeEmbedding:
		var method string
		var labels []string
		if e.morphnet {
			em, err := f.ReadEmbedding(name)
			if err != nil {
				return nil, err
			}
			method, labels = em.Method, em.Labels
		} else if method, labels, err = embeddingAttrs(&e); err != nil {
			return nil, err
		}
		_, t, view, err := f.readArrayInto(name, TypeEmbedding, false, alloc)
		if err != nil {
			return nil, err
		}
		fl.Arrays, fl.Data, fl.View = one(t), t.Data, view
		fl.Value, err = jsonx.Marshal(map[string]any{"method": method, "labels": labels})
		if err != nil {
			return nil, err
		}
	case TypeMesh:
		return f.meshFlat(fl, alloc)
	case TypeText:
		v, err := f.ReadText(name)
		if err != nil {
			return nil, err
		}
		return fl, fl.setValue(v)
	case TypeSequence:
		v, err := f.ReadSequence(name)
		if err != nil {
			return nil, err
		}
		return fl, fl.setValue(v)
	case TypeMeta:
		v, err := f.ReadMeta(name)
		if err != nil {
			return nil, err
		}
		return fl, fl.setValue(v)
	default:
		return nil, errcode.New("mmx", errcode.ErrUnsupported, "chunk %q: type %q", name, e.ChunkType)
	}
	return fl, nil
}

func (fl *Flat) setValue(v any) (err error) {
	fl.Value, err = jsonx.Marshal(v)
	return err
}

// meshFlat lends the mesh payload itself: its arrays are already
// little-endian f32/u32 at known offsets.
func (f *File) meshFlat(fl *Flat, alloc Alloc) (*Flat, error) {
	e, b, view, err := f.payloadInto(fl.Entry.Name, TypeMesh, alloc, true)
	if err != nil {
		return nil, err
	}
	if e.morphnet {
		m, err := morphnetMesh(b, &f.lim)
		if err != nil {
			return nil, err
		}
		if b, err = encodeMesh(m); err != nil {
			return nil, err
		}
		if alloc != nil {
			if b, err = into(alloc, b); err != nil {
				return nil, err
			}
		}
		view = false
	}
	l, err := parseMeshHead(b)
	if err != nil {
		return nil, err
	}
	m := Mesh{}
	fl.Arrays = map[string]FlatArray{
		"vertices": {DType: Float32, Shape: []uint64{l.v, 3}, Offset: l.vOff, NBytes: 12 * l.v},
		"faces":    {DType: Uint32, Shape: []uint64{l.f, 3}, Offset: l.fOff, NBytes: 12 * l.f},
	}
	if l.flags&meshNormals != 0 {
		fl.Arrays["normals"] = FlatArray{DType: Float32, Shape: []uint64{l.n, 3}, Offset: l.nOff, NBytes: 12 * l.n}
	}
	if l.flags&meshUVs != 0 {
		fl.Arrays["uvs"] = FlatArray{DType: Float32, Shape: []uint64{l.u, 2}, Offset: l.uOff, NBytes: 8 * l.u}
	}
	if l.flags&meshMaterials != 0 {
		if l.l > uint64(f.lim.MaxJSONBytes) {
			return nil, errcode.New("mmx", errcode.ErrLimit, "mesh materials of %d bytes, limit %d (Limits.MaxJSONBytes)", l.l, f.lim.MaxJSONBytes)
		}
		if err := jsonx.Unmarshal(b[l.lOff:], &m.Materials, f.lim.MaxJSONDepth); err != nil {
			return nil, errcode.Wrap("mmx", errcode.ErrFormat, err, "mesh materials")
		}
	}
	fl.Data, fl.View = b, view
	return fl, fl.setValue(map[string]any{"materials": m.Materials})
}

// ReadRowsFlat is ReadTensorRows in flat form.
func (f *File) ReadRowsFlat(name string, start, end uint64) (*Flat, error) {
	e, err := f.Entry(name)
	if err != nil {
		return nil, err
	}
	t, view, err := f.ReadTensorRows(name, start, end)
	if err != nil {
		return nil, err
	}
	return &Flat{Entry: e, Arrays: one(t), Data: t.Data, View: view}, nil
}

// WriteFlat writes a chunk given in flat form (fl.Entry.ChunkType says
// which; fl.Entry's other fields are ignored).
func (f *File) WriteFlat(name string, fl *Flat, o *WriteOptions) error {
	ct := fl.Entry.ChunkType
	value := func(v any) error {
		if len(fl.Value) == 0 || string(fl.Value) == "null" {
			return errcode.New("mmx", errcode.ErrBadArg, "a %s chunk needs a value", ct)
		}
		if err := jsonx.Unmarshal(fl.Value, v, f.lim.MaxJSONDepth); err != nil {
			return errcode.Wrap("mmx", errcode.ErrBadArg, err, "%s value", ct)
		}
		return nil
	}
	noData := func() error {
		if len(fl.Data) > 0 || len(fl.Arrays) > 0 {
			return errcode.New("mmx", errcode.ErrBadArg, "a %s chunk takes no arrays (its content is its value)", ct)
		}
		return nil
	}
	switch ct {
	case TypeTensor, TypeEmbedding:
		a, ok := fl.Arrays["data"]
		if !ok || len(fl.Arrays) != 1 || a.Offset != 0 || a.NBytes != uint64(len(fl.Data)) {
			return errcode.New("mmx", errcode.ErrBadArg, "a %s takes exactly one array, \"data\", spanning the data bytes", ct)
		}
		t := Tensor{DType: a.DType, Shape: a.Shape, Data: fl.Data}
		if ct == TypeTensor {
			return f.WriteTensor(name, &t, o)
		}
		var v struct {
			Method string   `json:"method"`
			Labels []string `json:"labels"`
		}
		if len(fl.Value) > 0 && string(fl.Value) != "null" {
			if err := value(&v); err != nil {
				return err
			}
		}
		return f.WriteEmbedding(name, &Embedding{Tensor: t, Method: v.Method, Labels: v.Labels}, o)
	case TypeText:
		var t Text
		if err := noData(); err != nil {
			return err
		}
		if err := value(&t); err != nil {
			return err
		}
		return f.WriteText(name, &t, o)
	case TypeSequence:
		var s Sequence
		if err := noData(); err != nil {
			return err
		}
		if err := value(&s); err != nil {
			return err
		}
		return f.WriteSequence(name, &s, o)
	case TypeMeta:
		var m Meta
		if err := noData(); err != nil {
			return err
		}
		if err := value(&m); err != nil {
			return err
		}
		return f.WriteMeta(name, &m, o)
	case TypeMesh:
		m, err := meshFromFlat(fl, f.lim)
		if err != nil {
			return err
		}
		return f.WriteMesh(name, m, o)
	}
	return errcode.New("mmx", errcode.ErrBadArg, "chunk_type %q", ct)
}

func meshFromFlat(fl *Flat, lim Limits) (*Mesh, error) {
	for k := range fl.Arrays {
		switch k {
		case "vertices", "faces", "normals", "uvs":
		default:
			return nil, errcode.New("mmx", errcode.ErrBadArg, "a mesh has no array %q", k)
		}
	}
	get := func(key string, dt DType, width uint64, need bool) ([]byte, uint64, bool, error) {
		r, ok := fl.Arrays[key]
		if !ok {
			if need {
				return nil, 0, false, errcode.New("mmx", errcode.ErrBadArg, "a mesh needs %q", key)
			}
			return nil, 0, false, nil
		}
		if r.DType != dt || len(r.Shape) != 2 || r.Shape[1] != width {
			return nil, 0, false, errcode.New("mmx", errcode.ErrBadArg, "mesh %s must be %s of shape [n, %d], got %s%v", key, dt, width, r.DType, r.Shape)
		}
		n, size := r.Shape[0], uint64(len(fl.Data))
		if n > size || r.Offset > size || n*width*4 > size-r.Offset {
			return nil, 0, false, errcode.New("mmx", errcode.ErrBadArg, "mesh %s lies outside the %d data bytes", key, size)
		}
		return fl.Data[r.Offset : r.Offset+n*width*4], n, true, nil
	}
	f32 := func(b []byte, i int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])) }
	vb, nv, _, err := get("vertices", Float32, 3, true)
	if err != nil {
		return nil, err
	}
	fb, nf, _, err := get("faces", Uint32, 3, true)
	if err != nil {
		return nil, err
	}
	nb, nn, hasN, err := get("normals", Float32, 3, false)
	if err != nil {
		return nil, err
	}
	ub, nu, hasU, err := get("uvs", Float32, 2, false)
	if err != nil {
		return nil, err
	}
	m := &Mesh{Vertices: make([][3]float32, nv), Faces: make([][3]uint32, nf)}
	for i := range m.Vertices {
		m.Vertices[i] = [3]float32{f32(vb, 3*i), f32(vb, 3*i+1), f32(vb, 3*i+2)}
	}
	for i := range m.Faces {
		m.Faces[i] = [3]uint32{binary.LittleEndian.Uint32(fb[12*i:]), binary.LittleEndian.Uint32(fb[12*i+4:]), binary.LittleEndian.Uint32(fb[12*i+8:])}
	}
	if hasN {
		m.Normals = make([][3]float32, nn)
		for i := range m.Normals {
			m.Normals[i] = [3]float32{f32(nb, 3*i), f32(nb, 3*i+1), f32(nb, 3*i+2)}
		}
	}
	if hasU {
		m.UVs = make([][2]float32, nu)
		for i := range m.UVs {
			m.UVs[i] = [2]float32{f32(ub, 2*i), f32(ub, 2*i+1)}
		}
	}
	if len(fl.Value) > 0 && string(fl.Value) != "null" {
		var v struct {
			Materials map[string]string `json:"materials"`
		}
		if err := jsonx.Unmarshal(fl.Value, &v, lim.MaxJSONDepth); err != nil {
			return nil, errcode.Wrap("mmx", errcode.ErrBadArg, err, "mesh value")
		}
		m.Materials = v.Materials
	}
	return m, nil
}
