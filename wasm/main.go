//go:build wasip1

// Command wasm builds polyfmt.wasm, a WASI preview-1 reactor
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared). Each export is a
// one-line shim over core/ffi with the same name and argument order as the
// C library, generated from the export spec (core/ffi/spec.go) into
// exports_gen.go; pointers and size_t are 32-bit here.
package main

import (
	"unsafe"

	"github.com/polyfmt/polyfmt/core/ffi"
)

// pinned keeps buffers handed to the host alive until pf_free.
var pinned = map[unsafe.Pointer][]byte{}

// abi hands the host Go memory, pinned. A request that linear memory
// cannot hold is refused (nil, so PF_ENOMEM or pf_alloc's 0) before make,
// which would trap the instance instead.
var abi = &ffi.ABI{
	PtrSize: 4,
	Alloc: func(n int) (unsafe.Pointer, []byte) {
		if !ffi.HeapFits(uint64(n)) {
			return nil, nil
		}
		b := make([]byte, n)
		p := unsafe.Pointer(&b[0])
		pinned[p] = b
		return p, b
	},
	Release: func(p unsafe.Pointer) { delete(pinned, p) },
}

func main() {}
