//go:build !wasm

package mem8

import "sync/atomic"

// countCell is File.Count's copy of the block count: sync/atomic's, whose
// methods the compiler turns into single instructions.
type countCell = atomic.Uint64
