package main

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"github.com/polyfmt/polyfmt/core/mmx"
)

// Arrays from a file, in polyfmt's dtype vocabulary (mmx.DType: NumPy's
// and safetensors' names), which a format with arrays of other types maps
// to: their values printed, their shapes, their .npy type strings.

// npyDescrs maps each dtype NumPy can load to its type string (the .npy
// "descr"), from core/mmx's one dtype table.
var npyDescrs = func() map[mmx.DType]string {
	m := map[mmx.DType]string{}
	for _, d := range mmx.DTypes() {
		if s := d.NPYDescr(); s != "" {
			m[d] = s
		}
	}
	return m
}()

// shapeString prints a shape as [a,b,c].
func shapeString(shape []uint64) string {
	s := make([]string, len(shape))
	for i, d := range shape {
		s[i] = strconv.FormatUint(d, 10)
	}
	return "[" + strings.Join(s, ",") + "]"
}

// elements is how many elements an array of shape has.
func elements(shape []uint64) uint64 {
	n := uint64(1)
	for _, d := range shape {
		n *= d
	}
	return n
}

// formatValues formats up to n elements of data, a little-endian array of d.
func formatValues(d mmx.DType, data []byte, n int) []string {
	size := d.ItemSize()
	if size == 0 || n <= 0 {
		return nil
	}
	count := min(n, len(data)/size)
	le := binary.LittleEndian
	f32 := func(v float32) string { return strconv.FormatFloat(float64(v), 'g', -1, 32) }
	out := make([]string, count)
	for i := range out {
		b := data[i*size : (i+1)*size]
		switch d {
		case mmx.Bool:
			out[i] = strconv.FormatBool(b[0] != 0)
		case mmx.Int8:
			out[i] = strconv.Itoa(int(int8(b[0])))
		case mmx.Uint8:
			out[i] = strconv.Itoa(int(b[0]))
		case mmx.Int16:
			out[i] = strconv.Itoa(int(int16(le.Uint16(b))))
		case mmx.Uint16:
			out[i] = strconv.Itoa(int(le.Uint16(b)))
		case mmx.Int32:
			out[i] = strconv.Itoa(int(int32(le.Uint32(b))))
		case mmx.Uint32:
			out[i] = strconv.FormatUint(uint64(le.Uint32(b)), 10)
		case mmx.Int64:
			out[i] = strconv.FormatInt(int64(le.Uint64(b)), 10)
		case mmx.Uint64:
			out[i] = strconv.FormatUint(le.Uint64(b), 10)
		case mmx.Float16:
			out[i] = f32(halfToFloat32(le.Uint16(b)))
		case mmx.BFloat16:
			out[i] = f32(math.Float32frombits(uint32(le.Uint16(b)) << 16))
		case mmx.Float32:
			out[i] = f32(math.Float32frombits(le.Uint32(b)))
		case mmx.Float64:
			out[i] = strconv.FormatFloat(math.Float64frombits(le.Uint64(b)), 'g', -1, 64)
		case mmx.Complex64:
			c := complex(math.Float32frombits(le.Uint32(b)), math.Float32frombits(le.Uint32(b[4:])))
			out[i] = strconv.FormatComplex(complex128(c), 'g', -1, 64)
		case mmx.Complex128:
			c := complex(math.Float64frombits(le.Uint64(b)), math.Float64frombits(le.Uint64(b[8:])))
			out[i] = strconv.FormatComplex(c, 'g', -1, 128)
		}
	}
	return out
}

// halfToFloat32 widens an IEEE 754 binary16 value.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f: // Inf, NaN
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac × 2^-24
		v := float32(frac) / (1 << 24)
		if sign != 0 {
			v = -v
		}
		return v
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}
