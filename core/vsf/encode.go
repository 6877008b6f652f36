package vsf

import (
	"encoding/binary"
	"math"
	"math/bits"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// AppendValue appends v in its wire form. It checks v first: a value that
// does not fit its declared width, a tensor whose data does not match its
// shape, a name that is not ASCII are ErrBadArg, and dst is returned
// unchanged.
func AppendValue(dst []byte, v Value) ([]byte, error) {
	if err := checkValue(v, 0); err != nil {
		return dst, err
	}
	return appendValue(dst, v), nil
}

func badArg(format string, args ...any) error {
	return errcode.New("vsf", errcode.ErrBadArg, format, args...)
}

// checkValue is what AppendValue refuses.
func checkValue(v Value, depth int) error {
	if depth > DefaultLimits.MaxDepth {
		return badArg("structures nest deeper than %d", DefaultLimits.MaxDepth)
	}
	switch x := v.(type) {
	case Uint:
		if !isWidth(x.W) || !FitsUint(x.V, x.W) {
			return badArg("u%c cannot hold %s", x.W, x.V)
		}
	case Int:
		if !isWidth(x.W) || !FitsInt(x.V, x.W) {
			return badArg("i%c cannot hold %s", x.W, x.V.SignedString())
		}
	case Float:
		if x.W != '5' && x.W != '6' {
			return badArg("a float's width is '5' or '6', not %q", x.W)
		}
	case Complex:
		if x.W != '5' && x.W != '6' {
			return badArg("a complex's width is '5' or '6', not %q", x.W)
		}
	case Spirix:
		if !isWidth(x.F) || !isWidth(x.E) || !FitsInt(x.Frac, x.F) || !FitsInt(x.Exp, x.E) {
			return badArg("s%c%c cannot hold fraction %s exponent %s", x.F, x.E, x.Frac.SignedString(), x.Exp.SignedString())
		}
	case Circle:
		if !isWidth(x.F) || !isWidth(x.E) || !FitsInt(x.Re, x.F) || !FitsInt(x.Im, x.F) || !FitsInt(x.Exp, x.E) {
			return badArg("c%c%c cannot hold its parts", x.F, x.E)
		}
	case Name:
		return checkName(string(x))
	case Text, Boolean:
	case *Tensor:
		return x.check()
	case *BitPacked:
		return x.check()
	case Time:
		if x.IsFloat {
			if x.Crate && x.W == 0 {
				if b := math.Float64bits(x.F) >> 56; b == '5' || b == '6' {
					return badArg("a digitless crate Eagle Time whose first byte is a width digit cannot be read back: write it with W '6'")
				}
			} else if x.W != '6' && !(x.Crate && x.W == '5') {
				return badArg("a float Eagle Time is t6")
			}
		} else if x.W < '5' && !x.Crate || !isWidth(x.W) || !FitsInt(x.Sec, x.W) {
			return badArg("an integer Eagle Time is T5, T6 or T7 and must hold %s", x.Sec.SignedString())
		}
	case Hash:
		return checkBlob("hash", x.Alg, x.Sum)
	case Signature:
		return checkBlob("signature", x.Alg, x.Sig)
	case Key:
		return checkBlob("key", x.Alg, x.Key)
	case *Struct:
		for _, f := range x.Fields {
			if err := checkName(f.Name); err != nil {
				return err
			}
			if f.Value == nil {
				return badArg("field %q has no value", f.Name)
			}
			if err := checkValue(f.Value, depth+1); err != nil {
				return err
			}
		}
	case nil:
		return badArg("a nil value")
	default:
		return badArg("%T is not a vsf value", v)
	}
	return nil
}

func checkBlob(what string, alg byte, b []byte) error {
	if alg < 0x21 || alg > 0x7E {
		return badArg("a %s's algorithm letter %#02x is not printable ASCII", what, alg)
	}
	if len(b) == 0 {
		return badArg("an empty %s", what)
	}
	return nil
}

// checkName accepts printable ASCII names of 1…4096 bytes.
func checkName(s string) error {
	if len(s) == 0 || len(s) > DefaultLimits.MaxNameLen {
		return badArg("a name is 1…%d bytes, not %d", DefaultLimits.MaxNameLen, len(s))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return badArg("name %q: byte %d is %#02x, names are printable ASCII", s, i, s[i])
		}
	}
	return nil
}

// elements is the product of shape, or false on overflow.
func elements(shape []uint64) (uint64, bool) {
	n := uint64(1)
	for _, d := range shape {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 {
			return 0, false
		}
		n = lo
	}
	return n, true
}

// span is the elements a strided tensor's data covers: 1 + Σ (shape_i −
// 1)·stride_i, or 0 when a dimension is 0.
func span(shape, strides []uint64) (uint64, bool) {
	n := uint64(1)
	for i, d := range shape {
		if d == 0 {
			return 0, true
		}
		hi, lo := bits.Mul64(d-1, strides[i])
		if hi != 0 {
			return 0, false
		}
		var c uint64
		n, c = bits.Add64(n, lo, 0)
		if c != 0 {
			return 0, false
		}
	}
	return n, true
}

// dataLen is the bytes the tensor's data must have.
func (t *Tensor) dataLen() (uint64, bool) {
	var n uint64
	var ok bool
	if t.Strides == nil {
		n, ok = elements(t.Shape)
	} else {
		n, ok = span(t.Shape, t.Strides)
	}
	if !ok {
		return 0, false
	}
	if t.Elem.Kind == KindBool {
		return (n + 7) / 8, true
	}
	hi, lo := bits.Mul64(n, uint64(t.Elem.Size()))
	return lo, hi == 0
}

func (t *Tensor) check() error {
	if !t.Elem.Valid() {
		return badArg("tensor element type %v is not one the format defines", t.Elem)
	}
	if t.Strides != nil && len(t.Strides) != len(t.Shape) {
		return badArg("a strided tensor has %d strides for %d dimensions", len(t.Strides), len(t.Shape))
	}
	n, ok := t.dataLen()
	if !ok || uint64(len(t.Data)) != n {
		return badArg("tensor %v%v has %d data bytes, its shape needs %d", t.Elem, t.Shape, len(t.Data), n)
	}
	return nil
}

// packedLen is ceil(count × bits / 8), or false on overflow.
func packedLen(shape []uint64, bitsPer int) (uint64, bool) {
	n, ok := elements(shape)
	if !ok {
		return 0, false
	}
	hi, lo := bits.Mul64(n, uint64(bitsPer))
	if hi != 0 {
		return 0, false
	}
	return lo/8 + (lo%8+7)/8, true
}

func (p *BitPacked) check() error {
	if p.Bits < 1 || p.Bits > 64 && !(p.Crate && p.Bits <= 128) {
		return badArg("bit-packed samples are 1…64 bits, not %d", p.Bits)
	}
	n, ok := packedLen(p.Shape, p.Bits)
	if !ok || uint64(len(p.Data)) != n {
		return badArg("bit-packed %d-bit %v has %d bytes, its shape needs %d", p.Bits, p.Shape, len(p.Data), n)
	}
	return nil
}

// appendValue writes a checked value.
func appendValue(dst []byte, v Value) []byte {
	switch x := v.(type) {
	case Uint:
		return appendFixed(append(dst, markUint, x.W), x.V, x.W)
	case Int:
		return appendFixed(append(dst, markInt, x.W), x.V, x.W)
	case Float:
		return appendFloat(append(dst, markFloat, x.W), x.W, x.V)
	case Complex:
		dst = appendFloat(append(dst, markComplex, x.W), x.W, x.Re)
		return appendFloat(dst, x.W, x.Im)
	case Boolean:
		if x {
			return append(dst, markUint, boolTrue)
		}
		return append(dst, markUint, boolFalse)
	case Spirix:
		dst = appendFixed(append(dst, markSpirix, x.F, x.E), x.Frac, x.F)
		return appendFixed(dst, x.Exp, x.E)
	case Circle:
		dst = appendFixed(append(dst, markCircle, x.F, x.E), x.Re, x.F)
		dst = appendFixed(dst, x.Im, x.F)
		return appendFixed(dst, x.Exp, x.E)
	case Name:
		return append(AppendUint(append(dst, markName), uint64(len(x))), x...)
	case Text:
		return append(AppendUint(append(dst, markText), uint64(len(x))), x...)
	case *Tensor:
		return x.appendTo(dst)
	case *BitPacked:
		return x.appendTo(dst)
	case Time:
		return x.appendTo(dst)
	case Hash:
		return appendBlob(dst, markHash, x.Alg, x.Sum)
	case Signature:
		return appendBlob(dst, markSig, x.Alg, x.Sig)
	case Key:
		return appendBlob(dst, markKey, x.Alg, x.Key)
	case *Struct:
		dst = append(dst, markSecOpen)
		dst = appendFields(dst, x.Fields)
		return append(dst, markSecEnd)
	}
	panic("vsf: appendValue of an unchecked value")
}

// appendFields writes ( d name ':' value ) for each field.
func appendFields(dst []byte, fs []Field) []byte {
	for _, f := range fs {
		dst = append(dst, markLabelOpen)
		dst = appendValue(dst, Name(f.Name))
		dst = append(dst, markColon)
		dst = appendValue(dst, f.Value)
		dst = append(dst, markLabelEnd)
	}
	return dst
}

func appendFloat(dst []byte, w byte, v float64) []byte {
	if w == '5' {
		return binary.BigEndian.AppendUint32(dst, math.Float32bits(float32(v)))
	}
	return binary.BigEndian.AppendUint64(dst, math.Float64bits(v))
}

// appendBlob writes mark, the algorithm letter, length − 1, the bytes.
func appendBlob(dst []byte, mark, alg byte, b []byte) []byte {
	dst = AppendUint(append(dst, mark, alg), uint64(len(b)-1))
	return append(dst, b...)
}

func (t *Tensor) appendTo(dst []byte) []byte {
	if t.Strides == nil {
		dst = append(dst, markTensor)
	} else {
		dst = append(dst, markStrided)
	}
	dst = AppendUint(dst, uint64(len(t.Shape)))
	dst = t.Elem.appendMarker(dst)
	for _, d := range t.Shape {
		dst = AppendUint(dst, d)
	}
	for _, s := range t.Strides {
		dst = AppendUint(dst, s)
	}
	return append(dst, t.Data...)
}

func (p *BitPacked) appendTo(dst []byte) []byte {
	if p.Crate {
		dst = AppendUint(append(dst, markBitsP), uint64(len(p.Shape)))
		dst = append(dst, byte(p.Bits))
	} else {
		dst = AppendUint(append(dst, markBitsSeed, markBitsP), uint64(p.Bits))
		dst = AppendUint(dst, uint64(len(p.Shape)))
	}
	for _, d := range p.Shape {
		dst = AppendUint(dst, d)
	}
	return append(dst, p.Data...)
}

func (t Time) appendTo(dst []byte) []byte {
	switch {
	case t.Crate && t.IsFloat && t.W == 0:
		// The crate's 0.1.3 form: no width digit, an f64.
		return appendFloat(append(dst, markTimeE, markFloat), '6', t.F)
	case t.Crate && t.IsFloat:
		return appendFloat(append(dst, markTimeE, markFloat, t.W), t.W, t.F)
	case t.Crate:
		return appendFixed(append(dst, markTimeE, markInt, t.W), t.Sec, t.W)
	case t.IsFloat:
		return appendFloat(append(dst, markTensor, '6'), '6', t.F)
	}
	return appendFixed(append(dst, markTimeInt, t.W), t.Sec, t.W)
}
