package vsf

import (
	"encoding/binary"
	"math/bits"
)

// Tensors in native form.
//
// VSF stores tensor elements big-endian; programs, numpy and GPUs want
// them little-endian. The native form of a tensor keeps its layout (a
// strided tensor's data stays strided, element for element) and converts
// each element:
//
//	u, i, f of 1, 2, 4, 8, 16 bytes   byte-reversed to little-endian
//	j5, j6                            real then imaginary, each reversed
//	s F E                             fraction then exponent, each reversed
//	c F E                             real, imaginary, exponent, each reversed
//	bool                              one byte per element, 0 or 1
//
// A 128-bit integer's native form is 16 bytes little-endian (low word
// first). Spirix parts keep their own widths, so an s64 element is an
// 8-byte and a 2-byte little-endian integer, 10 bytes in all.

// NativeSize is the bytes of one element in native form: Size() for
// every type but bool, which takes one byte; 0 for an invalid type.
func (t Type) NativeSize() int {
	if !t.Valid() {
		return 0
	}
	if t.Kind == KindBool {
		return 1
	}
	return t.Size()
}

// NumpyDescr is the numpy dtype name of t's native form: "uint8" …
// "uint64", "int8" … "int64", "float32", "float64", "complex64",
// "complex128", "bool". Types numpy has no dtype for (u7, i7, Spirix
// scalars and circles, invalid types) give "": read their native bytes
// raw.
func (t Type) NumpyDescr() string {
	switch t.Kind {
	case KindUint, KindInt:
		if !t.Valid() || t.W == '7' {
			return ""
		}
		name := "uint"
		if t.Kind == KindInt {
			name = "int"
		}
		return name + [...]string{"8", "16", "32", "64"}[t.W-'3']
	case KindFloat:
		switch t {
		case F32:
			return "float32"
		case F64:
			return "float64"
		}
	case KindComplex:
		switch t {
		case C64:
			return "complex64"
		case C128:
			return "complex128"
		}
	case KindBool:
		if t == Bool {
			return "bool"
		}
	}
	return ""
}

// storedElements is the elements t's data holds: the element count of a
// contiguous tensor, the span of a strided one.
func (t *Tensor) storedElements() (uint64, bool) {
	if t.Strides == nil {
		return elements(t.Shape)
	}
	if len(t.Strides) != len(t.Shape) {
		return 0, false
	}
	return span(t.Shape, t.Strides)
}

// NativeLen is the bytes of t's native form: the elements its data holds
// times Elem.NativeSize(). It is false for an invalid element type or an
// overflowing shape.
func (t *Tensor) NativeLen() (uint64, bool) {
	if !t.Elem.Valid() {
		return 0, false
	}
	n, ok := t.storedElements()
	if !ok {
		return 0, false
	}
	hi, lo := bits.Mul64(n, uint64(t.Elem.NativeSize()))
	return lo, hi == 0
}

// NativeInto writes t's data in native form into dst, whose length must
// be NativeLen(). A tensor whose data does not match its shape, or a dst
// of another length, is ErrBadArg.
func (t *Tensor) NativeInto(dst []byte) error {
	if err := t.check(); err != nil {
		return err
	}
	n, ok := t.NativeLen()
	if !ok || uint64(len(dst)) != n {
		return badArg("the native form of tensor %v%v is %d bytes, dst has %d", t.Elem, t.Shape, n, len(dst))
	}
	if t.Elem.Kind == KindBool {
		for i := range dst {
			dst[i] = t.Data[i>>3] >> (7 - i&7) & 1
		}
		return nil
	}
	swapParts(dst, t.Data, t.Elem)
	return nil
}

// FromNative builds a tensor from its native form (as NativeInto writes
// it): elem, shape and, for a strided tensor, strides (nil for a
// contiguous one); le holds the elements the data covers, little-endian,
// or for bool one byte per element (nonzero is true). The tensor owns its
// data.
func FromNative(elem Type, shape, strides []uint64, le []byte) (*Tensor, error) {
	if !elem.Valid() {
		return nil, badArg("tensor element type %v is not one the format defines", elem)
	}
	t := &Tensor{Elem: elem, Shape: append([]uint64{}, shape...)}
	if strides != nil {
		t.Strides = append([]uint64{}, strides...)
		if len(strides) != len(shape) {
			return nil, badArg("a strided tensor has %d strides for %d dimensions", len(strides), len(shape))
		}
	}
	n, ok := t.NativeLen()
	if !ok || uint64(len(le)) != n {
		return nil, badArg("tensor %v%v needs %d native bytes, got %d", elem, shape, n, len(le))
	}
	if elem.Kind == KindBool {
		t.Data = make([]byte, (len(le)+7)/8)
		for i, b := range le {
			if b != 0 {
				t.Data[i>>3] |= 0x80 >> (i & 7)
			}
		}
	} else {
		t.Data = make([]byte, len(le))
		swapParts(t.Data, le, elem)
	}
	return t, t.check()
}

// swapParts reverses the byte order of every part of every element of
// src into dst (same length): big-endian to little-endian and back, the
// conversion being its own inverse.
func swapParts(dst, src []byte, elem Type) {
	switch elem.Kind {
	case KindUint, KindInt, KindFloat, KindComplex:
		swapUnits(dst, src, widthBytes(elem.W))
		return
	}
	// Spirix: fraction parts of f bytes, then an exponent of e bytes.
	f, e := widthBytes(elem.W), widthBytes(elem.E)
	if f == e {
		swapUnits(dst, src, f)
		return
	}
	parts := 1
	if elem.Kind == KindCircle {
		parts = 2
	}
	size := parts*f + e
	for o := 0; o+size <= len(src); o += size {
		for p := 0; p < parts; p++ {
			swapUnits(dst[o+p*f:o+p*f+f], src[o+p*f:o+p*f+f], f)
		}
		swapUnits(dst[o+parts*f:o+size], src[o+parts*f:o+size], e)
	}
}

// swapUnits reverses each u-byte unit (1, 2, 4, 8 or 16) of src into dst.
func swapUnits(dst, src []byte, u int) {
	n := min(len(dst), len(src))
	dst, src = dst[:n], src[:n]
	i := 0
	switch u {
	case 1:
		copy(dst, src)
		return
	case 2:
		swap16(dst, src)
		return
	case 4:
		// Two units per 8-byte word: reverse the word, then its halves.
		for ; i+8 <= n; i += 8 {
			x := bits.ReverseBytes64(binary.LittleEndian.Uint64(src[i : i+8]))
			binary.LittleEndian.PutUint64(dst[i:i+8], bits.RotateLeft64(x, 32))
		}
		for ; i+4 <= n; i += 4 {
			binary.LittleEndian.PutUint32(dst[i:i+4], binary.BigEndian.Uint32(src[i:i+4]))
		}
	case 8:
		for ; i+8 <= n; i += 8 {
			binary.LittleEndian.PutUint64(dst[i:i+8], binary.BigEndian.Uint64(src[i:i+8]))
		}
	case 16:
		for ; i+16 <= n; i += 16 {
			s, d := src[i:i+16], dst[i:i+16]
			hi := binary.BigEndian.Uint64(s[0:8])
			lo := binary.BigEndian.Uint64(s[8:16])
			binary.LittleEndian.PutUint64(d[0:8], lo)
			binary.LittleEndian.PutUint64(d[8:16], hi)
		}
	}
}
