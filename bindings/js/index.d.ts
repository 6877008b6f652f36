/// <reference lib="esnext.disposable" />
/**
 * polyfmt for JavaScript: MEM8 and MMX (and, as the library grows, the other
 * polyfmt formats) in Node.js and the browser, through one WebAssembly module
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
export type PolyfmtFile = Mem8File | MmxFile;

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

  /**
   * Opens a file of any format, detected from its first bytes, and returns
   * its format's class bound to this instance ({@link Mem8File},
   * {@link MmxFile}): the bytes of a file (a copy is opened: read-only, or
   * writable in memory), or in Node a path (read-only, or writable with the
   * writer lock). Further options are the detected format's open options.
   * Bytes no format claims are `PF_EFORMAT`, the message showing the first
   * bytes; no bytes at all `PF_EBADARG` (nothing to detect: create a new
   * file with a format's class).
   */
  open(source: FileSource, opts?: OpenOptions): PolyfmtFile;

  /**
   * The format of a file's bytes (the first 16 suffice) or, in Node, of the
   * file at a path: `"mem8"`, `"mmx"`. `PF_EFORMAT`, showing the bytes, when
   * no format claims them; `PF_ENOTFOUND` for a missing path.
   */
  detect(source: FileSource): FormatName;

  /** The file class of a format, by name or PF_FORMAT_* id, bound to this instance. */
  fileClass(format: 'mem8' | 1): typeof Mem8File;
  fileClass(format: 'mmx' | 2): typeof MmxFile;
  fileClass(format: FormatName | FormatId): typeof Mem8File | typeof MmxFile;

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
  /** {@link Mem8File.importJson}: how many blocks were appended before the failure. */
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

/** Options of {@link MmxFile.create}. Unknown keys are PF_EBADARG. */
export interface MmxCreateOptions {
  /** Written in the header (at most 1024 bytes). */
  creator?: string;
  /** Written in the header; absent means null. */
  modelUuid?: string;
  /** Skip the fsyncs at commit. */
  noSync?: boolean;
  verify?: MmxVerifyMode;
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
  /** SHA-256 of the stored bytes, 64 lowercase hex digits ("" in some MorphNet files). */
  checksum: string;
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
