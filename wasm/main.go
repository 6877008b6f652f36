//go:build wasip1

// Command wasm builds polyfmt.wasm, a WASI preview-1 reactor
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared). Each export is a
// one-line shim over core/ffi with the same name and argument order as the
// C library, generated from the export spec (core/ffi/spec.go) into
// exports_gen.go; pointers and size_t are 32-bit here.
package main

import (
	"slices"
	"unsafe"

	"github.com/polyfmt/polyfmt/core/ffi"
)

// pinned keeps buffers handed to the host alive until pf_free.
var pinned = map[unsafe.Pointer][]byte{}

// spare holds large buffers the host freed, for the next large request:
// a fresh multi-megabyte make in a wasm Go runtime costs far more than the
// work that fills it (42 ms for 24 MiB here, against 16 ms to unpack a
// 12-bit image into it), as the runtime collects and zeroes for it. At
// most spareMax buffers, spareBytes in all, are kept; linear memory never
// shrinks anyway, so keeping them costs no memory the instance would give
// back. Reused buffers are not zeroed: like malloc's, a result buffer is
// written whole before the host sees it. Entries leave the list through
// slices.Delete, which clears the slots it vacates: a slice expression or
// append would leave the list's array holding an evicted buffer, which the
// collector then could not reuse for anything else.
var (
	spare      [][]byte
	spareTotal int
)

const (
	spareMin   = 4 << 20
	spareMax   = 4
	spareBytes = 128 << 20
)

// abi hands the host Go memory, pinned. A request that linear memory
// cannot hold is refused (nil, so PF_ENOMEM or pf_alloc's 0) before make,
// which would trap the instance instead.
var abi = &ffi.ABI{
	PtrSize: 4,
	Alloc: func(n int) (unsafe.Pointer, []byte) {
		b := reuse(n)
		if b == nil {
			if !ffi.HeapFits(uint64(n)) {
				return nil, nil
			}
			b = make([]byte, n)
		}
		p := unsafe.Pointer(&b[0])
		pinned[p] = b
		return p, b
	},
	Release: func(p unsafe.Pointer) {
		b := pinned[p]
		delete(pinned, p)
		if cap(b) >= spareMin && cap(b) <= spareBytes {
			spare = append(spare, b[:cap(b)])
			spareTotal += cap(b)
			for len(spare) > spareMax || spareTotal > spareBytes {
				spareTotal -= cap(spare[0])
				spare = slices.Delete(spare, 0, 1)
			}
		}
	},
}

// reuse takes a spare buffer that fits n bytes without wasting more than
// half of it, or returns nil.
func reuse(n int) []byte {
	if n < spareMin {
		return nil
	}
	for i, b := range spare {
		if cap(b) >= n && cap(b) <= 2*n {
			spare = slices.Delete(spare, i, i+1)
			spareTotal -= cap(b)
			return b[:n]
		}
	}
	return nil
}

func main() {}
