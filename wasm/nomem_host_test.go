//go:build !wasip1

package main

import (
	"context"
	"os"
	"testing"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/imports/wasi_snapshot_preview1"

	"github.com/polyfmt/polyfmt/core/errcode"
)

// newBigGuest is an instance whose linear memory can reach 4 GiB without
// wazero copying it at every growth: its capacity is reserved up front (as
// untouched host pages, so it costs address space, not memory).
func newBigGuest(t *testing.T) *guest {
	t.Helper()
	ctx := context.Background()
	r := wazero.NewRuntimeWithConfig(ctx, wazero.NewRuntimeConfig().WithMemoryCapacityFromMax(true))
	t.Cleanup(func() { r.Close(ctx) })
	wasi_snapshot_preview1.MustInstantiate(ctx, r)
	cfg := wazero.NewModuleConfig().WithStartFunctions("_initialize").WithStderr(os.Stderr)
	mod, err := r.InstantiateWithConfig(ctx, wasmBytes, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &guest{t: t, ctx: ctx, mod: mod}
}

// alive checks that g still answers: a small staging buffer, an in-memory
// MEM8 file with one block, and its count.
func (g *guest) alive() {
	g.t.Helper()
	out := g.alloc(16)
	if rc := g.rc("pf_version", uint64(out)); rc != 0 {
		g.t.Fatalf("pf_version: %d", rc)
	}
	if rc := g.rc("pf_mem8_create", 0, 0, 0, 0, uint64(out)); rc != 0 {
		g.t.Fatalf("pf_mem8_create: %d %s", rc, g.errmsg(0))
	}
	h := g.u32(out)
	p, n := g.put([]byte("still here"))
	if rc := g.rc("pf_mem8_append", uint64(h), p, n, 0, 0, 0, 0, 0); rc != 0 {
		g.t.Fatalf("pf_mem8_append: %d %s", rc, g.errmsg(h))
	}
	if rc := g.rc("pf_mem8_count", uint64(h), uint64(out)); rc != 0 || g.u64(out) != 1 {
		g.t.Fatalf("pf_mem8_count: %d %d", rc, g.u64(out))
	}
	for _, q := range []uint64{uint64(out), p} {
		if rc := g.rc("pf_free", q); rc != 0 {
			g.t.Fatalf("pf_free: %d", rc)
		}
	}
	if rc := g.rc("pf_close", uint64(h)); rc != 0 {
		g.t.Fatalf("pf_close: %d", rc)
	}
}

// pf_alloc of more than linear memory can hold is 0, not a trap.
func TestAllocBeyondMemoryIsRefused(t *testing.T) {
	g := newBigGuest(t)
	if p := g.call("pf_alloc", 39<<30/10); p != 0 {
		t.Fatalf("pf_alloc(3.9 GiB) = %#x, want 0", p)
	}
	g.alive()
}

// Buffers kept alive fill linear memory: the allocation that would not fit
// is refused (pf_alloc 0, an export PF_ENOMEM) and the instance works on.
func TestAllocUntilFullIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("grows a wasm instance to 4 GiB")
	}
	g := newBigGuest(t)
	const n = 600 << 20
	var kept []uint64
	for len(kept) < 8 {
		p := g.call("pf_alloc", n)
		if p == 0 {
			break
		}
		kept = append(kept, p)
	}
	if len(kept) < 5 || len(kept) == 8 {
		t.Fatalf("%d allocations of 600 MiB succeeded, want 5 or 6 (4 GiB of linear memory)", len(kept))
	}
	g.alive()
	// An export whose own allocation does not fit: open_bytes copies the image.
	out := g.alloc(4)
	if rc := g.rc("pf_mmx_open_bytes", kept[0], n, 0, uint64(out)); rc != int32(errcode.NoMem) {
		t.Fatalf("pf_mmx_open_bytes of 600 MiB in a full instance: %d, want PF_ENOMEM", rc)
	}
	t.Logf("%d × 600 MiB allocated; then %q", len(kept), g.errmsg(0))
	for _, p := range kept {
		if rc := g.rc("pf_free", p); rc != 0 {
			t.Fatalf("pf_free: %d", rc)
		}
	}
	g.alive()
}
