// Command capi builds libpolyfmt.so (go build -buildmode=c-shared). Each
// export is a one-line shim over core/ffi, generated from the export spec
// (core/ffi/spec.go) into exports_gen.go, as the declarations in
// include/polyfmt.h are.
package main

/*
#include <stdint.h>
#include <stdlib.h>

// pf_malloc is malloc as C sees it: NULL on failure. cgo's C.malloc never
// returns NULL (it ends the process with "runtime: C malloc failed"), so the
// library allocates through this function and reports PF_ENOMEM instead.
static void *pf_malloc(size_t n) { return malloc(n); }
*/
import "C"

import (
	"unsafe"

	"github.com/polyfmt/polyfmt/core/ffi"
)

var abi = &ffi.ABI{
	PtrSize: int(unsafe.Sizeof(uintptr(0))),
	Alloc: func(n int) (unsafe.Pointer, []byte) {
		p := C.pf_malloc(C.size_t(n))
		if p == nil {
			return nil, nil
		}
		return p, unsafe.Slice((*byte)(p), n)
	},
	Release: func(p unsafe.Pointer) { C.free(p) },
}

func main() {}
