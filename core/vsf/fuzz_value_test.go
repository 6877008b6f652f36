package vsf

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// fuzzSeeds are the wire vectors of value_test.go (the data of big
// tensors shortened: the fuzzer mutates what it is given) and a few more.
var fuzzSeeds = []string{
	"33 2A", "75 33 2A", "75 35 00 01 86 A0", "69 33 D6", "75 34 00 05", "75 FF", "75 00",
	"64 33 08 6D 65 74 61 64 61 74 61", "66 35 3F 80 00 00", "66 36 C0 00 00 00 00 00 00 00",
	"6A 35 3F 80 00 00 BF 80 00 00", "73 36 34 40 00 00 00 00 00 00 00 FF FD", "63 33 33 40 C0 01",
	"78 33 03 68 C3 A9", "54 35 FF FF FF FF", "74 36 3F F8 00 00 00 00 00 00",
	"68 62 33 1F" + strings.Repeat("00", 32), "67 65 33 3F" + strings.Repeat("00", 64),
	"74 33 02 75 33 33 02 33 03 01 02 03 04 05 06", "71 33 02 66 36 33 01 33 01 33 01 33 01 00 00 00 00 00 00 F0 3F",
	"74 33 01 75 30 33 09 A5 80", "62 70 33 0C 33 02 33 02 33 02 00 00 00 00 00 00",
	"70 33 02 0C 33 02 33 02 00 00 00 00 00 00", "5B 28 64 33 01 61 3A 75 33 01 29 5D",
	"65 69 33 05", "65 75 33 05", "65 66 35 3F 80 00 00", "6B 65 33 1F" + strings.Repeat("11", 32),
	"5B 28 64 33 01 61 3A 5B 28 64 33 01 62 3A 75 FF 29 5D 29 5D",
	"71 33 02 75 33 36 FF FF FF FF FF FF FF FF 33 02",
}

// FuzzDecodeValue: DecodeValue never panics, and what it decodes encodes,
// and that encoding decodes to a value that encodes to the same bytes.
func FuzzDecodeValue(f *testing.F) {
	for _, s := range fuzzSeeds {
		b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		v, n, err := DecodeValue(in, nil)
		if err != nil {
			return
		}
		if n <= 0 || n > len(in) {
			t.Fatalf("DecodeValue took %d of %d bytes", n, len(in))
		}
		enc, err := AppendValue(nil, v)
		if err != nil {
			t.Fatalf("decoded % X into %#v, which does not encode: %v", in[:n], v, err)
		}
		v2, n2, err := DecodeValue(enc, nil)
		if err != nil || n2 != len(enc) {
			t.Fatalf("re-decoding % X: %v after %d of %d bytes", enc, err, n2, len(enc))
		}
		enc2, err := AppendValue(nil, v2)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("not stable:\n% X\n% X (%v)", enc, enc2, err)
		}
	})
}

// What the fuzzer found, one case each: the decoder used to accept these,
// and AppendValue then refused what DecodeValue returned.
func TestDecodeFuzzRegressions(t *testing.T) {
	// A hash, signature or key whose algorithm letter is not printable.
	for _, in := range []string{"68 20 33 00 30", "67 7F 33 00 30", "6B 00 33 00 30"} {
		if _, _, err := DecodeValue(unhex(t, in), nil); !errors.Is(err, errcode.ErrFormat) {
			t.Errorf("% s: %v, want ErrFormat", in, err)
		}
	}
	// The seed's b p form with more than 64 bits (the crate's p form
	// goes to 128).
	if _, _, err := DecodeValue(unhex(t, "62 70 33 41 33 02 33 30 33 00"), nil); !errors.Is(err, errcode.ErrFormat) {
		t.Errorf("b p of 65 bits: %v, want ErrFormat", err)
	}
	if _, _, err := DecodeValue(unhex(t, "70 33 01 41 33 00"), nil); err != nil {
		t.Errorf("p of 65 bits: %v", err)
	}
	// The crate's unsigned Eagle Time e u 3 F0: 240 needs i4, and is
	// written e i 4 00 F0.
	v, _, err := DecodeValue(unhex(t, "65 75 33 F0"), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := AppendValue(nil, v)
	if err != nil || !bytes.Equal(b, unhex(t, "65 69 34 00 F0")) {
		t.Errorf("e u 3 F0 re-encodes as % X, %v", b, err)
	}
}
