//go:build !wasm

package fastatomic

import "sync/atomic"

type (
	Int32          = atomic.Int32
	Uint64         = atomic.Uint64
	Pointer[T any] = atomic.Pointer[T]
)
