/*
 * polyfmt.h — the C interface of libpolyfmt.so.
 *
 * One Go core reads and writes MMX and MEM8 (VSF v2 and MORK are planned);
 * this header is its C face. The same functions, with the same names and argument order,
 * are exported by polyfmt.wasm (where pointers and size_t are 32-bit).
 *
 * Conventions
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
#ifndef POLYFMT_H
#define POLYFMT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes. Pinned forever; new codes go into the gaps. */
#define PF_OK            0  /* success */
#define PF_EFORMAT       10 /* input is malformed */
#define PF_ECHECKSUM     11 /* a checksum or hash does not match */
#define PF_EUNSUPPORTED  12 /* well-formed, but uses what this build does not support */
#define PF_ELIMIT        13 /* a configured limit was exceeded */
#define PF_ENOTFOUND     20 /* no such file, block or item */
#define PF_EBADARG       21 /* an argument is invalid */
#define PF_EBADHANDLE    22 /* the handle is unknown or already closed */
#define PF_ELOCKED       23 /* another writer holds the file */
#define PF_EIO           30 /* the operating system reported an I/O error */
#define PF_ENOMEM        31 /* an allocation failed */
#define PF_EINTERNAL     99 /* a bug in polyfmt (a recovered panic) */

/* ---- library ---------------------------------------------------------- */

/* Writes the version as major<<16 | minor<<8 | patch. */
int32_t pf_version(uint32_t *out);

/* Static description of a status code; never freed. NULL only if memory
 * is exhausted. */
const char *pf_errstr(int32_t code);

/* The last error recorded on handle (slot 0: calls without an open handle),
 * "" if none. Do not free it. The text stays valid until 64 more error
 * texts have been replaced or closed anywhere in the process, so a thread
 * can read it safely right after its failing call even while others fail;
 * copy it if you keep it. Slot 0 is shared by all threads: with several
 * threads opening at once, it may hold another thread's message. */
const char *pf_errmsg(uint32_t handle);

/* Closes any handle. 0 is a no-op; a closed or unknown one PF_EBADHANDLE.
 * Calls running on the handle in other threads finish first (see "Closing
 * under calls" above); views it lent are invalid once it returns. */
int32_t pf_close(uint32_t handle);

/* Frees a buffer the library returned. NULL is a no-op; a pointer the
 * library did not return (or freed already) is PF_EBADARG. */
int32_t pf_free(void *ptr);

/* ---- MEM8 (.m8) ------------------------------------------------------- */

/* Options (JSON object, every key optional; unknown keys are PF_EBADARG):
 *   "identity_freq": 440.0   (create) written in the header
 *   "temporal_phase": 0.0    (create) written in the header
 *   "plain": false           (create) flags 0: exactly the seed's files
 *   "no_sync": false         skip fsync after each append
 *   "max_blocks": 67108864   refuse files with more blocks
 *   "max_import_blocks": 1048576   pf_mem8_import_json appends at most this many
 *   "max_json_bytes": 268435456    pf_mem8_import_json: JSON text, after zlib
 *   "max_json_ratio": 100          pf_mem8_import_json: zlib inflates at most
 *                                  this many times its size (or 64 KiB)
 * opts_json may be NULL with opts_len 0. */

/* Creates a new file at path (truncating), locked for writing. An empty
 * path (path_len 0) creates an in-memory file; pf_mem8_bytes returns it. */
int32_t pf_mem8_create(const char *path, size_t path_len, const char *opts_json, size_t opts_len, uint32_t *out_handle);

/* Opens path read-only (writable 0, memory-mapped) or for appending
 * (writable 1: takes the writer lock — flock and the lock file path.lock,
 * docs/spec/mmx.md §5.1 — PF_ELOCKED if taken; repairs a torn
 * tail). A read-only open ignores a torn tail and reports it in pf_mem8_info.
 * Only "no_sync" and the "max_…" limits apply; create options are PF_EBADARG. */
int32_t pf_mem8_open(const char *path, size_t path_len, int32_t writable, const char *opts_json, size_t opts_len, uint32_t *out_handle);

/* Opens a copy of an in-memory image, read-only (0) or appendable (1). */
int32_t pf_mem8_open_bytes(const uint8_t *data, size_t len, int32_t writable, uint32_t *out_handle);

/* Appends a block. importance in [0,1] (quantized as the seed does, NaN -> 0);
 * token may be NULL/0 for none; timestamp_us 0 means now. Content over 4024
 * bytes (less a new token's definition) is PF_ELIMIT, never truncated.
 * out_index may be NULL. */
int32_t pf_mem8_append(uint32_t handle, const uint8_t *content, size_t len, float importance, const char *token, size_t token_len, uint64_t timestamp_us, uint64_t *out_index);

/* Number of blocks. */
int32_t pf_mem8_count(uint32_t handle, uint64_t *out_count);

/* Header, flags, dynamic tokens and recovery report as JSON:
 * {"name","writable","version","flags","flag_names","block_count",
 *  "identity_freq","temporal_phase","crc32","tokens",
 *  "recovery":{"clean","header_blocks","dropped_bytes","reason","repaired"}} */
int32_t pf_mem8_info(uint32_t handle, uint8_t **out_json, size_t *out_len);

/* Block index (0 = oldest): its record as JSON
 * {"index","timestamp","importance","importance_raw","token_id","token",
 *  "wave_signature","prev_hash","content_len"} and its content. Either
 * pair of out-parameters may be NULL. PF_ENOTFOUND past the last block.
 * Free both buffers with pf_free. Empty content gives NULL and length 0. */
int32_t pf_mem8_block(uint32_t handle, uint64_t index, uint8_t **out_json, size_t *out_json_len, uint8_t **out_content, size_t *out_content_len);

/* The seed's read_by_importance: blocks by importance (ties oldest first),
 * kept if their content contains a keyword or while fewer than "fill" are
 * kept, stopping at "max". query_json: {"keywords":[...], "fill":10,
 * "max":20}, all optional ("fill":0 keeps keyword matches only; a negative
 * fill or max < 1 is PF_EBADARG). Result: JSON array of block indices. */
int32_t pf_mem8_query(uint32_t handle, const char *query_json, size_t query_len, uint8_t **out_json, size_t *out_len);

/* Reads the whole file and checks wave signatures, the hash chain and the
 * header CRC. PF_OK, or PF_ECHECKSUM / PF_EFORMAT with *out_bad_block the
 * first bad block (-1: the header; the block count: a torn tail that a
 * read-only open ignored). out_bad_block may be NULL. */
int32_t pf_mem8_verify(uint32_t handle, int64_t *out_bad_block);

/* Appends the blocks of a JSON document: the seed's {"contexts":[...]}
 * (plain or zlib; every element a JSON object) or pf_mem8_export_json's
 * output. The whole document is checked first (shape, sizes, the limits
 * "max_json_bytes", "max_json_ratio", "max_import_blocks" of the handle's options):
 * if that fails, nothing is appended. Then each block is appended and
 * committed on its own; a failure while appending (I/O, a full disk) leaves
 * the blocks before it committed, and *out_count is the number of blocks
 * appended in every case. out_count may be NULL. */
int32_t pf_mem8_import_json(uint32_t handle, const uint8_t *data, size_t len, uint64_t *out_count);

/* Every block as a JSON document that pf_mem8_import_json restores exactly. */
int32_t pf_mem8_export_json(uint32_t handle, uint8_t **out_json, size_t *out_len);

/* A copy of the image of a file held in memory (pf_mem8_create with an
 * empty path, or pf_mem8_open_bytes); PF_EBADARG for a file on disk. */
int32_t pf_mem8_bytes(uint32_t handle, uint8_t **out, size_t *out_len);

/* Flushes to stable storage (for files opened with "no_sync"). */
int32_t pf_mem8_sync(uint32_t handle);

/* ---- MMX (.mmx) -------------------------------------------------------- */

/* A multimodal container: named chunks (Tensor, Sequence, Text, Mesh,
 * Embedding, Meta), written in transactions that become visible at commit.
 *
 * Options (JSON object, every key optional; unknown keys are PF_EBADARG):
 *   "creator": "", "model_uuid": ""   (create) written in the header
 *   "no_sync": false                  skip fsync at commit
 *   "verify": "on_read"               chunk checksums: "on_read", "on_open", "never"
 *   "max_chunk_bytes", "max_chunks"   limits on untrusted files
 *   "max_ratio", "max_json_bytes"     (0 or absent: 1024, 64 MiB) a compressed
 *                                     chunk's largest ratio; a JSON payload's size.
 *                                     Negative limits are PF_EBADARG.
 *   "auto_compact_min_dead",          a writer compacts on its own after a commit
 *   "auto_compact_ratio"              leaving more dead bytes than both this
 *                                     (0: 64 MiB; -1: never) and ratio (0: 1) ×
 *                                     the live bytes.
 *
 * Chunks cross the ABI in flat form: a JSON description plus one data
 * buffer holding the chunk's arrays.
 *   Tensor, Embedding: one array "data"; write desc {"chunk_type":"Tensor",
 *     "dtype":"float32","shape":[2,3]}, data = the elements (little-endian,
 *     row-major). Embedding adds "value":{"method":"PCA","labels":[...]}.
 *   Mesh: arrays "vertices" (float32 [V,3]), "faces" (uint32 [F,3]),
 *     optional "normals" (float32 [N,3]) and "uvs" (float32 [U,2]), each
 *     {"dtype","shape","offset","nbytes"} inside data; "value":{"materials":{}}.
 *   Text, Sequence, Meta: everything in "value" (see docs/spec/mmx.md); no data.
 * Every write desc may add "compression" ("None","Lz4","Zlib","Zstd"),
 * "level", "logical_region" and "alignment". */

/* Creates a new file at path (truncating), locked for writing; empty path:
 * in memory (pf_mmx_bytes returns the image). */
int32_t pf_mmx_create(const char *path, size_t path_len, const char *opts_json, size_t opts_len, uint32_t *out_handle);

/* Opens path read-only (writable 0, memory-mapped) or for writing (1: takes
 * the writer lock — flock and path.lock — PF_ELOCKED if taken; repairs a torn
 * tail). Files written by MorphNet open read-only. */
int32_t pf_mmx_open(const char *path, size_t path_len, int32_t writable, const char *opts_json, size_t opts_len, uint32_t *out_handle);

/* Opens a copy of an image: read-only (0; raw chunks are then lent as views)
 * or writable in memory (1). */
int32_t pf_mmx_open_bytes(const uint8_t *data, size_t len, int32_t writable, uint32_t *out_handle);

/* Writes one chunk into the open transaction (replacing name at commit).
 * Nothing is visible to other readers until pf_mmx_commit. */
int32_t pf_mmx_write(uint32_t handle, const char *name, size_t name_len, const char *desc_json, size_t desc_len, const uint8_t *data, size_t data_len);

/* Reads one chunk: *out_json is {"entry":{…},"value":…,"arrays":{name:
 * {"dtype","shape","offset","nbytes"}}} (free it), *out_data the bytes the
 * arrays point into. *out_borrowed 1: the data is the file's mapping itself
 * (a raw chunk of a read-only file), valid until pf_close on the handle
 * returns (see "Borrowed views" above), not to be freed or written; 0: a
 * buffer to pf_free (PF_ENOMEM if it cannot be allocated). Checksums are checked as
 * the "verify" option says. */
int32_t pf_mmx_read(uint32_t handle, const char *name, size_t name_len, uint8_t **out_json, size_t *out_json_len, uint8_t **out_data, size_t *out_data_len, int32_t *out_borrowed);

/* Rows [start, end) of a Tensor or Embedding along its first axis. Only
 * those rows of a raw chunk are read (without its whole-chunk checksum). */
int32_t pf_mmx_read_rows(uint32_t handle, const char *name, size_t name_len, uint64_t start, uint64_t end, uint8_t **out_json, size_t *out_json_len, uint8_t **out_data, size_t *out_data_len, int32_t *out_borrowed);

/* Directory entries whose names start with prefix (empty: all), sorted by
 * name, as a JSON array. A writer sees its uncommitted writes. */
int32_t pf_mmx_list(uint32_t handle, const char *prefix, size_t prefix_len, uint8_t **out_json, size_t *out_len);

/* {"name","writable","generation","pending","dead_bytes","header":{…},
 *  "recovery":{"clean","reason","dropped_bytes","repaired"}} */
int32_t pf_mmx_info(uint32_t handle, uint8_t **out_json, size_t *out_len);

/* Deletes name at the next commit (PF_ENOTFOUND if there is none). */
int32_t pf_mmx_delete(uint32_t handle, const char *name, size_t name_len);

/* Makes every write and delete since the last commit visible at once. */
int32_t pf_mmx_commit(uint32_t handle);

/* Discards every write and delete since the last commit. */
int32_t pf_mmx_rollback(uint32_t handle);

/* Commits, then rewrites the file with only live chunks and the directory
 * right after the header. */
int32_t pf_mmx_compact(uint32_t handle);

/* A read-only file moves to the newest commit; *out_generation (may be NULL). */
int32_t pf_mmx_refresh(uint32_t handle, uint64_t *out_generation);

/* Checks every chunk's SHA-256 and payload; on failure errmsg names the chunk. */
int32_t pf_mmx_verify(uint32_t handle);

/* A copy of the image of a file held in memory; PF_EBADARG for a file on disk. */
int32_t pf_mmx_bytes(uint32_t handle, uint8_t **out, size_t *out_len);

#ifdef __cplusplus
}
#endif

#endif /* POLYFMT_H */
