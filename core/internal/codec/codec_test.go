package codec

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

func TestStringParse(t *testing.T) {
	for c, name := range map[Codec]string{None: "None", LZ4: "Lz4", Zlib: "Zlib", Zstd: "Zstd"} {
		if got := c.String(); got != name {
			t.Errorf("%d.String() = %q, want %q", uint8(c), got, name)
		}
		got, err := Parse(name)
		if err != nil || got != c {
			t.Errorf("Parse(%q) = %v, %v", name, got, err)
		}
	}
	if s := Codec(9).String(); s != "Codec(9)" {
		t.Errorf("Codec(9).String() = %q", s)
	}
	for _, s := range []string{"", "lz4", "LZ4", "zstd", "ZSTD", "Gzip", "None ", "Codec(9)"} {
		_, err := Parse(s)
		wantKind(t, err, errcode.ErrUnsupported)
	}
}

func TestRoundTrip(t *testing.T) {
	sizes := []int{0, 1, 2, 3, 4, 5, 15, 16, 17, 255, 256, 257, 1023, 1024, 1025, 4095, 4096, 4097, 65535, 65536, 65537, 128<<10 + 1, 1 << 20}
	kinds := map[string]func(int) []byte{
		"random": func(n int) []byte { return randomData(n, uint64(n)) },
		"float":  floatData,
		"text":   textData,
		"zeros":  func(n int) []byte { return make([]byte, n) },
	}
	for _, c := range allCodecs {
		for kind, gen := range kinds {
			for _, n := range sizes {
				t.Run(fmt.Sprintf("%v/%s/%d", c, kind, n), func(t *testing.T) {
					src := gen(n)
					prefix := []byte("prefix")
					z, err := Compress(c, append([]byte(nil), prefix...), src, 0)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.HasPrefix(z, prefix) {
						t.Fatal("compress did not append to dst")
					}
					z = z[len(prefix):]
					if b := Bound(c, n); len(z) > b {
						t.Errorf("compressed %d bytes to %d, over Bound %d", n, len(z), b)
					}
					out, err := Decompress(c, append([]byte(nil), prefix...), z, int64(n))
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(out, cat(prefix, src)) {
						t.Fatal("round trip differs")
					}
					// Into a nil dst, and into one with exactly the room.
					if out, err := Decompress(c, nil, z, int64(n)); err != nil || !bytes.Equal(out, src) {
						t.Fatalf("nil dst: %v", err)
					}
					if out, err := Decompress(c, make([]byte, 0, n), z, int64(n)); err != nil || !bytes.Equal(out, src) {
						t.Fatalf("sized dst: %v", err)
					}
				})
			}
		}
	}
}

func TestLevels(t *testing.T) {
	src := cat(textData(70000), floatData(70000), randomData(1000, 3))
	valid := map[Codec][2]int{None: {0, 0}, LZ4: {0, 9}, Zlib: {0, 9}, Zstd: {0, 22}}
	for c, r := range valid {
		for level := r[0]; level <= r[1]; level++ {
			z, err := Compress(c, nil, src, level)
			if err != nil {
				t.Fatalf("%v level %d: %v", c, level, err)
			}
			out, err := Decompress(c, nil, z, int64(len(src)))
			if err != nil || !bytes.Equal(out, src) {
				t.Fatalf("%v level %d: round trip: %v", c, level, err)
			}
		}
		if c == None {
			continue
		}
		for _, level := range []int{-1, r[1] + 1, 1000} {
			z, err := Compress(c, []byte("x"), src, level)
			wantKind(t, err, errcode.ErrBadArg)
			if string(z) != "x" {
				t.Errorf("%v level %d: dst changed on error", c, level)
			}
		}
	}
}

// TestDeterministic: the same input and level give the same bytes, whatever
// was compressed before with the pooled state and from however many
// goroutines.
func TestDeterministic(t *testing.T) {
	src := cat(floatData(100<<10), textData(50<<10))
	other := randomData(100<<10, 9)
	for _, c := range allCodecs {
		for _, level := range []int{0, 1, 9} {
			want, err := Compress(c, nil, src, level)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan string, 8)
			for g := 0; g < 4; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 3; i++ {
						Compress(c, nil, other, level)
						got, _ := Compress(c, nil, src, level)
						if !bytes.Equal(got, want) {
							errs <- fmt.Sprintf("%v level %d: output differs", c, level)
							return
						}
						if out, err := Decompress(c, nil, got, int64(len(src))); err != nil || !bytes.Equal(out, src) {
							errs <- fmt.Sprintf("%v level %d: concurrent round trip: %v", c, level, err)
							return
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		}
	}
}

func TestUnknownCodec(t *testing.T) {
	_, err := Compress(Codec(4), nil, []byte("a"), 0)
	wantKind(t, err, errcode.ErrUnsupported)
	_, err = Decompress(Codec(200), nil, []byte("a"), 1)
	wantKind(t, err, errcode.ErrUnsupported)
	if Bound(Codec(4), 10) != -1 || Bound(LZ4, -1) != -1 {
		t.Error("Bound of an unknown codec or negative size is not -1")
	}
}

func TestNegativeSize(t *testing.T) {
	for _, c := range allCodecs {
		out, err := Decompress(c, []byte("x"), mustCompress(t, c, nil), -1)
		wantKind(t, err, errcode.ErrBadArg)
		if string(out) != "x" {
			t.Errorf("%v: dst changed on error", c)
		}
	}
}

// TestBound sweeps incompressible inputs across block boundaries.
func TestBound(t *testing.T) {
	var sizes []int
	for n := 0; n <= 300; n++ {
		sizes = append(sizes, n)
	}
	for _, edge := range []int{16 << 10, 32 << 10, 64 << 10, 128 << 10} {
		for d := -16; d <= 16; d++ {
			sizes = append(sizes, edge+d)
		}
	}
	sizes = append(sizes, 256<<10, 1<<20, 3<<20+7)
	big := randomData(3<<20+7, 42)
	for _, c := range allCodecs {
		for _, level := range []int{0, 1, 9} {
			for _, n := range sizes {
				z, err := Compress(c, nil, big[:n], level)
				if err != nil {
					t.Fatal(err)
				}
				if len(z) > Bound(c, n) {
					t.Fatalf("%v level %d: %d bytes compressed to %d > Bound %d", c, level, n, len(z), Bound(c, n))
				}
			}
		}
	}
}

// corruptionInputs are the sources the corruption tests compress.
var corruptionInputs = map[string][]byte{
	"empty":  nil,
	"one":    {7},
	"text":   textData(4096),
	"random": randomData(3000, 5),
	"float":  floatData(5000),
}

// TestTruncation: every proper prefix of every stream is ErrFormat.
func TestTruncation(t *testing.T) {
	for _, c := range allCodecs {
		for name, src := range corruptionInputs {
			z := mustCompress(t, c, src)
			for n := 0; n < len(z); n++ {
				if c == None && len(src) == 0 {
					break
				}
				out, err := Decompress(c, []byte("d"), z[:n], int64(len(src)))
				if err == nil {
					t.Fatalf("%v/%s: prefix %d of %d accepted", c, name, n, len(z))
				}
				wantKind(t, err, errcode.ErrFormat)
				if string(out) != "d" {
					t.Fatalf("%v/%s: dst changed on error", c, name)
				}
			}
		}
	}
}

// TestTrailing: bytes after a complete stream are ErrFormat.
func TestTrailing(t *testing.T) {
	tails := map[string][]byte{
		"zero": {0}, "ff": {0xff}, "two": {0, 0}, "four": {1, 2, 3, 4},
		"magic": {0x28, 0xb5, 0x2f, 0xfd}, "long": randomData(100, 1),
	}
	for _, c := range allCodecs {
		for name, src := range corruptionInputs {
			z := mustCompress(t, c, src)
			for tn, tail := range tails {
				_, err := Decompress(c, nil, cat(z, tail), int64(len(src)))
				if err == nil {
					t.Fatalf("%v/%s: trailing %s accepted", c, name, tn)
				}
				wantKind(t, err, errcode.ErrFormat)
			}
			// A second complete stream is trailing data too.
			_, err := Decompress(c, nil, cat(z, z), int64(len(src)))
			if c != None || len(src) > 0 {
				wantKind(t, err, errcode.ErrFormat)
			}
		}
	}
}

// TestSizeMismatch: a declared size other than the stream's is ErrFormat.
func TestSizeMismatch(t *testing.T) {
	for _, c := range allCodecs {
		for name, src := range corruptionInputs {
			z := mustCompress(t, c, src)
			n := int64(len(src))
			for _, size := range []int64{n - 1, n + 1, n + 4096, 2*n + 1, 0, 1} {
				if size == n || size < 0 {
					continue
				}
				_, err := Decompress(c, nil, z, size)
				if err == nil {
					t.Fatalf("%v/%s: size %d accepted for %d bytes", c, name, size, n)
				}
				wantKind(t, err, errcode.ErrFormat)
			}
		}
	}
}

// TestCorruptionSweep flips each byte of each stream in turn. Zlib and Zstd
// carry checksums: a flip is ErrFormat or (in bits that carry no data)
// harmless. LZ4 has no checksum, so the only promise is ErrFormat or exactly
// size bytes.
func TestCorruptionSweep(t *testing.T) {
	for _, c := range []Codec{LZ4, Zlib, Zstd} {
		for name, src := range corruptionInputs {
			z := mustCompress(t, c, src)
			for i := range z {
				for _, x := range []byte{0x01, 0x80, 0xff} {
					m := bytes.Clone(z)
					m[i] ^= x
					out, err := Decompress(c, nil, m, int64(len(src)))
					switch {
					case err != nil && errors.Is(err, errcode.ErrUnsupported):
						// A header flipped to name a dictionary:
						// well-formed, but needs what this build lacks.
						if !(c == Zstd && i == 4 || c == Zlib && i == 1) {
							t.Fatalf("%v/%s: flip %#x at %d: %v", c, name, x, i, err)
						}
					case err != nil:
						wantKind(t, err, errcode.ErrFormat)
					case len(out) != len(src):
						t.Fatalf("%v/%s: flip %#x at %d: %d bytes, want %d", c, name, x, i, len(out), len(src))
					case c != LZ4 && !bytes.Equal(out, src):
						t.Fatalf("%v/%s: flip %#x at %d: wrong output without error", c, name, x, i)
					}
				}
			}
		}
	}
}
