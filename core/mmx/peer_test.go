package mmx

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/polyfmt/polyfmt/core/mmx/internal/safetensors"
)

// TestPeerSafetensorsSameWork checks that BenchmarkPeerSafetensors times
// the same work on both sides: the same tensors written by MMX (default
// options) and by the safetensors crate's harness, read back by MMX at its
// defaults (zero-copy views, SHA-256 checked) and by the harness (mmap,
// deserialize), give the same sum to the bit, which is the sum Go computes
// from the data in memory. Skipped only where the harness cannot be built
// (no cargo; crates.io unreachable and the crates not cached).
func TestPeerSafetensorsSameWork(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ n, bytes int }{{16, 16 * 4 * 4096}, {3, 3 * 4 * 1029}} {
		data, err := safetensors.Tensors(c.n, c.bytes)
		if err != nil {
			t.Fatal(err)
		}
		var want float64
		for _, x := range data {
			want += safetensors.Sum(x)
		}
		path := filepath.Join(dir, "x.mmx")
		f, err := Create(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range data {
			if err := f.WriteTensor(safetensors.Name(i), &Tensor{DType: Float32, Shape: safetensors.Shape(len(x)), Data: safetensors.Bytes(x)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		got, err := peerReadMMX(path, c.n, nil)
		if err != nil {
			t.Fatal(err)
		}
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("%d tensors, %d bytes: MMX read sums to %v, the data in memory to %v", c.n, c.bytes, got, want)
		}

		st := filepath.Join(dir, "x.safetensors")
		safetensors.Write(t, st, c.n, c.bytes, false, 0)
		r := safetensors.Read(t, st, 0)
		if bits, _ := r.Bits(); bits != math.Float64bits(want) || r.Tensors != c.n || r.Bytes != int64(c.bytes) {
			t.Errorf("%d tensors, %d bytes: the harness read %d tensors, %d bytes, sum %v; MMX's sum is %v", c.n, c.bytes, r.Tensors, r.Bytes, r.Sum, want)
		}
	}
}

// peerReadMMX is the MMX side of the benchmark's read: open read-only with
// opt (nil: the defaults), TensorView of tensors Name(0)…Name(n-1), each
// summed, Close. It fails if a view is a copy.
func peerReadMMX(path string, n int, opt *Options) (float64, error) {
	f, err := OpenFile(path, os.O_RDONLY, opt)
	if err != nil {
		return 0, err
	}
	var sum float64
	for i := range n {
		t, view, err := f.TensorView(safetensors.Name(i))
		if err != nil {
			f.Close()
			return 0, err
		}
		if !view {
			f.Close()
			return 0, errors.New("TensorView of a read-only open copied " + safetensors.Name(i))
		}
		sum += safetensors.Sum(safetensors.Floats(t.Data))
	}
	return sum, f.Close()
}
