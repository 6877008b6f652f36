// VSF (.vsf) files: the file class of the VSF format (HandleFile owns the
// handle and its lifecycle; this adds VSF's verbs), and the JavaScript face
// of VSF values. Values cross the ABI in the library's JSON form (core/vsf
// json.go: every object has a "type"; integers are decimal strings, floats
// numbers or "NaN"/"Infinity"/"-Infinity"); this file maps that form to
// JavaScript values and back, and TypedArrays to the native little-endian
// tensors pf_vsf_tensor and pf_vsf_add_tensor exchange. Parsing, checking,
// encoding, hashing and signing live in the library.
//
// Every array a read returns is a copy with its own ArrayBuffer. The
// library may lend a section's bytes (pf_vsf_raw with out_borrowed = 1: a
// view of the file's image inside linear memory, owned by the handle);
// linear memory can grow and detach every view of it at the next call, so
// those bytes are copied out at once and never passed to pf_free.

import { bytesOfHex, hexOf, optionsJSON, toBytes, utf8 } from './abi.js';
import { codes, PF_EBADARG, PolyfmtError } from './errors.js';
import { dimsJSON, leBytes, typedKind, typedOf } from './arrays.js';
import { ABI, fileless, HandleFile } from './handlefile.js';

/** The Eagle epoch (1969-07-20 20:17:40 UTC) in Unix seconds. */
const EAGLE_UNIX = -14182940n;

/**
 * The TypedArray of each dtype pf_vsf_tensor names, and the bytes of one
 * component (complex: real and imaginary parts are float32 or float64,
 * interleaved). A type with no dtype (u7, i7, Spirix) reads as raw bytes.
 */
const READ_ARRAYS = {
  bool: [Uint8Array, 1], uint8: [Uint8Array, 1], int8: [Int8Array, 1],
  uint16: [Uint16Array, 2], int16: [Int16Array, 2], uint32: [Uint32Array, 4], int32: [Int32Array, 4],
  uint64: [BigUint64Array, 8], int64: [BigInt64Array, 8],
  float32: [Float32Array, 4], float64: [Float64Array, 8],
  complex64: [Float32Array, 4], complex128: [Float64Array, 8],
};

/** The dtype a TypedArray means when no type is given. */
const INFERRED = {
  Uint8Array: 'uint8', Uint8ClampedArray: 'uint8', Int8Array: 'int8', Uint16Array: 'uint16', Int16Array: 'int16',
  Uint32Array: 'uint32', Int32Array: 'int32', BigUint64Array: 'uint64', BigInt64Array: 'int64',
  Float32Array: 'float32', Float64Array: 'float64',
};

/** The widths read as BigInt (64 and 128 bits); narrower integers are Numbers. */
const BIG_WIDTHS = new Set(['6', '7']);

/** Smallest signed type for an integer: [type, lowest, highest]. */
const INT_RANGES = [3, 4, 5, 6, 7].map((w) => {
  const bits = 1n << BigInt(2 ** w - 1);
  return [`i${w}`, -bits, bits - 1n];
});

function badArg(msg) {
  return new PolyfmtError(PF_EBADARG, `polyfmt: ${msg}`);
}

/** A float from the JSON form: a number, or "NaN", "Infinity", "-Infinity". */
function floatOf(v) {
  return typeof v === 'string' ? Number(v) : v;
}

/** A float in the JSON form (JSON has no NaN, infinities or −0). */
function floatJSON(v) {
  if (typeof v !== 'number') throw new TypeError('polyfmt: a VSF float is a number');
  if (Number.isFinite(v) && !Object.is(v, -0)) return v;
  return Object.is(v, -0) ? '-0' : String(v);
}

/** An integer for the JSON form: a decimal string. */
function intJSON(v) {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return v;
  throw new TypeError(`polyfmt: ${String(v)} is not an exact integer (pass a BigInt, a safe integer or a decimal string)`);
}

/** A VSF name value (type d): ASCII, as distinct from text (x), which is a plain string. */
export class VsfName {
  /** @param {string} value */
  constructor(value) {
    if (typeof value !== 'string') throw new TypeError('polyfmt: a VSF name is a string');
    /** @type {string} */
    this.value = value;
    Object.freeze(this);
  }

  toString() {
    return this.value;
  }
}

/**
 * A point in Eagle Time: seconds since 1969-07-20 20:17:40 UTC (the Apollo
 * 11 landing), exact (`seconds`, a BigInt; T5…T7 or the crate's e i) or as a
 * float (`float`; t6 or the crate's e f).
 */
export class EagleTime {
  /**
   * @param {bigint | number} value a BigInt: exact whole seconds; a number: float seconds
   * @param {string} [form] the stored form ("T5", "t6", "ei5", …), as read
   */
  constructor(value, form) {
    if (typeof value === 'bigint') {
      this.seconds = value;
      this.float = null;
    } else if (typeof value === 'number') {
      this.seconds = null;
      this.float = value;
    } else {
      throw new TypeError('polyfmt: Eagle Time is a BigInt (exact seconds) or a number (float seconds)');
    }
    /** The form read from a file, or null for a time made here (the library picks one). */
    this.form = form ?? null;
    Object.freeze(this);
  }

  /**
   * The Eagle Time of a Date: exact seconds when it falls on a whole second,
   * else float seconds (millisecond precision).
   * @param {Date} d
   */
  static fromDate(d) {
    const ms = d instanceof Date ? d.getTime() : NaN;
    if (!Number.isFinite(ms)) throw new TypeError('polyfmt: EagleTime.fromDate takes a valid Date');
    if (ms % 1000 === 0) return new EagleTime(BigInt(ms / 1000) - EAGLE_UNIX);
    return new EagleTime(ms / 1000 - Number(EAGLE_UNIX));
  }

  /** True when the time is float seconds. */
  get isFloat() {
    return this.float !== null;
  }

  /** Seconds since the Unix epoch (a number; exact for whole seconds up to 2^53). */
  get unixSeconds() {
    return this.seconds !== null ? Number(this.seconds + EAGLE_UNIX) : this.float + Number(EAGLE_UNIX);
  }

  /** The time as a Date (millisecond precision; an invalid Date outside Date's range). */
  toDate() {
    return new Date(this.unixSeconds * 1000);
  }

  toString() {
    const d = this.toDate();
    return Number.isNaN(d.getTime()) ? `EagleTime(${this.seconds ?? this.float})` : d.toISOString();
  }
}

/**
 * A value with its VSF type spelled out (made by the `vsf` helpers:
 * vsf.u5(800), vsf.f5(1.5), …): `json` is the library's JSON form.
 */
export class VsfValue {
  /** @param {{type: string}} json the JSON form */
  constructor(json) {
    if (json === null || typeof json !== 'object' || typeof json.type !== 'string') {
      throw new TypeError('polyfmt: a VSF value\'s JSON form is an object with a "type"');
    }
    this.type = json.type;
    this.json = json;
    Object.freeze(this);
  }
}

/** Tensor data to add: made by vsf.tensor and vsf.bitpacked. */
export class VsfTensorInput {
  constructor(data, desc) {
    if (typedKind(data) === undefined && !(data instanceof ArrayBuffer)) {
      throw new TypeError('polyfmt: tensor data is a TypedArray (or an ArrayBuffer of raw little-endian bytes with a type)');
    }
    this.data = data;
    this.desc = desc;
    Object.freeze(this);
  }
}

/**
 * A tensor or bit-packed tensor found in a section or value: its
 * description; read() fetches its elements (VsfFile.tensor).
 */
export class VsfTensorRef {
  constructor(file, path, j) {
    Object.defineProperty(this, 'file', { value: file });
    /** The dotted path that reads it, or null for a value not in a file. */
    this.path = path;
    /** "tensor" or "bitpacked". */
    this.kind = j.type;
    /** The element type ("u4", "f6", "s64", "bool"); a bit-packed tensor's unpacked type. */
    this.elem = j.elem;
    this.shape = j.shape ?? [];
    /** Element strides of a strided (q) tensor, else null. */
    this.strides = j.strides ?? null;
    /** Bits per sample of a bit-packed tensor, else null. */
    this.bits = j.bits ?? null;
    /** Bytes of data as stored (packed, big-endian). */
    this.bytes = j.bytes;
    Object.freeze(this);
  }

  /** The elements (see VsfFile.tensor). */
  read() {
    if (this.file === null) throw new TypeError('polyfmt: this tensor was decoded from bytes, not read from a file: it has no data to read');
    return this.file.tensor(this.path);
  }
}

/**
 * A value's JSON form as a JavaScript value. file and path place tensors
 * (read later through the file); both are null for a value from bytes.
 */
function fromJSON(j, file, path) {
  const t = j.type;
  switch (t) {
    case 'bool':
      return j.value;
    case 'name':
      return new VsfName(j.value);
    case 'text':
      return j.value;
    case 'time':
      return new EagleTime(j.seconds !== undefined ? BigInt(j.seconds) : floatOf(j.float), j.form);
    case 'hash':
    case 'signature':
    case 'key':
      return { type: t, alg: j.alg, bytes: bytesOfHex(j.hex) };
    case 'struct':
      return fieldsOf(j.fields ?? [], file, path);
    case 'tensor':
    case 'bitpacked':
      return new VsfTensorRef(file, path, j);
  }
  switch (t[0]) {
    case 'u':
    case 'i':
      return BIG_WIDTHS.has(t[1]) ? BigInt(j.value) : Number(j.value);
    case 'f':
      return floatOf(j.value);
    case 'j':
      return { type: t, re: floatOf(j.re), im: floatOf(j.im) };
    case 's':
      return { type: t, frac: BigInt(j.frac), exp: BigInt(j.exp), approx: floatOf(j.approx) };
    case 'c':
      return { type: t, re: BigInt(j.re), im: BigInt(j.im), exp: BigInt(j.exp), approx: j.approx.map(floatOf) };
  }
  // A type this package does not know (a newer library): its JSON form.
  return new VsfValue(j);
}

function fieldsOf(fields, file, path) {
  return fields.map((f) => ({ name: f.name, value: fromJSON(f.value, file, path === null ? null : `${path}.${f.name}`) }));
}

/** The smallest signed type holding integer v (u7 past i7's top). */
function intType(v) {
  for (const [type, lo, hi] of INT_RANGES) if (v >= lo && v <= hi) return type;
  if (v >= 0n && v < 1n << 128n) return 'u7';
  throw new RangeError(`polyfmt: ${v} does not fit in 128 bits`);
}

/**
 * A JavaScript value in the library's JSON form, by the rule index.d.ts
 * documents (VsfValue as given; boolean → bool; string → text; integer
 * Number or BigInt → the smallest signed type; other Number → f6; …).
 */
function toJSON(v, depth = 0) {
  if (depth > 64) throw new RangeError('polyfmt: VSF values nest at most 64 deep');
  if (v instanceof VsfValue) return v.json;
  switch (typeof v) {
    case 'boolean':
      return { type: 'bool', value: v };
    case 'string':
      return { type: 'text', value: v };
    case 'number':
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? { type: intType(BigInt(v)), value: String(v) } : { type: 'f6', value: floatJSON(v) };
    case 'bigint':
      return { type: intType(v), value: v.toString() };
  }
  if (v instanceof VsfName) return { type: 'name', value: v.value };
  if (v instanceof EagleTime) {
    // A time read from a file keeps its spelling (T5, t6, ei4, ef…); one made here lets the library pick.
    const j = v.seconds !== null ? { type: 'time', seconds: v.seconds.toString() } : { type: 'time', float: floatJSON(v.float) };
    if (v.form !== null) j.form = v.form;
    return j;
  }
  if (v instanceof Date) return toJSON(EagleTime.fromDate(v));
  if (v instanceof VsfTensorRef || v instanceof VsfTensorInput || typedKind(v) !== undefined) {
    throw new TypeError('polyfmt: tensors are added as fields of their own (add(section, field, typedArray)), not inside a structure or value');
  }
  if (Array.isArray(v)) {
    return {
      type: 'struct',
      fields: v.map((f) => {
        if (f === null || typeof f !== 'object' || typeof f.name !== 'string' || !('value' in f)) {
          throw new TypeError('polyfmt: a structure is an array of {name, value} fields');
        }
        return { name: f.name, value: toJSON(f.value, depth + 1) };
      }),
    };
  }
  if (v instanceof Map) return { type: 'struct', fields: [...v].map(([name, x]) => ({ name: String(name), value: toJSON(x, depth + 1) })) };
  if (v !== null && typeof v === 'object' && typeof v.type === 'string') return typedJSON(v);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return { type: 'struct', fields: Object.entries(v).map(([name, x]) => ({ name, value: toJSON(x, depth + 1) })) };
  }
  throw new TypeError(`polyfmt: no VSF value for ${v === null ? 'null' : typeof v === 'object' ? v.constructor?.name ?? 'an object' : typeof v}`);
}

/** A typed object as a read returns it ({type:'j5', re, im}, {type:'hash', alg, bytes}, …) in JSON form. */
function typedJSON(v) {
  const t = v.type;
  switch (t) {
    case 'hash':
    case 'signature':
    case 'key':
      return { type: t, alg: v.alg ?? (t === 'hash' ? 'blake3' : 'ed25519'), hex: hexOf(toBytes(v.bytes)) };
  }
  switch (t[0]) {
    case 'j':
      return { type: t, re: floatJSON(v.re), im: floatJSON(v.im) };
    case 's':
      return { type: t, frac: intJSON(v.frac), exp: intJSON(v.exp) };
    case 'c':
      return { type: t, re: intJSON(v.re), im: intJSON(v.im), exp: intJSON(v.exp) };
    case 'u':
    case 'i':
      return { type: t, value: intJSON(v.value) };
    case 'f':
      return { type: t, value: floatJSON(v.value) };
  }
  // Anything else goes to the library as given, which names what is wrong.
  return v;
}

/** The typed helpers: vsf.u5(800), vsf.f6(1.5), vsf.j5(re, im), vsf.bitpacked(samples, 12, [h, w]), … */
const int = (type) => (v) => new VsfValue({ type, value: intJSON(v) });
const float = (type) => (v) => new VsfValue({ type, value: floatJSON(v) });
const complex = (type) => (re, im) => new VsfValue({ type, re: floatJSON(re), im: floatJSON(im) });

/** The tensor description and data to add, from a TypedArray and options. */
function tensorArgs(value, opts) {
  let input = value;
  if (!(input instanceof VsfTensorInput)) input = tensor(value, opts);
  else if (opts !== undefined) throw new TypeError('polyfmt: options go to vsf.tensor, not beside its result');
  const { data, desc } = input;
  const kind = typedKind(data);
  const d = { ...desc };
  if (d.type === undefined) {
    if (kind === undefined) throw new TypeError('polyfmt: raw tensor bytes need a type (vsf.tensor(bytes, {type, shape}))');
    d.dtype = INFERRED[kind];
    if (d.dtype === undefined) throw new TypeError(`polyfmt: no VSF element type for a ${kind}`);
  }
  if (d.shape === undefined) {
    if (kind === undefined || d.type !== undefined) throw badArg('a tensor given with a type needs its shape');
    d.shape = [data.length];
  }
  return [d, leBytes(data)];
}

/**
 * Tensor data to add with its options: shape (default: one dimension of
 * every element), strides (in elements: a strided q tensor over data),
 * type (the VSF element type, for data whose TypedArray does not say it:
 * "bool", "j5", "u7", "s64", … given as the native little-endian bytes).
 */
function tensor(data, opts = {}) {
  const desc = {};
  for (const [k, v] of Object.entries(opts ?? {})) {
    if (v === undefined || v === null) continue;
    if (k === 'shape' || k === 'strides') desc[k] = dimsJSON(v, k);
    else if (k === 'type') desc.type = v;
    else throw badArg(`unknown tensor option ${JSON.stringify(k)}`);
  }
  return new VsfTensorInput(data, desc);
}

/**
 * A bit-packed tensor of unsigned samples (Uint8Array, Uint16Array,
 * Uint32Array or BigUint64Array), each stored in `bits` bits.
 */
function bitpacked(samples, bits, shape) {
  if (!Number.isInteger(bits)) throw new TypeError('polyfmt: bits is an integer (1…64)');
  const desc = { bits };
  if (shape !== undefined) desc.shape = dimsJSON(shape, 'shape');
  return new VsfTensorInput(samples, desc);
}

/** An open VSF file, on disk or in memory. Close it (or `using` it) when done. */
export class VsfFile extends HandleFile {
  static format = 'vsf';

  /** Runs an export writing one JSON (ptr, len) pair (Abi.callOut); returns it parsed. */
  #json(values, call) {
    const h = this.handle;
    return JSON.parse(utf8(this[ABI].callOut(h, values, (e, ...args) => call(e, h, ...args))));
  }

  /** Runs an export that returns only a status. */
  #call(values, call) {
    const abi = this[ABI];
    const h = this.handle;
    abi.withStaged(values, (...args) => abi.check(call(abi.e, h, ...args), h));
  }

  static #name(name, what = 'a section name') {
    if (typeof name !== 'string') throw new TypeError(`polyfmt: ${what} must be a string`);
    return name;
  }

  /** "seed" (the seed's V2, polyfmt's default) or "crate" (the public crate's V2 form). */
  get form() {
    return this.info().form;
  }

  /** The sections' names (the header's labels), in file order. */
  get labels() {
    return this.info().labels.map((l) => l.name);
  }

  /**
   * A structured section's fields, in order, as JavaScript values.
   * PF_ENOTFOUND for no such section; PF_EBADARG for an unboxed one (raw()).
   * @param {string} name
   */
  section(name) {
    return fieldsOf(this.sectionJSON(name).fields ?? [], this, VsfFile.#name(name));
  }

  /** A structured section in the library's JSON form: {name, fields: [{name, value}]}. */
  sectionJSON(name) {
    return this.#json([VsfFile.#name(name)], (e, h, np, nl, op, ol) => e.pf_vsf_section(h, np, nl, op, ol));
  }

  /**
   * The value at a dotted path ("section.field.nested") as a JavaScript
   * value; a section alone is its fields. PF_ENOTFOUND when nothing is there.
   * @param {string} path
   */
  get(path) {
    return fromJSON(this.getJSON(path), this, path);
  }

  /** The value at a dotted path in the library's JSON form. */
  getJSON(path) {
    return this.#json([VsfFile.#name(path, 'a path')], (e, h, pp, pl, op, ol) => e.pf_vsf_get(h, pp, pl, op, ol));
  }

  /**
   * The tensor (or bit-packed tensor) at a dotted path, its elements in a
   * TypedArray of their own: see index.d.ts for which array each type gives.
   * @param {string} path
   */
  tensor(path) {
    const abi = this[ABI];
    const h = this.handle;
    return abi.withStaged([VsfFile.#name(path, 'a path')], (pp, pl) => {
      const [jp, jl, dp, dl] = abi.slots(4);
      abi.check(abi.e.pf_vsf_tensor(h, pp, pl, jp, jl, dp, dl), h);
      const [js, bytes] = abi.take([jp, jl], [dp, dl]);
      const d = JSON.parse(utf8(js));
      const out = { type: d.type, dtype: d.dtype || null, shape: d.shape ?? [], data: bytes };
      if (d.strides) out.strides = d.strides;
      if (d.bits) out.bits = d.bits;
      const arr = READ_ARRAYS[d.dtype];
      if (arr !== undefined) out.data = typedOf(arr[0], arr[1], bytes);
      return out;
    });
  }

  /**
   * A section's bytes, decompressed (an unboxed section's blob, a structured
   * one's encoding): a copy, even where the library lends a view.
   * @param {string} name
   */
  raw(name) {
    const abi = this[ABI];
    const h = this.handle;
    return abi.withStaged([VsfFile.#name(name)], (np, nl) => {
      const [dp, dl, bp] = abi.slots(3);
      abi.check(abi.e.pf_vsf_raw(h, np, nl, dp, dl, bp), h);
      if (abi.i32(bp) === 0) return abi.take([dp, dl])[0];
      return abi.copy(abi.u32(dp), abi.u32(dl));
    });
  }

  /**
   * Every check verify() makes, each {section, what, alg, status, error,
   * code}; never throws for a failed check. With key (a 32-byte public or
   * 64-byte private Ed25519 key) every signature must verify against it.
   */
  verifyReport({ key } = {}) {
    const k = key == null ? null : toBytes(key);
    return this.#json([k], (e, h, kp, kl, op, ol) => e.pf_vsf_verify_report(h, kp, kl, op, ol));
  }

  /**
   * Decodes every section and checks every hash and signature (against the
   * keys the file holds; with key, against that key only). Throws the first
   * failure: PF_ECHECKSUM for a digest or signature that does not match,
   * PF_EFORMAT for malformed bytes, …
   */
  verify({ key } = {}) {
    if (key == null) {
      super.verify();
      return;
    }
    // Given a key, a file with no signature is "unverified" with an error code.
    const failed = this.verifyReport({ key }).checks.find((c) => c.status === 'failed' || (c.status === 'unverified' && c.code));
    if (failed === undefined) return;
    const where = failed.section === '' ? 'the file' : `section ${JSON.stringify(failed.section)}`;
    throw new PolyfmtError(codes[failed.code] ?? codes.PF_EINTERNAL, `${failed.error} (${failed.what} of ${where})`);
  }

  /** The committed image of a file held in memory (the same as toBytes()). */
  bytes() {
    return this.toBytes();
  }

  /**
   * Appends a field to a structured section (made at the end if missing) of
   * a writable file; nothing is written until commit(). value is a
   * JavaScript value (see index.d.ts for the mapping), a typed helper's
   * result (vsf.u5(800)), or tensor data: a TypedArray (opts: shape,
   * strides, type), vsf.tensor(…) or vsf.bitpacked(…).
   * @param {string} section
   * @param {string} field
   * @param {unknown} value
   * @param {{shape?: number[], strides?: number[], type?: string}} [opts] for a TypedArray
   */
  add(section, field, value, opts) {
    VsfFile.#name(section);
    VsfFile.#name(field, 'a field name');
    if (value instanceof VsfTensorInput || typedKind(value) !== undefined) {
      const [desc, data] = tensorArgs(value, opts);
      this.#call([section, field, JSON.stringify(desc), data],
        (e, h, sp, sl, fp, fl, jp, jl, dp, dl) => e.pf_vsf_add_tensor(h, sp, sl, fp, fl, jp, jl, dp, dl));
      return;
    }
    if (opts !== undefined) throw new TypeError('polyfmt: add options apply to tensor data only');
    const json = JSON.stringify(toJSON(value));
    this.#call([section, field, json], (e, h, sp, sl, fp, fl, jp, jl) => e.pf_vsf_add(h, sp, sl, fp, fl, jp, jl));
  }

  /**
   * Makes or replaces an unboxed section: raw bytes (copied).
   * @param {string} name
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView} data
   */
  putUnboxed(name, data) {
    const bytes = toBytes(data);
    this.#call([VsfFile.#name(name), bytes.length === 0 ? null : bytes], (e, h, np, nl, dp, dl) => e.pf_vsf_put_unboxed(h, np, nl, dp, dl));
  }

  /**
   * A section's options: compress (zstd) and hash (algorithm names:
   * "blake3", "sha256", "sha512", "blake2b", "blake2b-512").
   * @param {string} name
   * @param {{compress?: boolean, hash?: string[]}} opts
   */
  sectionOptions(name, opts = {}) {
    if (VsfFile.#name(name) === '') throw badArg('a section name is not empty (fileOptions() sets the whole file\'s)');
    this.#options(name, opts);
  }

  /**
   * The whole file's options: hash (algorithm names) and noFileHash (the
   * seed form's default BLAKE3 of the whole file left out).
   * @param {{hash?: string[], noFileHash?: boolean}} opts
   */
  fileOptions(opts = {}) {
    this.#options('', opts);
  }

  /**
   * pf_vsf_section_options for section name ('': the file). The library
   * refuses an unknown option, or one of a section given for the file or
   * the other way round (PF_EBADARG).
   */
  #options(name, opts) {
    const o = { ...opts };
    if (o.hash != null) o.hash = Array.from(o.hash);
    this.#call([name, optionsJSON(o)], (e, h, np, nl, op, ol) => e.pf_vsf_section_options(h, np, nl, op, ol));
  }

  /**
   * Signs a section, or with name null the whole file, with a 64-byte
   * Ed25519 private key when the file is written; withKey also stores the
   * public key, so the file verifies without being given it.
   * @param {string | null} name
   * @param {Uint8Array} privateKey
   * @param {{withKey?: boolean}} [opts]
   */
  sign(name, privateKey, { withKey = false } = {}) {
    const n = name === null || name === undefined ? '' : VsfFile.#name(name);
    this.#call([n, toBytes(privateKey)], (e, h, np, nl, kp, kl) => e.pf_vsf_sign(h, np, nl, kp, kl, withKey ? 1 : 0));
  }

  /** Drops a section from the pending image (PF_ENOTFOUND if there is none). */
  remove(name) {
    this.#call([VsfFile.#name(name)], (e, h, np, nl) => e.pf_vsf_remove(h, np, nl));
  }

  /** Writes the pending image: atomically on disk, or in memory (read it with toBytes()). */
  commit() {
    const abi = this[ABI];
    abi.check(abi.e.pf_vsf_commit(this.handle), this.handle);
  }

  // ---- calls that need no file: on the statics' instance ----

  /**
   * A 64-byte Ed25519 private key (the 32-byte seed, then the public key):
   * from a 32-byte seed, or random.
   * @param {Uint8Array} [seed]
   */
  static keygen(seed) {
    return fileless(this.polyfmt, [seed == null ? null : toBytes(seed)], (e, sp, sl, op, ol) => e.pf_vsf_keygen(sp, sl, op, ol));
  }

  /**
   * The 32-byte public key of a 64-byte private key (its second half, as
   * polyfmt.h lays keygen's out).
   * @param {Uint8Array} privateKey
   */
  static publicKey(privateKey) {
    const k = toBytes(privateKey);
    if (k.length !== 64) throw badArg(`an Ed25519 private key is 64 bytes, not ${k.length}`);
    return k.slice(32);
  }

  /**
   * A VSF image rewritten in form "seed" or "crate", every section and value
   * kept. A signed file is PF_EUNSUPPORTED unless dropSignatures.
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView} bytes
   * @param {'seed' | 'crate'} to
   * @param {{dropSignatures?: boolean}} [opts]
   */
  static convert(bytes, to, { dropSignatures = false } = {}) {
    const form = { seed: 0, crate: 1 }[to];
    if (form === undefined) throw badArg(`form is "seed" or "crate", not ${JSON.stringify(to)}`);
    return fileless(this.polyfmt, [toBytes(bytes)], (e, dp, dl, op, ol) => e.pf_vsf_convert(dp, dl, form, dropSignatures ? 1 : 0, op, ol));
  }

  /** The wire bytes of one value (any value add() takes but tensors). */
  static encodeValue(value) {
    return fileless(this.polyfmt, [JSON.stringify(toJSON(value))], (e, jp, jl, op, ol) => e.pf_vsf_encode_value(jp, jl, op, ol));
  }

  /** The one value bytes hold, as a JavaScript value (PF_EFORMAT for trailing bytes). */
  static decodeValue(bytes) {
    return fromJSON(this.decodeValueJSON(bytes), null, null);
  }

  /** The one value bytes hold, in the library's JSON form. */
  static decodeValueJSON(bytes) {
    return JSON.parse(utf8(fileless(this.polyfmt, [toBytes(bytes)], (e, dp, dl, op, ol) => e.pf_vsf_decode_value(dp, dl, op, ol))));
  }
}

/**
 * The typed helpers and the file-less calls (on the first instance
 * loaded), as one namespace: `import { vsf } from 'polyfmt'`.
 */
export const vsf = Object.freeze({
  u3: int('u3'), u4: int('u4'), u5: int('u5'), u6: int('u6'), u7: int('u7'),
  i3: int('i3'), i4: int('i4'), i5: int('i5'), i6: int('i6'), i7: int('i7'),
  f5: float('f5'), f6: float('f6'),
  j5: complex('j5'), j6: complex('j6'),
  bool: (v) => new VsfValue({ type: 'bool', value: Boolean(v) }),
  name: (s) => new VsfValue({ type: 'name', value: new VsfName(s).value }),
  text: (s) => new VsfValue({ type: 'text', value: String(s) }),
  time: (t) => new VsfValue(toJSON(t instanceof Date ? EagleTime.fromDate(t) : t instanceof EagleTime ? t : new EagleTime(t))),
  hash: (alg, bytes) => new VsfValue(typedJSON({ type: 'hash', alg, bytes })),
  signature: (bytes) => new VsfValue(typedJSON({ type: 'signature', bytes })),
  key: (bytes) => new VsfValue(typedJSON({ type: 'key', bytes })),
  spirix: (type, frac, exp) => new VsfValue(typedJSON({ type, frac, exp })),
  circle: (type, re, im, exp) => new VsfValue(typedJSON({ type, re, im, exp })),
  struct: (fields) => new VsfValue(toJSON(fields instanceof Map || Array.isArray(fields) ? fields : new Map(Object.entries(fields)))),
  fromJSON: (json) => new VsfValue(json),
  tensor,
  bitpacked,
  keygen: (seed) => VsfFile.keygen(seed),
  publicKey: (priv) => VsfFile.publicKey(priv),
  convert: (bytes, to, opts) => VsfFile.convert(bytes, to, opts),
  encodeValue: (v) => VsfFile.encodeValue(v),
  decodeValue: (bytes) => VsfFile.decodeValue(bytes),
  decodeValueJSON: (bytes) => VsfFile.decodeValueJSON(bytes),
});
