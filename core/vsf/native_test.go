package vsf

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// allTypes is every element type the format defines.
func allTypes() []Type {
	ts := []Type{Bool, F32, F64, C64, C128}
	for w := byte('3'); w <= '7'; w++ {
		ts = append(ts, Type{KindUint, w, 0}, Type{KindInt, w, 0})
		for e := byte('3'); e <= '7'; e++ {
			ts = append(ts, Type{KindSpirix, w, e}, Type{KindCircle, w, e})
		}
	}
	return ts
}

// partSizes lists the byte sizes of one element's parts, in order.
func partSizes(t Type) []int {
	w := widthBytes(t.W)
	switch t.Kind {
	case KindComplex:
		return []int{w, w}
	case KindSpirix:
		return []int{w, widthBytes(t.E)}
	case KindCircle:
		return []int{w, w, widthBytes(t.E)}
	}
	return []int{w}
}

// naiveNative reverses each part of each element, one byte at a time.
func naiveNative(t Type, data []byte) []byte {
	out := make([]byte, 0, len(data))
	for o := 0; o < len(data); {
		for _, p := range partSizes(t) {
			part := slices.Clone(data[o : o+p])
			slices.Reverse(part)
			out = append(out, part...)
			o += p
		}
	}
	return out
}

func TestNativeRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for _, et := range allTypes() {
		for _, c := range []struct {
			shape, strides []uint64
		}{{[]uint64{3, 5}, nil}, {[]uint64{7}, nil}, {[]uint64{}, nil}, {[]uint64{0, 4}, nil},
			{[]uint64{4, 3}, []uint64{1, 4}}, {[]uint64{2, 2}, []uint64{5, 1}}, {[]uint64{17}, []uint64{1}}} {
			tn := &Tensor{Elem: et, Shape: c.shape, Strides: c.strides}
			stored, _ := tn.storedElements()
			dl, _ := tn.dataLen()
			tn.Data = make([]byte, dl)
			for i := range tn.Data {
				tn.Data[i] = byte(r.Uint32())
			}
			if et == Bool && stored%8 != 0 { // padding bits are zero
				tn.Data[len(tn.Data)-1] &^= 0xFF >> (stored % 8)
			}
			n, ok := tn.NativeLen()
			if !ok || n != stored*uint64(et.NativeSize()) {
				t.Fatalf("%v %v: NativeLen %d, %v", et, c.shape, n, ok)
			}
			dst := make([]byte, n)
			if err := tn.NativeInto(dst); err != nil {
				t.Fatalf("%v %v: %v", et, c.shape, err)
			}
			var want []byte
			if et == Bool {
				want = make([]byte, stored)
				for i := range want {
					if tn.Data[i/8]&(0x80>>(i%8)) != 0 {
						want[i] = 1
					}
				}
			} else {
				want = naiveNative(et, tn.Data)
			}
			if !bytes.Equal(dst, want) {
				t.Fatalf("%v %v: native % X, want % X", et, c.shape, dst, want)
			}
			back, err := FromNative(et, c.shape, c.strides, dst)
			if err != nil {
				t.Fatalf("%v %v: FromNative: %v", et, c.shape, err)
			}
			if !bytes.Equal(back.Data, tn.Data) || !slices.Equal(back.Shape, tn.Shape) || (back.Strides == nil) != (c.strides == nil) {
				t.Fatalf("%v %v: FromNative gave % X, want % X", et, c.shape, back.Data, tn.Data)
			}
		}
	}
}

func TestNativeVectors(t *testing.T) {
	for _, c := range []struct {
		name   string
		elem   Type
		shape  []uint64
		stored string
		native string
	}{
		{"u16", U16, []uint64{2}, "12 34 AB CD", "34 12 CD AB"},
		{"i32", I32, []uint64{1}, "FF FF FF FE", "FE FF FF FF"},
		{"f32 1.0", F32, []uint64{1}, "3F 80 00 00", "00 00 80 3F"},
		{"f64 -2", F64, []uint64{1}, "C0 00 00 00 00 00 00 00", "00 00 00 00 00 00 00 C0"},
		{"c64 (1, -1)", C64, []uint64{1}, "3F 80 00 00 BF 80 00 00", "00 00 80 3F 00 00 80 BF"},
		{"u128", U128T, []uint64{1}, "00 01 02 03 04 05 06 07 08 09 0A 0B 0C 0D 0E 0F", "0F 0E 0D 0C 0B 0A 09 08 07 06 05 04 03 02 01 00"},
		{"s64", Type{KindSpirix, '6', '4'}, []uint64{1}, "40 00 00 00 00 00 00 01 FF FD", "01 00 00 00 00 00 00 40 FD FF"},
		{"c34", Type{KindCircle, '3', '4'}, []uint64{1}, "40 C0 01 02", "40 C0 02 01"},
		{"bool", Bool, []uint64{9}, "A5 80", "01 00 01 00 00 01 00 01 01"},
	} {
		t.Run(c.name, func(t *testing.T) {
			tn := &Tensor{Elem: c.elem, Shape: c.shape, Data: unhex(t, c.stored)}
			n, _ := tn.NativeLen()
			dst := make([]byte, n)
			if err := tn.NativeInto(dst); err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, c.native); !bytes.Equal(dst, want) {
				t.Fatalf("native % X, want % X", dst, want)
			}
			back, err := FromNative(c.elem, c.shape, nil, dst)
			if err != nil || !bytes.Equal(back.Data, tn.Data) {
				t.Fatalf("FromNative % X, %v", back.Data, err)
			}
		})
	}
	// Any nonzero byte is true.
	b, err := FromNative(Bool, []uint64{3}, nil, []byte{0, 7, 0xFF})
	if err != nil || !bytes.Equal(b.Data, []byte{0x60}) {
		t.Fatalf("FromNative bool: % X, %v", b.Data, err)
	}
}

func TestNumpyDescr(t *testing.T) {
	for _, c := range []struct {
		t    Type
		want string
		size int
	}{
		{U8, "uint8", 1}, {U16, "uint16", 2}, {U32, "uint32", 4}, {U64T, "uint64", 8}, {U128T, "", 16},
		{I8, "int8", 1}, {I16, "int16", 2}, {I32, "int32", 4}, {I64T, "int64", 8}, {I128T, "", 16},
		{F32, "float32", 4}, {F64, "float64", 8}, {C64, "complex64", 8}, {C128, "complex128", 16},
		{Bool, "bool", 1}, {Type{KindSpirix, '6', '4'}, "", 10}, {Type{KindCircle, '5', '5'}, "", 12},
		{Type{}, "", 0}, {Type{KindFloat, '4', 0}, "", 0}, {Type{KindUint, '9', 0}, "", 0},
	} {
		if got := c.t.NumpyDescr(); got != c.want {
			t.Errorf("%v.NumpyDescr() = %q, want %q", c.t, got, c.want)
		}
		if got := c.t.NativeSize(); got != c.size {
			t.Errorf("%v.NativeSize() = %d, want %d", c.t, got, c.size)
		}
	}
}

func TestNativeErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  func() error
	}{
		{"dst too short", func() error {
			return (&Tensor{Elem: U16, Shape: []uint64{2}, Data: make([]byte, 4)}).NativeInto(make([]byte, 3))
		}},
		{"data does not match shape", func() error {
			return (&Tensor{Elem: U16, Shape: []uint64{2}, Data: make([]byte, 3)}).NativeInto(make([]byte, 4))
		}},
		{"invalid type", func() error { return (&Tensor{Elem: Type{KindFloat, '3', 0}}).NativeInto(nil) }},
		{"FromNative short", func() error { _, err := FromNative(F64, []uint64{2}, nil, make([]byte, 15)); return err }},
		{"FromNative strides", func() error { _, err := FromNative(F64, []uint64{2}, []uint64{1, 1}, make([]byte, 16)); return err }},
		{"FromNative invalid type", func() error { _, err := FromNative(Type{}, nil, nil, nil); return err }},
		{"FromNative overflow", func() error { _, err := FromNative(U64T, []uint64{1 << 62, 4}, nil, nil); return err }},
	} {
		t.Run(c.name, func(t *testing.T) {
			if err := c.err(); !errors.Is(err, errcode.ErrBadArg) {
				t.Fatalf("got %v, want ErrBadArg", err)
			}
		})
	}
}
