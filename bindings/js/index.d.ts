/// <reference lib="esnext.disposable" />
/**
 * polyfmt for JavaScript: MEM8, MMX, VSF and MORK (and, as the library grows, the
 * other polyfmt formats) in Node.js and the browser, through one WebAssembly module
 * built from the Go core (`polyfmt.wasm`, a WASI preview-1 reactor).
 *
 * ```js
 * import { load } from 'polyfmt';
 * const pf = await load();
 * const f = pf.Mem8File.fromBytes(bytes);
 * try {
 *   for (const b of f.backwards()) console.log(b.index, b.text);
 * } finally {
 *   f.close();
 * }
 * ```
 *
 * A file of any format opens with {@link Polyfmt.open} (bytes, or a path in
 * Node), which detects the format from the first bytes and returns its class:
 *
 * ```js
 * using f = pf.open(bytes);
 * console.log(f.format, f.info());   // "mmx", {...}
 * if (f instanceof MmxFile) console.log(f.list());
 * ```
 *
 * Every failed call throws a {@link PolyfmtError} carrying the library's
 * status code. The wrappers hold no format logic: parsing, validation and
 * writing happen in the library.
 *
 * @packageDocumentation
 */

import type { RawExports, FormatId, FormatName } from './src/exports.gen.js';

export type { RawExports, FormatId, FormatName, DTypeName, CodecName } from './src/exports.gen.js';

// ---- loading ---------------------------------------------------------------

/**
 * Where polyfmt.wasm comes from: a compiled module, its bytes, a fetch
 * Response (or a promise of one), a URL, or a string (a URL; in Node, a file
 * path, relative paths against the working directory).
 */
export type WasmSource =
  | WebAssembly.Module
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | PromiseLike<Response>
  | URL
  | string;

/** Options of {@link load}. */
export interface LoadOptions {
  /**
   * The WASI host that runs the module.
   * - `"auto"` (default): `node:wasi` where it exists (Node), else the shim.
   * - `"node"`: `node:wasi`, with `/` preopened as itself so absolute paths
   *   work; an error where it does not exist.
   * - `"shim"`: the package's minimal WASI shim (clocks, randomness, console
   *   output, no filesystem): bytes work, paths do not.
   */
  wasi?: 'auto' | 'node' | 'shim';
}

/**
 * Loads, compiles (asynchronously) and initializes polyfmt.wasm.
 *
 * With no source, the package's own `polyfmt.wasm` (beside its
 * package.json) is loaded once and shared by every later call without a
 * source. With a source, every call makes a new instance (its own Go runtime
 * and memory). The first instance loaded also serves the statics of the
 * exported {@link Mem8File} and {@link MmxFile} classes.
 */
export function load(source?: WasmSource | null, options?: LoadOptions): Promise<Polyfmt>;

/** The URL of the package's own polyfmt.wasm. */
export const defaultWasmURL: URL;

// ---- any format ------------------------------------------------------------

/** A file of any format: its format's class ({@link Polyfmt.open} returns one; narrow on `format` or instanceof). */
export type PolyfmtFile = Mem8File | MmxFile | VsfFile | MorkFile;

/** What {@link Polyfmt.open} and {@link Polyfmt.detect} take: a file's bytes, or in Node a path. */
export type FileSource = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** Options of {@link Polyfmt.open}: `writable`, and the detected format's open options (camelCase). */
export interface OpenOptions {
  /** A path: open for writing (takes the writer lock). Bytes: writable in memory. Default: read-only. */
  writable?: boolean;
  /** Further keys are the format's open options ({@link Mem8OpenOptions}, {@link MmxOpenOptions}); a key the detected format does not know is PF_EBADARG. */
  [option: string]: unknown;
}

/** {@link Polyfmt.open} on the first instance loaded (an Error before any load()). */
export function open(source: FileSource, opts?: OpenOptions): PolyfmtFile;

/** {@link Polyfmt.detect} on the first instance loaded (an Error before any load()). */
export function detect(source: FileSource): FormatName;

/**
 * One loaded polyfmt.wasm. Get one with {@link load}.
 *
 * A call that traps (the Go runtime inside aborted, for instance out of
 * memory) throws a {@link PolyfmtError}: `PF_ENOMEM` when it ran out of
 * memory, else `PF_EINTERNAL`, with the WebAssembly error as `cause`. A
 * trapped instance cannot run again, so it is dropped: every later call on
 * a file opened on it throws `PF_EBADHANDLE` saying why (its `close()` does
 * nothing, and removes nothing that is not gone already: in Node the lock
 * files of its writers are removed when it dies), and the next call through
 * this object or its classes runs on a fresh instance of the same module.
 * Running out of memory without a trap (the library refusing an
 * allocation) is also `PF_ENOMEM`, and the instance and its files live on.
 */
export class Polyfmt {
  private constructor();

  /**
   * The raw exports of the live instance, as polyfmt.h declares them. For
   * tests and benchmarks; the classes are the API. Calls through them are
   * not guarded: a trap there is the caller's to handle. `pf_alloc` and
   * pointer results are i32: take them `>>> 0` (memory may exceed 2 GiB).
   */
  readonly exports: PolyfmtExports;

  /**
   * Which instance of the module is live: 1, then one more each time an
   * instance trapped and was replaced.
   */
  readonly instanceGeneration: number;

  /** Which WASI host runs the module. */
  readonly wasi: 'node' | 'shim';

  /** {@link Mem8File} bound to this instance: its statics open files here. */
  readonly Mem8File: typeof Mem8File;

  /** {@link MmxFile} bound to this instance: its statics open files here. */
  readonly MmxFile: typeof MmxFile;

  /** {@link VsfFile} bound to this instance: its statics open files and run the file-less calls here. */
  readonly VsfFile: typeof VsfFile;

  /** {@link MorkFile} bound to this instance: its statics open files and run the file-less calls here. */
  readonly MorkFile: typeof MorkFile;

  /**
   * Opens a file of any format, detected from its first bytes, and returns
   * its format's class bound to this instance ({@link Mem8File},
   * {@link MmxFile}, {@link VsfFile}, {@link MorkFile}): the bytes of a file (a copy is opened: read-only, or
   * writable in memory), or in Node a path (read-only, or writable with the
   * writer lock). Further options are the detected format's open options.
   * Bytes no format claims are `PF_EFORMAT`, the message showing the first
   * bytes; no bytes at all `PF_EBADARG` (nothing to detect: create a new
   * file with a format's class).
   */
  open(source: FileSource, opts?: OpenOptions): PolyfmtFile;

  /**
   * The format of a file's bytes (the first 16 suffice) or, in Node, of the
   * file at a path: `"mem8"`, `"mmx"`, `"vsf"`, `"mork"`. `PF_EFORMAT`, showing the bytes, when
   * no format claims them; `PF_ENOTFOUND` for a missing path.
   */
  detect(source: FileSource): FormatName;

  /** The file class of a format, by name or PF_FORMAT_* id, bound to this instance. */
  fileClass(format: 'mem8' | 1): typeof Mem8File;
  fileClass(format: 'mmx' | 2): typeof MmxFile;
  fileClass(format: 'vsf' | 3): typeof VsfFile;
  fileClass(format: 'mork' | 4): typeof MorkFile;
  fileClass(format: FormatName | FormatId): typeof Mem8File | typeof MmxFile | typeof VsfFile | typeof MorkFile;

  /** The library version as `major << 16 | minor << 8 | patch`. */
  versionNumber(): number;

  /** The library version, `"major.minor.patch"`. */
  version(): string;

  /** The library's static description of a status code (`pf_errstr`). */
  errstr(code: number): string;

  /**
   * The last error recorded on a handle (`pf_errmsg`); handle 0 is the slot
   * for calls that had no open handle. `""` if none.
   */
  errmsg(handle: number): string;
}

/**
 * The raw exports of polyfmt.wasm: the C functions of polyfmt.h with the
 * same names and argument order. Pointers and `size_t` are 32-bit numbers
 * (addresses in `memory`), `uint64_t`/`int64_t` parameters are BigInt,
 * `float` is f32. Every function but `pf_alloc`, `pf_errstr` and
 * `pf_errmsg` returns a status code. Buffers the library returns, and
 * buffers from `pf_alloc`, are freed with `pf_free`.
 */
export interface PolyfmtExports extends RawExports {
  /** The reactor's initializer; the loader has called it. */
  _initialize(): void;
}

// ---- errors ----------------------------------------------------------------

// The PF_* constants and CodeName, generated from the library's table of codes.
export * from './src/codes.gen.js';
import type { CodeName } from './src/codes.gen.js';

/** Every status code by name. Pinned forever; new codes go into the gaps. */
export const codes: Readonly<Record<CodeName, number>>;

/** The name of a status code, or `"PF_E<n>"` for one this package does not know. */
export function codeName(code: number): CodeName | `PF_E${number}`;

/** A polyfmt call failed. */
export class PolyfmtError extends Error {
  constructor(code: number, message: string, extra?: { badBlock?: number; imported?: number; cause?: unknown });
  readonly name: 'PolyfmtError';
  /** The status code (see the `PF_*` constants). */
  readonly code: number;
  /** The status code's name, such as `"PF_EFORMAT"`. */
  readonly codeName: CodeName | `PF_E${number}`;
  /** {@link Mem8File.verify}: the first bad block, -1 for the header. */
  readonly badBlock?: number;
  /** {@link Mem8File.importJson}: how many blocks were appended before the failure; {@link MorkFile.importText}: how many expressions were added. */
  readonly imported?: number;
}

// ---- MEM8 ------------------------------------------------------------------

/** Options of {@link Mem8File.create}. Unknown keys are PF_EBADARG. */
export interface Mem8CreateOptions {
  /** Written in the header (default 440.0); the wave signatures depend on it. */
  identityFreq?: number;
  /** Written in the header (default 0). */
  temporalPhase?: number;
  /** Flags 0: exactly the seed's files (no hash chain, header CRC or token definitions). */
  plain?: boolean;
  /** Skip the fsync after each append (call {@link Mem8File.sync}). */
  noSync?: boolean;
  /** Refuse files with more blocks (default 67108864). */
  maxBlocks?: number;
}

/** Options of {@link Mem8File.open}. Unknown keys are PF_EBADARG. */
export interface Mem8OpenOptions {
  /**
   * Open for appending: takes the writer lock (where the platform has one)
   * and repairs a torn tail. Default: read-only, which ignores a torn tail
   * and reports it in {@link Mem8Info.recovery}.
   */
  writable?: boolean;
  /** Skip the fsync after each append. */
  noSync?: boolean;
  /** Refuse files with more blocks (default 67108864). */
  maxBlocks?: number;
}

/** Options of {@link Mem8File.fromBytes}. */
export interface Mem8BytesOptions {
  /** Appendable in memory (read its image with toBytes()). Default: read-only. */
  writable?: boolean;
}

/** Options of {@link Mem8File.append}. */
export interface Mem8AppendOptions {
  /** In [0, 1], quantized to 16 bits as the seed does; NaN is 0. Default 0.5. */
  importance?: number;
  /** A token (1–255 UTF-8 bytes); a new one is defined in this block. Default: none. */
  token?: string;
  /** Microseconds since the Unix epoch; 0 or absent means now. */
  timestampUs?: number | bigint;
}

/** The seed's read_by_importance. Unknown keys are PF_EBADARG. */
export interface Mem8Query {
  /** A block is kept if its content (as lossy UTF-8) contains one of these… */
  keywords?: string[];
  /** …or if fewer than `fill` blocks are kept so far (default 10; 0 means the default). */
  fill?: number;
  /** Stop after this many blocks (default 20; 0 means the default). */
  max?: number;
}

/** What {@link Mem8File.info} reports. */
export interface Mem8Info {
  format: 'mem8';
  /** The path, "bytes" or "memory". */
  name: string;
  writable: boolean;
  /** Format version (1). */
  version: number;
  /** Header flags: 1 hash chain, 2 header CRC, 4 tokens. */
  flags: number;
  /** The flags by name: "hash_chain", "header_crc", "tokens". */
  flagNames: string[];
  blockCount: number;
  identityFreq: number;
  temporalPhase: number;
  /** The header CRC-32 (0 without the header_crc flag). */
  crc32: number;
  /** Dynamic tokens in id order (from 0x100). */
  tokens: string[];
  /** What open found past the last intact block, and what it did. */
  recovery: {
    /** Nothing was found past the committed blocks and the header agreed. */
    clean: boolean;
    /** The block count the header claimed. */
    headerBlocks: number;
    /** Bytes past the last accepted block. */
    droppedBytes: number;
    /** Why the file was not clean. */
    reason?: string;
    /** A writable open truncated the torn tail and rewrote the header. */
    repaired: boolean;
  };
}

/** One block of a MEM8 file, as the library decoded it. */
export class Mem8Block {
  private constructor();
  /** Position in the file, 0 = oldest. */
  readonly index: number;
  /**
   * Microseconds since the Unix epoch. A number: exact up to 2^53 µs (year
   * 2255); larger stored values lose precision.
   */
  readonly timestamp: number;
  /** Importance in [0, 1]: importanceRaw / 65535 as a float32. */
  readonly importance: number;
  /** Importance as stored, 0…65535. */
  readonly importanceRaw: number;
  /** Token id, 0 for none. */
  readonly tokenId: number;
  /** Token text, "" for none. */
  readonly token: string;
  /** The 16-byte wave signature, lowercase hex. */
  readonly waveSignature: string;
  /** SHA-256 of the previous block (zeros without a hash chain and for block 0), lowercase hex. */
  readonly prevHash: string;
  /** The content bytes (a copy, at most 4024). */
  readonly content: Uint8Array;
  /** The content decoded as UTF-8 (invalid sequences become U+FFFD). */
  readonly text: string;
}

/**
 * An open MEM8 file, on disk or in memory. It owns a library handle: close
 * it (or `using` it) when done; a file dropped without close() is closed
 * when garbage-collected. Not safe for use after close: calls then throw
 * PF_EBADHANDLE.
 */
export class Mem8File implements Iterable<Mem8Block>, Disposable {
  private constructor();

  /**
   * The instance the statics use: on the exported class the first instance
   * loaded (an Error before any load()); on {@link Polyfmt.Mem8File} its own.
   */
  static readonly polyfmt: Polyfmt;

  /** The format's name. */
  static readonly format: 'mem8';
  /** The format's PF_FORMAT_* number. */
  static readonly formatId: 1;

  /**
   * Creates a new file at path (truncating it), locked for writing; with no
   * path, an in-memory file (read its image with {@link toBytes}). While
   * another writer holds the file (in any process, through any binding):
   * `PF_ELOCKED`, naming its pid and lock file, and the file is untouched.
   */
  static create(path?: string | null, opts?: Mem8CreateOptions): Mem8File;
  static create(opts: Mem8CreateOptions): Mem8File;

  /**
   * Opens a file on disk, read-only unless `writable`. Needs a filesystem:
   * Node with node:wasi (relative paths are taken from the working
   * directory), not a browser. A writer holds the lock file `<path>.lock`
   * until close(): `PF_ELOCKED` while another writer holds it (in any
   * process, through any binding); one left by a writer that died is taken
   * over. Readers take no lock. A file of another format is `PF_EFORMAT`
   * (and is left untouched).
   */
  static open(path: string, opts?: Mem8OpenOptions): Mem8File;

  /**
   * Opens a copy of a file image, read-only unless `writable` (writable with
   * no bytes: a new, empty file). Works everywhere. Bytes of another format
   * are `PF_EFORMAT`.
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, opts?: Mem8BytesOptions): Mem8File;

  /** The library handle, for the raw exports. */
  readonly handle: number;
  /** True once close() was called. */
  readonly closed: boolean;
  /** The format's name. */
  readonly format: 'mem8';
  /** Number of blocks. */
  readonly count: number;
  /** Number of blocks (the same as count). */
  readonly length: number;

  /**
   * Appends a block and returns its index. Content over 4024 bytes (less a
   * new token's definition) is PF_ELIMIT, never truncated, and leaves the
   * file as it was. A file opened read-only is PF_EBADARG.
   */
  append(content: Uint8Array | string, opts?: Mem8AppendOptions): number;

  /** Block i, 0 = oldest. PF_ENOTFOUND past the last block. */
  block(i: number): Mem8Block;

  /** Every block, oldest first. */
  [Symbol.iterator](): IterableIterator<Mem8Block>;

  /** Every block, newest first. */
  backwards(): IterableIterator<Mem8Block>;

  /**
   * The seed's read_by_importance: blocks ordered by stored importance,
   * descending, ties oldest first; indices of the blocks kept.
   */
  queryIndices(q?: Mem8Query): number[];

  /** The blocks {@link queryIndices} selects, in its order. */
  query(q?: Mem8Query): Mem8Block[];

  /**
   * Reads the whole file and checks every wave signature, the hash chain
   * and the header CRC. Returns if all hold; otherwise throws a
   * {@link PolyfmtError} (PF_ECHECKSUM or PF_EFORMAT) whose `badBlock` is the
   * first bad block (-1: the header). Hashing in wasm is slow: this costs a
   * SHA-256 per block.
   */
  verify(): void;

  /** Header, flags, dynamic tokens and the recovery report. */
  info(): Mem8Info;

  /**
   * A file opened read-only from a path sees the blocks writers appended
   * since; returns the block count. Other files stay as they are.
   */
  refresh(): number;

  /**
   * Appends the blocks of a JSON document: the seed's `{"contexts": [...]}`
   * (plain or zlib-compressed; every context a JSON object) or
   * {@link exportJson}'s output. Returns how many blocks it appended. The
   * whole document is checked before the first block is written, so a
   * malformed or over-limit document appends nothing; after an I/O failure
   * while appending, the error's `imported` says how many blocks were
   * appended (and committed) before it.
   */
  importJson(data: Uint8Array | string): number;

  /** Every block as a JSON document that {@link importJson} restores exactly (into a file created with the same options). */
  exportJson(): string;

  /** The image of an in-memory file made by create() or fromBytes(…, {writable: true}) (PF_EBADARG otherwise). */
  toBytes(): Uint8Array;

  /** Flushes to stable storage (for files opened with noSync). */
  sync(): void;

  /** Closes the handle. A second close does nothing; other calls then throw PF_EBADHANDLE. */
  close(): void;

  /** The same as close(). */
  [Symbol.dispose](): void;
}

// ---- MMX -------------------------------------------------------------------

/** The six chunk types of an MMX file. */
export type MmxChunkType = 'Tensor' | 'Embedding' | 'Mesh' | 'Text' | 'Sequence' | 'Meta';

/** Element types, by numpy's names; stored little-endian, row-major. */
export type MmxDType =
  | 'bool' | 'int8' | 'int16' | 'int32' | 'int64'
  | 'uint8' | 'uint16' | 'uint32' | 'uint64'
  | 'float16' | 'bfloat16' | 'float32' | 'float64' | 'complex64' | 'complex128';

/** Per-chunk compression. */
export type MmxCompression = 'None' | 'Lz4' | 'Zlib' | 'Zstd';

/**
 * When chunk checksums (SHA-256) are checked: the first time a chunk is read
 * in full (default), all at open, or never. {@link MmxFile.verify} always
 * checks everything. Hashing in WebAssembly is slow: pick deliberately.
 */
export type MmxVerifyMode = 'on_read' | 'on_open' | 'never';

/**
 * The checksum a writer computes over each new chunk's stored bytes:
 * 'crc32c' (default: an error-detecting code, not a cryptographic hash;
 * fastest), 'blake3' (a cryptographic hash) or 'sha256' (the seed's).
 * Reads check every chunk by the algorithm its entry names, whatever this says.
 */
export type MmxChecksum = 'blake3' | 'sha256' | 'crc32c';

/** Options of {@link MmxFile.create}. Unknown keys are PF_EBADARG. */
export interface MmxCreateOptions {
  /** Written in the header (at most 1024 bytes). */
  creator?: string;
  /** Written in the header; absent means null. */
  modelUuid?: string;
  /** Skip the fsyncs at commit. */
  noSync?: boolean;
  verify?: MmxVerifyMode;
  /** The checksum of chunks this handle writes (default 'crc32c'). */
  checksum?: MmxChecksum;
  /** Refuse chunks larger than this when uncompressed (default 16 GiB). */
  maxChunkBytes?: number;
  /** Refuse directories with more chunks (default 4194304). */
  maxChunks?: number;
  /**
   * Refuse to read a compressed chunk that expands more than this many times
   * its stored size (default 1024; chunks up to 64 KiB always pass). zstd of
   * all-zero data expands about 9000:1: raise it for files you trust.
   */
  maxRatio?: number;
  /** Refuse Text, Sequence and Meta payloads larger than this (default 64 MiB). */
  maxJsonBytes?: number;
  /**
   * A writer compacts on its own after a commit that leaves more dead bytes
   * (superseded directories and chunks) than this and than
   * autoCompactRatio × the live bytes. Default 64 MiB; -1: never.
   */
  autoCompactMinDead?: number;
  /** See autoCompactMinDead. Default 1. */
  autoCompactRatio?: number;
}

/** Options of {@link MmxFile.open}. Unknown keys are PF_EBADARG. */
export interface MmxOpenOptions {
  /**
   * Open for writing: takes the writer lock where the platform has one
   * (never under WebAssembly: the host owns the file) and repairs a torn
   * tail. Default: read-only, which ignores a torn tail and reports it in
   * {@link MmxInfo.recovery}. Files written by MorphNet open read-only only.
   */
  writable?: boolean;
  verify?: MmxVerifyMode;
  /** Skip the fsyncs at commit. */
  noSync?: boolean;
  /** The checksum of chunks this handle writes (default 'crc32c'). */
  checksum?: MmxChecksum;
  /** Refuse chunks larger than this when uncompressed (default 16 GiB). */
  maxChunkBytes?: number;
  /** Refuse directories with more chunks (default 4194304). */
  maxChunks?: number;
  /**
   * Refuse to read a compressed chunk that expands more than this many times
   * its stored size (default 1024; chunks up to 64 KiB always pass). zstd of
   * all-zero data expands about 9000:1: raise it for files you trust.
   */
  maxRatio?: number;
  /** Refuse Text, Sequence and Meta payloads larger than this (default 64 MiB). */
  maxJsonBytes?: number;
  /**
   * A writer compacts on its own after a commit that leaves more dead bytes
   * (superseded directories and chunks) than this and than
   * autoCompactRatio × the live bytes. Default 64 MiB; -1: never.
   */
  autoCompactMinDead?: number;
  /** See autoCompactMinDead. Default 1. */
  autoCompactRatio?: number;
}

/** Options of {@link MmxFile.fromBytes}: the library's defaults apply otherwise (verify on read, default limits). */
export interface MmxBytesOptions {
  /** Writable in memory (read its image with toBytes()). Default: read-only. */
  writable?: boolean;
}

/** Options every write takes. Unknown keys are PF_EBADARG. */
export interface MmxWriteOptions {
  /** Default "None". Only raw chunks can be read by rows without decompressing. */
  compression?: MmxCompression;
  /** Codec level; 0 or absent is the codec's default (Lz4 1–9, Zlib 1–9, Zstd 1–22). */
  level?: number;
  /** A grouping label stored in the entry. */
  logicalRegion?: string;
  /** Offset alignment of the chunk: a power of two from 8 to 1 MiB (default 64). */
  alignment?: number;
}

/** Options of {@link MmxFile.writeTensor}. */
export interface MmxTensorWriteOptions extends MmxWriteOptions {
  /**
   * The element type. Default: the TypedArray's own (Float32Array →
   * float32, BigInt64Array → int64, Uint8Array → uint8, …). Needed for a
   * Uint8Array of raw little-endian bytes (any dtype), a DataView or an
   * ArrayBuffer, and for bool (Uint8Array), bfloat16 or float16 bits
   * (Uint16Array), complex64 (interleaved Float32Array) and complex128
   * (interleaved Float64Array).
   */
  dtype?: MmxDType;
}

/** Options of {@link MmxFile.writeEmbedding}. */
export interface MmxEmbeddingWriteOptions extends MmxTensorWriteOptions {
  /** How the embedding was made ("PCA", a model name, …). */
  method?: string;
  /** One label per row (the first axis), or null for none. */
  labels?: readonly string[] | null;
}

/** Tensor data to write: a TypedArray, or raw bytes with an explicit dtype. */
export type MmxTensorInput = ArrayBufferView | ArrayBuffer;

/** A shape: non-negative integers, row-major. */
export type MmxShape = readonly (number | bigint)[];

/**
 * A Float16Array, where the runtime has one (Chromium 135+, Firefox 129+,
 * Node with the global): reads of float16 return one there, and a
 * Uint8Array of the raw bytes elsewhere.
 */
export interface MmxFloat16Array extends ArrayBufferView {
  readonly length: number;
  readonly [Symbol.toStringTag]: 'Float16Array';
  [index: number]: number;
}

/**
 * The array a Tensor or Embedding read returns: the dtype's TypedArray
 * (bool and uint8: Uint8Array; int64/uint64: BigInt64Array/BigUint64Array;
 * float16: {@link MmxFloat16Array} where available), or a Uint8Array of
 * little-endian bytes for the dtypes JavaScript has no array for (bfloat16,
 * complex64, complex128, and float16 without Float16Array).
 */
export type MmxTypedArray =
  | Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array
  | BigInt64Array | BigUint64Array | Float32Array | Float64Array | MmxFloat16Array;

/** A directory entry (the library's JSON with camelCase keys). */
export interface MmxEntry {
  name: string;
  chunkType: MmxChunkType;
  /** Byte offset of the stored payload in the file. */
  offset: number;
  /** Stored (compressed) bytes. */
  size: number;
  compression: MmxCompression;
  /** Tensor and Embedding: the shape; otherwise null. */
  shape: number[] | null;
  /** Tensor and Embedding: the dtype; otherwise null. */
  dtype: MmxDType | null;
  logicalRegion: string | null;
  /** The checksum of the stored bytes by checksumAlgorithm, lowercase hex: 64 digits, 8 for crc32c ("" in some MorphNet files). */
  checksum: string;
  /** The algorithm of checksum: 'sha256' when the entry names none (files written before it existed, MorphNet's). */
  checksumAlgorithm: MmxChecksum;
  uncompressedSize: number;
  alignment: number;
  /** Type-specific small metadata as stored (an Embedding's method and labels). */
  attributes?: Record<string, unknown>;
}

/** A Tensor as {@link MmxFile.read} returns it. */
export interface MmxTensor {
  chunkType: 'Tensor';
  dtype: MmxDType;
  shape: number[];
  /** A copy with its own ArrayBuffer (see {@link MmxTypedArray}). */
  data: MmxTypedArray;
  entry: MmxEntry;
}

/** An Embedding: a Tensor with its method and labels. */
export interface MmxEmbedding extends Omit<MmxTensor, 'chunkType'> {
  chunkType: 'Embedding';
  method: string;
  labels: string[] | null;
}

/** A Mesh: flat arrays, three numbers per vertex, face, normal; two per uv. */
export interface MmxMesh {
  chunkType: 'Mesh';
  vertices: Float32Array;
  faces: Uint32Array;
  /** null when the mesh has none (an empty array when it has zero). */
  normals: Float32Array | null;
  /** null when the mesh has none. */
  uvs: Float32Array | null;
  /** null when the mesh has none. */
  materials: Record<string, string> | null;
  entry: MmxEntry;
}

/** A Text chunk. */
export interface MmxText {
  chunkType: 'Text';
  content: string;
  /** The encoding label ("utf-8" by default). */
  encoding: string;
  language: string | null;
  /** Token ids (uint32), or null. */
  tokens: number[] | null;
  entry: MmxEntry;
}

/** A Sequence chunk: frames are names of other chunks. */
export interface MmxSequence {
  chunkType: 'Sequence';
  frames: string[];
  fps: number | null;
  duration: number | null;
  metadata: Record<string, string> | null;
  entry: MmxEntry;
}

/** A Meta chunk: any JSON value, versioned and timestamped. */
export interface MmxMeta {
  chunkType: 'Meta';
  version: number;
  /** RFC 3339. */
  timestamp: string;
  /** The JSON value as JSON.parse gives it (integers past 2^53 lose precision). */
  data: unknown;
  entry: MmxEntry;
}

/** Any chunk, discriminated by chunkType. */
export type MmxChunk = MmxTensor | MmxEmbedding | MmxMesh | MmxText | MmxSequence | MmxMeta;

/** What {@link MmxFile.readRows} returns. */
export interface MmxRows {
  dtype: MmxDType;
  /** The chunk's shape with the first axis cut to the rows read. */
  shape: number[];
  data: MmxTypedArray;
  /** The whole chunk's entry. */
  entry: MmxEntry;
}

/** Where one array lies inside {@link MmxFlat.data}. */
export interface MmxFlatArray {
  dtype: MmxDType;
  shape: number[];
  offset: number;
  nbytes: number;
}

/** A chunk in the library's flat form ({@link MmxFile.readFlat}). */
export interface MmxFlat {
  entry: MmxEntry;
  /** Text, Sequence, Meta: the object; Embedding: {method, labels}; Mesh: {materials}; Tensor: null. */
  value: unknown;
  /** Tensor, Embedding: "data"; Mesh: "vertices", "faces", and "normals", "uvs" when present. */
  arrays: Record<string, MmxFlatArray>;
  /** A copy of the bytes the arrays point into (little-endian). */
  data: Uint8Array;
}

/** A mesh to write. Array-likes of numbers are converted. */
export interface MmxMeshInput {
  /** x, y, z per vertex. */
  vertices: Float32Array | ArrayLike<number>;
  /** Three vertex indices per triangle, each < the vertex count. */
  faces: Uint32Array | ArrayLike<number>;
  /** x, y, z per normal; absent or null: none. */
  normals?: Float32Array | ArrayLike<number> | null;
  /** u, v per vertex; absent or null: none. */
  uvs?: Float32Array | ArrayLike<number> | null;
  /** Absent or null: none. */
  materials?: Record<string, string> | null;
}

/** A Text chunk to write. */
export interface MmxTextInput {
  content: string;
  /** A label; "utf-8" when absent. */
  encoding?: string;
  language?: string | null;
  /** Token ids, each a uint32. */
  tokens?: ArrayLike<number> | null;
}

/** A Sequence chunk to write. */
export interface MmxSequenceInput {
  /** Names of other chunks. */
  frames: readonly string[];
  fps?: number | null;
  duration?: number | null;
  metadata?: Record<string, string> | null;
}

/** A Meta chunk to write. */
export interface MmxMetaInput {
  /** Any JSON-serializable value. */
  data: unknown;
  /** Default 0. */
  version?: number;
  /** RFC 3339; now when absent. */
  timestamp?: string;
}

/** The file header (a cache of the newest directory). */
export interface MmxHeader {
  version: number;
  fileId: string;
  /** RFC 3339 UTC. */
  created: string;
  creator: string;
  modelUuid: string | null;
  /** Live chunks per type; types with none are absent. */
  modalitySummary: Partial<Record<MmxChunkType, number>>;
  totalChunks: number;
  fileSize: number;
  /** Where the current directory record lies. */
  directory?: { offset: number; length: number; generation: number };
}

/** What {@link MmxFile.info} reports. */
export interface MmxInfo {
  format: 'mmx';
  /** The path, "bytes" or "memory". */
  name: string;
  writable: boolean;
  /** The file was written by MorphNet (imported read-only). */
  fromMorphnet: boolean;
  /** The commit this handle sees: 1 for a file's first, +1 per commit; 0 for none. */
  generation: number;
  /** Writes or deletes wait for commit(). */
  pending: boolean;
  /** Bytes no live chunk uses (compact() drops them). */
  deadBytes: number;
  header: MmxHeader;
  /** What open found past the newest intact directory, and what it did. */
  recovery: {
    clean: boolean;
    /** Why the file was not clean ("" when it was). */
    reason: string;
    droppedBytes: number;
    /** A writable open truncated the torn tail and rewrote the header. */
    repaired: boolean;
  };
}

/**
 * An open MMX file (a multimodal container of named chunks), on disk or in
 * memory. It owns a library handle: close it (or `using` it) when done; a
 * file dropped without close() is closed when garbage-collected.
 *
 * Writes go into a transaction that becomes visible at {@link commit}
 * (close() commits what is pending; {@link rollback} drops it).
 *
 * Every array a read returns is a copy with its own ArrayBuffer: the
 * library may lend a raw chunk's bytes from the image it holds, but linear
 * memory can grow (detaching every view of it) at the next call, so the
 * package copies them out at once. Values a JavaScript number cannot hold
 * exactly (offsets past 2^53) do not occur in files this size.
 *
 * Argument errors found before the library is called throw a TypeError
 * (wrong kinds of values) or a {@link PolyfmtError} with PF_EBADARG (values
 * the library would refuse the same way); everything else is the library's
 * PolyfmtError.
 */
export class MmxFile implements Disposable {
  private constructor();

  /**
   * The instance the statics use: on the exported class the first instance
   * loaded (an Error before any load()); on {@link Polyfmt.MmxFile} its own.
   */
  static readonly polyfmt: Polyfmt;

  /** The format's name. */
  static readonly format: 'mmx';
  /** The format's PF_FORMAT_* number. */
  static readonly formatId: 2;

  /**
   * Creates a new file at path (truncating it), locked for writing; with no
   * path, an in-memory file (read its image with {@link toBytes}). While
   * another writer holds the file (in any process, through any binding):
   * `PF_ELOCKED`, naming its pid and lock file, and the file is untouched.
   */
  static create(path?: string | null, opts?: MmxCreateOptions): MmxFile;
  static create(opts: MmxCreateOptions): MmxFile;

  /**
   * Opens a file on disk, read-only unless `writable`. Needs a filesystem:
   * Node with node:wasi (relative paths are taken from the working
   * directory), not a browser. A writer holds the lock file `<path>.lock`
   * until close(): `PF_ELOCKED` while another writer holds it (in any
   * process, through any binding); one left by a writer that died is taken
   * over. Readers take no lock. A file of another format is `PF_EFORMAT`
   * (and is left untouched).
   */
  static open(path: string, opts?: MmxOpenOptions): MmxFile;

  /**
   * Opens a copy of a file image, read-only unless `writable` (writable with
   * no bytes: a new, empty file). Works everywhere. Bytes of another format
   * are `PF_EFORMAT`.
   */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, opts?: MmxBytesOptions): MmxFile;

  /** The library handle, for the raw exports. */
  readonly handle: number;
  /** True once close() was called. */
  readonly closed: boolean;
  /** The format's name. */
  readonly format: 'mmx';

  /**
   * Writes a Tensor (replacing `name` at commit). The dtype comes from the
   * TypedArray unless `opts.dtype` says otherwise (see
   * {@link MmxTensorWriteOptions.dtype}); `shape` defaults to one dimension
   * holding every element. A read-only file is PF_EBADARG.
   */
  writeTensor(name: string, data: MmxTensorInput, shape?: MmxShape | null, opts?: MmxTensorWriteOptions): void;
  writeTensor(name: string, data: MmxTensorInput, opts: MmxTensorWriteOptions): void;

  /** Writes an Embedding: a Tensor with `opts.method` and `opts.labels`. */
  writeEmbedding(name: string, data: MmxTensorInput, shape?: MmxShape | null, opts?: MmxEmbeddingWriteOptions): void;
  writeEmbedding(name: string, data: MmxTensorInput, opts: MmxEmbeddingWriteOptions): void;

  /**
   * Writes a Mesh. Parts left out (normals, uvs, materials) read back as
   * null; empty ones read back empty. Face indices must be < the vertex
   * count (PF_EBADARG).
   */
  writeMesh(name: string, mesh: MmxMeshInput, opts?: MmxWriteOptions): void;

  /** Writes a Text chunk: a string, or content with encoding, language and tokens. */
  writeText(name: string, text: string | MmxTextInput, opts?: MmxWriteOptions): void;

  /** Writes a Sequence chunk. */
  writeSequence(name: string, seq: MmxSequenceInput, opts?: MmxWriteOptions): void;

  /** Writes a Meta chunk. */
  writeMeta(name: string, meta: MmxMetaInput, opts?: MmxWriteOptions): void;

  /**
   * Reads one chunk, decoded by its type (narrow on `chunkType`).
   * PF_ENOTFOUND for no such chunk; PF_ECHECKSUM when its bytes fail their
   * SHA-256 (checked as the verify mode says).
   */
  read(name: string): MmxChunk;

  /** Reads one chunk in the library's flat form: entry, value, array placements, a copy of the data. */
  readFlat(name: string): MmxFlat;

  /**
   * Rows [start, end) of a Tensor or Embedding along its first axis. Only
   * those rows of a raw chunk are read (skipping the whole-chunk checksum);
   * a compressed chunk is decompressed and checked, then sliced.
   */
  readRows(name: string, start: number | bigint, end: number | bigint): MmxRows;

  /**
   * Reads a Tensor or Embedding's elements into `out`, an array the caller
   * owns and may reuse, and returns the part written (`out` itself when it
   * fits exactly, else `out.subarray(0, elements)`). Decoded inside the
   * module into a scratch buffer it keeps, then copied once into `out`: no
   * array is allocated per read. `out` is a TypedArray of the chunk's dtype
   * (one `read` returns or a write accepts; `TypeError` otherwise) or a
   * `Uint8Array` of its raw little-endian bytes; too small: `PF_ELIMIT`,
   * naming the size needed. Checksums are checked as `verify` says.
   */
  readInto<T extends ArrayBufferView>(name: string, out: T): T;

  /** name's directory entry, without reading the chunk (`PF_ENOTFOUND` if there is none). */
  entry(name: string): MmxEntry;

  /** Entries whose names start with prefix (default: all), sorted by name. A writer sees its uncommitted writes. */
  list(prefix?: string): MmxEntry[];

  /** Generation, pending writes, dead bytes, the header and the recovery report. */
  info(): MmxInfo;

  /** Deletes `name` at the next commit (PF_ENOTFOUND if there is none). */
  delete(name: string): void;

  /** Makes every write and delete since the last commit visible at once. */
  commit(): void;

  /** Discards every write and delete since the last commit. */
  rollback(): void;

  /** Commits, then rewrites the file with only its live chunks (dropping dead bytes). */
  compact(): void;

  /** A read-only file moves to the newest commit on disk; returns that generation. */
  refresh(): number;

  /**
   * Checks every chunk's SHA-256 and decodes every payload. Throws a
   * {@link PolyfmtError} (PF_ECHECKSUM, PF_EFORMAT, …) naming the first bad
   * chunk. Slow in WebAssembly: a SHA-256 over every stored byte.
   */
  verify(): void;

  /**
   * The image of a file held in memory (made by create() without a path, or
   * by fromBytes()) as its bytes stand; PF_EBADARG for a file on disk.
   * Uncommitted writes are in it as a torn tail that readers ignore (and
   * report in {@link MmxInfo.recovery}): commit() first.
   */
  toBytes(): Uint8Array;

  /** Commits what is pending and closes the handle. A second close does nothing; other calls then throw PF_EBADHANDLE. */
  close(): void;

  /** The same as close(). */
  [Symbol.dispose](): void;
}

// ---- VSF -------------------------------------------------------------------

/**
 * A VSF element or value type as the format spells it: `u3`…`u7` and
 * `i3`…`i7` (8 to 128 bits), `f5`/`f6` (float32/float64), `j5`/`j6`
 * (complex64/complex128), `s`/`c` + two digits (Spirix scalars and
 * circles: fraction width, exponent width), `bool`.
 */
export type VsfType = string;

/** The integer types whose values read as Number (at most 32 bits). */
export type VsfSmallIntType = 'u3' | 'u4' | 'u5' | 'i3' | 'i4' | 'i5';
/** The integer types whose values read as BigInt (64 and 128 bits). */
export type VsfBigIntType = 'u6' | 'u7' | 'i6' | 'i7';

/** A hash algorithm of {@link VsfFile.sectionOptions} and {@link VsfFile.fileOptions}. */
export type VsfHashAlg = 'blake3' | 'sha256' | 'sha512' | 'blake2b' | 'blake2b-512';

/**
 * A value in the library's JSON form (core/vsf json.go): every object has a
 * `type`; integers of every width are decimal strings, floats numbers or
 * `"NaN"`, `"Infinity"`, `"-Infinity"`. What {@link VsfFile.getJSON},
 * {@link VsfFile.sectionJSON} and {@link VsfFile.decodeValueJSON} return, and
 * what {@link vsf}.fromJSON takes.
 */
export interface VsfValueJSON {
  type: string;
  [key: string]: unknown;
}

/** A field in the JSON form. */
export interface VsfFieldJSON {
  name: string;
  value: VsfValueJSON;
}

/** A structured section in the JSON form ({@link VsfFile.sectionJSON}). */
export interface VsfSectionJSON {
  name: string;
  fields: VsfFieldJSON[];
}

/** A VSF name value (type `d`, ASCII): told apart from text (`x`), which reads as a plain string. */
export class VsfName {
  constructor(value: string);
  readonly value: string;
  toString(): string;
}

/**
 * A point in Eagle Time: seconds since the Eagle epoch, 1969-07-20 20:17:40
 * UTC (Unix time −14182940 s). Exact whole seconds (`seconds`, a BigInt:
 * the seed's `T5`…`T7`, the crate's `e i`) or float seconds (`float`: the
 * seed's `t6`, the crate's `e f`).
 */
export class EagleTime {
  /** A BigInt: exact whole seconds; a number: float seconds. `form` is set on times read from a file. */
  constructor(value: bigint | number, form?: string);
  /** Exact seconds, or null for a float time. */
  readonly seconds: bigint | null;
  /** Float seconds, or null for an exact time. */
  readonly float: number | null;
  /**
   * The spelling ("T5", "T6", "T7", "t6", "ei4", "ef", "ef6", …) of a time
   * read from a file or given here, written back as it is (the same bytes);
   * null: the library picks (T5 at least, wider as the seconds need; t6 for
   * float seconds).
   */
  readonly form: string | null;
  /** True for float seconds. */
  readonly isFloat: boolean;
  /** Seconds since the Unix epoch, as a number. */
  readonly unixSeconds: number;
  /**
   * The Eagle Time of a Date: exact seconds when it falls on a whole second
   * (the epoch's Date gives 0n, the Unix epoch 14182940n), else float
   * seconds. An invalid Date is a TypeError.
   */
  static fromDate(d: Date): EagleTime;
  /** The time as a Date (millisecond precision; an invalid Date outside Date's range). */
  toDate(): Date;
  /** ISO 8601. */
  toString(): string;
}

/** A value with its VSF type spelled out, made by the {@link vsf} helpers (`vsf.u5(800)`). */
export class VsfValue {
  constructor(json: VsfValueJSON);
  readonly type: string;
  /** The library's JSON form. */
  readonly json: VsfValueJSON;
}

/** Tensor data to add, with its options: made by {@link vsf}.tensor and {@link vsf}.bitpacked. */
export class VsfTensorInput {
  private constructor();
  readonly data: ArrayBufferView | ArrayBuffer;
  readonly desc: { type?: VsfType; shape?: number[]; strides?: number[]; bits?: number };
}

/** A complex value (`j5`, `j6`). */
export interface VsfComplex {
  type: 'j5' | 'j6';
  re: number;
  im: number;
}

/** A Spirix scalar (`s` F E): exact parts, and an approximate number (may be NaN or ±Infinity). */
export interface VsfSpirix {
  type: string;
  frac: bigint;
  exp: bigint;
  approx: number;
}

/** A Spirix circle (`c` F E): exact parts, and approximate real and imaginary parts. */
export interface VsfCircle {
  type: string;
  re: bigint;
  im: bigint;
  exp: bigint;
  approx: [number, number];
}

/** A hash, signature or key value; `bytes` is a copy. */
export interface VsfDigest {
  type: 'hash' | 'signature' | 'key';
  /** "blake3", "sha256", "sha512", "blake2b" (hashes); "ed25519" (signatures, keys). */
  alg: string;
  bytes: Uint8Array;
}

/** One field of a section or nested structure, in order (names may repeat). */
export interface VsfField {
  name: string;
  value: VsfJSValue;
}

/**
 * A tensor or bit-packed tensor found in a section or value: its
 * description, without its data; {@link read} fetches the elements.
 */
export class VsfTensorRef {
  private constructor();
  /** The dotted path that reads it (`section.field…`), or null for a value decoded from bytes. */
  readonly path: string | null;
  readonly kind: 'tensor' | 'bitpacked';
  /** The element type; for a bit-packed tensor the unsigned type its samples unpack to. */
  readonly elem: VsfType;
  readonly shape: number[];
  /** A strided (q) tensor's strides in elements, else null. */
  readonly strides: number[] | null;
  /** Bits per sample of a bit-packed tensor, else null. */
  readonly bits: number | null;
  /** The bytes its data takes as stored (packed, big-endian). */
  readonly bytes: number;
  /** The elements ({@link VsfFile.tensor} of its path); a TypeError for a value decoded from bytes. */
  read(): VsfTensor;
}

/**
 * A VSF value as JavaScript sees it (reads):
 * - integers: a Number for u3–u5 and i3–i5 (8 to 32 bits), a BigInt for
 *   u6, u7, i6, i7 (64 and 128 bits; exact);
 * - floats f5, f6: a Number (NaN and ±Infinity included, −0 kept);
 * - complex j5, j6: {@link VsfComplex}; Spirix: {@link VsfSpirix}, {@link VsfCircle};
 * - bool: a boolean; text (x): a string; name (d): a {@link VsfName};
 * - time: an {@link EagleTime}; hash, signature, key: a {@link VsfDigest};
 * - a nested structure: an array of {@link VsfField} (in order);
 * - a tensor or bit-packed tensor: a {@link VsfTensorRef};
 * - a type this package does not know (a newer library): a {@link VsfValue} of its JSON form.
 */
export type VsfJSValue =
  | number | bigint | boolean | string
  | VsfName | EagleTime | VsfComplex | VsfSpirix | VsfCircle | VsfDigest
  | VsfField[] | VsfTensorRef | VsfValue;

/**
 * What {@link VsfFile.add} and {@link VsfFile.encodeValue} take besides
 * tensor data. The type each JavaScript value is written as:
 * - a {@link VsfValue} (the {@link vsf} helpers: `vsf.u5(800)`, `vsf.f5(1.5)`): its type;
 * - boolean → bool; string → text (x); {@link VsfName} → name (d);
 * - a Number that is a safe integer → the smallest signed type holding it
 *   (i3, i4, i5 or i6); any other Number (fractions, NaN, ±Infinity, −0) → f6;
 * - a BigInt → the smallest signed type holding it (i3…i7), or u7 from
 *   2^127 to 2^128 − 1; beyond, a RangeError. So 5n is written i3 and reads
 *   back as the Number 5: use the helpers (vsf.i6(5n)) to keep a type;
 * - an {@link EagleTime}, or a Date (through {@link EagleTime.fromDate}) → time;
 * - a typed object as reads return it ({@link VsfComplex}, {@link VsfSpirix},
 *   {@link VsfCircle}, {@link VsfDigest}, or `{type: 'u4', value}`) → its type;
 * - an array of {@link VsfField}-like `{name, value}`, a Map, or a plain
 *   object without a string `type` → a nested structure, in order.
 * null, undefined, symbols, functions and other objects are TypeErrors.
 */
export type VsfInput =
  | number | bigint | boolean | string | Date
  | VsfName | EagleTime | VsfValue
  | VsfComplex | VsfDigest
  | { type: string; [key: string]: unknown }
  | ReadonlyArray<{ name: string; value: VsfInput }>
  | ReadonlyMap<string, VsfInput>
  | { [field: string]: VsfInput };

/**
 * A tensor's elements ({@link VsfFile.tensor}). `data` is a copy with its
 * own ArrayBuffer, by `dtype`: uint8, bool → Uint8Array (bool one byte per
 * element, 0 or 1); int8 → Int8Array; (u)int16, (u)int32 → (U)Int16Array,
 * (U)Int32Array; uint64 → BigUint64Array; int64 → BigInt64Array; float32,
 * float64 → Float32Array, Float64Array; complex64, complex128 →
 * Float32Array, Float64Array of interleaved real and imaginary parts. Types
 * with no dtype (u7, i7, Spirix; `dtype` null) give a Uint8Array of their
 * native little-endian bytes (u7/i7: 16 bytes each, low word first; Spirix:
 * each part little-endian, fraction then exponent). A bit-packed tensor's
 * samples come unpacked to the smallest unsigned type holding them (`bits`
 * says how many bits each was stored in).
 */
export interface VsfTensor {
  /** The VSF element type of `data` ("u4", "f5", "j5", "s64", "bool"). */
  type: VsfType;
  /** numpy's name of the native form, or null for the types without one. */
  dtype: 'bool' | 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'uint64' | 'int64'
    | 'float32' | 'float64' | 'complex64' | 'complex128' | null;
  shape: number[];
  /** A strided tensor's strides in elements (the data is its span, as stored). */
  strides?: number[];
  /** A bit-packed tensor's bits per sample. */
  bits?: number;
  data: Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array
    | BigUint64Array | BigInt64Array | Float32Array | Float64Array;
}

/** Options of tensor data given to {@link VsfFile.add} or {@link vsf}.tensor. Unknown keys are PF_EBADARG. */
export interface VsfTensorOptions {
  /** Default: one dimension holding every element (only when no `type` is given). */
  shape?: readonly (number | bigint)[];
  /** Strides in elements: a strided (q) tensor over data, which is the span. */
  strides?: readonly (number | bigint)[];
  /**
   * The element type, for data whose TypedArray does not say it (default:
   * Uint8Array → u3, Int8Array → i3, …, BigInt64Array → i6, BigUint64Array
   * → u6, Float32Array → f5, Float64Array → f6): "bool" (a Uint8Array of
   * 0/1), "j5"/"j6" (interleaved Float32Array/Float64Array), "u7", "i7",
   * Spirix types (a Uint8Array of native little-endian bytes). Needs `shape`.
   */
  type?: VsfType;
}

/** Options of {@link VsfFile.create}. Unknown keys are PF_EBADARG. */
export interface VsfCreateOptions {
  /** "seed" (the seed's V2, default) or "crate" (the public crate's V2: header length in bytes, a BLAKE3 file hash in the header). */
  form?: 'seed' | 'crate';
  /** Skip the fsync at commit. */
  noSync?: boolean;
  maxDepth?: number;
  maxLabels?: number;
  maxFields?: number;
  maxDims?: number;
  maxElements?: number;
  maxNameLen?: number;
  maxDecompressed?: number;
  maxRatio?: number;
}

/** Options of {@link VsfFile.open}. Unknown keys (and `form`) are PF_EBADARG. */
export interface VsfOpenOptions extends Omit<VsfCreateOptions, 'form'> {
  /** Open for writing: takes the writer lock; commit() rewrites the file atomically, unchanged sections byte for byte. */
  writable?: boolean;
}

/** Options of {@link VsfFile.fromBytes}. */
export interface VsfBytesOptions {
  /** Writable in memory (read its image with toBytes() after commit()). Default: read-only. */
  writable?: boolean;
}

/** One label of {@link VsfInfo}. */
export interface VsfLabel {
  name: string;
  /** Absolute byte offset of the section. */
  offset: number;
  /** Bytes stored. */
  size: number;
  /** Fields (0 for an unboxed section). */
  count: number;
  unboxed: boolean;
  /** Stored zstd-compressed. */
  compressed: boolean;
  /** Bytes once decompressed. */
  rawSize: number;
  /** Hash algorithms of the section's hashes. */
  hashes: string[];
  signatures: number;
  keys: number;
}

/** What {@link VsfFile.info} reports. */
export interface VsfInfo {
  format: 'vsf';
  /** The path, "bytes" or "memory". */
  name: string;
  writable: boolean;
  form: 'seed' | 'crate';
  /** The version that wrote the file (z) and the oldest that reads it (y). */
  version: number;
  backward: number;
  size: number;
  headerLen: number;
  labels: VsfLabel[];
  /** Names of the seed form's trailer fields (the file's hashes and signatures). */
  trailer: string[];
  /** Changes wait for commit(). */
  pending: boolean;
  /** Always clean: a commit replaces the file whole. */
  recovery: { clean: boolean; reason: string; droppedBytes: number; repaired: boolean };
}

/** One check of {@link VsfFile.verifyReport}. */
export interface VsfCheck {
  /** The section, "" for the whole file. */
  section: string;
  what: 'structure' | 'hash' | 'signature' | 'file hash';
  alg?: string;
  /** "unverified": a signature with no key to check it. */
  status: 'ok' | 'failed' | 'unverified';
  /** Why a check failed. */
  error?: string;
  /** A failed check's status code name ("PF_ECHECKSUM"): what verify() throws. */
  code?: CodeName;
}

/**
 * An open VSF file (docs/spec/vsf.md): a header of labels, then sections —
 * structured (named fields holding typed values and nested structures) or
 * unboxed (raw bytes) — with hashes and Ed25519 signatures per section and
 * for the whole file. It owns a library handle: close it (or `using` it).
 *
 * A writable file (create(), open(path, {writable}), fromBytes(…,
 * {writable})) is a builder: add, putUnboxed, sectionOptions, fileOptions,
 * sign and remove change a pending image that commit() (or close()) writes
 * whole; reads see the last commit.
 *
 * Every array a read returns is a copy with its own ArrayBuffer: the library
 * lends an unboxed section of a read-only file as a view of its image in
 * linear memory, which the next call may detach (memory grows), so the
 * package copies it out before returning.
 *
 * Also exported as `VSF`.
 */
export class VsfFile implements Disposable {
  private constructor();

  /** The instance the statics use (see {@link MmxFile.polyfmt}). */
  static readonly polyfmt: Polyfmt;
  static readonly format: 'vsf';
  static readonly formatId: 3;

  /** Creates a new file at path (truncating it, locked for writing), or with no path in memory. */
  static create(path?: string | null, opts?: VsfCreateOptions): VsfFile;
  static create(opts: VsfCreateOptions): VsfFile;
  /** Opens a file on disk, read-only unless `writable` (Node only). Another format is PF_EFORMAT. */
  static open(path: string, opts?: VsfOpenOptions): VsfFile;
  /** Opens a copy of a file image, read-only unless `writable`. Works everywhere. */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, opts?: VsfBytesOptions): VsfFile;

  /** A 64-byte Ed25519 private key (the 32-byte seed, then the public key): from a 32-byte seed, or random. */
  static keygen(seed?: Uint8Array | null): Uint8Array;
  /** The 32-byte public key of a 64-byte private key. */
  static publicKey(privateKey: Uint8Array): Uint8Array;
  /** An image rewritten in the other form, every section and value kept; a signed file is PF_EUNSUPPORTED unless dropSignatures, text in the crate form PF_EUNSUPPORTED. */
  static convert(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, to: 'seed' | 'crate', opts?: { dropSignatures?: boolean }): Uint8Array;
  /** The wire bytes of one value ({@link VsfInput}; not tensors). */
  static encodeValue(value: VsfInput): Uint8Array;
  /** The one value bytes hold (trailing bytes: PF_EFORMAT); a tensor's reference has no data to read. */
  static decodeValue(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): VsfJSValue;
  /** The one value bytes hold, in the JSON form. */
  static decodeValueJSON(bytes: Uint8Array | ArrayBuffer | ArrayBufferView): VsfValueJSON;

  readonly handle: number;
  readonly closed: boolean;
  readonly format: 'vsf';
  /** "seed" or "crate". */
  readonly form: 'seed' | 'crate';
  /** The sections' names, in file order. */
  readonly labels: string[];

  info(): VsfInfo;
  /** A structured section's fields, in order (PF_ENOTFOUND: none; PF_EBADARG: an unboxed one, see {@link raw}). */
  section(name: string): VsfField[];
  /** A structured section in the JSON form. */
  sectionJSON(name: string): VsfSectionJSON;
  /** The value at a dotted path ("imaging.raw.exposure.iso"); a section alone is its fields, an unboxed one a u3 tensor. */
  get(path: string): VsfJSValue;
  /** The value at a dotted path in the JSON form. */
  getJSON(path: string): VsfValueJSON;
  /** The elements of the tensor or bit-packed tensor at a dotted path (PF_EBADARG for another value). */
  tensor(path: string): VsfTensor;
  /** A section's bytes, decompressed: an unboxed section's blob, a structured one's encoding. A copy. */
  raw(name: string): Uint8Array;
  /**
   * Decodes every section and checks every hash and signature, against the
   * keys the file holds or, with `key` (32-byte public or 64-byte private
   * Ed25519), against that key alone. Throws the first failure:
   * PF_ECHECKSUM (a digest or signature that does not match, another key),
   * PF_EFORMAT, PF_EUNSUPPORTED, …
   */
  verify(opts?: { key?: Uint8Array | null }): void;
  /** Every check verify() makes; never throws for a failed check. */
  verifyReport(opts?: { key?: Uint8Array | null }): { checks: VsfCheck[] };
  /** A file held in memory: its committed image (the same as {@link toBytes}). */
  bytes(): Uint8Array;
  toBytes(): Uint8Array;
  /** A file opened read-only from a path rereads what writers committed since; returns the section count. */
  refresh(): number;

  /** Appends a field (a section is made at the end if missing). See {@link VsfInput} for the types written. */
  add(section: string, field: string, value: VsfInput): void;
  /** Appends a tensor field: a TypedArray (with options), or vsf.tensor(…) / vsf.bitpacked(…). */
  add(section: string, field: string, data: ArrayBufferView | VsfTensorInput, opts?: VsfTensorOptions): void;
  /** Makes or replaces an unboxed section holding a copy of data. */
  putUnboxed(name: string, data: Uint8Array | ArrayBuffer | ArrayBufferView): void;
  /** A section's zstd compression and hashes (PF_ENOTFOUND for no such section). */
  sectionOptions(name: string, opts: { compress?: boolean; hash?: readonly VsfHashAlg[] }): void;
  /** The whole file's hashes; noFileHash drops the seed form's default BLAKE3. */
  fileOptions(opts: { hash?: readonly VsfHashAlg[]; noFileHash?: boolean }): void;
  /** Signs a section, or with null the whole file, with a 64-byte private key when written; withKey stores the public key too. */
  sign(name: string | null, privateKey: Uint8Array, opts?: { withKey?: boolean }): void;
  /** Drops a section from the pending image (PF_ENOTFOUND if there is none). */
  remove(name: string): void;
  /** Writes the pending image: atomically on disk, or in memory. */
  commit(): void;

  /** Commits what is pending and closes the handle. A second close does nothing; other calls then throw PF_EBADHANDLE. */
  close(): void;
  [Symbol.dispose](): void;
}

/** {@link VsfFile} under the name the VSF documents use. */
export { VsfFile as VSF };

/**
 * The typed helpers, and the file-less calls on the first instance loaded:
 * `f.add('camera', 'iso', vsf.u5(800))`. Integers take a Number (a safe
 * integer), a BigInt or a decimal string; the library checks the range.
 */
export const vsf: {
  readonly u3: (v: number | bigint | string) => VsfValue;
  readonly u4: (v: number | bigint | string) => VsfValue;
  readonly u5: (v: number | bigint | string) => VsfValue;
  readonly u6: (v: number | bigint | string) => VsfValue;
  readonly u7: (v: number | bigint | string) => VsfValue;
  readonly i3: (v: number | bigint | string) => VsfValue;
  readonly i4: (v: number | bigint | string) => VsfValue;
  readonly i5: (v: number | bigint | string) => VsfValue;
  readonly i6: (v: number | bigint | string) => VsfValue;
  readonly i7: (v: number | bigint | string) => VsfValue;
  readonly f5: (v: number) => VsfValue;
  readonly f6: (v: number) => VsfValue;
  readonly j5: (re: number, im: number) => VsfValue;
  readonly j6: (re: number, im: number) => VsfValue;
  readonly bool: (v: boolean) => VsfValue;
  readonly name: (s: string) => VsfValue;
  readonly text: (s: string) => VsfValue;
  /** A BigInt: exact Eagle seconds; a number: float seconds; or a Date or EagleTime. */
  readonly time: (t: bigint | number | Date | EagleTime) => VsfValue;
  readonly hash: (alg: VsfHashAlg, bytes: Uint8Array) => VsfValue;
  readonly signature: (bytes: Uint8Array) => VsfValue;
  readonly key: (bytes: Uint8Array) => VsfValue;
  /** A Spirix scalar ("s64", …) from its exact fraction and exponent. */
  readonly spirix: (type: string, frac: number | bigint | string, exp: number | bigint | string) => VsfValue;
  /** A Spirix circle ("c33", …) from its exact parts. */
  readonly circle: (type: string, re: number | bigint | string, im: number | bigint | string, exp: number | bigint | string) => VsfValue;
  /** A nested structure from fields, a Map or a plain object. */
  readonly struct: (fields: ReadonlyArray<{ name: string; value: VsfInput }> | ReadonlyMap<string, VsfInput> | { [field: string]: VsfInput }) => VsfValue;
  readonly fromJSON: (json: VsfValueJSON) => VsfValue;
  readonly tensor: (data: ArrayBufferView | ArrayBuffer, opts?: VsfTensorOptions) => VsfTensorInput;
  /** Unsigned samples (Uint8Array, Uint16Array, Uint32Array, BigUint64Array), each stored in `bits` (1…64) bits. */
  readonly bitpacked: (samples: Uint8Array | Uint16Array | Uint32Array | BigUint64Array, bits: number, shape?: readonly (number | bigint)[]) => VsfTensorInput;
  readonly keygen: (seed?: Uint8Array | null) => Uint8Array;
  readonly publicKey: (privateKey: Uint8Array) => Uint8Array;
  readonly convert: (bytes: Uint8Array | ArrayBuffer | ArrayBufferView, to: 'seed' | 'crate', opts?: { dropSignatures?: boolean }) => Uint8Array;
  readonly encodeValue: (value: VsfInput) => Uint8Array;
  readonly decodeValue: (bytes: Uint8Array | ArrayBuffer | ArrayBufferView) => VsfJSValue;
  readonly decodeValueJSON: (bytes: Uint8Array | ArrayBuffer | ArrayBufferView) => VsfValueJSON;
};

// ---- MORK ------------------------------------------------------------------

/**
 * A MORK container kind: a space file (MTTS: symbol table, paths,
 * Blake2b-256 footer), PATHMAP1, PathMap's `.paths`, an ACT (ACTree03), a
 * symbol table ZIP, or multiplicities (MTTM: UTF-8 keys with counts).
 */
export type MorkKind = 'space' | 'pathmap1' | 'paths' | 'act' | 'symbols' | 'mult';

/** PATHMAP1's compression. */
export type MorkCompression = 'none' | 'zlib' | 'lz4' | 'zstd';

/** Options of {@link MorkFile.create}. Unknown keys are PF_EBADARG. */
export interface MorkCreateOptions {
  /** The container to make (default "space"). */
  kind?: MorkKind;
  /** A PATHMAP1 file's compression (default "zstd"). */
  compression?: MorkCompression;
  /** A new ACT's layout: "pathmap" (default; PathMap and MORK read it) or "seed". */
  actLayout?: 'pathmap' | 'seed';
  /** A new symbol table's ZIP layout: "seed" (default) or "mork". */
  symbolLayout?: 'seed' | 'mork';
  /** A space's paths as one zstd frame. */
  compressSpace?: boolean;
  /** Skip the fsync at commit. */
  noSync?: boolean;
  /** Limits on untrusted files (0 or absent: the defaults). */
  maxPaths?: number;
  maxPathLen?: number;
  maxDecompressed?: number;
  maxRatio?: number;
  maxDepth?: number;
  maxSymbols?: number;
}

/** Options of {@link MorkFile.open}. Unknown keys (and `kind`: an opened file keeps its own) are PF_EBADARG. */
export interface MorkOpenOptions extends Omit<MorkCreateOptions, 'kind'> {
  /** Open for writing: takes the writer lock; commit() rewrites the file whole and atomically. */
  writable?: boolean;
}

/** Options of {@link MorkFile.fromBytes}. */
export interface MorkBytesOptions {
  /** Writable in memory (no bytes: a new space); read the image with toBytes() after commit(). Default: read-only. */
  writable?: boolean;
}

/** What {@link MorkFile.info} reports. */
export interface MorkInfo {
  format: 'mork';
  /** The path, "bytes" or "memory". */
  name: string;
  writable: boolean;
  kind: MorkKind;
  /** "1.0" or "1.1" for a space, multiplicities or PATHMAP1 file; "" for the kinds with no version of their own. */
  version: string;
  /** A 1.1 space file's timestamp, Unix seconds (0 for the others). */
  timestamp: number;
  /** The file has a checksum (a space's or multiplicities file's footer; PATHMAP1's own). */
  checksum: boolean;
  /** A space: "zstd" or "none"; PATHMAP1: its compression; .paths: "zlib"; else "". */
  compression: string;
  /** An ACT's layout ("pathmap" or "seed"), else "". */
  actLayout: string;
  /** A space's or symbol table's ZIP layout ("seed" or "mork"), else "". */
  symbolLayout: string;
  /** How many paths the file holds. */
  paths: number;
  /** How many symbols its table holds. */
  symbols: number;
  /** The space stores its symbols as 8-byte ids of its table. */
  interned: boolean;
  /** Changes wait for commit(). */
  pending: boolean;
  /** Always clean: a commit replaces the file whole. */
  recovery: { clean: boolean; reason: string; droppedBytes: number; repaired: boolean };
}

/** One path of a MORK file ({@link MorkFile.paths}). */
export interface MorkPath {
  /** The path's bytes (a copy): an encoded expression, or a multiplicities file's UTF-8 key. */
  path: Uint8Array;
  /** Its u64 value (a space's and a path file's are 0; a .paths or PATHMAP1 file's, each record's index). */
  value: bigint;
}

/** One match of {@link MorkFile.query}. */
export interface MorkMatch {
  /** The matching path printed as MeTTa. */
  text: string;
  path: Uint8Array;
  value: bigint;
  /** What each of the pattern's variables matched, printed, in order of first appearance. */
  bindings: string[];
}

/** Options of {@link MorkFile.export}. Unknown keys are PF_EBADARG. */
export interface MorkExportOptions {
  /** PATHMAP1's compression (default: the file's own, or "zstd"). */
  compression?: MorkCompression;
  /** An ACT's layout (default: the file's own, or "pathmap"). */
  actLayout?: 'pathmap' | 'seed';
  /** A symbol table's layout, alone or in a space (default: the file's own, or "seed"). */
  symbolLayout?: 'seed' | 'mork';
  /** A space's paths as one zstd frame. */
  compressSpace?: boolean;
  /** Leave the Blake2b-256 footer out of a space or multiplicities file. */
  noChecksum?: boolean;
  /** A 1.1 space file's timestamp: Unix seconds or a Date (0 or absent: now). */
  timestamp?: number | bigint | Date;
}

/**
 * Where a path is given: its bytes, or a string — MeTTa text, encoded as
 * the file stores it ({@link MorkFile.encode}: interned symbols as their
 * ids), or in a multiplicities file, whose paths are UTF-8 keys, the key.
 */
export type MorkPathInput = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * An open MORK container (docs/spec/mork.md): MeTTa expressions stored as
 * byte paths, each with a u64 value (BigInt here), in one of six kinds
 * ({@link MorkKind}); open() tells them apart by their first bytes. It owns
 * a library handle: close it (or `using` it).
 *
 * A writable file (create(), open(path, {writable}), fromBytes(…,
 * {writable})) keeps changes in memory; commit() (or close()) writes the
 * container whole and atomically. Iterating a file gives each path as text
 * (MeTTa, or a multiplicities file's key), in byte order.
 *
 * Also exported as `Mork`.
 */
export class MorkFile implements Disposable, Iterable<string> {
  private constructor();

  /** The instance the statics use (see {@link MmxFile.polyfmt}). */
  static readonly polyfmt: Polyfmt;
  static readonly format: 'mork';
  static readonly formatId: 4;

  /** Creates a new container (a space unless `kind`) at path (truncating it, locked for writing), or with no path in memory. */
  static create(path?: string | null, opts?: MorkCreateOptions): MorkFile;
  static create(opts: MorkCreateOptions): MorkFile;
  /** Opens a file on disk, read-only (an ACT read in place) unless `writable` (Node only). Another format is PF_EFORMAT. */
  static open(path: string, opts?: MorkOpenOptions): MorkFile;
  /** Opens a copy of a container's image, read-only unless `writable`. Works everywhere. */
  static fromBytes(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, opts?: MorkBytesOptions): MorkFile;

  /** One MeTTa expression encoded as a path, symbols as written. A syntax error is PF_EFORMAT, a limit PF_ELIMIT, the message naming line and column. */
  static encodeMeTTa(text: string): Uint8Array;
  /** An encoded path printed as MeTTa (variables $a, $b, …), with no symbol table. */
  static printPath(path: Uint8Array | ArrayBuffer | ArrayBufferView): string;
  /** A space file in version 1.1, stamped with timestamp (Unix seconds or a Date; 0 or absent: now); a 1.1 file comes back unchanged; major 2 and up is PF_EUNSUPPORTED. */
  static migrate(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, timestamp?: number | bigint | Date): Uint8Array;

  readonly handle: number;
  readonly closed: boolean;
  readonly format: 'mork';
  /** The container kind (read once: a file keeps its kind). */
  readonly kind: MorkKind;
  /** The space stores its symbols as ids of its table. */
  readonly interned: boolean;
  /** How many paths the file holds. */
  readonly length: number;

  info(): MorkInfo;
  /** Reads everything and checks the checksum and every path (each one expression, every interned id resolving); throws the first failure (PF_ECHECKSUM, PF_EFORMAT). */
  verify(): void;
  /** A file opened read-only from a path rereads what a writer committed since; returns the path count. */
  refresh(): number;
  /** A file held in memory: its committed image (the same as {@link toBytes}). */
  bytes(): Uint8Array;
  toBytes(): Uint8Array;

  /**
   * Parses MeTTa text (S-expressions, $variables, quoted strings, ; comments)
   * and adds every top-level expression to a writable space, path file or
   * ACT; returns how many were read. `intern` stores symbols as ids of the
   * file's table (a space only); `value` is each new path's value. A syntax
   * error is PF_EFORMAT, a limit PF_ELIMIT, the message naming line and
   * column; the expressions before it are added, and the error's `imported`
   * says how many.
   */
  importText(text: string, opts?: { intern?: boolean; value?: bigint | number }): number;
  /**
   * Adds a path with a value (default 0), replacing the value of one already
   * there. In a space the path must be one MORK expression. MeTTa text added
   * to an interned space names symbols its table has (PF_ENOTFOUND
   * otherwise: {@link intern} them first, or use importText's `value`).
   */
  add(path: MorkPathInput, value?: bigint | number): void;
  /** Removes a path; whether it was there (false for text naming a symbol an interned space lacks). */
  remove(path: MorkPathInput): boolean;
  /** The value of a path, or undefined when the file does not hold it (as for text naming a symbol an interned space lacks). */
  get(path: MorkPathInput): bigint | undefined;
  has(path: MorkPathInput): boolean;
  /** The paths starting with prefix (bytes; a string is its UTF-8 bytes), all by default, in byte order, at most limit (0: no limit). */
  paths(opts?: { prefix?: Uint8Array | ArrayBuffer | ArrayBufferView | string; limit?: number | bigint }): MorkPath[];
  /** One MeTTa expression encoded as this file stores it (interned: symbols as ids of its table, PF_ENOTFOUND for one it lacks). */
  encode(text: string): Uint8Array;
  /** A path printed as MeTTa, interned symbols resolved through the file's table. */
  print(path: Uint8Array | ArrayBuffer | ArrayBufferView): string;
  /** A path as text: a multiplicities file's key, any other's path printed as MeTTa. */
  text(path: Uint8Array | ArrayBuffer | ArrayBufferView): string;
  /** Every path as text (see {@link text}), in byte order. */
  [Symbol.iterator](): IterableIterator<string>;
  /** Every path as text with its value, in byte order. */
  entries(): IterableIterator<[string, bigint]>;
  /**
   * The paths matching a MeTTa pattern ("(edge $x b)": a variable matches
   * any sub-expression, a repeated one the same each time), at most limit
   * (0: no limit); `truncated` says whether limit cut them short. A pattern
   * naming a symbol an interned space lacks matches nothing.
   */
  query(pattern: string, opts?: { limit?: number | bigint }): MorkMatch[] & { readonly truncated: boolean };
  /** The content as MeTTa text: one expression per line (a multiplicities file: "key\tcount" lines). The file is not changed. */
  export(kind: 'metta', opts?: MorkExportOptions): string;
  /** The content as a container of another kind: its bytes. The file is not changed. */
  export(kind: MorkKind, opts?: MorkExportOptions): Uint8Array;
  /** The symbol table: text by id, in id order. */
  symbols(): Map<bigint, string>;
  /** The id of a symbol in a writable file's table, added if missing. */
  intern(symbol: string | Uint8Array): bigint;
  /** Writes the container again, whole: atomically on disk, or in memory. A 1.0 space file is written as 1.1. */
  commit(): void;

  /** Commits what is pending and closes the handle. A second close does nothing; other calls then throw PF_EBADHANDLE. */
  close(): void;
  [Symbol.dispose](): void;
}

/** {@link MorkFile} under the format's name. */
export { MorkFile as Mork };

/** {@link MorkFile.encodeMeTTa} on the first instance loaded. */
export function encodeMeTTa(text: string): Uint8Array;
/** {@link MorkFile.printPath} on the first instance loaded. */
export function printPath(path: Uint8Array | ArrayBuffer | ArrayBufferView): string;
/** {@link MorkFile.migrate} on the first instance loaded. */
export function migrate(bytes: Uint8Array | ArrayBuffer | ArrayBufferView, timestamp?: number | bigint | Date): Uint8Array;

// ---- WASI ------------------------------------------------------------------

/**
 * The minimal WASI preview-1 host used where node:wasi is absent: clocks,
 * `random_get` (crypto.getRandomValues), `fd_write` to the console, empty
 * arguments and environment, `proc_exit` throwing {@link WasiExit}, no
 * preopened directories (`fd_prestat_get` is EBADF), clock-only
 * `poll_oneoff`; every other import the module names answers ENOSYS.
 */
export class WasiShim {
  constructor();
  /** The instance's memory, once initialize() ran. */
  memory: WebAssembly.Memory | null;
  /** The WASI functions the shim implements, by name (for tests and other hosts). */
  functions(): Record<string, (...args: any[]) => number>;
  /** The import object for a module, built from its own import list. */
  importObject(module: WebAssembly.Module): WebAssembly.Imports;
  /** Binds the shim to the instance's memory and runs `_initialize` once. */
  initialize(instance: WebAssembly.Instance): void;
}

/** The module called proc_exit under the shim; the instance is unusable after. */
export class WasiExit extends Error {
  constructor(code: number);
  readonly name: 'WasiExit';
  readonly code: number;
}
