package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestFill(t *testing.T) {
	x := make([]float32, 4096)
	Fill(0, x)
	// i = 0: h = 12345, h>>8 = 48.
	if want := float32(48-0x800000) / 0x800000; x[0] != want {
		t.Errorf("Fill(0)[0] = %v, want %v", x[0], want)
	}
	y := make([]float32, 4096)
	Fill(1, y)
	if slices.Equal(x, y) {
		t.Error("tensors 0 and 1 hold the same data")
	}
	seen := map[float32]bool{}
	for i, v := range x {
		if v < -1 || v >= 1 || v*0x800000 != float32(math.Round(float64(v)*0x800000)) {
			t.Fatalf("element %d = %v: not a multiple of 2^-23 in [-1, 1)", i, v)
		}
		seen[v] = true
	}
	if len(seen) < 4000 {
		t.Errorf("only %d distinct values in 4096", len(seen))
	}
}

// TestSum checks Sum against the same lanes added one element at a time,
// for every tail length.
func TestSum(t *testing.T) {
	x := make([]float32, 203)
	Fill(7, x)
	for n := range len(x) + 1 {
		var lanes [8]float32
		for i, v := range x[:n] {
			lanes[i%8] += v
		}
		want := float64(((lanes[0] + lanes[1]) + (lanes[2] + lanes[3])) + ((lanes[4] + lanes[5]) + (lanes[6] + lanes[7])))
		if got := Sum(x[:n]); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("Sum of %d elements = %v, want %v", n, got, want)
		}
	}
	// sumLanes (assembly on amd64) against sumLanesGo, from nonzero lanes,
	// on data whose float32 sums round differently in another order.
	big := make([]float32, 1<<16)
	Fill(3, big)
	for i := range big {
		big[i] *= float32(1 + i%13*1000)
	}
	for _, n := range []int{0, 8, 16, 24, 32, 40, 64, 88, 1<<16 - 8, 1 << 16} {
		start := [8]float32{1e-3, -2, 3e5, 0, 7, -1e6, 0.5, 9}
		a, g := start, start
		sumLanes(big[:n], &a)
		sumLanesGo(big[:n], &g)
		if a != g {
			t.Errorf("sumLanes of %d elements: %v, sumLanesGo: %v", n, a, g)
		}
	}
	if got := Sum([]float32{1, 2, 3, 4, 5, 6, 7, 8, 9.5}); got != 45.5 {
		t.Errorf("Sum(1..8, 9.5) = %v", got)
	}
}

func TestFloatsBytes(t *testing.T) {
	x := []float32{1, -2.5, 3}
	b := Bytes(x)
	if len(b) != 12 || binary.LittleEndian.Uint32(b[4:]) != math.Float32bits(-2.5) {
		t.Fatalf("Bytes = % x", b)
	}
	if y := Floats(b); !slices.Equal(y, x) || &y[0] != &x[0] {
		t.Errorf("Floats(Bytes(x)) = %v, not x in place", y)
	}
	if Floats(nil) != nil || Bytes(nil) != nil {
		t.Error("empty slices")
	}
	defer func() {
		if recover() == nil {
			t.Error("Floats of 5 bytes did not panic")
		}
	}()
	Floats(b[:5])
}

func TestTensorsShape(t *testing.T) {
	for _, c := range []struct{ n, bytes int }{{0, 8}, {3, 8}, {2, 6}} {
		if _, err := Tensors(c.n, c.bytes); err == nil {
			t.Errorf("Tensors(%d, %d) did not fail", c.n, c.bytes)
		}
	}
	ts, err := Tensors(2, 2*4*1024)
	if err != nil || len(ts) != 2 || len(ts[1]) != 1024 {
		t.Fatalf("Tensors(2, 8 KiB) = %d tensors, %v", len(ts), err)
	}
	if !slices.Equal(Shape(2048), []uint64{2, 1024}) || !slices.Equal(Shape(1029), []uint64{1029}) {
		t.Errorf("Shape(2048) = %v, Shape(1029) = %v", Shape(2048), Shape(1029))
	}
	if Name(3) != "t003" {
		t.Errorf("Name(3) = %q", Name(3))
	}
}

// stHeader is a safetensors file's JSON header (tensor entries only).
type stHeader map[string]struct {
	DType   string   `json:"dtype"`
	Shape   []uint64 `json:"shape"`
	Offsets [2]int64 `json:"data_offsets"`
}

// parseFile splits a safetensors file into its header and its data,
// checking the header length against the file.
func parseFile(t *testing.T, b []byte) (stHeader, []byte) {
	t.Helper()
	if len(b) < 8 {
		t.Fatalf("file of %d bytes", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		t.Fatalf("header of %d bytes in a file of %d", n, len(b))
	}
	h := stHeader{}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b[8:8+n], &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "__metadata__")
	for k, v := range raw {
		e := h[k]
		if err := json.Unmarshal(v, &e); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		h[k] = e
	}
	return h, b[8+n:]
}

// TestHarnessSameWork builds the harness and checks that it does the work
// the benchmarks say: its write stores exactly Tensors' bytes under Name
// and Shape, and its read and sum report, to the bit, the sum Go computes
// from the same data.
func TestHarnessSameWork(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		n, bytes int
		sync     bool
	}{{3, 3 * 4 * 1029, false}, {4, 4 * 4 * 2048, true}, {1, 4, false}} {
		file := filepath.Join(dir, "x.safetensors")
		w := Write(t, file, c.n, c.bytes, c.sync, 1<<20)
		if w.Bytes != int64(c.bytes) || w.NS <= 0 {
			t.Errorf("write %d×%d: %+v", c.n, c.bytes, w)
		}
		data, err := Tensors(c.n, c.bytes)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		h, body := parseFile(t, b)
		if len(h) != c.n {
			t.Fatalf("%d tensors in the header, want %d", len(h), c.n)
		}
		var want float64
		for i, x := range data {
			e, ok := h[Name(i)]
			if !ok || e.DType != "F32" || !slices.Equal(e.Shape, Shape(len(x))) {
				t.Fatalf("%s: %+v (present %v), want F32 %v", Name(i), e, ok, Shape(len(x)))
			}
			if e.Offsets[0] < 0 || e.Offsets[1] > int64(len(body)) || e.Offsets[0] > e.Offsets[1] ||
				!bytes.Equal(body[e.Offsets[0]:e.Offsets[1]], Bytes(x)) {
				t.Fatalf("%s: stored bytes [%d, %d) are not its data", Name(i), e.Offsets[0], e.Offsets[1])
			}
			want += Sum(x)
		}
		for _, r := range []Result{Read(t, file, 1<<20), SumOnly(t, c.n, c.bytes)} {
			if bits, err := r.Bits(); err != nil || bits != math.Float64bits(want) || r.Bytes != int64(c.bytes) {
				t.Errorf("%d×%d: harness sum %v (bits %s, %d bytes), Go's %v", c.n, c.bytes, r.Sum, r.SumBits, r.Bytes, want)
			}
		}
		if r := Read(t, file, 0); r.Tensors != c.n {
			t.Errorf("read %d tensors, want %d", r.Tensors, c.n)
		}
	}
}

// BenchmarkSum compares Sum (assembly on amd64) with the same lanes in Go.
func BenchmarkSum(b *testing.B) {
	x := make([]float32, 32<<20) // 128 MiB, as BenchmarkPeerSafetensors
	Fill(0, x)
	b.Run("Sum", func(b *testing.B) {
		b.SetBytes(int64(4 * len(x)))
		for b.Loop() {
			Sum(x)
		}
	})
	b.Run("Go", func(b *testing.B) {
		b.SetBytes(int64(4 * len(x)))
		for b.Loop() {
			var a [8]float32
			sumLanesGo(x, &a)
		}
	})
}
