package vsf

import (
	"encoding/binary"
	"math"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// decoder reads values from b. Offsets in its errors are base + the
// position in b, so they are file offsets when b is a section.
type decoder struct {
	b    []byte
	off  int
	base int64
	lim  Limits
	// crate reads the crate form, where x is Huffman-coded text.
	crate bool
}

func (d *decoder) errf(kind error, format string, args ...any) error {
	return errcode.At("vsf", kind, d.base+int64(d.off), format, args...)
}

func (d *decoder) remaining() int { return len(d.b) - d.off }

func (d *decoder) byte1(what string) (byte, error) {
	if d.off >= len(d.b) {
		return 0, d.errf(errcode.ErrFormat, "%s is cut off", what)
	}
	c := d.b[d.off]
	d.off++
	return c, nil
}

func (d *decoder) expect(c byte, what string) error {
	got, err := d.byte1(what)
	if err != nil {
		return err
	}
	if got != c {
		d.off--
		return d.errf(errcode.ErrFormat, "%s: expected %q, found %#02x", what, c, got)
	}
	return nil
}

func (d *decoder) take(n uint64, what string) ([]byte, error) {
	if n > uint64(d.remaining()) {
		return nil, d.errf(errcode.ErrFormat, "%s needs %d bytes, %d remain", what, n, d.remaining())
	}
	b := d.b[d.off : d.off+int(n) : d.off+int(n)]
	d.off += int(n)
	return b, nil
}

// fixed reads the width named by digit w (already consumed).
func (d *decoder) fixed(w byte, signed bool, what string) (U128, error) {
	if !isWidth(w) {
		d.off--
		return U128{}, d.errf(errcode.ErrFormat, "%s: size digit %#02x is not '3'…'7'", what, w)
	}
	b, err := d.take(uint64(widthBytes(w)), what)
	if err != nil {
		return U128{}, err
	}
	return readFixed(b, signed), nil
}

// uint reads an encoded unsigned integer that must fit in 64 bits.
func (d *decoder) uint(what string) (uint64, error) {
	w, err := d.byte1(what)
	if err != nil {
		return 0, err
	}
	v, err := d.fixed(w, false, what)
	if err != nil {
		return 0, err
	}
	if v.Hi != 0 {
		return 0, d.errf(errcode.ErrLimit, "%s of %s does not fit in 64 bits", what, v)
	}
	return v.Lo, nil
}

func (d *decoder) float(w byte, what string) (float64, error) {
	if w != '5' && w != '6' {
		d.off--
		return 0, d.errf(errcode.ErrFormat, "%s: a float's width is '5' or '6', not %#02x", what, w)
	}
	b, err := d.take(uint64(widthBytes(w)), what)
	if err != nil {
		return 0, err
	}
	if w == '5' {
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), nil
	}
	return math.Float64frombits(binary.BigEndian.Uint64(b)), nil
}

// name reads d + length + ASCII.
func (d *decoder) name(what string) (string, error) {
	if err := d.expect(markName, what); err != nil {
		return "", err
	}
	return d.nameBody(what)
}

func (d *decoder) nameBody(what string) (string, error) {
	n, err := d.uint("a name's length")
	if err != nil {
		return "", err
	}
	if n == 0 || n > uint64(d.lim.MaxNameLen) {
		return "", d.errf(errcode.ErrLimit, "%s is %d bytes; names are 1…%d (Limits.MaxNameLen)", what, n, d.lim.MaxNameLen)
	}
	b, err := d.take(n, what)
	if err != nil {
		return "", err
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			return "", errcode.At("vsf", errcode.ErrFormat, d.base+int64(d.off)-int64(n)+int64(i), "%s: byte %#02x is not printable ASCII", what, c)
		}
	}
	return string(b), nil
}

// DecodeValue decodes one value from the start of b and returns it and the
// bytes it took. Tensors, bit-packed data, hashes and text bytes are views
// of b (copy them to keep them beyond b). lim nil means DefaultLimits.
func DecodeValue(b []byte, lim *Limits) (Value, int, error) {
	l, err := lim.resolve()
	if err != nil {
		return nil, 0, err
	}
	d := &decoder{b: b, lim: l}
	v, err := d.value(0)
	return v, d.off, err
}

// value reads one value at depth.
func (d *decoder) value(depth int) (Value, error) {
	m, err := d.byte1("a value")
	if err != nil {
		return nil, err
	}
	switch m {
	case markUint:
		w, err := d.byte1("u")
		if err != nil {
			return nil, err
		}
		switch w {
		case boolTrue:
			return Boolean(true), nil
		case boolFalse:
			return Boolean(false), nil
		}
		v, err := d.fixed(w, false, "u")
		return Uint{W: w, V: v}, err
	case markInt:
		w, err := d.byte1("i")
		if err != nil {
			return nil, err
		}
		v, err := d.fixed(w, true, "i")
		return Int{W: w, V: v}, err
	case markFloat:
		w, err := d.byte1("f")
		if err != nil {
			return nil, err
		}
		v, err := d.float(w, "f")
		return Float{W: w, V: v}, err
	case markComplex:
		w, err := d.byte1("j")
		if err != nil {
			return nil, err
		}
		re, err := d.float(w, "j")
		if err != nil {
			return nil, err
		}
		im, err := d.float(w, "j")
		return Complex{W: w, Re: re, Im: im}, err
	case markSpirix, markCircle:
		return d.spirix(m)
	case markName:
		s, err := d.nameBody("a name")
		return Name(s), err
	case markText:
		if d.crate {
			d.off--
			return nil, d.errf(errcode.ErrUnsupported, "x text in the crate's form is Huffman-coded with a codebook that is not public; polyfmt cannot read it")
		}
		n, err := d.uint("text length")
		if err != nil {
			return nil, err
		}
		b, err := d.take(n, "text")
		return Text(b), err
	case markTensor:
		if d.off < len(d.b) && d.b[d.off] == '6' {
			d.off++
			f, err := d.float('6', "an Eagle Time t6")
			return Time{IsFloat: true, W: '6', F: f}, err
		}
		return d.tensor(false)
	case markStrided:
		return d.tensor(true)
	case markBitsSeed:
		if err := d.expect(markBitsP, "a bit-packed tensor (b p)"); err != nil {
			return nil, err
		}
		return d.bitPacked(false)
	case markBitsP:
		return d.bitPacked(true)
	case markTimeInt:
		w, err := d.byte1("an Eagle Time")
		if err != nil {
			return nil, err
		}
		if w < '5' || w > '7' {
			d.off--
			return nil, d.errf(errcode.ErrFormat, "an Eagle Time T is T5, T6 or T7, not T%c", w)
		}
		v, err := d.fixed(w, true, "an Eagle Time")
		return Time{W: w, Sec: v}, err
	case markTimeE:
		return d.crateTime()
	case markHash, markSig, markKey:
		return d.blob(m)
	case markSecOpen:
		if depth >= d.lim.MaxDepth {
			return nil, d.errf(errcode.ErrLimit, "structures nest deeper than %d (Limits.MaxDepth)", d.lim.MaxDepth)
		}
		fs, err := d.fields(depth+1, -1)
		if err != nil {
			return nil, err
		}
		if err := d.expect(markSecEnd, "the end of a structure"); err != nil {
			return nil, err
		}
		return &Struct{Fields: fs}, nil
	}
	d.off--
	return nil, d.errf(errcode.ErrFormat, "no value starts with %#02x", m)
}

// fields reads ( d name ':' value ) until the next byte is not '(' or,
// with want ≥ 0, exactly want of them.
func (d *decoder) fields(depth int, want int64) ([]Field, error) {
	var fs []Field
	if want > 0 {
		// A field takes at least 8 bytes: the count is checked against
		// the bytes before it sizes anything.
		fs = make([]Field, 0, min(want, int64(d.remaining()/8)+1))
	}
	for want < 0 || int64(len(fs)) < want {
		if want < 0 && (d.off >= len(d.b) || d.b[d.off] != markLabelOpen) {
			break
		}
		if int64(len(fs)) >= d.lim.MaxFields {
			return nil, d.errf(errcode.ErrLimit, "more than %d fields (Limits.MaxFields)", d.lim.MaxFields)
		}
		if err := d.expect(markLabelOpen, "a field"); err != nil {
			return nil, err
		}
		name, err := d.name("a field's name")
		if err != nil {
			return nil, err
		}
		if d.off >= len(d.b) || d.b[d.off] != markColon {
			return nil, d.expect(markColon, "field "+name)
		}
		d.off++
		v, err := d.value(depth)
		if err != nil {
			return nil, err
		}
		if d.off >= len(d.b) || d.b[d.off] != markLabelEnd {
			return nil, d.expect(markLabelEnd, "the end of field "+name)
		}
		d.off++
		fs = append(fs, Field{Name: name, Value: v})
	}
	return fs, nil
}

func (d *decoder) spirix(m byte) (Value, error) {
	what := "a Spirix scalar"
	if m == markCircle {
		what = "a Spirix circle"
	}
	f, err := d.byte1(what)
	if err != nil {
		return nil, err
	}
	e, err := d.byte1(what)
	if err != nil {
		return nil, err
	}
	if !isWidth(f) || !isWidth(e) {
		d.off -= 2
		return nil, d.errf(errcode.ErrFormat, "%s: digits %#02x %#02x are not '3'…'7'", what, f, e)
	}
	a, err := d.fixed(f, true, what)
	if err != nil {
		return nil, err
	}
	if m == markSpirix {
		x, err := d.fixed(e, true, what)
		return Spirix{F: f, E: e, Frac: a, Exp: x}, err
	}
	b, err := d.fixed(f, true, what)
	if err != nil {
		return nil, err
	}
	x, err := d.fixed(e, true, what)
	return Circle{F: f, E: e, Re: a, Im: b, Exp: x}, err
}

func (d *decoder) crateTime() (Value, error) {
	k, err := d.byte1("an Eagle Time (e)")
	if err != nil {
		return nil, err
	}
	w, err := d.byte1("an Eagle Time (e)")
	if err != nil {
		return nil, err
	}
	switch k {
	case markFloat:
		if w != '5' && w != '6' {
			// The crate's 0.1.3 writes e f and the 8 bytes of an f64 with
			// no width digit (later versions write the digit).
			d.off--
			b, err := d.take(8, "an Eagle Time (e f)")
			if err != nil {
				return nil, err
			}
			return Time{IsFloat: true, W: 0, F: math.Float64frombits(binary.BigEndian.Uint64(b)), Crate: true}, nil
		}
		f, err := d.float(w, "an Eagle Time (e f)")
		return Time{IsFloat: true, W: w, F: f, Crate: true}, err
	case markUint, markInt:
		v, err := d.fixed(w, k == markInt, "an Eagle Time (e)")
		if err == nil && k == markUint && v.Neg() {
			return nil, d.errf(errcode.ErrUnsupported, "an Eagle Time of %s seconds is beyond the signed 128-bit range", v)
		}
		if err == nil && !FitsInt(v, w) {
			w++ // e u: a signed width one step wider holds it (it is written e i)
		}
		return Time{W: w, Sec: v, Crate: true}, err
	}
	d.off -= 2
	return nil, d.errf(errcode.ErrFormat, "an Eagle Time (e) is e u, e i or e f, not e %#02x", k)
}

func (d *decoder) blob(m byte) (Value, error) {
	what := map[byte]string{markHash: "a hash", markSig: "a signature", markKey: "a key"}[m]
	alg, err := d.byte1(what)
	if err != nil {
		return nil, err
	}
	if alg < 0x21 || alg > 0x7E { // as checkBlob: what is read can be written
		d.off--
		return nil, d.errf(errcode.ErrFormat, "%s's algorithm letter %#02x is not printable ASCII", what, alg)
	}
	n, err := d.uint(what + " length")
	if err != nil {
		return nil, err
	}
	if n == math.MaxUint64 {
		return nil, d.errf(errcode.ErrFormat, "%s of 2^64 bytes", what)
	}
	b, err := d.take(n+1, what)
	if err != nil {
		return nil, err
	}
	switch m {
	case markHash:
		return Hash{Alg: alg, Sum: b}, nil
	case markSig:
		return Signature{Alg: alg, Sig: b}, nil
	}
	return Key{Alg: alg, Key: b}, nil
}

// elemType reads a tensor's element-type marker.
func (d *decoder) elemType() (Type, error) {
	c, err := d.byte1("a tensor's element type")
	if err != nil {
		return Type{}, err
	}
	w, err := d.byte1("a tensor's element type")
	if err != nil {
		return Type{}, err
	}
	var t Type
	switch c {
	case markUint:
		if w == '0' {
			return Bool, nil
		}
		t = Type{Kind: KindUint, W: w}
	case markInt:
		t = Type{Kind: KindInt, W: w}
	case markFloat:
		t = Type{Kind: KindFloat, W: w}
	case markComplex:
		t = Type{Kind: KindComplex, W: w}
	case markSpirix, markCircle:
		e, err := d.byte1("a tensor's element type")
		if err != nil {
			return Type{}, err
		}
		t = Type{Kind: KindSpirix, W: w, E: e}
		if c == markCircle {
			t.Kind = KindCircle
		}
	}
	if !t.Valid() {
		d.off -= 2
		return Type{}, d.errf(errcode.ErrFormat, "%q %#02x is not a tensor element type", c, w)
	}
	return t, nil
}

// shape reads rank dimensions (or strides).
func (d *decoder) dims(rank uint64, what string) ([]uint64, error) {
	// Each dimension takes at least 2 bytes: the rank is bounded by
	// MaxDims already, and by the bytes left.
	if rank*2 > uint64(d.remaining()) {
		return nil, d.errf(errcode.ErrFormat, "%d %s need at least %d bytes, %d remain", rank, what, rank*2, d.remaining())
	}
	s := make([]uint64, rank)
	for i := range s {
		v, err := d.uint(what)
		if err != nil {
			return nil, err
		}
		s[i] = v
	}
	return s, nil
}

func (d *decoder) rank() (uint64, error) {
	r, err := d.uint("a tensor's rank")
	if err != nil {
		return 0, err
	}
	if r > uint64(d.lim.MaxDims) {
		return 0, d.errf(errcode.ErrLimit, "a tensor of rank %d exceeds Limits.MaxDims (%d)", r, d.lim.MaxDims)
	}
	return r, nil
}

func (d *decoder) tensor(strided bool) (Value, error) {
	r, err := d.rank()
	if err != nil {
		return nil, err
	}
	et, err := d.elemType()
	if err != nil {
		return nil, err
	}
	t := &Tensor{Elem: et}
	if t.Shape, err = d.dims(r, "dimensions"); err != nil {
		return nil, err
	}
	if strided {
		if t.Strides, err = d.dims(r, "strides"); err != nil {
			return nil, err
		}
	}
	if n, ok := elements(t.Shape); !ok || n > d.lim.MaxElements {
		return nil, d.errf(errcode.ErrLimit, "a tensor of shape %v exceeds Limits.MaxElements (%d)", t.Shape, d.lim.MaxElements)
	}
	n, ok := t.dataLen()
	if !ok {
		return nil, d.errf(errcode.ErrFormat, "a tensor of shape %v and strides %v overflows", t.Shape, t.Strides)
	}
	t.Data, err = d.take(n, "tensor data")
	return t, err
}

func (d *decoder) bitPacked(crate bool) (Value, error) {
	var bitsPer, r uint64
	var err error
	if crate {
		if r, err = d.rank(); err != nil {
			return nil, err
		}
		b, err := d.byte1("a bit depth")
		if err != nil {
			return nil, err
		}
		bitsPer = uint64(b)
	} else {
		if bitsPer, err = d.uint("a bit depth"); err != nil {
			return nil, err
		}
		if r, err = d.rank(); err != nil {
			return nil, err
		}
	}
	if bitsPer < 1 || bitsPer > 128 {
		return nil, d.errf(errcode.ErrFormat, "a bit depth of %d; bit-packed samples are 1…128 bits", bitsPer)
	}
	if !crate && bitsPer > 64 {
		return nil, d.errf(errcode.ErrFormat, "a bit depth of %d; the seed's b p form holds 1…64 bits", bitsPer)
	}
	p := &BitPacked{Bits: int(bitsPer), Crate: crate}
	if p.Shape, err = d.dims(r, "dimensions"); err != nil {
		return nil, err
	}
	if n, ok := elements(p.Shape); !ok || n > d.lim.MaxElements {
		return nil, d.errf(errcode.ErrLimit, "a bit-packed tensor of shape %v exceeds Limits.MaxElements (%d)", p.Shape, d.lim.MaxElements)
	}
	n, ok := packedLen(p.Shape, p.Bits)
	if !ok {
		return nil, d.errf(errcode.ErrFormat, "a bit-packed tensor of shape %v overflows", p.Shape)
	}
	p.Data, err = d.take(n, "bit-packed data")
	return p, err
}
