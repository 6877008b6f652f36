// The mechanics of calling polyfmt.wasm: staging inputs in linear memory,
// reading out-parameters, copying returned buffers out and freeing them,
// turning a status into a PolyfmtError, and replacing an instance that
// trapped. No format logic lives here.
//
// Linear memory only grows, and growth detaches every view of the old
// buffer, so no Uint8Array or DataView of memory.buffer outlives the
// statement that made it: each read takes a fresh one after the call.
//
// Addresses and sizes are unsigned 32-bit: wasm32 memory reaches 4 GiB,
// and an i32 the module returns arrives in JS as a signed number, so every
// pointer the module hands over is taken `>>> 0` (out-parameters are read
// with getUint32).
//
// A trap (WebAssembly.RuntimeError, or anything else thrown through the
// module, such as the WASI host's exit) leaves the Go runtime inside it
// half-way through a call: the instance is poisoned for good. The Abi of
// that instance turns the trap into a PolyfmtError (PF_ENOMEM when the Go
// runtime ran out of memory, else PF_EINTERNAL), marks itself dead and
// drops the instance; every later call on it throws PF_EBADHANDLE saying
// why. The Runtime that owns it instantiates a fresh module on its next use.

import { PF_EBADHANDLE, PF_EINTERNAL, PF_ENOMEM, PolyfmtError } from './errors.js';
import { EXPORTS } from './exports.gen.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Out-parameter slots: 8 slots of 8 bytes each. */
const SLOTS = 8;

// The most bulk output buffer (Abi.bulk) an instance keeps between calls.
const BULK_KEEP = 64 << 20;

/** What the Go runtime prints before it aborts for want of memory. */
const OOM_TEXT = /out of memory/;

/**
 * Why the Go runtime aborted, from what it wrote to stderr: its "fatal
 * error: …" line, and the line saying how much it could not allocate.
 */
function fatalLine(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  return [lines.find((l) => l.startsWith('fatal error:')), lines.find((l) => l.startsWith('runtime: out of memory'))]
    .filter((l) => l !== undefined).join('; ');
}

/**
 * The instances of one loaded module: the live one, and a fresh one in its
 * place once it traps. spawn() instantiates and initializes the module
 * synchronously and returns { instance, stderr }, stderr() being what the
 * instance wrote to fd 2 (its first 16 KiB).
 */
export class Runtime {
  /**
   * @param {{instance: WebAssembly.Instance, stderr: () => string}} first
   * @param {() => {instance: WebAssembly.Instance, stderr: () => string}} spawn
   * @param {{onDeath?: (abi: Abi) => void}} [hooks] onDeath runs once per dead instance
   */
  constructor(first, spawn, hooks = {}) {
    this.spawn = spawn;
    this.hooks = hooks;
    /** How many instances were started (1 + replacements). */
    this.generation = 0;
    this.current = this.#start(first);
  }

  #start({ instance, stderr }) {
    this.generation++;
    return new Abi(instance, { stderr, onDeath: this.hooks.onDeath, generation: this.generation });
  }

  /** The live instance's Abi: a fresh instance when the last one trapped. */
  get abi() {
    if (this.current.dead !== null) {
      let next;
      try {
        next = this.spawn();
      } catch (err) {
        throw new PolyfmtError(PF_EINTERNAL, `polyfmt: cannot start a fresh polyfmt.wasm instance after a trap: ${err?.message ?? String(err)}`, { cause: err });
      }
      this.current = this.#start(next);
    }
    return this.current;
  }
}

export class Abi {
  /**
   * @param {WebAssembly.Instance} instance an initialized polyfmt.wasm
   * @param {{stderr?: () => string, onDeath?: (abi: Abi) => void, generation?: number}} [opts]
   */
  constructor(instance, opts = {}) {
    /** The raw exports of the live instance; null once it is dead. */
    this.raw = instance.exports;
    /** Why the instance is dead ("trapped in pf_alloc (out of memory)"), or null. */
    this.dead = null;
    /** Which instance of its Runtime this is (1, 2, …). */
    this.generation = opts.generation ?? 1;
    this.stderr = opts.stderr ?? (() => '');
    this.onDeath = opts.onDeath;
    /** Host-side state of open handles (lock files), by handle. */
    this.held = new Map();
    /**
     * The exports every call goes through (see polyfmt.h; pointers and
     * size_t are i32, uint64_t is BigInt): each turns a trap into a
     * PolyfmtError and refuses calls on a dead instance.
     */
    this.e = this.#guard(instance.exports);
    // One scratch area for out-parameters, allocated for the lifetime of
    // the instance. Keeping its address is safe (Go's heap does not move);
    // keeping a view of it is not.
    this.scratch = this.alloc(SLOTS * 8);
    /** The kept bulk output buffer (see bulk), grown on demand. */
    this.bulkPtr = 0;
    this.bulkLen = 0;
  }

  /** The exports wrapped: functions guarded, memory read through (see above). */
  #guard(raw) {
    const e = {};
    for (const [name, v] of Object.entries(raw)) {
      if (typeof v !== 'function') continue;
      e[name] = (...args) => {
        if (this.dead !== null) throw this.deadError();
        try {
          return v(...args);
        } catch (err) {
          throw this.#trapped(name, err);
        }
      };
    }
    const abi = this;
    Object.defineProperty(e, 'memory', {
      get() {
        if (abi.dead !== null) throw abi.deadError();
        return abi.raw.memory;
      },
    });
    return e;
  }

  /** Marks the instance dead after a trap in export name; returns the error for that call. */
  #trapped(name, err) {
    const stderr = this.stderr();
    const fatal = fatalLine(stderr);
    const what = err instanceof Error ? `${err.name}: ${err.message}` : `${typeof err === 'symbol' ? 'exit' : 'throw'} ${String(err)}`;
    const oom = OOM_TEXT.test(fatal) || (err instanceof RangeError && /memory|allocation/i.test(err.message));
    const code = oom ? PF_ENOMEM : PF_EINTERNAL;
    this.dead = `trapped in ${name} (${oom ? 'out of memory' : fatal || what})`;
    // Drop every reference to the instance, so the collector can take it
    // and its linear memory (up to 4 GiB) while files of it still exist.
    this.raw = null;
    this.scratch = 0;
    this.stderr = () => '';
    this.e = new Proxy({}, {
      get: () => {
        throw this.deadError();
      },
    });
    try {
      this.onDeath?.(this);
    } catch {
      // best effort: the caller gets the trap either way
    }
    return new PolyfmtError(code,
      `polyfmt: polyfmt.wasm trapped in ${name} (${fatal || what}); the instance was dropped and the next call starts a fresh one (files opened on it are gone)`,
      { cause: err });
  }

  /** The error every call on a dead instance throws. */
  deadError() {
    return new PolyfmtError(PF_EBADHANDLE,
      `polyfmt: this handle belonged to polyfmt.wasm instance ${this.generation}, which ${this.dead} and was replaced; open the file again`);
  }

  /**
   * A fresh pf_alloc buffer of n bytes (n > 0), its address unsigned.
   * PF_ENOMEM when the library refuses (0).
   */
  alloc(n) {
    const p = this.e.pf_alloc(n) >>> 0;
    if (p === 0) throw new PolyfmtError(PF_ENOMEM, `pf_alloc: cannot allocate ${n} bytes`);
    return p;
  }

  /**
   * Room for n bytes of bulk output in linear memory: [address, temporary].
   * Up to BULK_KEEP bytes it is one buffer the instance keeps and grows
   * (reused by every call that fills one, never held across calls);
   * above, a fresh buffer the caller releases when temporary is true.
   * n 0 is [0, false].
   */
  bulk(n) {
    if (n === 0) return [0, false];
    if (n > BULK_KEEP) return [this.alloc(n), true];
    if (n > this.bulkLen) {
      const size = Math.max(n, Math.min(BULK_KEEP, this.bulkLen * 2));
      const p = this.alloc(size);
      this.release(this.bulkPtr);
      this.bulkPtr = p;
      this.bulkLen = size;
    }
    return [this.bulkPtr, false];
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
    p >>>= 0;
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
    const p = this.alloc(bytes.length);
    try {
      new Uint8Array(this.e.memory.buffer, p, bytes.length).set(bytes);
    } catch (err) {
      this.release(p);
      throw err;
    }
    return [p, bytes.length];
  }

  /**
   * A copy of n bytes of linear memory at p, for data the library lends
   * (never freed by the caller) or that the caller frees right after.
   * @returns {Uint8Array}
   */
  copy(p, n) {
    if (n === 0) return new Uint8Array(0);
    return new Uint8Array(this.e.memory.buffer, p >>> 0, n >>> 0).slice();
  }

  /**
   * Frees a buffer the library handed over or a staging buffer (0 is a
   * no-op; so is anything on a dead instance, whose memory is gone).
   */
  release(p) {
    if (p !== 0 && this.dead === null) this.e.pf_free(p);
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

  /**
   * Stages values (see withStaged), calls fn(e, ...ptrLen, outPtrSlot,
   * outLenSlot), throws the error of its status on handle h (0: none), and
   * returns a copy of the one buffer it wrote (freed).
   * @param {number} h
   * @param {Array<Uint8Array | string | null | undefined>} values
   * @param {(e: object, ...args: number[]) => number} fn
   * @returns {Uint8Array}
   */
  callOut(h, values, fn) {
    return this.withStaged(values, (...args) => {
      const [op, ol] = this.slots(2);
      this.check(fn(this.e, ...args, op, ol), h);
      return this.take([op, ol])[0];
    });
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
 * Checks an instance's exports against the call table generated with
 * polyfmt.h (exports.gen.js): every function is there, taking as many
 * parameters as its C declaration. A module built from another version
 * fails here, naming the export, instead of at a call with the wrong
 * arguments.
 * @param {WebAssembly.Exports} raw
 */
export function checkExports(raw) {
  for (const [name, { params }] of Object.entries(EXPORTS)) {
    const fn = raw[name];
    if (typeof fn !== 'function') {
      throw new Error(`polyfmt: polyfmt.wasm has no export ${name} (built from another version of polyfmt?)`);
    }
    if (fn.length !== params.length) {
      throw new Error(`polyfmt: polyfmt.wasm's ${name} takes ${fn.length} parameters, not the ${params.length} of polyfmt.h (built from another version of polyfmt?)`);
    }
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

/** Lowercase hex of bytes, as the library's JSON carries bytes. */
export function hexOf(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** The bytes of the library's JSON hex (a fresh Uint8Array). */
export function bytesOfHex(hex) {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
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
