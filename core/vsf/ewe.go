package vsf

import (
	"encoding/binary"
	"math"
	"math/big"
	"math/bits"
	"strconv"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// U128 is an unsigned 128-bit integer, the widest integer VSF stores. Signed
// values are held in the same two words as two's complement (see I128).
type U128 struct{ Hi, Lo uint64 }

// U64 returns v as a U128.
func U64(v uint64) U128 { return U128{Lo: v} }

// I64 returns v sign-extended to 128 bits.
func I64(v int64) U128 { return U128{Hi: uint64(v >> 63), Lo: uint64(v)} }

// IsUint64 reports whether v fits in a uint64.
func (v U128) IsUint64() bool { return v.Hi == 0 }

// Neg reports whether v, read as a signed 128-bit integer, is negative.
func (v U128) Neg() bool { return int64(v.Hi) < 0 }

// Big returns v as an unsigned big.Int.
func (v U128) Big() *big.Int {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], v.Hi)
	binary.BigEndian.PutUint64(b[8:], v.Lo)
	return new(big.Int).SetBytes(b[:])
}

// SignedBig returns v read as a signed 128-bit integer.
func (v U128) SignedBig() *big.Int {
	if !v.Neg() {
		return v.Big()
	}
	n := U128{Hi: ^v.Hi, Lo: ^v.Lo}
	n.Lo++
	if n.Lo == 0 {
		n.Hi++
	}
	return new(big.Int).Neg(n.Big())
}

// String is v in decimal, unsigned.
func (v U128) String() string {
	if v.Hi == 0 {
		return strconv.FormatUint(v.Lo, 10)
	}
	return string(v.appendDecimal(nil))
}

// SignedString is v in decimal, read as a signed 128-bit integer.
func (v U128) SignedString() string {
	if v.Hi == uint64(int64(v.Lo)>>63) {
		return strconv.FormatInt(int64(v.Lo), 10)
	}
	if !v.Neg() {
		return string(v.appendDecimal(nil))
	}
	return string(v.negate().appendDecimal([]byte{'-'}))
}

// negate is −v modulo 2^128 (the magnitude of a negative signed v).
func (v U128) negate() U128 {
	n := U128{Hi: ^v.Hi, Lo: ^v.Lo}
	n.Lo++
	if n.Lo == 0 {
		n.Hi++
	}
	return n
}

// appendDecimal appends v, unsigned, in decimal. The conversions here are
// written by hand rather than through math/big, which would otherwise be
// linked into polyfmt.wasm for them alone (core/RATIONALE.md).
func (v U128) appendDecimal(b []byte) []byte {
	const e19 = 10_000_000_000_000_000_000
	// v = hi·e19² + mid·e19 + lo, each part below e19 (2^128 < 1e39).
	var parts [3]uint64
	n := 0
	for v.Hi != 0 || v.Lo >= e19 {
		q1, r1 := v.Hi/e19, v.Hi%e19
		q0, r := bits.Div64(r1, v.Lo, e19)
		parts[n] = r
		n++
		v = U128{Hi: q1, Lo: q0}
	}
	b = strconv.AppendUint(b, v.Lo, 10)
	for i := n - 1; i >= 0; i-- {
		var d [19]byte
		x := parts[i]
		for j := 18; j >= 0; j-- {
			d[j] = byte('0' + x%10)
			x /= 10
		}
		b = append(b, d[:]...)
	}
	return b
}

// float64 is v, unsigned, rounded to the nearest float64 (ties to even).
func (v U128) float64() float64 {
	if v.Hi == 0 {
		return float64(v.Lo)
	}
	// The top 64 bits, with every bit shifted out folded into the lowest
	// one (a sticky bit far below float64's 53-bit rounding point), round
	// as the whole would.
	s := 64 - bits.LeadingZeros64(v.Hi) // 1…64; a shift by 64 gives 0
	top := v.Hi<<(64-s) | v.Lo>>s
	if v.Lo<<(64-s) != 0 {
		top |= 1
	}
	return math.Ldexp(float64(top), s)
}

// signedFloat64 is v, read as a signed 128-bit integer, rounded to the
// nearest float64.
func (v U128) signedFloat64() float64 {
	if v.Neg() {
		return -v.negate().float64()
	}
	return v.float64()
}

// U128FromBig converts b, which must lie in [−2^127, 2^128−1]; negative
// values are stored as two's complement.
func U128FromBig(b *big.Int) (U128, bool) {
	maxU128 := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))
	minI128 := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 127))
	if b.Cmp(minI128) < 0 || b.Cmp(maxU128) > 0 {
		return U128{}, false
	}
	x := b
	if b.Sign() < 0 {
		x = new(big.Int).Add(b, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	var buf [16]byte
	x.FillBytes(buf[:])
	return U128{Hi: binary.BigEndian.Uint64(buf[:8]), Lo: binary.BigEndian.Uint64(buf[8:])}, true
}

// ParseU128 reads a decimal integer in [−2^127, 2^128−1], with an optional
// sign ('+' or '-'); negative values are stored as two's complement. It
// accepts what big.Int's SetString(s, 10) does, within that range.
func ParseU128(s string) (U128, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return U128{}, false
	}
	var v U128
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return U128{}, false
		}
		// v = v·10 + c, failing past 2^128 − 1.
		hiH, hiL := bits.Mul64(v.Hi, 10)
		loH, loL := bits.Mul64(v.Lo, 10)
		hi, carry := bits.Add64(hiL, loH, 0)
		if hiH != 0 || carry != 0 {
			return U128{}, false
		}
		lo, c2 := bits.Add64(loL, uint64(c-'0'), 0)
		hi, carry = bits.Add64(hi, 0, c2)
		if carry != 0 {
			return U128{}, false
		}
		v = U128{Hi: hi, Lo: lo}
	}
	if neg {
		if v.Hi > 1<<63 || v.Hi == 1<<63 && v.Lo != 0 { // below −2^127
			return U128{}, false
		}
		return v.negate(), true
	}
	return v, true
}

// widthBytes is the number of value bytes after a size digit '3'…'7'.
func widthBytes(digit byte) int { return 1 << (digit - '3') }

// isWidth reports whether c is a size digit ('3'…'7').
func isWidth(c byte) bool { return c >= '3' && c <= '7' }

// UintWidth is the smallest size digit whose width holds v unsigned.
func UintWidth(v U128) byte {
	switch {
	case v.Hi != 0:
		return '7'
	case v.Lo>>32 != 0:
		return '6'
	case v.Lo>>16 != 0:
		return '5'
	case v.Lo>>8 != 0:
		return '4'
	}
	return '3'
}

// IntWidth is the smallest size digit whose width holds v as a signed
// two's-complement integer.
func IntWidth(v U128) byte {
	// Bits needed beyond the sign: the count of leading bits equal to the sign.
	x := v
	if v.Neg() {
		x = U128{Hi: ^v.Hi, Lo: ^v.Lo}
	}
	var n int // significant bits of the magnitude-like value
	if x.Hi != 0 {
		n = 64 + bits.Len64(x.Hi)
	} else {
		n = bits.Len64(x.Lo)
	}
	switch {
	case n < 8:
		return '3'
	case n < 16:
		return '4'
	case n < 32:
		return '5'
	case n < 64:
		return '6'
	}
	return '7'
}

// FitsUint reports whether v fits the unsigned width digit w.
func FitsUint(v U128, w byte) bool { return UintWidth(v) <= w }

// FitsInt reports whether v (signed) fits the signed width digit w.
func FitsInt(v U128, w byte) bool { return IntWidth(v) <= w }

// appendFixed appends the low widthBytes(w) bytes of v, big-endian.
func appendFixed(dst []byte, v U128, w byte) []byte {
	switch w {
	case '3':
		return append(dst, byte(v.Lo))
	case '4':
		return binary.BigEndian.AppendUint16(dst, uint16(v.Lo))
	case '5':
		return binary.BigEndian.AppendUint32(dst, uint32(v.Lo))
	case '6':
		return binary.BigEndian.AppendUint64(dst, v.Lo)
	}
	dst = binary.BigEndian.AppendUint64(dst, v.Hi)
	return binary.BigEndian.AppendUint64(dst, v.Lo)
}

// readFixed reads n = 1, 2, 4, 8 or 16 big-endian bytes; signed
// sign-extends to 128 bits.
func readFixed(b []byte, signed bool) U128 {
	var v U128
	switch len(b) {
	case 1:
		v.Lo = uint64(b[0])
		if signed {
			v = I64(int64(int8(b[0])))
		}
	case 2:
		v.Lo = uint64(binary.BigEndian.Uint16(b))
		if signed {
			v = I64(int64(int16(v.Lo)))
		}
	case 4:
		v.Lo = uint64(binary.BigEndian.Uint32(b))
		if signed {
			v = I64(int64(int32(v.Lo)))
		}
	case 8:
		v.Lo = binary.BigEndian.Uint64(b)
		if signed {
			v = I64(int64(v.Lo))
		}
	default:
		v.Hi = binary.BigEndian.Uint64(b[:8])
		v.Lo = binary.BigEndian.Uint64(b[8:16])
	}
	return v
}

// AppendUint appends v as an exponential-width integer in the smallest
// width: a size digit '3'…'7', then 1, 2, 4, 8 or 16 bytes big-endian.
// This is the form of every count, length, offset, size and version.
// AppendUint(nil, 4096) is 34 10 00.
func AppendUint(dst []byte, v uint64) []byte { return AppendU128(dst, U64(v)) }

// AppendU128 is AppendUint for a 128-bit value.
func AppendU128(dst []byte, v U128) []byte {
	w := UintWidth(v)
	return appendFixed(append(dst, w), v, w)
}

// AppendInt appends v as a signed exponential-width integer in the
// smallest width (two's complement): AppendInt(nil, -42) is 33 D6.
func AppendInt(dst []byte, v int64) []byte { return AppendI128(dst, I64(v)) }

// AppendI128 is AppendInt for a signed 128-bit value (two's complement in v).
func AppendI128(dst []byte, v U128) []byte {
	w := IntWidth(v)
	return appendFixed(append(dst, w), v, w)
}

// UintLen is the encoded length of v as AppendUint writes it.
func UintLen(v uint64) int { return 1 + widthBytes(UintWidth(U64(v))) }

// ReadU128 reads one unsigned exponential-width integer from the start of
// b and returns it and the bytes it took. It accepts any width (the
// smallest width is how polyfmt writes, not what it demands). A missing or
// unknown size digit is ErrFormat; too few bytes are ErrFormat too.
func ReadU128(b []byte) (U128, int, error) {
	return readEWE(b, false)
}

// ReadI128 is ReadU128 for a signed integer, sign-extended to 128 bits.
func ReadI128(b []byte) (U128, int, error) {
	return readEWE(b, true)
}

func readEWE(b []byte, signed bool) (U128, int, error) {
	if len(b) == 0 {
		return U128{}, 0, errcode.New("vsf", errcode.ErrFormat, "an integer is cut off: no size digit")
	}
	if !isWidth(b[0]) {
		return U128{}, 0, errcode.New("vsf", errcode.ErrFormat, "an integer's size digit is %#02x, not '3'…'7'", b[0])
	}
	n := widthBytes(b[0])
	if len(b) < 1+n {
		return U128{}, 0, errcode.New("vsf", errcode.ErrFormat, "an integer of %d bytes is cut off after %d", n, len(b)-1)
	}
	return readFixed(b[1:1+n], signed), 1 + n, nil
}

// ReadUint reads an unsigned exponential-width integer that must fit in a
// uint64 (a count, length, offset or size): a larger one is ErrLimit.
func ReadUint(b []byte) (uint64, int, error) {
	v, n, err := ReadU128(b)
	if err != nil {
		return 0, 0, err
	}
	if v.Hi != 0 {
		return 0, 0, errcode.New("vsf", errcode.ErrLimit, "a count or size of %s does not fit in 64 bits", v)
	}
	return v.Lo, n, nil
}
