package vsf

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The values seed and crate agree on (shared/reference/vsf.md), byte for byte.
func TestEWEVectors(t *testing.T) {
	for _, c := range []struct {
		v    uint64
		want string
	}{{42, "33 2A"}, {255, "33 FF"}, {300, "34 01 2C"}, {4096, "34 10 00"}, {100000, "35 00 01 86 A0"},
		{0, "33 00"}, {256, "34 01 00"}, {65535, "34 FF FF"}, {65536, "35 00 01 00 00"}, {1 << 32, "36 00 00 00 01 00 00 00 00"}} {
		got := AppendUint(nil, c.v)
		if !bytes.Equal(got, unhex(t, c.want)) {
			t.Errorf("AppendUint(%d) = % X, want %s", c.v, got, c.want)
		}
		if UintLen(c.v) != len(got) {
			t.Errorf("UintLen(%d) = %d, want %d", c.v, UintLen(c.v), len(got))
		}
		v, n, err := ReadUint(got)
		if err != nil || v != c.v || n != len(got) {
			t.Errorf("ReadUint(% X) = %d, %d, %v", got, v, n, err)
		}
	}
	if got := AppendInt(nil, -42); !bytes.Equal(got, unhex(t, "33 D6")) {
		t.Errorf("AppendInt(-42) = % X", got)
	}
	for _, v := range []int64{0, 1, -1, 127, -128, 128, -129, 32767, -32768, 1 << 40, -(1 << 40), -1 << 63} {
		b := AppendInt(nil, v)
		got, n, err := ReadI128(b)
		if err != nil || n != len(b) || got != I64(v) {
			t.Errorf("ReadI128(AppendInt(%d) = % X) = %v, %d, %v", v, b, got.SignedString(), n, err)
		}
	}
	big := U128{Hi: 1, Lo: 2}
	b := AppendU128(nil, big)
	if b[0] != '7' || len(b) != 17 {
		t.Errorf("AppendU128(2^64+2) = % X", b)
	}
	if _, _, err := ReadUint(b); !errors.Is(err, errcode.ErrLimit) {
		t.Errorf("ReadUint of a 128-bit value: %v, want ErrLimit", err)
	}
}

func TestValueVectors(t *testing.T) {
	for _, c := range []struct {
		name string
		v    Value
		want string
	}{
		{"u3(42)", U('3', 42), "75 33 2A"},
		{"u5(100000)", U('5', 100000), "75 35 00 01 86 A0"},
		{"i3(-42)", I('3', -42), "69 33 D6"},
		{"u4(5) keeps its width", U('4', 5), "75 34 00 05"},
		{"true", Boolean(true), "75 FF"},
		{"false", Boolean(false), "75 00"},
		{"d(metadata)", Name("metadata"), "64 33 08 6D 65 74 61 64 61 74 61"},
		{"f5(1)", F32Value(1), "66 35 3F 80 00 00"},
		{"f6(-2)", F64Value(-2), "66 36 C0 00 00 00 00 00 00 00"},
		{"j5(1,-1)", Complex{W: '5', Re: 1, Im: -1}, "6A 35 3F 80 00 00 BF 80 00 00"},
		{"s64", Spirix{F: '6', E: '4', Frac: I64(1 << 62), Exp: I64(-3)}, "73 36 34 40 00 00 00 00 00 00 00 FF FD"},
		{"c33", Circle{F: '3', E: '3', Re: I64(64), Im: I64(-64), Exp: I64(1)}, "63 33 33 40 C0 01"},
		{"text", Text("hé"), "78 33 03 68 C3 A9"},
		{"T5", Time{W: '5', Sec: I64(-1)}, "54 35 FF FF FF FF"},
		{"t6", Time{IsFloat: true, W: '6', F: 1.5}, "74 36 3F F8 00 00 00 00 00 00"},
		{"crate e f, no digit (0.1.3)", Time{IsFloat: true, F: 1.5, Crate: true}, "65 66 3F F8 00 00 00 00 00 00"},
		{"crate e f 6", Time{IsFloat: true, W: '6', F: 1.5, Crate: true}, "65 66 36 3F F8 00 00 00 00 00 00"},
		{"crate e i", Time{W: '4', Sec: I64(-300), Crate: true}, "65 69 34 FE D4"},
		{"blake3 hash", Hash{Alg: 'b', Sum: make([]byte, 32)}, "68 62 33 1F" + strings.Repeat("00", 32)},
		{"ed25519 sig", Signature{Alg: 'e', Sig: make([]byte, 64)}, "67 65 33 3F" + strings.Repeat("00", 64)},
		{"u8 24x71 header", &Tensor{Elem: U8, Shape: []uint64{24, 71}, Data: make([]byte, 1704)}, "74 33 02 75 33 33 18 33 47" + strings.Repeat("00", 1704)},
		{"strided f64 100x50", &Tensor{Elem: F64, Shape: []uint64{100, 50}, Strides: []uint64{1, 100}, Data: make([]byte, 40000)},
			"71 33 02 66 36 33 64 33 32 33 01 33 64" + strings.Repeat("00", 40000)},
		{"bool tensor", &Tensor{Elem: Bool, Shape: []uint64{9}, Data: []byte{0xA5, 0x80}}, "74 33 01 75 30 33 09 A5 80"},
		{"bitpacked 12-bit 2x2 seed", &BitPacked{Bits: 12, Shape: []uint64{2, 2}, Data: make([]byte, 6)}, "62 70 33 0C 33 02 33 02 33 02" + strings.Repeat("00", 6)},
		{"bitpacked 12-bit 2x2 crate", &BitPacked{Bits: 12, Shape: []uint64{2, 2}, Data: make([]byte, 6), Crate: true}, "70 33 02 0C 33 02 33 02" + strings.Repeat("00", 6)},
		{"struct", &Struct{Fields: []Field{{"a", U('3', 1)}}}, "5B 28 64 33 01 61 3A 75 33 01 29 5D"},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := unhex(t, c.want)
			got, err := AppendValue(nil, c.v)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("AppendValue = % X\nwant          % X", got, want)
			}
			v, n, err := DecodeValue(got, nil)
			if err != nil || n != len(got) {
				t.Fatalf("DecodeValue: %v after %d of %d bytes", err, n, len(got))
			}
			again, err := AppendValue(nil, v)
			if err != nil || !bytes.Equal(again, want) {
				t.Fatalf("re-encoded % X, %v", again, err)
			}
			// Every proper prefix is an error, never a panic.
			for i := 0; i < len(got) && i < 64; i++ {
				if _, _, err := DecodeValue(got[:i], nil); err == nil {
					t.Fatalf("DecodeValue of %d of %d bytes succeeded", i, len(got))
				}
			}
		})
	}
}

// The seed's two big headers: the 4096×3072 u16 tensor and the 12-bit
// bit-packed image of 18,874,368 bytes.
func TestSeedTensorHeaders(t *testing.T) {
	tensor := &Tensor{Elem: U16, Shape: []uint64{4096, 3072}, Data: make([]byte, 4096*3072*2)}
	b, err := AppendValue(nil, tensor)
	if err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, "74 33 02 75 34 34 10 00 34 0C 00"); !bytes.Equal(b[:len(want)], want) || len(b) != len(want)+25165824 {
		t.Fatalf("u16 tensor header % X, %d bytes", b[:11], len(b))
	}
	bp := &BitPacked{Bits: 12, Shape: []uint64{4096, 3072}, Data: make([]byte, 18874368)}
	b, err = AppendValue(nil, bp)
	if err != nil {
		t.Fatal(err)
	}
	if want := unhex(t, "62 70 33 0C 33 02 34 10 00 34 0C 00"); !bytes.Equal(b[:len(want)], want) || len(b) != len(want)+18874368 {
		t.Fatalf("bit-packed header % X, %d bytes", b[:12], len(b))
	}
	bp.Crate = true
	b, _ = AppendValue(nil, bp)
	if want := unhex(t, "70 33 02 0C 34 10 00 34 0C 00"); !bytes.Equal(b[:len(want)], want) {
		t.Fatalf("crate bit-packed header % X", b[:10])
	}
}

func TestDecodeHostile(t *testing.T) {
	for _, c := range []struct {
		name, in string
		kind     error
	}{
		{"rank 2^64-1", "71 36 FF FF FF FF FF FF FF FF", errcode.ErrLimit},
		{"128-bit length", "78 37 FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF FF", errcode.ErrLimit},
		{"text longer than input", "78 35 7F FF FF FF 41", errcode.ErrFormat},
		{"shape overflows", "74 33 03 75 36 36 FF FF FF FF FF FF FF FF 36 FF FF FF FF FF FF FF FF 33 02", errcode.ErrLimit},
		{"hash of 2^64 bytes", "68 62 36 FF FF FF FF FF FF FF FF", errcode.ErrFormat},
		{"bad size digit", "75 39 00", errcode.ErrFormat},
		{"unknown marker", "21", errcode.ErrFormat},
		{"bit depth 0", "62 70 33 00 33 01 33 01", errcode.ErrFormat},
		{"bit depth 129", "70 33 01 81 33 01", errcode.ErrFormat},
		{"name not ascii", "64 33 01 FF", errcode.ErrFormat},
		{"deep nesting", strings.Repeat("5B 28 64 33 01 61 3A ", 100), errcode.ErrLimit},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := DecodeValue(unhex(t, c.in), nil)
			if !errors.Is(err, c.kind) {
				t.Fatalf("got %v, want %v", err, c.kind)
			}
		})
	}
}
