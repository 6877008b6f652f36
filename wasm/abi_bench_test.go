//go:build !wasip1

package main

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/tetratelabs/wazero/api"

	"github.com/polyfmt/polyfmt/internal/benchratio"
)

// floorModule is the smallest module with exports of pf_version's and
// pf_mem8_count's signatures, assembled here so that nothing but wazero's
// own call path is timed:
//
//	(module (memory 1)
//	  (func (export "version") (param i32) (result i32)
//	    local.get 0  i32.const 0x100  i32.store  i32.const 0)
//	  (func (export "count") (param i32 i32) (result i32)
//	    local.get 1  i64.const 3  i64.store  i32.const 0))
//
// Each stores its result through the out-pointer and returns 0, as ours do.
func floorModule() []byte {
	section := func(id byte, body ...byte) []byte { return append([]byte{id, byte(len(body))}, body...) }
	const i32 = 0x7f
	m := []byte{0x00, 'a', 's', 'm', 0x01, 0x00, 0x00, 0x00}
	m = append(m, section(1, 2, 0x60, 1, i32, 1, i32, 0x60, 2, i32, i32, 1, i32)...) // types
	m = append(m, section(3, 2, 0, 1)...)                                            // functions
	m = append(m, section(5, 1, 0, 1)...)                                            // one memory, one page
	m = append(m, section(7, 2,
		7, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0, 0,
		5, 'c', 'o', 'u', 'n', 't', 0, 1)...) // exports
	version := []byte{0, 0x20, 0, 0x41, 0x80, 0x02, 0x36, 2, 0, 0x41, 0, 0x0b}
	count := []byte{0, 0x20, 1, 0x42, 3, 0x37, 3, 0, 0x41, 0, 0x0b}
	code := append([]byte{2, byte(len(version))}, version...)
	code = append(append(code, byte(len(count))), count...)
	return append(m, section(10, code...)...)
}

// floor instantiates floorModule in g's runtime (the same configuration
// as polyfmt.wasm's).
func (g *guest) floor() api.Module {
	g.t.Helper()
	m, err := g.rt.Instantiate(g.ctx, floorModule())
	if err != nil {
		g.t.Fatal(err)
	}
	return m
}

func TestFloorModule(t *testing.T) {
	g := newGuest(t, nil)
	m := g.floor()
	stack := []uint64{8}
	if err := m.ExportedFunction("version").CallWithStack(g.ctx, stack); err != nil || stack[0] != 0 {
		t.Fatalf("version: %v %v", stack, err)
	}
	if v, _ := m.Memory().ReadUint32Le(8); v != 0x100 {
		t.Fatalf("version wrote %#x", v)
	}
	stack = []uint64{1, 16}
	if err := m.ExportedFunction("count").CallWithStack(g.ctx, stack); err != nil || stack[0] != 0 {
		t.Fatalf("count: %v %v", stack, err)
	}
	if v, _ := m.Memory().ReadUint64Le(16); v != 3 {
		t.Fatalf("count wrote %d", v)
	}
}

// callPair times ours and the floor alternately, in rounds of k calls
// each, b.N calls of each in all, through CallWithStack (Call allocates
// its results slice; CallWithStack is the faster of the two for both
// modules). It returns the best round of each, in ns per call: the best
// round is what a call costs when no other process takes the core, on a
// machine shared while benchmarks run.
func callPair(b *testing.B, ctx context.Context, ours, floor api.Function, oursArgs, floorArgs []uint64) (float64, float64) {
	const k = 10000
	so, sf := make([]uint64, len(oursArgs)), make([]uint64, len(floorArgs))
	round := func(f api.Function, s, args []uint64) float64 {
		t0 := time.Now()
		for range k {
			copy(s, args)
			if err := f.CallWithStack(ctx, s); err != nil || s[0] != 0 {
				b.Fatalf("%v %v", s, err)
			}
		}
		return float64(time.Since(t0).Nanoseconds()) / k
	}
	b.ResetTimer()
	bo, bf := math.Inf(1), math.Inf(1)
	for range max(b.N/k, 1) {
		bo = min(bo, round(ours, so, oursArgs))
		bf = min(bf, round(floor, sf, floorArgs))
	}
	return bo, bf
}

// reportCall records ours beside the floor: as benchmark metrics, and as
// a ratio line for make bench's table once b.N is large enough to be the
// final run (the table keeps a measure's last line).
func reportCall(b *testing.B, measure, goal string, ours, floor float64) {
	b.ReportMetric(ours, "ns/call")
	b.ReportMetric(floor, "floor-ns/call")
	b.ReportMetric(ours/floor, "x-floor")
	if b.N < 1_000_000 {
		return
	}
	if err := benchratio.Report(benchratio.Line{Measure: measure, Ours: ours, Peer: floor,
		PeerName: "wazero floor: a 2-function module, same runtime and call", Unit: "ns/call",
		Goal: goal, Source: "go test -bench Call ./wasm"}); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCallVersion is one trivial call into polyfmt.wasm under wazero
// (pf_version: no handle), beside the floor's export of the same
// signature. ns/op is a pair of calls, ours and the floor's; ns/call and
// floor-ns/call are each alone.
func BenchmarkCallVersion(b *testing.B) {
	g := newGuest(b, nil)
	out := uint64(g.alloc(4))
	ours, floor := callPair(b, g.ctx, g.mod.ExportedFunction("pf_version"), g.floor().ExportedFunction("version"),
		[]uint64{out}, []uint64{8})
	reportCall(b, "wazero: one pf_version call vs the floor module's (i32)->i32 export", "<= 2.0", ours, floor)
}

// BenchmarkCallCount: a call that holds a handle (pf_mem8_count on an
// in-memory MEM8 file), beside the floor's (i32, i32) -> i32 export.
func BenchmarkCallCount(b *testing.B) {
	g := newGuest(b, nil)
	slot := g.alloc(8)
	if rc := g.rc("pf_mem8_create", 0, 0, 0, 0, uint64(slot)); rc != 0 {
		b.Fatal(rc)
	}
	h := uint64(g.u32(slot))
	ours, floor := callPair(b, g.ctx, g.mod.ExportedFunction("pf_mem8_count"), g.floor().ExportedFunction("count"),
		[]uint64{h, uint64(slot)}, []uint64{1, 16})
	reportCall(b, "wazero: one pf_mem8_count call (handle held) vs the floor module's (i32,i32)->i32 export", "<= 2.0", ours, floor)
}

// BenchmarkCallEntry: pf_close(0), which returns at once: what entering
// and leaving a Go export costs under wazero, for information.
func BenchmarkCallEntry(b *testing.B) {
	g := newGuest(b, nil)
	ours, floor := callPair(b, g.ctx, g.mod.ExportedFunction("pf_close"), g.floor().ExportedFunction("version"),
		[]uint64{0}, []uint64{8})
	reportCall(b, "wazero: pf_close(0), Go's export entry and exit alone, vs the floor's export", "", ours, floor)
}
