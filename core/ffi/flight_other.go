//go:build !wasm

package ffi

import "sync/atomic"

// The in-flight count, closing flag and hot slots of the handle table
// (handles.go): sync/atomic's types, whose methods the compiler turns into
// single instructions.
type (
	counter  = atomic.Int32
	boolFlag = atomic.Bool
	slot     = atomic.Pointer[entry]
)
