//go:build !wasm

package ffi

import "sync/atomic"

// The in-flight count (with its closing bit) and hot slots of the handle table
// (handles.go): sync/atomic's types, whose methods the compiler turns into
// single instructions.
type (
	counter = atomic.Int32
	slot    = atomic.Pointer[entry]
)
