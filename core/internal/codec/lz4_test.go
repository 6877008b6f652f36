package codec

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/pierrec/lz4/v4"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestLZ4Wire(t *testing.T) {
	for _, n := range []int{0, 1, 4095, 4096, 1 << 20} {
		src := floatData(n)
		z := mustCompress(t, LZ4, src)
		if got := binary.LittleEndian.Uint32(z); got != uint32(n) {
			t.Fatalf("%d bytes: prefix %d", n, got)
		}
		// The rest is one plain LZ4 block.
		out := make([]byte, n+1)
		if n == 0 {
			if !bytes.Equal(z[4:], []byte{0}) {
				t.Fatalf("empty block %x, want 00", z[4:])
			}
			continue
		}
		m, err := lz4.UncompressBlock(z[4:], out)
		if err != nil || !bytes.Equal(out[:m], src) {
			t.Fatalf("%d bytes: block does not decode on its own: %v", n, err)
		}
	}
}

// TestLZ4Golden decodes a block written by hand from the LZ4 block format
// description, independent of any encoder: "abc", a match of 5 at offset 3,
// then the 5 final literals "VWXYZ".
func TestLZ4Golden(t *testing.T) {
	z := []byte{13, 0, 0, 0, 0x31, 'a', 'b', 'c', 0x03, 0x00, 0x50, 'V', 'W', 'X', 'Y', 'Z'}
	out, err := Decompress(LZ4, nil, z, 13)
	if err != nil || string(out) != "abcabcabVWXYZ" {
		t.Fatalf("got %q, %v", out, err)
	}
}

// firstOffset returns the index of the first match offset in an LZ4 block.
func firstOffset(t *testing.T, block []byte) int {
	lit := int(block[0] >> 4)
	i := 1
	if lit == 15 {
		for block[i] == 255 {
			lit += 255
			i++
		}
		lit += int(block[i])
		i++
	}
	if i+lit+2 > len(block) {
		t.Fatal("block has no match")
	}
	return i + lit
}

func TestLZ4Corrupt(t *testing.T) {
	src := textData(4096)
	z := mustCompress(t, LZ4, src)
	off := 4 + firstOffset(t, z[4:])
	set := func(i int, b ...byte) []byte {
		m := bytes.Clone(z)
		copy(m[i:], b)
		return m
	}
	prefixed := func(n uint32) []byte { return binary.LittleEndian.AppendUint32(nil, n) }
	cases := map[string]struct {
		in   []byte
		size int64
	}{
		"no prefix":          {[]byte{1, 0}, 1},
		"prefix only":        {[]byte{1, 0, 0, 0}, 1},
		"prefix too big":     {set(0, 0x01, 0x10), 4096},
		"prefix too small":   {set(0, 0xff, 0x0f), 4096},
		"prefix max":         {set(0, 0xff, 0xff, 0xff, 0xff), 4096},
		"offset zero":        {set(off, 0, 0), 4096},
		"offset before data": {set(off, 0xff, 0xff), 4096},
		"literals overrun":   {cat(prefixed(100), []byte{0xf0, 200, 'a', 'b'}), 100},
		"match overrun":      {cat(prefixed(8), []byte{0x4f, 'a', 'b', 'c', 'd', 4, 0, 255, 0x00}), 8},
		"empty not 00":       {[]byte{0, 0, 0, 0, 0x10}, 0},
		"empty block":        {[]byte{0, 0, 0, 0}, 0},
		"empty extra":        {[]byte{0, 0, 0, 0, 0, 0}, 0},
		"ratio":              {cat(prefixed(1<<30), []byte{0x0f, 1, 0, 255, 255}), 1 << 30},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Decompress(LZ4, nil, tc.in, tc.size)
			wantKind(t, err, errcode.ErrFormat)
		})
	}
}

// TestLZ4SizeAgainstBlock: with the prefix patched to the wrong size, the
// block itself must still be checked against it.
func TestLZ4SizeAgainstBlock(t *testing.T) {
	src := floatData(10000)
	z := mustCompress(t, LZ4, src)
	for _, n := range []uint32{9999, 10001, 5000, 20000} {
		m := bytes.Clone(z)
		binary.LittleEndian.PutUint32(m, n)
		_, err := Decompress(LZ4, nil, m, int64(n))
		wantKind(t, err, errcode.ErrFormat)
	}
}

func TestLZ4Limit(t *testing.T) {
	defer func(n int) { lz4InputLimit = n }(lz4InputLimit)
	lz4InputLimit = 1000
	if _, err := Compress(LZ4, nil, textData(1000), 0); err != nil {
		t.Fatal(err)
	}
	_, err := Compress(LZ4, nil, textData(1001), 0)
	wantKind(t, err, errcode.ErrLimit)
	if MaxLZ4Input != 0x7E000000 || lz4.CompressBlockBound(MaxLZ4Input) < MaxLZ4Input {
		t.Fatal("MaxLZ4Input changed")
	}
}
