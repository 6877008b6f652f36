package vsf

import (
	"math"
)

// Value is one typed value: a scalar, a name or text, a tensor, a
// bit-packed tensor, an Eagle Time, a hash, signature or key, or a nested
// structure. Each concrete type below is a Value.
type Value interface {
	// Kind is the value's family.
	Kind() Kind
}

// Uint is an unsigned integer of a declared width (u3…u7); it keeps that
// width on the wire (u4(5) is 75 34 00 05).
type Uint struct {
	W byte // size digit '3'…'7'
	V U128
}

// Int is a signed integer of a declared width (i3…i7), two's complement.
type Int struct {
	W byte
	V U128 // two's complement, sign-extended to 128 bits
}

// Float is f5 (float32, held exactly in V) or f6 (float64).
type Float struct {
	W byte // '5' or '6'
	V float64
}

// Complex is j5 (two float32) or j6 (two float64).
type Complex struct {
	W      byte
	Re, Im float64
}

// Boolean is a boolean: u FF (true) or u 00 (false).
type Boolean bool

// Spirix is a Spirix scalar sFE: a signed fraction of 2^F bits and a signed
// exponent of 2^E bits, stored exactly (F and E are the digits '3'…'7').
type Spirix struct {
	F, E      byte
	Frac, Exp U128 // two's complement, sign-extended
}

// Circle is a Spirix circle cFE: a signed real and imaginary fraction of
// 2^F bits each and one signed exponent of 2^E bits.
type Circle struct {
	F, E        byte
	Re, Im, Exp U128
}

// Name is a name (d): ASCII, used for labels and field names.
type Name string

// Text is UTF-8 text (x).
type Text string

// Tensor is a tensor of any rank: contiguous row-major (t) when Strides is
// nil, strided (q) otherwise. Data holds the elements as the file stores
// them, big-endian (bool elements packed 8 to a byte, most significant bit
// first); a decoded Tensor's Data is a view of the decoded bytes.
type Tensor struct {
	Elem    Type
	Shape   []uint64
	Strides []uint64 // in elements; nil for a contiguous tensor
	Data    []byte
}

// BitPacked is a tensor of samples of Bits bits each (1…64 written, up to
// 128 read), packed most significant bit first, continuously across bytes,
// the last byte zero-padded.
type BitPacked struct {
	Bits  int
	Shape []uint64
	Data  []byte
	// Crate marks the public crate's form (p, raw bit byte) rather than
	// the seed's (b p, encoded bits). Decoding sets it; encoding honours it.
	Crate bool
}

// Time is an Eagle Time: seconds since 1969-07-20 20:17:40 UTC, as an
// integer (T5, T6, T7) or a float64 (t6).
type Time struct {
	IsFloat bool
	W       byte // '5', '6' or '7' for an integer; '6' for a float
	Sec     U128 // integer seconds, two's complement
	F       float64
	// Crate marks the public crate's form (e …) rather than the seed's.
	Crate bool
}

// Hash is a hash (h): an algorithm letter and the digest.
type Hash struct {
	Alg byte
	Sum []byte
}

// Signature is a signature (g): an algorithm letter and the signature.
type Signature struct {
	Alg byte
	Sig []byte
}

// Key is a public key (k): an algorithm letter and the key.
type Key struct {
	Alg byte
	Key []byte
}

// Struct is a nested structure: fields in order.
type Struct struct {
	Fields []Field
}

// Field is one named value of a section or a nested structure.
type Field struct {
	Name  string
	Value Value
}

func (Uint) Kind() Kind       { return KindUint }
func (Int) Kind() Kind        { return KindInt }
func (Float) Kind() Kind      { return KindFloat }
func (Complex) Kind() Kind    { return KindComplex }
func (Boolean) Kind() Kind    { return KindBool }
func (Spirix) Kind() Kind     { return KindSpirix }
func (Circle) Kind() Kind     { return KindCircle }
func (Name) Kind() Kind       { return KindName }
func (Text) Kind() Kind       { return KindText }
func (*Tensor) Kind() Kind    { return KindTensor }
func (*BitPacked) Kind() Kind { return KindBitPacked }
func (Time) Kind() Kind       { return KindTime }
func (Hash) Kind() Kind       { return KindHash }
func (Signature) Kind() Kind  { return KindSignature }
func (Key) Kind() Kind        { return KindKey }
func (*Struct) Kind() Kind    { return KindStruct }

// Convenience constructors.

// U returns an unsigned value of width digit w.
func U(w byte, v uint64) Uint { return Uint{W: w, V: U64(v)} }

// I returns a signed value of width digit w.
func I(w byte, v int64) Int { return Int{W: w, V: I64(v)} }

// F32Value returns an f5.
func F32Value(v float32) Float { return Float{W: '5', V: float64(v)} }

// F64Value returns an f6.
func F64Value(v float64) Float { return Float{W: '6', V: v} }

// Float64 converts a Spirix scalar to the nearest float64 for display:
// fraction / 2^(2^F − 1) × 2^exponent, the fraction read as a signed
// fixed-point number in [−1, 1). The stored parts stay exact.
func (s Spirix) Float64() float64 {
	return spirixFloat(s.Frac, s.F, s.Exp)
}

// Float64s converts a circle to the nearest float64 pair.
func (c Circle) Float64s() (re, im float64) {
	return spirixFloat(c.Re, c.F, c.Exp), spirixFloat(c.Im, c.F, c.Exp)
}

func spirixFloat(frac U128, f byte, exp U128) float64 {
	fr := frac.signedFloat64()
	if exp.Hi != uint64(int64(exp.Lo)>>63) { // beyond int64
		if !exp.Neg() {
			return math.Copysign(math.Inf(1), fr)
		}
		return math.Copysign(0, fr)
	}
	x := int64(exp.Lo) - int64(widthBytes(f)*8-1)
	if x > 1<<20 {
		x = 1 << 20
	} else if x < -(1 << 20) {
		x = -(1 << 20)
	}
	return math.Ldexp(fr, int(x))
}
