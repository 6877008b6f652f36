/*
 * polyfmt.h — the C interface of libpolyfmt.so.
 *
 * One Go core reads and writes MEM8, MMX, VSF v2 and MORK; this header is
 * its C face. The same functions,
 * with the same names and argument order, are exported by polyfmt.wasm
 * (where pointers and size_t are 32-bit). Everything below the conventions
 * is generated from the export spec, core/ffi/spec.go.
 *
 * Conventions
 *   - Files of every format share one lifecycle: pf_create; pf_open and
 *     pf_open_bytes, which detect the format from its first bytes; pf_info,
 *     pf_verify, pf_refresh, pf_bytes and pf_close. A format adds only its
 *     own verbs: pf_mem8_append, pf_mmx_write, and so on.
 *   - Every function returns an int32_t status (PF_OK = 0, or a PF_E* code
 *     below); results come back through out-parameters. The exceptions are
 *     pf_errstr and pf_errmsg, which return text.
 *   - Objects are opaque non-zero uint32_t handles. pf_close(0) is a no-op;
 *     closing a handle twice, or using a closed one, returns PF_EBADHANDLE.
 *   - When a call fails, pf_errmsg(handle) says why. A call that has no open
 *     handle (an open that failed, a bad handle) records its message on
 *     slot 0, which pf_errmsg(0) reads.
 *   - Input buffers are borrowed for the duration of the call. Buffers the
 *     library returns through out-parameters belong to the caller, who
 *     frees them with pf_free and nothing else.
 *   - Structured results (headers, block records) are UTF-8 JSON, not
 *     NUL-terminated: use the returned length. Bulk data is (pointer, length).
 *   - Strings passed in (paths, tokens, options) are UTF-8 with an explicit
 *     length; they need no NUL terminator.
 *   - No panic crosses into the caller: an internal fault returns
 *     PF_EINTERNAL with a one-line message, and the library stays usable.
 *     (POLYFMT_DEBUG=1 in the environment also prints its stack to stderr.)
 *   - Threads: every function may be called from any thread, and any number
 *     of calls may run at once on the same handle. Reads run in parallel;
 *     changes to one file (appends, writes, deletes, commits, rollbacks,
 *     compaction) are serialized by the file's own lock, and a reader meanwhile
 *     sees whole blocks (MEM8) or the last commit (MMX).
 *   - Closing under calls: pf_close(h) may be called while other threads are
 *     inside calls on h. h leaves the table at once, so a call that starts
 *     later returns PF_EBADHANDLE; pf_close then waits until the calls
 *     already running on h have returned, and only then closes the file.
 *     Those calls complete normally (a failure among them records its
 *     message on slot 0, h being no longer open). When pf_close returns,
 *     the file is closed and its writer lock released: the path can be
 *     opened for writing again at once.
 *   - Borrowed views (pf_mmx_read with *out_borrowed 1) point into the
 *     handle's mapping and stay valid until pf_close(h) returns. pf_close
 *     unmaps them before it returns, so the caller owes this: no thread
 *     touches a view of h once another thread may be closing h. Copy what
 *     must outlive the handle.
 *   - Memory: a failed allocation returns PF_ENOMEM, never ends the host, and
 *     the library stays usable. Results the library hands over (and its copy
 *     of an image in pf_*_open_bytes) come from malloc; in polyfmt.wasm from
 *     linear memory, where a request that would not fit below 4 GiB (less a
 *     reserve for the runtime) is refused instead of trapping the instance.
 *     Working memory inside a call (a chunk being decompressed, a document
 *     being encoded) belongs to the Go runtime, whose exhaustion is fatal:
 *     bound it for untrusted files with the "max_chunk_bytes" and
 *     "max_chunks" options.
 *   - Only one Go runtime can live in a process, and the process must not
 *     fork after loading the library (use spawn, not fork, to start workers).
 */
