package codec

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/polyfmt/polyfmt/core/errcode"
)

var allCodecs = []Codec{None, LZ4, Zlib, Zstd}

// floatData is n bytes of little-endian float32 samples of a smooth,
// slowly amplitude-modulated sine wave quantized to steps of 1/4096, as a
// 12-bit sensor would give: tensor-like data that compresses to 20-40%.
func floatData(n int) []byte {
	return float32Data(n, func(x float64) float32 {
		v := math.Sin(x*0.001) * (0.6 + 0.4*math.Sin(x*0.0000173+1))
		return float32(math.Round(v*4096) / 4096)
	})
}

// sineData is n bytes of float32(sin(x/1000)) at full precision: smooth, but
// its low mantissa bytes are noise to a byte-oriented codec.
func sineData(n int) []byte {
	return float32Data(n, func(x float64) float32 { return float32(math.Sin(x * 0.001)) })
}

func float32Data(n int, f func(float64) float32) []byte {
	b := make([]byte, n)
	for i := 0; i+4 <= n; i += 4 {
		binary.LittleEndian.PutUint32(b[i:], math.Float32bits(f(float64(i/4))))
	}
	return b
}

// randomData is n incompressible bytes, the same for the same seed.
func randomData(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// textData is n bytes of repetitive text.
func textData(n int) []byte {
	const s = "polyfmt chunk codec test line; the quick brown fox jumps over the lazy dog 0123456789\n"
	b := make([]byte, n)
	for i := range b {
		b[i] = s[i%len(s)]
	}
	return b
}

func mustCompress(t testing.TB, c Codec, src []byte) []byte {
	t.Helper()
	z, err := Compress(c, nil, src, 0)
	if err != nil {
		t.Fatalf("compress %v: %v", c, err)
	}
	return z
}

func wantKind(t testing.TB, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("error %v, want %v", err, kind)
	}
	var e *errcode.Error
	if !errors.As(err, &e) || e.Pkg != "codec" {
		t.Fatalf("error %v is not a codec *errcode.Error", err)
	}
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// allocated reports the bytes the Go heap handed out while f ran.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// zeroStream feeds n zero bytes to w in 1 MiB writes.
func zeroStream(w io.Writer, n int64) error {
	zeros := make([]byte, 1<<20)
	for ; n > 0; n -= int64(len(zeros)) {
		if _, err := w.Write(zeros[:min(n, int64(len(zeros)))]); err != nil {
			return err
		}
	}
	return nil
}
