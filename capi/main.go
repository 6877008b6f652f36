// Command capi builds libpolyfmt.so (go build -buildmode=c-shared). Each
// export is a one-line shim over core/ffi; the declarations are in
// include/polyfmt.h.
package main

/*
#include <stdint.h>
#include <stdlib.h>
*/
import "C"

import (
	"unsafe"

	"github.com/polyfmt/polyfmt/core/ffi"
)

var abi = &ffi.ABI{
	PtrSize: int(unsafe.Sizeof(uintptr(0))),
	Alloc: func(n int) (unsafe.Pointer, []byte) {
		p := C.malloc(C.size_t(n))
		if p == nil {
			return nil, nil
		}
		return p, unsafe.Slice((*byte)(p), n)
	},
	Release: func(p unsafe.Pointer) { C.free(p) },
}

func main() {}

type (
	st  = C.int32_t
	u32 = C.uint32_t
	u64 = C.uint64_t
	sz  = C.size_t
	ptr = unsafe.Pointer
)

//export pf_version
func pf_version(out *u32) st { return st(ffi.Version(abi, ptr(out))) }

//export pf_errstr
func pf_errstr(code st) *C.char { return (*C.char)(ffi.ErrStr(abi, int32(code))) }

//export pf_errmsg
func pf_errmsg(h u32) *C.char { return (*C.char)(ffi.ErrMsg(abi, uint32(h))) }

//export pf_close
func pf_close(h u32) st { return st(ffi.Close(abi, uint32(h))) }

//export pf_free
func pf_free(p ptr) st { return st(ffi.Free(abi, p)) }

//export pf_mem8_create
func pf_mem8_create(path *C.char, pathLen sz, opts *C.char, optsLen sz, out *u32) st {
	return st(ffi.Mem8Create(abi, ptr(path), uint64(pathLen), ptr(opts), uint64(optsLen), ptr(out)))
}

//export pf_mem8_open
func pf_mem8_open(path *C.char, pathLen sz, writable st, opts *C.char, optsLen sz, out *u32) st {
	return st(ffi.Mem8Open(abi, ptr(path), uint64(pathLen), int32(writable), ptr(opts), uint64(optsLen), ptr(out)))
}

//export pf_mem8_open_bytes
func pf_mem8_open_bytes(data *C.uint8_t, n sz, writable st, out *u32) st {
	return st(ffi.Mem8OpenBytes(abi, ptr(data), uint64(n), int32(writable), ptr(out)))
}

//export pf_mem8_append
func pf_mem8_append(h u32, content *C.uint8_t, n sz, importance C.float, token *C.char, tokenLen sz, ts u64, outIndex *u64) st {
	return st(ffi.Mem8Append(abi, uint32(h), ptr(content), uint64(n), float32(importance), ptr(token), uint64(tokenLen), uint64(ts), ptr(outIndex)))
}

//export pf_mem8_count
func pf_mem8_count(h u32, out *u64) st { return st(ffi.Mem8Count(abi, uint32(h), ptr(out))) }

//export pf_mem8_info
func pf_mem8_info(h u32, out **C.uint8_t, outLen *sz) st {
	return st(ffi.Mem8InfoExport(abi, uint32(h), ptr(out), ptr(outLen)))
}

//export pf_mem8_block
func pf_mem8_block(h u32, index u64, info **C.uint8_t, infoLen *sz, content **C.uint8_t, contentLen *sz) st {
	return st(ffi.Mem8Block(abi, uint32(h), uint64(index), ptr(info), ptr(infoLen), ptr(content), ptr(contentLen)))
}

//export pf_mem8_query
func pf_mem8_query(h u32, q *C.char, qLen sz, out **C.uint8_t, outLen *sz) st {
	return st(ffi.Mem8Query(abi, uint32(h), ptr(q), uint64(qLen), ptr(out), ptr(outLen)))
}

//export pf_mem8_verify
func pf_mem8_verify(h u32, bad *C.int64_t) st { return st(ffi.Mem8Verify(abi, uint32(h), ptr(bad))) }

//export pf_mem8_import_json
func pf_mem8_import_json(h u32, data *C.uint8_t, n sz, outCount *u64) st {
	return st(ffi.Mem8ImportJSON(abi, uint32(h), ptr(data), uint64(n), ptr(outCount)))
}

//export pf_mem8_export_json
func pf_mem8_export_json(h u32, out **C.uint8_t, outLen *sz) st {
	return st(ffi.Mem8ExportJSON(abi, uint32(h), ptr(out), ptr(outLen)))
}

//export pf_mem8_bytes
func pf_mem8_bytes(h u32, out **C.uint8_t, outLen *sz) st {
	return st(ffi.Mem8Bytes(abi, uint32(h), ptr(out), ptr(outLen)))
}

//export pf_mem8_sync
func pf_mem8_sync(h u32) st { return st(ffi.Mem8Sync(abi, uint32(h))) }
