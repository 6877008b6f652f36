//go:build wasm

package ffi

// The in-flight count (with its closing bit) and hot slots of the handle table
// (handles.go), as plain loads and stores. One thread runs polyfmt.wasm,
// and Go's scheduler there switches goroutines only at calls (wasm has no
// asynchronous preemption), never inside these methods, so each is as
// indivisible as sync/atomic's. Those are no compiler intrinsics on wasm:
// each is a Go call of its own, and seven of them made pf_mem8_count cost
// four times pf_version under wazero (bench/README.md, 2026-11-26).
type counter struct{ n int32 }

func (c *counter) Add(d int32) int32 { c.n += d; return c.n }
func (c *counter) Load() int32       { return c.n }

type slot struct{ e *entry }

func (s *slot) Load() *entry   { return s.e }
func (s *slot) Store(e *entry) { s.e = e }

func (s *slot) CompareAndSwap(old, e *entry) bool {
	if s.e != old {
		return false
	}
	s.e = e
	return true
}
