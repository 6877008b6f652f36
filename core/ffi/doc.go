// Package ffi is the flat, ABI-neutral API that capi (the C shared library)
// and wasm (the WebAssembly module) both wrap, function for function.
//
// Everything an export does lives here: the handle table, the per-handle
// last error, panic recovery, argument checks, and the encoding of results.
// A shim only converts its platform's raw arguments to unsafe.Pointer and
// integers and passes its ABI (pointer width and memory) along.
//
// spec.go is the export spec: every export's name, documentation and
// parameters by kind, written once. `go generate ./...` (core/ffi/gen)
// writes every other copy from it — the shims in capi and wasm, polyfmt.h's
// prototypes, the Python ctypes table, the JS call table and typings — and
// the ffi functions of the lifecycle exports (lifecycle_gen.go). Adding an
// export is its spec entry plus its ffi function, then go generate.
//
// The lifecycle every format shares (create, open, open bytes, info,
// verify, refresh, bytes, close) is implemented once, in files.go, over
// core/format: pf_open and pf_open_bytes detect the format; the
// per-format names (pf_mem8_open, pf_mmx_info, …) are generated aliases.
//
// Conventions (docs in capi/include/polyfmt.h):
//   - every function returns an int32 status from core/errcode (0 is ok);
//     results come back through out-parameters;
//   - objects are opaque non-zero uint32 handles, never reused; closing 0 is
//     a no-op, closing twice is PF_EBADHANDLE; every call holds its handle
//     while it runs, and Close waits for those calls before it closes the
//     object (new calls get PF_EBADHANDLE at once);
//   - a failed allocation is PF_ENOMEM: the ABI's allocator reports failure
//     rather than aborting (see ABI.Alloc and HeapFits);
//   - a failure records a message on its handle (or, with no open handle,
//     on slot 0), read with pf_errmsg;
//   - input buffers are borrowed for the call; buffers returned through
//     out-parameters belong to the caller, who frees them with pf_free;
//   - structured results are UTF-8 JSON, bulk data is (pointer, length);
//   - no panic crosses the boundary: each function recovers into
//     PF_EINTERNAL, with a one-line message and no stack (POLYFMT_DEBUG=1
//     prints the stack to stderr).
package ffi
