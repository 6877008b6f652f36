package codec

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/polyfmt/polyfmt/core/errcode"

	"github.com/polyfmt/polyfmt/core/internal/hostile"
)

// collect gathers what DecompressTo writes, checking the piece size.
type collect struct {
	t    testing.TB
	b    []byte
	most int
}

func (c *collect) Write(p []byte) (int, error) {
	if len(p) > StreamPiece {
		c.t.Fatalf("piece of %d bytes, more than StreamPiece", len(p))
	}
	c.most = max(c.most, len(p))
	c.b = append(c.b, p...)
	return len(p), nil
}

// counter counts what it is given and keeps nothing.
type counter struct{ n int64 }

func (c *counter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// decompressBoth runs Decompress and DecompressTo on the same input and
// fails unless they agree: both refuse, or both give the same bytes.
func decompressBoth(t testing.TB, c Codec, src []byte, size int64) ([]byte, error) {
	t.Helper()
	out, err := Decompress(c, nil, src, size)
	sink := &collect{t: t}
	serr := DecompressTo(c, sink, src, size)
	if (err == nil) != (serr == nil) {
		t.Fatalf("%v size %d: Decompress says %v, DecompressTo says %v", c, size, err, serr)
	}
	if err == nil && !bytes.Equal(out, sink.b) {
		t.Fatalf("%v size %d: DecompressTo wrote %d bytes unlike Decompress's %d", c, size, len(sink.b), len(out))
	}
	if serr != nil && !errors.Is(serr, errcode.ErrFormat) && !errors.Is(serr, errcode.ErrUnsupported) {
		t.Fatalf("%v: DecompressTo error of the wrong kind: %v", c, serr)
	}
	return out, err
}

func TestDecompressToMatchesDecompress(t *testing.T) {
	type input struct {
		name string
		b    []byte
	}
	var inputs []input
	for _, n := range []int{0, 1, 15, 16, 17, 4095, 65535, 65536, 65537, StreamPiece - 16, StreamPiece + 16, 2*StreamPiece + lz4Window + 3} {
		inputs = append(inputs, input{"float", floatData(n)}, input{"random", randomData(n, uint64(n))},
			input{"zeros", make([]byte, n)}, input{"text", textData(n)})
	}
	for _, c := range allCodecs {
		for _, in := range inputs {
			z := mustCompress(t, c, in.b)
			out, err := decompressBoth(t, c, z, int64(len(in.b)))
			if err != nil || !bytes.Equal(out, in.b) {
				t.Fatalf("%v %s %d: %v", c, in.name, len(in.b), err)
			}
			// Wrong sizes are refused by both.
			for _, n := range []int64{int64(len(in.b)) - 1, int64(len(in.b)) + 1} {
				if n < 0 {
					continue
				}
				if _, err := decompressBoth(t, c, z, n); err == nil {
					t.Fatalf("%v %s: size %d of %d accepted", c, in.name, n, len(in.b))
				}
			}
		}
	}
}

// TestLZ4StreamAgrees: the streaming LZ4 decoder accepts exactly the
// blocks the block decoder accepts, on random mutations of real blocks and
// on hand-made edge cases.
func TestLZ4StreamAgrees(t *testing.T) {
	prefixed := func(size int, block ...byte) []byte {
		return append(binary.LittleEndian.AppendUint32(nil, uint32(size)), block...)
	}
	edge := []struct {
		name string
		src  []byte
		size int64
	}{
		{"literals only", prefixed(3, 0x30, 'a', 'b', 'c'), 3},
		{"match of offset 1", prefixed(20, 0x1f, 'a', 1, 0, 0, 0x00), 20},
		{"ends after a match", prefixed(20, 0x1f, 'a', 1, 0, 0), 20},
		{"offset 0", prefixed(20, 0x1f, 'a', 0, 0, 0), 20},
		{"offset past the start", prefixed(20, 0x1f, 'a', 2, 0, 0), 20},
		{"match past the end", prefixed(10, 0x1f, 'a', 1, 0, 0), 10},
		{"truncated offset", prefixed(5, 0x11, 'a', 1), 5},
		{"short literal near the end with input after it", prefixed(30, append(append([]byte{0x10, 'a', 0x0f, 1, 0, 6}, 0x10), bytes.Repeat([]byte{'b'}, 17)...)...), 30},
		{"length extension runs off", prefixed(300, 0xf0, 255, 255), 300},
		{"extension past the output", prefixed(300, 0xf0, 255, 255, 255, 10), 300},
	}
	for _, e := range edge {
		t.Run(e.name, func(t *testing.T) { decompressBoth(t, LZ4, e.src, e.size) })
	}
	r := rand.New(rand.NewPCG(7, 7))
	for _, base := range [][]byte{textData(3000), floatData(20000), make([]byte, 5000), randomData(300, 3)} {
		z := mustCompress(t, LZ4, base)
		for range 3000 {
			m := bytes.Clone(z)
			for range 1 + r.IntN(3) {
				i := lz4PrefixLen + r.IntN(len(m)-lz4PrefixLen)
				m[i] = byte(r.Uint32())
			}
			if r.IntN(8) == 0 {
				m = m[:lz4PrefixLen+r.IntN(len(m)-lz4PrefixLen)]
			}
			decompressBoth(t, LZ4, m, int64(len(base)))
		}
	}
}

// TestDecompressToStreamsZstdBomb: a 64 KiB zstd frame of RLE blocks that
// decodes to 2 GiB streams through DecompressTo with bounded memory.
func TestDecompressToStreamsZstdBomb(t *testing.T) {
	const n = 2 << 30
	bomb := hostile.ZstdRLE(n, 0)
	var c counter
	var err error
	a := allocated(func() { err = DecompressTo(Zstd, &c, bomb, n) })
	if err != nil {
		t.Fatal(err)
	}
	if c.n != n {
		t.Fatalf("wrote %d bytes, want %d", c.n, n)
	}
	if a > 64<<20 {
		t.Fatalf("allocated %d bytes streaming a %d-byte frame (want < 64 MiB)", a, n)
	}
	// The frame is exact: one byte more or less is refused.
	for _, m := range []int64{n - 1, n + 1} {
		if err := DecompressTo(Zstd, &counter{}, bomb, m); !errors.Is(err, errcode.ErrFormat) {
			t.Fatalf("size %d: %v, want ErrFormat", m, err)
		}
	}
}

// TestDecompressToBoundedMemory: for every codec, streaming a large chunk
// allocates a small, fixed amount, not the chunk.
func TestDecompressToBoundedMemory(t *testing.T) {
	src := floatData(48 << 20)
	for _, c := range allCodecs {
		z := mustCompress(t, c, src)
		var k counter
		var err error
		a := allocated(func() { err = DecompressTo(c, &k, z, int64(len(src))) })
		if err != nil || k.n != int64(len(src)) {
			t.Fatalf("%v: %v, %d bytes", c, err, k.n)
		}
		if a > 12<<20 {
			t.Fatalf("%v: allocated %d bytes streaming %d", c, a, len(src))
		}
	}
}

// TestDecompressToWriterError: the writer's error comes back as it is.
func TestDecompressToWriterError(t *testing.T) {
	stop := errors.New("stop")
	for _, c := range allCodecs {
		z := mustCompress(t, c, textData(3<<20))
		if err := DecompressTo(c, failWriter{stop}, z, 3<<20); err != stop {
			t.Fatalf("%v: %v, want the writer's error", c, err)
		}
	}
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

// TestCheckBeforeAllocating: Check refuses declared sizes a stream cannot
// reach, so a caller can allocate after it.
func TestCheckBeforeAllocating(t *testing.T) {
	for _, c := range []Codec{LZ4, Zlib, Zstd} {
		z := mustCompress(t, c, textData(10000))
		if err := Check(c, z, 10000); err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		if err := Check(c, z, 1<<32); !errors.Is(err, errcode.ErrFormat) {
			t.Fatalf("%v: a 4 GiB declaration for %d bytes: %v", c, len(z), err)
		}
	}
}

// TestZstdStream reads what Compress writes through NewZstdReader, from a
// pooled decoder, and refuses a window above StreamMaxWindow.
func TestZstdStream(t *testing.T) {
	src := cat(floatData(300000), textData(100000))
	z := mustCompress(t, Zstd, src)
	for range 2 {
		d, release, err := NewZstdReader(bytes.NewReader(z))
		if err != nil {
			t.Fatal(err)
		}
		out, err := io.ReadAll(d)
		release()
		if err != nil || !bytes.Equal(out, src) {
			t.Fatalf("read back %d bytes, %v", len(out), err)
		}
	}
	// A frame asking for a 256 MiB window (descriptor exponent 18).
	big := append(binary.LittleEndian.AppendUint32(nil, 0xFD2FB528), 0x00, 18<<3, 1, 0, 0)
	d, release, err := NewZstdReader(bytes.NewReader(big))
	if err == nil {
		_, err = io.ReadAll(d)
		release()
	}
	if !errors.Is(err, zstd.ErrWindowSizeExceeded) {
		t.Fatalf("a 256 MiB window: %v, want zstd.ErrWindowSizeExceeded", err)
	}
}
