//go:build wasm

package mem8

// countCell is File.Count's copy of the block count, as a plain field: one
// thread runs a wasm program and Go switches goroutines there only at calls,
// never inside these methods, so each is as indivisible as sync/atomic's,
// which on wasm are Go calls, not instructions (see core/ffi/flight_wasm.go).
type countCell struct{ n uint64 }

func (c *countCell) Load() uint64   { return c.n }
func (c *countCell) Store(n uint64) { c.n = n }
