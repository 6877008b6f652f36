// The mechanics of calling polyfmt.wasm: staging inputs in linear memory,
// reading out-parameters, copying returned buffers out and freeing them,
// and turning a status into a PolyfmtError. No format logic lives here.
//
// Linear memory only grows, and growth detaches every view of the old
// buffer, so no Uint8Array or DataView of memory.buffer outlives the
// statement that made it: each read takes a fresh one after the call.

import { PF_ENOMEM, PolyfmtError } from './errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Out-parameter slots: 8 slots of 8 bytes each. */
const SLOTS = 8;

export class Abi {
  /** @param {WebAssembly.Instance} instance an initialized polyfmt.wasm */
  constructor(instance) {
    /** The raw exports (see polyfmt.h; pointers and size_t are i32, uint64_t is BigInt). */
    this.e = instance.exports;
    // One scratch area for out-parameters, allocated for the lifetime of
    // the instance. Keeping its address is safe (Go's heap does not move);
    // keeping a view of it is not.
    this.scratch = this.e.pf_alloc(SLOTS * 8);
    if (this.scratch === 0) throw new PolyfmtError(PF_ENOMEM, 'pf_alloc: cannot allocate the out-parameter area');
  }

  /** The addresses of out-parameter slots 0…n-1, zeroed. */
  slots(n) {
    const dv = new DataView(this.e.memory.buffer);
    const out = [];
    for (let i = 0; i < n; i++) {
      dv.setBigUint64(this.scratch + i * 8, 0n, true);
      out.push(this.scratch + i * 8);
    }
    return out;
  }

  /**
   * The address of out-parameter slot 0, not zeroed: for the calls that
   * always write it when they succeed, read only then.
   */
  slot0() {
    return this.scratch;
  }

  u32(p) { return new DataView(this.e.memory.buffer).getUint32(p, true); }
  i32(p) { return new DataView(this.e.memory.buffer).getInt32(p, true); }
  u64(p) { return new DataView(this.e.memory.buffer).getBigUint64(p, true); }
  i64(p) { return new DataView(this.e.memory.buffer).getBigInt64(p, true); }

  /** The NUL-terminated UTF-8 string at p (library-owned, not freed). */
  cstr(p) {
    if (p === 0) return '';
    const mem = new Uint8Array(this.e.memory.buffer);
    const end = mem.indexOf(0, p);
    return decoder.decode(mem.subarray(p, end < 0 ? mem.length : end));
  }

  /**
   * Copies data into a fresh pf_alloc buffer. Returns [ptr, len]; an empty
   * input is [0, 0] (the library accepts NULL with length 0). The caller
   * frees ptr with release() in a finally block.
   * @param {Uint8Array | string | null | undefined} data
   * @returns {[number, number]}
   */
  stage(data) {
    if (data == null) return [0, 0];
    const bytes = typeof data === 'string' ? encoder.encode(data) : toBytes(data);
    if (bytes.length === 0) return [0, 0];
    const p = this.e.pf_alloc(bytes.length);
    if (p === 0) throw new PolyfmtError(PF_ENOMEM, `pf_alloc: cannot allocate ${bytes.length} bytes`);
    new Uint8Array(this.e.memory.buffer, p, bytes.length).set(bytes);
    return [p, bytes.length];
  }

  /**
   * A copy of n bytes of linear memory at p, for data the library lends
   * (never freed by the caller) or that the caller frees right after.
   * @returns {Uint8Array}
   */
  copy(p, n) {
    if (n === 0) return new Uint8Array(0);
    return new Uint8Array(this.e.memory.buffer, p, n).slice();
  }

  /** Frees a staging buffer (0 is a no-op). */
  release(p) {
    if (p !== 0) this.e.pf_free(p);
  }

  /**
   * Stages every value (see stage), calls fn with their (ptr, len) pairs
   * flattened in order, and frees them all afterwards, whatever happens.
   * @param {Array<Uint8Array | string | null | undefined>} values
   * @param {(...ptrLen: number[]) => T} fn
   * @returns {T}
   * @template T
   */
  withStaged(values, fn) {
    const staged = [];
    try {
      for (const v of values) staged.push(this.stage(v));
      return fn(...staged.flat());
    } finally {
      for (const [p] of staged) this.release(p);
    }
  }

  /**
   * Copies out the buffers whose (pointer, length) the library wrote into
   * the given slot pairs, then frees every one of them, whatever happens.
   * @param {...[number, number]} pairs [ptrSlot, lenSlot]
   * @returns {Uint8Array[]}
   */
  take(...pairs) {
    const dv = new DataView(this.e.memory.buffer);
    const ptrs = pairs.map(([ps]) => dv.getUint32(ps, true));
    const lens = pairs.map(([, ls]) => dv.getUint32(ls, true));
    try {
      return ptrs.map((p, i) => (p === 0 ? new Uint8Array(0) : new Uint8Array(dv.buffer, p, lens[i]).slice()));
    } finally {
      for (const p of ptrs) this.release(p);
    }
  }

  /** The buffer of one (pointer, length) pair, decoded as UTF-8 JSON. */
  takeJSON(ptrSlot, lenSlot) {
    const [b] = this.take([ptrSlot, lenSlot]);
    return JSON.parse(decoder.decode(b));
  }

  /** The PolyfmtError for status code on handle h (its pf_errmsg). */
  error(code, h, extra) {
    const msg = this.cstr(this.e.pf_errmsg(h)) || this.cstr(this.e.pf_errstr(code));
    return new PolyfmtError(code, msg, extra);
  }

  /** Throws the PolyfmtError for code unless it is PF_OK. */
  check(code, h) {
    if (code !== 0) throw this.error(code, h);
  }
}

/**
 * The bytes of an ArrayBuffer or view, without copying.
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {Uint8Array}
 */
export function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof SharedArrayBuffer !== 'undefined' && data instanceof SharedArrayBuffer) return new Uint8Array(data);
  throw new TypeError('polyfmt: expected a Uint8Array, ArrayBuffer or ArrayBuffer view');
}

export function utf8(bytes) {
  return decoder.decode(bytes);
}

/** camelCase option names to the library's snake_case JSON keys; "" for none. */
export function optionsJSON(opts) {
  const out = {};
  for (const [k, v] of Object.entries(opts ?? {})) {
    if (v !== undefined) out[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = v;
  }
  return Object.keys(out).length === 0 ? '' : JSON.stringify(out);
}

/** snake_case JSON keys to camelCase, recursively. */
export function camel(v) {
  if (Array.isArray(v)) return v.map(camel);
  if (v === null || typeof v !== 'object') return v;
  const out = {};
  for (const [k, x] of Object.entries(v)) out[k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())] = camel(x);
  return out;
}

/**
 * A relative path made absolute against the working directory where there
 * is one (Node), since the module sees the filesystem through the preopened
 * root only.
 */
export function absolute(path) {
  if (typeof path !== 'string') throw new TypeError('polyfmt: path must be a string');
  if (path === '' || path.startsWith('/') || typeof process !== 'object' || typeof process.cwd !== 'function') {
    return path;
  }
  const parts = [];
  for (const seg of `${process.cwd()}/${path}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}
