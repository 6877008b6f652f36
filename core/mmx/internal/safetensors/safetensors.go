// Package safetensors builds and runs polyfmt's harness for the Rust crate
// safetensors 0.8.0 (the library under Python's safetensors), so that
// benchmarks can time MMX beside it in the same run on the same data, and
// tests can check that both sides do the same work.
//
// The harness is the cargo project in harness/ (Cargo.toml, Cargo.lock,
// src/main.rs; its doc comment lists the subcommands). Bin copies it, with
// core/internal/cargobuild, into a cache directory keyed by a hash of those
// files and of `cargo --version` ($POLYFMT_SAFETENSORS_HARNESS_CACHE, or
// os.UserCacheDir()/polyfmt-safetensors-harness), builds it with
// `cargo build --release` (offline first, then online) and returns the
// binary. Tests skip only when cargo is missing or crates.io cannot be
// reached with the crates not in cargo's cache; any other failure fails.
//
// The data both sides use: tensor t of n float32 elements is Fill(t, …), and
// a read sums each tensor with Sum (8 float32 lanes, combined pairwise) and
// the tensors, in name order, in float64. The harness's fill and sum8 are
// the same operations in the same order, so the sums agree to the bit.
//
// This package is for tests and benchmarks only.
package safetensors

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"testing"
	"time"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/internal/cargobuild"
)

// Fill sets dst to tensor t's data: element i is a 24-bit hash of (t, i)
// as a float32 in [-1, 1), exact in float32.
func Fill(t uint32, dst []float32) {
	base := t*40503 + 12345
	for i := range dst {
		h := uint32(i)*2654435761 + base
		dst[i] = float32(int32(h>>8)-0x800000) / 8388608
	}
}

// Sum adds x in 8 float32 lanes (element i into lane i % 8), then the
// lanes pairwise, and returns the result as a float64. On amd64 the lanes
// are two SSE registers (sum_amd64.s), as in the harness's sum8 compiled by
// rustc: the same additions in the same order at the same speed, so a
// benchmark's read times differ by the formats' work, not the compilers'.
func Sum(x []float32) float64 {
	var a [8]float32
	n := len(x) &^ 7
	sumLanes(x[:n], &a)
	for j, v := range x[n:] {
		a[j] += v
	}
	return float64(((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7])))
}

// sumLanesGo is sumLanes in Go (8 scalar accumulators): the fallback off
// amd64, and the reference the assembly is tested against.
func sumLanesGo(x []float32, lanes *[8]float32) {
	a0, a1, a2, a3, a4, a5, a6, a7 := lanes[0], lanes[1], lanes[2], lanes[3], lanes[4], lanes[5], lanes[6], lanes[7]
	for len(x) >= 8 {
		c := x[:8:8]
		a0 += c[0]
		a1 += c[1]
		a2 += c[2]
		a3 += c[3]
		a4 += c[4]
		a5 += c[5]
		a6 += c[6]
		a7 += c[7]
		x = x[8:]
	}
	*lanes = [8]float32{a0, a1, a2, a3, a4, a5, a6, a7}
}

// Floats returns b as little-endian float32 values in place (no copy).
// len(b) must be a multiple of 4 and b 4-byte aligned; it panics otherwise.
func Floats(b []byte) []float32 {
	if len(b) == 0 {
		return nil
	}
	if len(b)%4 != 0 || uintptr(unsafe.Pointer(unsafe.SliceData(b)))%4 != 0 {
		panic(fmt.Sprintf("safetensors.Floats: %d bytes at %p are not aligned float32s", len(b), unsafe.SliceData(b)))
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}

// Bytes returns x's memory as bytes (no copy; little-endian on the
// machines polyfmt runs on).
func Bytes(x []float32) []byte {
	if len(x) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(x))), 4*len(x))
}

// Name is the name of tensor t in every file of this package's benchmarks.
func Name(t int) string { return fmt.Sprintf("t%03d", t) }

// Shape is the shape the harness gives a tensor of n elements.
func Shape(n int) []uint64 {
	if n%1024 == 0 {
		return []uint64{uint64(n / 1024), 1024}
	}
	return []uint64{uint64(n)}
}

// Tensors returns the data of the harness's write n bytes: n tensors of
// bytes/n bytes each.
func Tensors(n, bytes int) ([][]float32, error) {
	if n <= 0 || bytes%n != 0 || bytes/n%4 != 0 {
		return nil, fmt.Errorf("%d bytes do not split into %d float32 tensors", bytes, n)
	}
	out := make([][]float32, n)
	for t := range out {
		out[t] = make([]float32, bytes/n/4)
		Fill(uint32(t), out[t])
	}
	return out, nil
}

// Result is what a harness subcommand printed.
type Result struct {
	NS      int64   `json:"ns"`    // the timed part
	Bytes   int64   `json:"bytes"` // tensor data
	Tensors int     `json:"tensors"`
	Sum     float64 `json:"sum"`
	SumBits string  `json:"sum_bits"` // math.Float64bits(Sum), decimal
}

// Duration is the timed part.
func (r Result) Duration() time.Duration { return time.Duration(r.NS) }

// Bits returns the sum's float64 bits as the harness printed them.
func (r Result) Bits() (uint64, error) { return strconv.ParseUint(r.SumBits, 10, 64) }

// Write runs `write`: n tensors of bytes in all, serialize_to_file to file,
// then fsync of the file and its directory when sync, after touching and
// freeing prefault bytes of memory.
func Write(tb testing.TB, file string, n, bytes int, sync bool, prefault int) Result {
	s := "0"
	if sync {
		s = "1"
	}
	return run(tb, "write", file, strconv.Itoa(n), strconv.Itoa(bytes), s, strconv.Itoa(prefault))
}

// Read runs `read`: mmap, deserialize and Sum every tensor of file.
func Read(tb testing.TB, file string, prefault int) Result {
	tb.Helper()
	r := run(tb, "read", file, strconv.Itoa(prefault))
	if bits, err := r.Bits(); err != nil || math.Float64frombits(bits) != r.Sum {
		tb.Fatalf("safetensors-harness read: sum %v, sum_bits %q (%v)", r.Sum, r.SumBits, err)
	}
	return r
}

// SumOnly runs `sum`: Sum over the tensors of Write, in memory.
func SumOnly(tb testing.TB, n, bytes int) Result {
	return run(tb, "sum", strconv.Itoa(n), strconv.Itoa(bytes))
}

func run(tb testing.TB, args ...string) Result {
	tb.Helper()
	var r Result
	out := Run(tb, args...)
	if err := json.Unmarshal(out, &r); err != nil {
		tb.Fatalf("safetensors-harness %s printed %q: %v", args[0], out, err)
	}
	return r
}

// harness is the cargo project in harness/, built once per test process.
var harness = &cargobuild.Harness{
	Name:    "safetensors-harness",
	Dir:     "core/mmx/internal/safetensors/harness",
	Sources: []string{"Cargo.toml", "Cargo.lock", "src/main.rs"},
	Project: cargobuild.Project{
		CacheEnv:  "POLYFMT_SAFETENSORS_HARNESS_CACHE",
		CacheName: "polyfmt-safetensors-harness",
		Bin:       "safetensors-harness",
	},
	Skipped: "MMX beside the safetensors crate",
	Crates:  "safetensors 0.8.0",
}

// Bin returns the built harness, building it on first use. It skips tb
// only when cargo is missing, or crates.io cannot be reached and the
// crates are not in cargo's cache; any other failure fails tb.
func Bin(tb testing.TB) string { return harness.Bin(tb) }

// Run runs the harness with args and returns what it printed; a failure
// fails tb.
func Run(tb testing.TB, args ...string) []byte { return harness.Run(tb, args...) }
