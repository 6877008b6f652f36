// Command capi builds libpolyfmt.so (go build -buildmode=c-shared). Each
// export is a one-line shim over core/ffi; the declarations are in
// include/polyfmt.h.
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

//export pf_mmx_create
func pf_mmx_create(path *C.char, pathLen sz, opts *C.char, optsLen sz, out *u32) st {
	return st(ffi.MMXCreate(abi, ptr(path), uint64(pathLen), ptr(opts), uint64(optsLen), ptr(out)))
}

//export pf_mmx_open
func pf_mmx_open(path *C.char, pathLen sz, writable st, opts *C.char, optsLen sz, out *u32) st {
	return st(ffi.MMXOpen(abi, ptr(path), uint64(pathLen), int32(writable), ptr(opts), uint64(optsLen), ptr(out)))
}

//export pf_mmx_open_bytes
func pf_mmx_open_bytes(data *C.uint8_t, n sz, writable st, out *u32) st {
	return st(ffi.MMXOpenBytes(abi, ptr(data), uint64(n), int32(writable), ptr(out)))
}

//export pf_mmx_write
func pf_mmx_write(h u32, name *C.char, nameLen sz, desc *C.char, descLen sz, data *C.uint8_t, dataLen sz) st {
	return st(ffi.MMXWrite(abi, uint32(h), ptr(name), uint64(nameLen), ptr(desc), uint64(descLen), ptr(data), uint64(dataLen)))
}

//export pf_mmx_read
func pf_mmx_read(h u32, name *C.char, nameLen sz, out **C.uint8_t, outLen *sz, data **C.uint8_t, dataLen *sz, borrowed *st) st {
	return st(ffi.MMXRead(abi, uint32(h), ptr(name), uint64(nameLen), ptr(out), ptr(outLen), ptr(data), ptr(dataLen), ptr(borrowed)))
}

//export pf_mmx_read_rows
func pf_mmx_read_rows(h u32, name *C.char, nameLen sz, start, end u64, out **C.uint8_t, outLen *sz, data **C.uint8_t, dataLen *sz, borrowed *st) st {
	return st(ffi.MMXReadRows(abi, uint32(h), ptr(name), uint64(nameLen), uint64(start), uint64(end), ptr(out), ptr(outLen), ptr(data), ptr(dataLen), ptr(borrowed)))
}

//export pf_mmx_list
func pf_mmx_list(h u32, prefix *C.char, prefixLen sz, out **C.uint8_t, outLen *sz) st {
	return st(ffi.MMXList(abi, uint32(h), ptr(prefix), uint64(prefixLen), ptr(out), ptr(outLen)))
}

//export pf_mmx_info
func pf_mmx_info(h u32, out **C.uint8_t, outLen *sz) st {
	return st(ffi.MMXInfoExport(abi, uint32(h), ptr(out), ptr(outLen)))
}

//export pf_mmx_delete
func pf_mmx_delete(h u32, name *C.char, nameLen sz) st {
	return st(ffi.MMXDelete(abi, uint32(h), ptr(name), uint64(nameLen)))
}

//export pf_mmx_commit
func pf_mmx_commit(h u32) st { return st(ffi.MMXCommit(abi, uint32(h))) }

//export pf_mmx_rollback
func pf_mmx_rollback(h u32) st { return st(ffi.MMXRollback(abi, uint32(h))) }

//export pf_mmx_compact
func pf_mmx_compact(h u32) st { return st(ffi.MMXCompact(abi, uint32(h))) }

//export pf_mmx_refresh
func pf_mmx_refresh(h u32, out *u64) st { return st(ffi.MMXRefresh(abi, uint32(h), ptr(out))) }

//export pf_mmx_verify
func pf_mmx_verify(h u32) st { return st(ffi.MMXVerify(abi, uint32(h))) }

//export pf_mmx_bytes
func pf_mmx_bytes(h u32, out **C.uint8_t, outLen *sz) st {
	return st(ffi.MMXBytes(abi, uint32(h), ptr(out), ptr(outLen)))
}
