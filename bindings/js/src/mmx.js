// MMX (.mmx) files: the file class of the MMX format (HandleFile owns the
// handle and its lifecycle; this adds MMX's verbs). Chunks cross the ABI in
// the library's flat form (a JSON description plus one data buffer holding
// the chunk's arrays at offsets); this file turns TypedArrays into that form
// and back. Parsing, validation, compression and checksums live in the
// library.
//
// Every array a read returns is a copy with its own ArrayBuffer. The
// library may lend a raw chunk's bytes (out_borrowed = 1: a view of the
// file's image inside linear memory, owned by the handle); linear memory can
// grow and detach every view of it at the next call, so those bytes are
// copied out at once and never passed to pf_free. Buffers the library hands
// over (out_borrowed = 0) are copied and then freed.

import { camel, toBytes, utf8 } from './abi.js';
import { PF_EBADARG, PF_EINTERNAL, PolyfmtError } from './errors.js';
import { DTYPES as DTYPE_TABLE } from './exports.gen.js';
import { bigEndian, dimsJSON, leBytes, swapBytes, typedKind, typedOf } from './arrays.js';
import { ABI, HandleFile } from './handlefile.js';

/**
 * Every dtype (the library's table): its item size, the TypedArray a read
 * returns (null: raw little-endian bytes in a Uint8Array, also for float16
 * where the runtime has no Float16Array), and the TypedArrays a write also
 * accepts for it besides a Uint8Array of raw bytes.
 */
const DTYPES = Object.fromEntries(Object.entries(DTYPE_TABLE).map(([name, d]) => {
  const array = d.array === null ? undefined : globalThis[d.array];
  return [name, { size: d.size, array: typeof array === 'function' ? array : null, accepts: d.accepts }];
}));

/**
 * The dtype a TypedArray means when no dtype is given: the dtype each
 * TypedArray is read back as (the table's order puts uint8 after bool), and
 * Uint8ClampedArray as uint8.
 */
const INFERRED = {
  ...Object.fromEntries(Object.entries(DTYPE_TABLE).filter(([, d]) => d.array !== null).map(([name, d]) => [d.array, name])),
  Uint8ClampedArray: 'uint8',
};

/** The write options every chunk type takes, camelCase → the description's keys. */
const WRITE_KEYS = { compression: 'compression', level: 'level', logicalRegion: 'logical_region', alignment: 'alignment' };

function badArg(msg) {
  return new PolyfmtError(PF_EBADARG, `polyfmt: ${msg}`);
}

/**
 * The array for dtype over bytes (a fresh copy the caller owns, byteOffset
 * 0): the matching TypedArray, or the bytes themselves when there is none.
 */
function arrayOf(dtype, bytes) {
  const d = DTYPES[dtype];
  if (d === undefined || d.array === null) return bytes;
  return typedOf(d.array, d.size, bytes);
}

/** Splits write options into the description's keys and the rest, rejecting unknown keys. */
function writeOptions(opts, allowed = []) {
  const desc = {};
  const rest = {};
  for (const [k, v] of Object.entries(opts ?? {})) {
    if (v === undefined) continue;
    if (k in WRITE_KEYS) desc[WRITE_KEYS[k]] = v;
    else if (allowed.includes(k)) rest[k] = v;
    else throw badArg(`unknown write option ${JSON.stringify(k)}`);
  }
  return [desc, rest];
}

/** A directory entry with camelCase keys; attributes as stored. */
function entryOf(raw) {
  const e = camel({ ...raw, attributes: undefined });
  delete e.attributes;
  e.checksumAlgorithm ??= 'sha256'; // the library omits the field for SHA-256
  if (raw.attributes !== undefined) e.attributes = raw.attributes;
  return e;
}

/**
 * A (dtype, bytes) pair for writing: data is a TypedArray, a DataView or an
 * ArrayBuffer; dtype may be omitted for a TypedArray with a matching dtype.
 */
function tensorBytes(data, dtype) {
  const kind = typedKind(data);
  if (dtype === undefined) {
    if (kind === undefined) throw new TypeError('polyfmt: a DataView or ArrayBuffer needs an explicit dtype');
    dtype = INFERRED[kind];
    if (dtype === undefined) throw new TypeError(`polyfmt: no dtype for a ${kind}`);
  }
  if (typeof dtype !== 'string') throw new TypeError('polyfmt: dtype must be a string');
  const d = DTYPES[dtype];
  // An unknown dtype goes to the library, which names it (PF_EBADARG).
  if (d !== undefined && kind !== undefined && kind !== 'Uint8Array' && !d.accepts.includes(kind)) {
    throw new TypeError(`polyfmt: a ${kind} cannot hold ${dtype} (pass a Uint8Array of its little-endian bytes)`);
  }
  if (kind === undefined && !(data instanceof DataView) && !(data instanceof ArrayBuffer)) {
    throw new TypeError('polyfmt: tensor data must be a TypedArray, a DataView or an ArrayBuffer');
  }
  return [dtype, kind === undefined || kind === 'Uint8Array' ? toBytes(data) : leBytes(data)];
}

/** A mesh array as a TypedArray of the right kind (array-likes are converted). */
function meshArray(v, Kind, key) {
  if (v instanceof Kind) return v;
  if (v === null || typeof v !== 'object' || typeof v.length !== 'number') {
    throw new TypeError(`polyfmt: mesh ${key} must be a ${Kind.name} or an array of numbers`);
  }
  return Kind.from(v);
}

/** An open MMX file, on disk or in memory. Close it (or `using` it) when done. */
export class MmxFile extends HandleFile {
  static format = 'mmx';


  /** Calls fn(namePtr, nameLen) with name staged, then frees it. */
  #withName(name, fn) {
    if (typeof name !== 'string') throw new TypeError('polyfmt: a chunk name must be a string');
    const abi = this[ABI];
    const [np, nl] = abi.stage(name);
    try {
      return fn(np, nl);
    } finally {
      abi.release(np);
    }
  }

  /** pf_mmx_write with a description object and data staged at (dp, dl). */
  #writeStaged(name, desc, dp, dl) {
    const abi = this[ABI];
    const h = this.handle;
    this.#withName(name, (np, nl) => {
      const [jp, jl] = abi.stage(JSON.stringify(desc));
      try {
        abi.check(abi.e.pf_mmx_write(h, np, nl, jp, jl, dp, dl), h);
      } finally {
        abi.release(jp);
      }
    });
  }

  /** pf_mmx_write with data bytes copied into linear memory for the call. */
  #write(name, desc, data) {
    const abi = this[ABI];
    const [dp, dl] = abi.stage(data);
    try {
      this.#writeStaged(name, desc, dp, dl);
    } finally {
      abi.release(dp);
    }
  }

  /**
   * Runs a read-like export (fn gets the five out-parameter slots) and
   * returns its description and copies of its arrays (and of the whole data
   * buffer with whole). Lent data is copied and left alone; owned data is
   * copied and freed.
   */
  #readWith(fn, whole) {
    const abi = this[ABI];
    const h = this.handle;
    const [jp, jl, dp, dl, bp] = abi.slots(5);
    abi.check(fn(jp, jl, dp, dl, bp), h);
    const borrowed = abi.i32(bp) !== 0;
    const ptr = abi.u32(dp);
    const len = abi.u32(dl);
    try {
      const desc = JSON.parse(utf8(abi.take([jp, jl])[0]));
      const arrays = {};
      for (const [k, a] of Object.entries(desc.arrays ?? {})) {
        if (a.offset + a.nbytes > len) throw new PolyfmtError(PF_EINTERNAL, `polyfmt: array ${k} lies outside the ${len} data bytes`);
        arrays[k] = abi.copy(ptr + a.offset, a.nbytes);
      }
      return { desc, arrays, data: whole ? abi.copy(ptr, len) : undefined };
    } finally {
      if (!borrowed) abi.release(ptr);
    }
  }

  #read(name, whole = false) {
    const abi = this[ABI];
    const h = this.handle;
    return this.#withName(name, (np, nl) => this.#readWith((jp, jl, dp, dl, bp) => abi.e.pf_mmx_read(h, np, nl, jp, jl, dp, dl, bp), whole));
  }

  /**
   * Writes a Tensor into the open transaction (replacing name at commit).
   * The dtype comes from the TypedArray unless given; a Uint8Array with an
   * explicit dtype is taken as the raw little-endian bytes of any dtype.
   * shape defaults to one dimension.
   * @param {string} name
   * @param {ArrayBufferView | ArrayBuffer} data
   * @param {number[]} [shape]
   * @param {object} [opts] dtype, compression, level, logicalRegion, alignment
   */
  writeTensor(name, data, shape, opts) {
    this.#writeArray('Tensor', name, data, shape, opts, []);
  }

  /**
   * Writes an Embedding: a Tensor (usually samples × dim) with the method
   * that made it and optional labels, one per row.
   * @param {string} name
   * @param {ArrayBufferView | ArrayBuffer} data
   * @param {number[]} [shape]
   * @param {object} [opts] method, labels, dtype, compression, level, logicalRegion, alignment
   */
  writeEmbedding(name, data, shape, opts) {
    this.#writeArray('Embedding', name, data, shape, opts, ['method', 'labels']);
  }

  #writeArray(type, name, data, shape, opts, extra) {
    if (shape !== undefined && shape !== null && !Array.isArray(shape) && !ArrayBuffer.isView(shape) && typeof shape === 'object') {
      [shape, opts] = [undefined, shape];
    }
    const [common, rest] = writeOptions(opts, ['dtype', ...extra]);
    const [dtype, bytes] = tensorBytes(data, rest.dtype);
    if (shape === undefined || shape === null) {
      const size = DTYPES[dtype]?.size ?? 1;
      if (bytes.byteLength % size !== 0) throw badArg(`${bytes.byteLength} bytes are not a whole number of ${dtype} elements`);
      shape = [bytes.byteLength / size];
    }
    const desc = { chunk_type: type, dtype, shape: dimsJSON(shape, 'shape'), ...common };
    if (type === 'Embedding' && (rest.method !== undefined || rest.labels !== undefined)) {
      desc.value = { method: rest.method ?? '', labels: rest.labels == null ? null : Array.from(rest.labels) };
    }
    this.#write(name, desc, bytes);
  }

  /**
   * Writes a Mesh: vertices (x,y,z per vertex), faces (three vertex indices
   * per triangle), optional normals (x,y,z) and uvs (u,v), and optional
   * materials. Absent parts stay absent (not empty) when read back.
   * @param {string} name
   * @param {{vertices: Float32Array | ArrayLike<number>, faces: Uint32Array | ArrayLike<number>, normals?: Float32Array | ArrayLike<number> | null, uvs?: Float32Array | ArrayLike<number> | null, materials?: Record<string, string> | null}} mesh
   * @param {object} [opts] compression, level, logicalRegion, alignment
   */
  writeMesh(name, mesh, opts) {
    if (mesh === null || typeof mesh !== 'object') throw new TypeError('polyfmt: a mesh is an object with vertices and faces');
    const [common] = writeOptions(opts);
    const parts = [
      ['vertices', meshArray(mesh.vertices, Float32Array, 'vertices'), 3, 'float32'],
      ['faces', meshArray(mesh.faces, Uint32Array, 'faces'), 3, 'uint32'],
    ];
    if (mesh.normals != null) parts.push(['normals', meshArray(mesh.normals, Float32Array, 'normals'), 3, 'float32']);
    if (mesh.uvs != null) parts.push(['uvs', meshArray(mesh.uvs, Float32Array, 'uvs'), 2, 'float32']);
    // One buffer, each array at an 8-aligned offset.
    const arrays = {};
    let size = 0;
    for (const [key, a, width, dtype] of parts) {
      if (a.length % width !== 0) throw badArg(`mesh ${key} has ${a.length} numbers, not a multiple of ${width}`);
      size = (size + 7) & ~7;
      arrays[key] = { dtype, shape: [a.length / width, width], offset: size, nbytes: a.byteLength };
      size += a.byteLength;
    }
    const desc = { chunk_type: 'Mesh', arrays, ...common };
    if (mesh.materials != null) desc.value = { materials: mesh.materials };
    const abi = this[ABI];
    const dp = size > 0 ? abi.alloc(size) : 0;
    try {
      for (const [key, a] of parts) {
        if (a.length > 0) new Uint8Array(abi.e.memory.buffer, dp + arrays[key].offset, a.byteLength).set(leBytes(a));
      }
      this.#writeStaged(name, desc, dp, size);
    } finally {
      abi.release(dp);
    }
  }

  /**
   * Writes a Text chunk: a string, or {content, encoding, language, tokens}.
   * @param {string} name
   * @param {string | {content: string, encoding?: string, language?: string | null, tokens?: ArrayLike<number> | null}} text
   * @param {object} [opts] compression, level, logicalRegion, alignment
   */
  writeText(name, text, opts) {
    const [common] = writeOptions(opts);
    const t = typeof text === 'string' ? { content: text } : text;
    if (t === null || typeof t !== 'object' || typeof t.content !== 'string') throw new TypeError('polyfmt: text is a string or {content: string, …}');
    const value = { content: t.content, encoding: t.encoding, language: t.language, tokens: t.tokens == null ? t.tokens : Array.from(t.tokens) };
    this.#write(name, { chunk_type: 'Text', value, ...common }, null);
  }

  /**
   * Writes a Sequence chunk: frames (names of other chunks), fps, duration
   * and string metadata.
   * @param {string} name
   * @param {{frames: string[], fps?: number | null, duration?: number | null, metadata?: Record<string, string> | null}} seq
   * @param {object} [opts] compression, level, logicalRegion, alignment
   */
  writeSequence(name, seq, opts) {
    const [common] = writeOptions(opts);
    if (seq === null || typeof seq !== 'object') throw new TypeError('polyfmt: a sequence is an object with frames');
    const value = { frames: seq.frames == null ? seq.frames : Array.from(seq.frames), fps: seq.fps, duration: seq.duration, metadata: seq.metadata };
    this.#write(name, { chunk_type: 'Sequence', value, ...common }, null);
  }

  /**
   * Writes a Meta chunk: any JSON value as data, with a version and an RFC
   * 3339 timestamp (now when absent).
   * @param {string} name
   * @param {{data: unknown, version?: number, timestamp?: string}} meta
   * @param {object} [opts] compression, level, logicalRegion, alignment
   */
  writeMeta(name, meta, opts) {
    const [common] = writeOptions(opts);
    if (meta === null || typeof meta !== 'object') throw new TypeError('polyfmt: meta is an object {data, version?, timestamp?}');
    const value = { version: meta.version, timestamp: meta.timestamp, data: meta.data === undefined ? null : meta.data };
    this.#write(name, { chunk_type: 'Meta', value, ...common }, null);
  }

  /**
   * Reads one chunk, decoded by type. Arrays are copies (see the module
   * notes): Tensor and Embedding data is the dtype's TypedArray, or a
   * Uint8Array of little-endian bytes for float16 (where Float16Array is
   * absent), bfloat16, complex64 and complex128.
   * @param {string} name
   */
  read(name) {
    const { desc, arrays } = this.#read(name);
    const entry = entryOf(desc.entry);
    const v = desc.value ?? {};
    switch (entry.chunkType) {
      case 'Tensor':
      case 'Embedding': {
        const a = desc.arrays.data;
        const out = { chunkType: entry.chunkType, dtype: a.dtype, shape: a.shape, data: arrayOf(a.dtype, arrays.data), entry };
        if (entry.chunkType === 'Embedding') Object.assign(out, { method: v.method ?? '', labels: v.labels ?? null });
        return out;
      }
      case 'Mesh': {
        const get = (k) => (k in arrays ? arrayOf(desc.arrays[k].dtype, arrays[k]) : null);
        return {
          chunkType: 'Mesh', vertices: get('vertices'), faces: get('faces'), normals: get('normals'), uvs: get('uvs'),
          materials: v.materials ?? null, entry,
        };
      }
      case 'Text':
        return { chunkType: 'Text', content: v.content, encoding: v.encoding, language: v.language ?? null, tokens: v.tokens ?? null, entry };
      case 'Sequence':
        return { chunkType: 'Sequence', frames: v.frames ?? [], fps: v.fps ?? null, duration: v.duration ?? null, metadata: v.metadata ?? null, entry };
      case 'Meta':
        return { chunkType: 'Meta', version: v.version, timestamp: v.timestamp, data: v.data ?? null, entry };
      default: // the library refuses unknown types before this
        throw new PolyfmtError(PF_EINTERNAL, `polyfmt: chunk ${JSON.stringify(name)} has type ${JSON.stringify(entry.chunkType)}`);
    }
  }

  /**
   * Reads one chunk in the library's flat form: its entry, its value (parsed
   * JSON), its arrays' placements and a copy of the data bytes they point
   * into.
   * @param {string} name
   */
  readFlat(name) {
    const { desc, data } = this.#read(name, true);
    return { entry: entryOf(desc.entry), value: desc.value ?? null, arrays: desc.arrays ?? {}, data };
  }

  /**
   * Reads a Tensor or Embedding's elements into out, an array the caller
   * owns and may reuse from read to read, and returns the part of out
   * written (out.subarray(0, elements); out itself when it fits exactly).
   * The chunk is decompressed inside polyfmt.wasm into a scratch buffer
   * the instance keeps (no allocation per read below 64 MiB), then copied
   * once into out: no JS array is allocated per read. Checksums are checked
   * as the file's verify option says, before out is touched.
   *
   * out is a TypedArray of the chunk's dtype (the one read() returns, or
   * one its write accepts: Float32Array for float32, Uint16Array for
   * float16 and bfloat16, …; else TypeError), or a Uint8Array for the raw
   * little-endian bytes of any dtype. Too small: PolyfmtError PF_ELIMIT,
   * naming the size needed.
   * @param {string} name
   * @param {ArrayBufferView} out
   */
  readInto(name, out) {
    const kind = typedKind(out);
    if (kind === undefined) throw new TypeError('polyfmt: readInto needs a TypedArray to fill');
    const entry = this.entry(name);
    if (entry.chunkType !== 'Tensor' && entry.chunkType !== 'Embedding') {
      throw new TypeError(`polyfmt: ${JSON.stringify(name)} is a ${entry.chunkType} chunk; readInto reads Tensor and Embedding elements`);
    }
    const d = DTYPES[entry.dtype];
    if (kind !== 'Uint8Array' && (d === undefined || !(d.array?.name === kind || d.accepts.includes(kind)))) {
      throw new TypeError(`polyfmt: ${JSON.stringify(name)} holds ${entry.dtype}, which a ${kind} cannot (pass a Uint8Array for its raw bytes)`);
    }
    const width = out.BYTES_PER_ELEMENT;
    const abi = this[ABI];
    const h = this.handle;
    const need = Number(entry.uncompressedSize);
    // The library checks the size too; staging only what fits keeps its
    // PF_ELIMIT (and the size it names) for a short out.
    const room = Math.min(out.byteLength, need);
    const [dst, temp] = abi.bulk(room);
    try {
      const n = this.#withName(name, (np, nl) => {
        const [wp] = abi.slots(1);
        abi.check(abi.e.pf_mmx_read_into(h, np, nl, dst, room, wp), h);
        return Number(abi.u64(wp));
      });
      const bytes = new Uint8Array(out.buffer, out.byteOffset, n);
      if (n > 0) bytes.set(new Uint8Array(abi.e.memory.buffer, dst, n));
      if (bigEndian && width > 1) swapBytes(bytes, width);
      return n === out.byteLength ? out : out.subarray(0, n / width);
    } finally {
      if (temp) abi.release(dst);
    }
  }

  /**
   * Rows [start, end) of a Tensor or Embedding along its first axis. Only
   * those rows of a raw chunk are read (without its whole-chunk checksum).
   * @param {string} name
   * @param {number | bigint} start
   * @param {number | bigint} end
   */
  readRows(name, start, end) {
    const abi = this[ABI];
    const h = this.handle;
    const s = BigInt.asUintN(64, BigInt(start));
    const e = BigInt.asUintN(64, BigInt(end));
    const { desc, arrays } = this.#withName(name, (np, nl) =>
      this.#readWith((jp, jl, dp, dl, bp) => abi.e.pf_mmx_read_rows(h, np, nl, s, e, jp, jl, dp, dl, bp), false));
    const a = desc.arrays.data;
    return { dtype: a.dtype, shape: a.shape, data: arrayOf(a.dtype, arrays.data), entry: entryOf(desc.entry) };
  }

  /**
   * name's directory entry, without reading the chunk (PF_ENOTFOUND if
   * there is none). A writer sees its uncommitted writes.
   * @param {string} name
   */
  entry(name) {
    const abi = this[ABI];
    const h = this.handle;
    return this.#withName(name, (np, nl) => {
      const [op, ol] = abi.slots(2);
      abi.check(abi.e.pf_mmx_entry(h, np, nl, op, ol), h);
      return entryOf(abi.takeJSON(op, ol));
    });
  }

  /**
   * Directory entries whose names start with prefix (all by default),
   * sorted by name. A writer sees its uncommitted writes.
   * @param {string} [prefix]
   */
  list(prefix = '') {
    const abi = this[ABI];
    const h = this.handle;
    return this.#withName(prefix, (pp, pl) => {
      const [op, ol] = abi.slots(2);
      abi.check(abi.e.pf_mmx_list(h, pp, pl, op, ol), h);
      return abi.takeJSON(op, ol).map(entryOf);
    });
  }

  /**
   * Deletes name at the next commit (PF_ENOTFOUND if there is none).
   * @param {string} name
   */
  delete(name) {
    const abi = this[ABI];
    const h = this.handle;
    this.#withName(name, (np, nl) => abi.check(abi.e.pf_mmx_delete(h, np, nl), h));
  }

  /** Makes every write and delete since the last commit visible at once. */
  commit() {
    const abi = this[ABI];
    abi.check(abi.e.pf_mmx_commit(this.handle), this.handle);
  }

  /** Discards every write and delete since the last commit. */
  rollback() {
    const abi = this[ABI];
    abi.check(abi.e.pf_mmx_rollback(this.handle), this.handle);
  }

  /** Commits, then rewrites the file with only the live chunks. */
  compact() {
    const abi = this[ABI];
    abi.check(abi.e.pf_mmx_compact(this.handle), this.handle);
  }
}
