//go:build wasip1

// Command wasm builds polyfmt.wasm, a WASI preview-1 reactor
// (GOOS=wasip1 GOARCH=wasm go build -buildmode=c-shared). Each export is a
// one-line shim over core/ffi with the same name and argument order as the
// C library; pointers and size_t are 32-bit here.
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

type ptr = unsafe.Pointer

//go:wasmexport pf_alloc
func pf_alloc(size uint32) ptr { return ffi.Alloc(abi, uint64(size)) }

//go:wasmexport pf_version
func pf_version(out ptr) int32 { return ffi.Version(abi, out) }

//go:wasmexport pf_errstr
func pf_errstr(code int32) ptr { return ffi.ErrStr(abi, code) }

//go:wasmexport pf_errmsg
func pf_errmsg(h uint32) ptr { return ffi.ErrMsg(abi, h) }

//go:wasmexport pf_close
func pf_close(h uint32) int32 { return ffi.Close(abi, h) }

//go:wasmexport pf_free
func pf_free(p ptr) int32 { return ffi.Free(abi, p) }

//go:wasmexport pf_mem8_create
func pf_mem8_create(path ptr, pathLen uint32, opts ptr, optsLen uint32, out ptr) int32 {
	return ffi.Mem8Create(abi, path, uint64(pathLen), opts, uint64(optsLen), out)
}

//go:wasmexport pf_mem8_open
func pf_mem8_open(path ptr, pathLen uint32, writable int32, opts ptr, optsLen uint32, out ptr) int32 {
	return ffi.Mem8Open(abi, path, uint64(pathLen), writable, opts, uint64(optsLen), out)
}

//go:wasmexport pf_mem8_open_bytes
func pf_mem8_open_bytes(data ptr, n uint32, writable int32, out ptr) int32 {
	return ffi.Mem8OpenBytes(abi, data, uint64(n), writable, out)
}

//go:wasmexport pf_mem8_append
func pf_mem8_append(h uint32, content ptr, n uint32, importance float32, token ptr, tokenLen uint32, ts uint64, outIndex ptr) int32 {
	return ffi.Mem8Append(abi, h, content, uint64(n), importance, token, uint64(tokenLen), ts, outIndex)
}

//go:wasmexport pf_mem8_count
func pf_mem8_count(h uint32, out ptr) int32 { return ffi.Mem8Count(abi, h, out) }

//go:wasmexport pf_mem8_info
func pf_mem8_info(h uint32, out, outLen ptr) int32 { return ffi.Mem8InfoExport(abi, h, out, outLen) }

//go:wasmexport pf_mem8_block
func pf_mem8_block(h uint32, index uint64, info, infoLen, content, contentLen ptr) int32 {
	return ffi.Mem8Block(abi, h, index, info, infoLen, content, contentLen)
}

//go:wasmexport pf_mem8_query
func pf_mem8_query(h uint32, q ptr, qLen uint32, out, outLen ptr) int32 {
	return ffi.Mem8Query(abi, h, q, uint64(qLen), out, outLen)
}

//go:wasmexport pf_mem8_verify
func pf_mem8_verify(h uint32, bad ptr) int32 { return ffi.Mem8Verify(abi, h, bad) }

//go:wasmexport pf_mem8_import_json
func pf_mem8_import_json(h uint32, data ptr, n uint32, outCount ptr) int32 {
	return ffi.Mem8ImportJSON(abi, h, data, uint64(n), outCount)
}

//go:wasmexport pf_mem8_export_json
func pf_mem8_export_json(h uint32, out, outLen ptr) int32 {
	return ffi.Mem8ExportJSON(abi, h, out, outLen)
}

//go:wasmexport pf_mem8_bytes
func pf_mem8_bytes(h uint32, out, outLen ptr) int32 { return ffi.Mem8Bytes(abi, h, out, outLen) }

//go:wasmexport pf_mem8_sync
func pf_mem8_sync(h uint32) int32 { return ffi.Mem8Sync(abi, h) }

//go:wasmexport pf_mmx_create
func pf_mmx_create(path ptr, pathLen uint32, opts ptr, optsLen uint32, out ptr) int32 {
	return ffi.MMXCreate(abi, path, uint64(pathLen), opts, uint64(optsLen), out)
}

//go:wasmexport pf_mmx_open
func pf_mmx_open(path ptr, pathLen uint32, writable int32, opts ptr, optsLen uint32, out ptr) int32 {
	return ffi.MMXOpen(abi, path, uint64(pathLen), writable, opts, uint64(optsLen), out)
}

//go:wasmexport pf_mmx_open_bytes
func pf_mmx_open_bytes(data ptr, n uint32, writable int32, out ptr) int32 {
	return ffi.MMXOpenBytes(abi, data, uint64(n), writable, out)
}

//go:wasmexport pf_mmx_write
func pf_mmx_write(h uint32, name ptr, nameLen uint32, desc ptr, descLen uint32, data ptr, dataLen uint32) int32 {
	return ffi.MMXWrite(abi, h, name, uint64(nameLen), desc, uint64(descLen), data, uint64(dataLen))
}

//go:wasmexport pf_mmx_read
func pf_mmx_read(h uint32, name ptr, nameLen uint32, out, outLen, data, dataLen, borrowed ptr) int32 {
	return ffi.MMXRead(abi, h, name, uint64(nameLen), out, outLen, data, dataLen, borrowed)
}

//go:wasmexport pf_mmx_read_rows
func pf_mmx_read_rows(h uint32, name ptr, nameLen uint32, start, end uint64, out, outLen, data, dataLen, borrowed ptr) int32 {
	return ffi.MMXReadRows(abi, h, name, uint64(nameLen), start, end, out, outLen, data, dataLen, borrowed)
}

//go:wasmexport pf_mmx_list
func pf_mmx_list(h uint32, prefix ptr, prefixLen uint32, out, outLen ptr) int32 {
	return ffi.MMXList(abi, h, prefix, uint64(prefixLen), out, outLen)
}

//go:wasmexport pf_mmx_info
func pf_mmx_info(h uint32, out, outLen ptr) int32 { return ffi.MMXInfoExport(abi, h, out, outLen) }

//go:wasmexport pf_mmx_delete
func pf_mmx_delete(h uint32, name ptr, nameLen uint32) int32 {
	return ffi.MMXDelete(abi, h, name, uint64(nameLen))
}

//go:wasmexport pf_mmx_commit
func pf_mmx_commit(h uint32) int32 { return ffi.MMXCommit(abi, h) }

//go:wasmexport pf_mmx_rollback
func pf_mmx_rollback(h uint32) int32 { return ffi.MMXRollback(abi, h) }

//go:wasmexport pf_mmx_compact
func pf_mmx_compact(h uint32) int32 { return ffi.MMXCompact(abi, h) }

//go:wasmexport pf_mmx_refresh
func pf_mmx_refresh(h uint32, out ptr) int32 { return ffi.MMXRefresh(abi, h, out) }

//go:wasmexport pf_mmx_verify
func pf_mmx_verify(h uint32) int32 { return ffi.MMXVerify(abi, h) }

//go:wasmexport pf_mmx_bytes
func pf_mmx_bytes(h uint32, out, outLen ptr) int32 { return ffi.MMXBytes(abi, h, out, outLen) }
