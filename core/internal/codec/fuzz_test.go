package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/polyfmt/polyfmt/core/errcode"

	"github.com/polyfmt/polyfmt/core/internal/hostile"
)

// fuzzMaxSize bounds the declared size the fuzz targets try.
const fuzzMaxSize = 1 << 17

// fuzzDecompress feeds arbitrary streams and sizes to Decompress: it must
// never panic; it fails with ErrFormat (or ErrUnsupported) and leaves dst as
// it was, or appends exactly size bytes, which then survive a round trip.
// DecompressTo must agree with it: refuse the same streams, stream the same
// bytes.
// With fromStream set the size is taken from the stream's own header where
// it has one, so mutations get past the size checks.
func fuzzDecompress(f *testing.F, c Codec) {
	for _, src := range [][]byte{nil, {0}, []byte("abcabcabcabcabcabc"), textData(4095), floatData(4096), randomData(700, 1), floatData(70000)} {
		for _, level := range []int{0, 9} {
			z, err := Compress(c, nil, src, level)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(z, uint32(len(src)), false)
			f.Add(z, uint32(len(src)), true)
			f.Add(z[:len(z)/2], uint32(len(src)), true)
		}
	}
	// Hostile shapes: a zstd bomb of RLE blocks, sizes it cannot reach.
	rle := hostile.ZstdRLE(fuzzMaxSize, 0)
	f.Add(rle, uint32(fuzzMaxSize), false)
	f.Add(rle, uint32(1<<31), false)
	f.Add(rle[:len(rle)-1], uint32(fuzzMaxSize), false)
	f.Add(binary.LittleEndian.AppendUint32(nil, 1<<31), uint32(1<<31), true)
	f.Fuzz(func(t *testing.T, z []byte, size uint32, fromStream bool) {
		if fromStream {
			switch c {
			case LZ4:
				if len(z) >= 4 {
					size = binary.LittleEndian.Uint32(z)
				}
			case Zstd:
				var h zstd.Header
				if h.Decode(z) == nil && h.HasFCS && h.FrameContentSize <= fuzzMaxSize {
					size = uint32(h.FrameContentSize)
				}
			}
		}
		n := int64(size % (fuzzMaxSize + 1))
		decompressBoth(t, c, z, n)
		out, err := Decompress(c, []byte("pre"), z, n)
		if err != nil {
			if !errors.Is(err, errcode.ErrFormat) && !errors.Is(err, errcode.ErrUnsupported) {
				t.Fatalf("error of the wrong kind: %v", err)
			}
			if string(out) != "pre" {
				t.Fatalf("dst changed on error: %q", out)
			}
			return
		}
		if int64(len(out)) != 3+n || string(out[:3]) != "pre" {
			t.Fatalf("got %d bytes, want 3+%d", len(out), n)
		}
		z2, err := Compress(c, nil, out[3:], 0)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decompress(c, nil, z2, n)
		if err != nil || !bytes.Equal(back, out[3:]) {
			t.Fatalf("round trip of accepted output: %v", err)
		}
	})
}

func FuzzDecompressNone(f *testing.F) { fuzzDecompress(f, None) }
func FuzzDecompressLZ4(f *testing.F)  { fuzzDecompress(f, LZ4) }
func FuzzDecompressZlib(f *testing.F) { fuzzDecompress(f, Zlib) }
func FuzzDecompressZstd(f *testing.F) { fuzzDecompress(f, Zstd) }
