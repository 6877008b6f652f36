package mmx

import (
	"encoding/json"
	"fmt"
	"math"
	"math/bits"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// ChunkType is a chunk's modality. On disk it is the name ("Tensor", …).
type ChunkType string

// The seed's chunk types.
const (
	TypeTensor    ChunkType = "Tensor"
	TypeSequence  ChunkType = "Sequence"
	TypeText      ChunkType = "Text"
	TypeMesh      ChunkType = "Mesh"
	TypeEmbedding ChunkType = "Embedding"
	TypeMeta      ChunkType = "Meta"
)

// ChunkTypes lists the types in their canonical order.
var ChunkTypes = []ChunkType{TypeTensor, TypeSequence, TypeText, TypeMesh, TypeEmbedding, TypeMeta}

func (t ChunkType) valid() bool {
	for _, c := range ChunkTypes {
		if c == t {
			return true
		}
	}
	return false
}

// DType is an element type, by numpy's name. Arrays are stored
// little-endian, row-major.
type DType string

// The supported element types.
const (
	Bool       DType = "bool"
	Int8       DType = "int8"
	Int16      DType = "int16"
	Int32      DType = "int32"
	Int64      DType = "int64"
	Uint8      DType = "uint8"
	Uint16     DType = "uint16"
	Uint32     DType = "uint32"
	Uint64     DType = "uint64"
	Float16    DType = "float16"
	BFloat16   DType = "bfloat16"
	Float32    DType = "float32"
	Float64    DType = "float64"
	Complex64  DType = "complex64"
	Complex128 DType = "complex128"
)

// dtypes is the one table of element types: item size and NumPy's type
// string (.npy "descr": '<' little-endian as stored, '|' where byte order
// does not apply; "" for bfloat16, which NumPy cannot load). The bindings'
// tables are generated from it (core/ffi/gen).
var dtypes = map[DType]struct {
	size uint64
	npy  string
}{
	Bool: {1, "|b1"}, Int8: {1, "|i1"}, Uint8: {1, "|u1"},
	Int16: {2, "<i2"}, Uint16: {2, "<u2"}, Float16: {2, "<f2"}, BFloat16: {2, ""},
	Int32: {4, "<i4"}, Uint32: {4, "<u4"}, Float32: {4, "<f4"},
	Int64: {8, "<i8"}, Uint64: {8, "<u8"}, Float64: {8, "<f8"},
	Complex64: {8, "<c8"}, Complex128: {16, "<c16"},
}

// DTypes lists every supported dtype.
func DTypes() []DType {
	return []DType{Bool, Int8, Int16, Int32, Int64, Uint8, Uint16, Uint32, Uint64, Float16, BFloat16, Float32, Float64, Complex64, Complex128}
}

// ItemSize is the size of one element in bytes (0 for an unknown dtype).
func (d DType) ItemSize() int { return int(dtypes[d].size) }

// NPYDescr is NumPy's type string for d ("<f4"), "" when NumPy has none.
func (d DType) NPYDescr() string { return dtypes[d].npy }

// MaxDim is the largest dimension a shape may have: 2^53−1, the largest
// integer a JavaScript number holds exactly.
const MaxDim = 1<<53 - 1

// numBytes is product(shape)·itemsize, checked: every dimension is at most
// MaxDim, and the product of max(dim, 1) over all dimensions times the item
// size fits in an int64 (so a shape with a zero dimension cannot hide an
// overflowing one, which numpy and .npy readers would refuse).
func numBytes(d DType, shape []uint64) (uint64, error) {
	info, ok := dtypes[d]
	size := info.size
	if !ok {
		return 0, errcode.New("mmx", errcode.ErrUnsupported, "dtype %q", d)
	}
	n, bound := size, size
	for _, s := range shape {
		if s > MaxDim {
			return 0, errcode.New("mmx", errcode.ErrFormat, "shape %v: dimension %d exceeds 2^53-1", shape, s)
		}
		hi, lo := bits.Mul64(bound, max(s, 1))
		if hi != 0 || lo > math.MaxInt64 {
			return 0, errcode.New("mmx", errcode.ErrFormat, "shape %v of %s overflows int64 bytes", shape, d)
		}
		bound, n = lo, n*s // n ≤ bound
	}
	return n, nil
}

// Tensor is an N-dimensional array: dtype, shape, and the bytes of its
// elements, little-endian and row-major.
type Tensor struct {
	DType DType
	Shape []uint64
	Data  []byte
}

// Check reports whether Data holds exactly product(Shape) elements of DType.
func (t *Tensor) Check() error {
	n, err := numBytes(t.DType, t.Shape)
	if err != nil {
		return errcode.Wrap("mmx", errcode.ErrBadArg, err, "tensor")
	}
	if uint64(len(t.Data)) != n {
		return errcode.New("mmx", errcode.ErrBadArg, "tensor %s%v needs %d bytes, has %d", t.DType, t.Shape, n, len(t.Data))
	}
	return nil
}

// Mesh is a surface: vertices, triangular faces (vertex indices), and
// optional normals, texture coordinates and materials.
type Mesh struct {
	Vertices  [][3]float32
	Faces     [][3]uint32
	Normals   [][3]float32      // nil: none
	UVs       [][2]float32      // nil: none
	Materials map[string]string // nil: none
}

// Sequence is an ordered list of frames (names of other chunks) with
// optional timing and string metadata.
type Sequence struct {
	Frames   []string          `json:"frames"`
	FPS      *float64          `json:"fps"`
	Duration *float64          `json:"duration"`
	Metadata map[string]string `json:"metadata"`
}

// Text is text content with its encoding label, language and tokens.
type Text struct {
	Content  string   `json:"content"`
	Encoding string   `json:"encoding"` // "utf-8" when empty on write
	Language *string  `json:"language"`
	Tokens   []uint32 `json:"tokens"`
}

// Embedding is an N-D array (usually samples × dim) with the method that
// produced it and optional per-sample labels.
type Embedding struct {
	Tensor
	Method string
	Labels []string // nil: none
}

// Meta is a JSON value, versioned and timestamped.
type Meta struct {
	Version   int64           `json:"version"`
	Timestamp string          `json:"timestamp"` // RFC 3339; set to now on write when empty
	Data      json.RawMessage `json:"data"`
}

func (t ChunkType) String() string { return string(t) }

func badType(name string, got, want ChunkType) error {
	return errcode.New("mmx", errcode.ErrBadArg, "%s is a %s chunk, not %s", name, got, want)
}

var _ = fmt.Sprint
