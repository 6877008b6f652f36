package vsf

import (
	"strconv"
)

// Wire constants. Each is one byte of the format and must not change.
const (
	// Magic starts every file: "R", "Å" in UTF-8 (C3 85), then '<'.
	Magic = "R\xC3\x85<"

	markHeaderEnd = '>' // ends the header
	markLabelOpen = '(' // opens a label definition or a field
	markLabelEnd  = ')' // closes it
	markSecOpen   = '[' // opens a section or a nested structure
	markSecEnd    = ']' // closes it
	markColon     = ':' // between a field's name and its value

	markHeaderLen = 'b' // header length (seed: bits; crate: bytes); also a label's size
	markVersion   = 'z' // format version
	markBackward  = 'y' // oldest version that reads the file
	markCount     = 'n' // label count; a label's field count
	markOffset    = 'o' // a label's absolute offset

	markUint     = 'u' // u + size digit + big-endian bytes; u + 00/FF is a boolean
	markInt      = 'i' // i + size digit + big-endian two's complement
	markFloat    = 'f' // f + '5' or '6' + IEEE-754 big-endian
	markComplex  = 'j' // j + '5' or '6' + real + imaginary
	markSpirix   = 's' // s + F digit + E digit + fraction + exponent
	markCircle   = 'c' // c + F digit + E digit + real + imaginary + exponent
	markName     = 'd' // d + length + ASCII bytes
	markText     = 'x' // x + length + UTF-8 bytes
	markTensor   = 't' // t + rank + element type + shape + data; t6 + f64 is Eagle Time
	markStrided  = 'q' // q + rank + element type + shape + strides + data
	markBitsSeed = 'b' // b p + bits + rank + shape + data (the seed's bit-packed form)
	markBitsP    = 'p' // p + rank + bits (one byte) + shape + data (the crate's form)
	markTimeInt  = 'T' // T + '5'…'7' + signed big-endian seconds since the Eagle epoch
	markTimeE    = 'e' // e + u/i + integer, or e + f + '5'/'6' + float (the crate's Eagle Time)
	markHash     = 'h' // h + algorithm + (length − 1) + bytes
	markSig      = 'g' // g + algorithm + (length − 1) + bytes
	markKey      = 'k' // k + algorithm + (length − 1) + bytes
	markWrap     = 'v' // in a label: v + algorithm + the unwrapped size in bits (the stored bytes are wrapped)

	boolTrue  = 0xFF // u FF
	boolFalse = 0x00 // u 00
)

// Versions. A file states the version that wrote it (z) and the oldest
// version that can read it (y). polyfmt writes z=2 y=1 (the seed's example)
// and reads every file whose y is at most ReadVersion.
const (
	WriteVersion    = 2
	WriteBackward   = 1
	ReadVersion     = 2
	crateBackward   = 2
	seedBitsPerByte = 8
)

// Kind is the family of a value.
type Kind uint8

// The kinds of value. The numbers are not part of the format.
const (
	KindInvalid   Kind = iota
	KindUint           // u3…u7
	KindInt            // i3…i7
	KindFloat          // f5, f6
	KindComplex        // j5, j6
	KindBool           // u FF / u 00
	KindSpirix         // s33…s77
	KindCircle         // c33…c77
	KindName           // d
	KindText           // x
	KindTensor         // t (Strides nil) or q
	KindBitPacked      // b p (or the crate's p)
	KindTime           // Eagle Time
	KindHash           // h
	KindSignature      // g
	KindKey            // k
	KindStruct         // [ fields ]
)

var kindNames = [...]string{"invalid", "uint", "int", "float", "complex", "bool", "spirix", "circle",
	"name", "text", "tensor", "bitpacked", "time", "hash", "signature", "key", "struct"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind" + strconv.Itoa(int(k))
}

// Type names an element type: a scalar kind and its widths. W is the size
// digit ('3'…'7') of u, i, f and j, and the fraction digit of s and c; E is
// the exponent digit of s and c.
type Type struct {
	Kind Kind
	W, E byte
}

// The element types with a fixed name.
var (
	Bool  = Type{Kind: KindBool}
	U8    = Type{KindUint, '3', 0}
	U16   = Type{KindUint, '4', 0}
	U32   = Type{KindUint, '5', 0}
	U64T  = Type{KindUint, '6', 0}
	U128T = Type{KindUint, '7', 0}
	I8    = Type{KindInt, '3', 0}
	I16   = Type{KindInt, '4', 0}
	I32   = Type{KindInt, '5', 0}
	I64T  = Type{KindInt, '6', 0}
	I128T = Type{KindInt, '7', 0}
	F32   = Type{KindFloat, '5', 0}
	F64   = Type{KindFloat, '6', 0}
	C64   = Type{KindComplex, '5', 0}
	C128  = Type{KindComplex, '6', 0}
)

// String is the type's name as the format spells it: "u4", "f6", "j5",
// "s64", "c33", "bool".
func (t Type) String() string {
	switch t.Kind {
	case KindUint:
		return "u" + string(t.W)
	case KindInt:
		return "i" + string(t.W)
	case KindFloat:
		return "f" + string(t.W)
	case KindComplex:
		return "j" + string(t.W)
	case KindSpirix:
		return "s" + string(t.W) + string(t.E)
	case KindCircle:
		return "c" + string(t.W) + string(t.E)
	case KindBool:
		return "bool"
	}
	return t.Kind.String()
}

// ParseType reads a type name as String writes it.
func ParseType(s string) (Type, bool) {
	if s == "bool" {
		return Bool, true
	}
	var t Type
	switch {
	case len(s) == 2 && isWidth(s[1]):
		t.W = s[1]
		switch s[0] {
		case 'u':
			t.Kind = KindUint
		case 'i':
			t.Kind = KindInt
		case 'f':
			t.Kind = KindFloat
		case 'j':
			t.Kind = KindComplex
		}
	case len(s) == 3 && isWidth(s[1]) && isWidth(s[2]):
		t.W, t.E = s[1], s[2]
		switch s[0] {
		case 's':
			t.Kind = KindSpirix
		case 'c':
			t.Kind = KindCircle
		}
	}
	return t, t.Valid()
}

// Valid reports whether t is an element type the format defines.
func (t Type) Valid() bool {
	switch t.Kind {
	case KindUint, KindInt:
		return isWidth(t.W) && t.E == 0
	case KindFloat, KindComplex:
		return (t.W == '5' || t.W == '6') && t.E == 0
	case KindSpirix, KindCircle:
		return isWidth(t.W) && isWidth(t.E)
	case KindBool:
		return t.W == 0 && t.E == 0
	}
	return false
}

// Size is the bytes one element of t takes in a tensor (0 for bool, whose
// elements are packed 8 to a byte).
func (t Type) Size() int {
	switch t.Kind {
	case KindUint, KindInt, KindFloat:
		return widthBytes(t.W)
	case KindComplex:
		return 2 * widthBytes(t.W)
	case KindSpirix:
		return widthBytes(t.W) + widthBytes(t.E)
	case KindCircle:
		return 2*widthBytes(t.W) + widthBytes(t.E)
	}
	return 0
}

// appendMarker appends t's element-type marker: the raw ASCII letters
// (u 4, f 6, s 6 4); bool tensors use "u0".
func (t Type) appendMarker(dst []byte) []byte {
	switch t.Kind {
	case KindUint:
		return append(dst, markUint, t.W)
	case KindInt:
		return append(dst, markInt, t.W)
	case KindFloat:
		return append(dst, markFloat, t.W)
	case KindComplex:
		return append(dst, markComplex, t.W)
	case KindSpirix:
		return append(dst, markSpirix, t.W, t.E)
	case KindCircle:
		return append(dst, markCircle, t.W, t.E)
	}
	return append(dst, markUint, '0')
}

// ElementTypes lists every tensor element type: u3…u7, i3…i7, f5, f6, j5,
// j6, bool, then the 25 Spirix scalars and 25 circles.
func ElementTypes() []Type {
	var out []Type
	for _, k := range []Kind{KindUint, KindInt} {
		for w := byte('3'); w <= '7'; w++ {
			out = append(out, Type{Kind: k, W: w})
		}
	}
	out = append(out, F32, F64, C64, C128, Bool)
	for _, k := range []Kind{KindSpirix, KindCircle} {
		for f := byte('3'); f <= '7'; f++ {
			for e := byte('3'); e <= '7'; e++ {
				out = append(out, Type{Kind: k, W: f, E: e})
			}
		}
	}
	return out
}
