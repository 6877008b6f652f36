package vsf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// naivePack packs samples one bit at a time: the definition, not the
// fast path. Samples of more than 64 bits are given as (hi, lo) pairs.
func naivePack(hi, lo []uint64, nb int) []byte {
	out := make([]byte, (len(lo)*nb+7)/8)
	pos := 0
	for i := range lo {
		for b := nb - 1; b >= 0; b-- {
			var bit uint64
			if b >= 64 {
				bit = hi[i] >> (b - 64) & 1
			} else {
				bit = lo[i] >> b & 1
			}
			if bit != 0 {
				out[pos/8] |= 0x80 >> (pos % 8)
			}
			pos++
		}
	}
	return out
}

// nativeLE writes samples little-endian in size bytes each.
func nativeLE(hi, lo []uint64, size int) []byte {
	out := make([]byte, len(lo)*size)
	for i, v := range lo {
		var w [16]byte
		binary.LittleEndian.PutUint64(w[:8], v)
		if hi != nil {
			binary.LittleEndian.PutUint64(w[8:], hi[i])
		}
		copy(out[i*size:], w[:size])
	}
	return out
}

func randSamples(r *rand.Rand, n, nb int) (hi, lo []uint64) {
	hi, lo = make([]uint64, n), make([]uint64, n)
	for i := range lo {
		lo[i] = r.Uint64()
		hi[i] = r.Uint64()
		if nb < 64 {
			lo[i] &= 1<<nb - 1
		}
		if nb <= 64 {
			hi[i] = 0
		} else if nb < 128 {
			hi[i] &= 1<<(nb-64) - 1
		}
		switch i % 7 { // the extremes, often
		case 1:
			lo[i], hi[i] = 0, 0
		case 2:
			lo[i] = ^uint64(0)
			if nb < 64 {
				lo[i] = 1<<nb - 1
			}
		}
	}
	return hi, lo
}

// Every depth 1…64, odd and even counts, both directions, against the
// bit-at-a-time definition.
func TestBitPackRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for nb := 1; nb <= 64; nb++ {
		for _, n := range []int{0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 63, 65, 101, 257} {
			hi, lo := randSamples(r, n, nb)
			want := naivePack(hi, lo, nb)
			p := &BitPacked{Bits: nb}
			size := p.NativeType().Size()
			for _, es := range []int{size, 8, 16} {
				src := nativeLE(nil, lo, es)
				got, err := PackLE(src, es, nb, []uint64{uint64(n)})
				if err != nil {
					t.Fatalf("%d bits, %d samples, %d-byte source: %v", nb, n, es, err)
				}
				if !bytes.Equal(got.Data, want) {
					t.Fatalf("%d bits, %d samples: PackLE = % X, want % X", nb, n, got.Data, want)
				}
				if _, err := AppendValue(nil, got); err != nil {
					t.Fatalf("%d bits: packed value does not encode: %v", nb, err)
				}
			}
			p = &BitPacked{Bits: nb, Shape: []uint64{uint64(n)}, Data: want}
			dst := make([]byte, n*size)
			if err := p.UnpackInto(dst); err != nil {
				t.Fatal(err)
			}
			if w := nativeLE(nil, lo, size); !bytes.Equal(dst, w) {
				t.Fatalf("%d bits, %d samples: UnpackInto = % X, want % X", nb, n, dst, w)
			}
		}
	}
}

// Depths 65…128 are read (the crate writes them): unpack to 16 bytes.
func TestBitUnpackWide(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for nb := 65; nb <= 128; nb++ {
		for _, n := range []int{1, 2, 3, 9} {
			hi, lo := randSamples(r, n, nb)
			p := &BitPacked{Bits: nb, Shape: []uint64{uint64(n)}, Data: naivePack(hi, lo, nb), Crate: true}
			if p.NativeType() != U128T {
				t.Fatalf("%d bits: native %v", nb, p.NativeType())
			}
			dst := make([]byte, 16*n)
			if err := p.UnpackInto(dst); err != nil {
				t.Fatal(err)
			}
			if w := nativeLE(hi, lo, 16); !bytes.Equal(dst, w) {
				t.Fatalf("%d bits: UnpackInto = % X, want % X", nb, dst, w)
			}
		}
	}
}

// Vectors worked by hand.
func TestBitPackVectors(t *testing.T) {
	for _, c := range []struct {
		name    string
		bits    int
		samples []uint16
		packed  string
	}{
		{"12-bit ABC 123", 12, []uint16{0xABC, 0x123}, "AB C1 23"},
		{"12-bit one sample pads", 12, []uint16{0xFFF}, "FF F0"},
		// 001 010 011 100 101 110 111 000 → 00101001 11001011 10111000
		{"3-bit 1…7, 0", 3, []uint16{1, 2, 3, 4, 5, 6, 7, 0}, "29 CB B8"},
		{"1-bit", 1, []uint16{1, 0, 1, 1, 0, 0, 0, 0, 1}, "B0 80"},
		{"10-bit", 10, []uint16{0x3FF, 0, 0x155, 0x2AA}, "FF C0 05 56 AA"},
		{"14-bit", 14, []uint16{0x3FFF, 1, 0x2000, 0x1234}, "FF FC 00 18 00 12 34"},
		{"16-bit", 16, []uint16{0x1234, 0xABCD}, "12 34 AB CD"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := PackU16(c.samples, c.bits, []uint64{uint64(len(c.samples))})
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, c.packed); !bytes.Equal(p.Data, want) {
				t.Fatalf("packed % X, want % X", p.Data, want)
			}
			got, err := p.UnpackU16()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.samples) {
				t.Fatalf("unpacked %d samples", len(got))
			}
			for i := range got {
				if got[i] != c.samples[i] {
					t.Fatalf("sample %d = %#x, want %#x", i, got[i], c.samples[i])
				}
			}
		})
	}
}

// The seed's example: a 4096×3072 12-bit image is 18,874,368 packed bytes
// behind a 12-byte header, and unpacks to the same uint16s.
func TestBitPackSeedImage(t *testing.T) {
	const w, h = 4096, 3072
	r := rand.New(rand.NewPCG(5, 6))
	samples := make([]uint16, w*h)
	for i := range samples {
		samples[i] = uint16(r.UintN(1 << 12))
	}
	p, err := PackU16(samples, 12, []uint64{w, h})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Data) != 18874368 {
		t.Fatalf("packed %d bytes, want 18,874,368", len(p.Data))
	}
	b, err := AppendValue(nil, p)
	if err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, "62 70 33 0C 33 02 34 10 00 34 0C 00"); !bytes.Equal(b[:len(want)], want) || len(b) != len(want)+18874368 {
		t.Fatalf("header % X, %d bytes", b[:12], len(b))
	}
	v, n, err := DecodeValue(b, nil)
	if err != nil || n != len(b) {
		t.Fatalf("DecodeValue: %v after %d bytes", err, n)
	}
	got, err := v.(*BitPacked).UnpackU16()
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		if got[i] != samples[i] {
			t.Fatalf("sample %d = %#x, want %#x", i, got[i], samples[i])
		}
	}
	// The same through PackLE from native bytes.
	le := make([]byte, 2*len(samples))
	for i, s := range samples {
		binary.LittleEndian.PutUint16(le[2*i:], s)
	}
	q, err := PackLE(le, 2, 12, []uint64{w, h})
	if err != nil || !bytes.Equal(q.Data, p.Data) {
		t.Fatalf("PackLE differs from PackU16: %v", err)
	}
}

func TestNativeType(t *testing.T) {
	for _, c := range []struct {
		bits int
		want Type
	}{{1, U8}, {8, U8}, {9, U16}, {16, U16}, {17, U32}, {32, U32}, {33, U64T}, {64, U64T}, {65, U128T}, {128, U128T}, {0, Type{}}, {129, Type{}}} {
		if got := (&BitPacked{Bits: c.bits}).NativeType(); got != c.want {
			t.Errorf("NativeType(%d bits) = %v, want %v", c.bits, got, c.want)
		}
	}
}

func TestBitPackErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		err  func() error
		msg  string
	}{
		{"sample too wide", func() error {
			_, err := PackLE([]byte{1, 0, 0, 0x10}, 2, 12, []uint64{2})
			return err
		}, "sample 1 is 4096"},
		{"sample too wide u16", func() error { _, err := PackU16([]uint16{0, 0, 8}, 3, []uint64{3}); return err }, "sample 2 is 8"},
		{"128-bit sample too wide", func() error {
			src := make([]byte, 16)
			src[8] = 1
			_, err := PackLE(src, 16, 64, []uint64{1})
			return err
		}, "sample 0 is 18446744073709551616"},
		{"bits 0", func() error { _, err := PackLE(nil, 1, 0, []uint64{0}); return err }, "not 0"},
		{"bits 65", func() error { _, err := PackLE(nil, 16, 65, []uint64{0}); return err }, "not 65"},
		{"elem size 3", func() error { _, err := PackLE(nil, 3, 8, []uint64{0}); return err }, "not 3"},
		{"short source", func() error { _, err := PackLE([]byte{1, 2, 3}, 2, 12, []uint64{2}); return err }, "3 bytes"},
		{"shape overflow", func() error { _, err := PackLE(nil, 1, 8, []uint64{1 << 40, 1 << 40}); return err }, "overflows"},
		{"PackU16 bits 17", func() error { _, err := PackU16(nil, 17, []uint64{0}); return err }, "not 17"},
		{"dst too short", func() error {
			return (&BitPacked{Bits: 12, Shape: []uint64{2}, Data: make([]byte, 3)}).UnpackInto(make([]byte, 3))
		}, "dst has 3"},
		{"data too short", func() error {
			return (&BitPacked{Bits: 12, Shape: []uint64{2}, Data: make([]byte, 2)}).UnpackInto(make([]byte, 4))
		}, "has 2 bytes"},
		{"unpack bits 0", func() error { return (&BitPacked{Shape: []uint64{1}}).UnpackInto(nil) }, "not 0"},
		{"UnpackU16 of 17 bits", func() error {
			_, err := (&BitPacked{Bits: 17, Shape: []uint64{1}, Data: make([]byte, 3)}).UnpackU16()
			return err
		}, "not 17"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.err()
			if !errors.Is(err, errcode.ErrBadArg) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v, want ErrBadArg containing %q", err, c.msg)
			}
		})
	}
}
