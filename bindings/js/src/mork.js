// MORK files (.mtts, .paths, .act, .pathmap, .mttm): the file class of the
// MORK format (HandleFile owns the handle and its lifecycle; this adds
// MORK's verbs), and the file-less calls (encoding MeTTa, printing a path,
// migrating a space file). Every container is a sorted set of byte paths
// with u64 values; paths cross the ABI as their bytes, lists of them as
// records (u32 LE length, the path, u64 LE value), values in JSON as
// decimal strings. Parsing MeTTa, encoding, printing, matching and every
// container's bytes live in the library: this file stages arguments,
// decodes the records and the JSON, and maps u64 to BigInt.
//
// Every Uint8Array a read returns is a copy with its own ArrayBuffer, cut
// from a buffer copied out of linear memory right after the call.

import { bytesOfHex, optionsJSON, toBytes, utf8 } from './abi.js';
import { PF_EINTERNAL, PF_ENOTFOUND, PolyfmtError } from './errors.js';
import { ABI, fileless, HandleFile } from './handlefile.js';

const encoder = new TextEncoder();

/** The largest u64. */
const U64_MAX = (1n << 64n) - 1n;

/** A u64 given as a BigInt, a safe non-negative integer or a decimal string. */
function u64Of(v, what) {
  let b;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else if (typeof v === 'string' && /^\d+$/.test(v)) b = BigInt(v);
  else throw new TypeError(`polyfmt: ${what} is a BigInt, a safe integer or a decimal string, not ${typeof v === 'bigint' ? v : String(v)}`);
  if (b < 0n || b > U64_MAX) throw new RangeError(`polyfmt: ${what} ${b} is not in the range of a u64 (0…2^64-1)`);
  return b;
}

/** A limit: a non-negative safe integer (0: no limit), as the BigInt the export takes. */
function limitOf(v) {
  if (v === undefined || v === null) return 0n;
  return u64Of(v, 'limit');
}

/** Unix seconds from a number, a BigInt or a Date (0: now), as a JSON-safe number. */
function secondsOf(v, what) {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`polyfmt: ${what} must be a valid Date from 1970 on`);
    return Math.floor(ms / 1000);
  }
  const b = u64Of(v, what);
  if (b > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`polyfmt: ${what} ${b} is past 2^53 seconds`);
  return Number(b);
}

/** The bytes of a text or of binary data (a path, a symbol, a key). */
function bytesOf(v, what) {
  if (typeof v === 'string') return encoder.encode(v);
  try {
    return toBytes(v);
  } catch {
    throw new TypeError(`polyfmt: ${what} is a Uint8Array (or an ArrayBuffer or view) or a string`);
  }
}

function textOf(v, what) {
  if (typeof v !== 'string') throw new TypeError(`polyfmt: ${what} is a string of MeTTa text`);
  return v;
}

/**
 * The records pf_mork_paths writes (u32 LE length, the path, u64 LE value,
 * repeated), each path a copy of its own.
 */
function records(buf) {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = [];
  for (let i = 0; i < buf.length;) {
    const end = i + 4 <= buf.length ? i + 4 + dv.getUint32(i, true) + 8 : Infinity;
    if (end > buf.length) {
      throw new PolyfmtError(PF_EINTERNAL, `polyfmt: pf_mork_paths returned ${buf.length} bytes ending inside a record`);
    }
    out.push({ path: buf.slice(i + 4, end - 8), value: dv.getBigUint64(end - 8, true) });
    i = end;
  }
  return out;
}

/** An open MORK container, on disk or in memory. Close it (or `using` it) when done. */
export class MorkFile extends HandleFile {
  static format = 'mork';

  /** The container kind, read once (a file keeps its kind). */
  #kind = null;

  /** Runs an export writing one (ptr, len) buffer (Abi.callOut); returns a copy of it. */
  #buffer(values, call) {
    const h = this.handle;
    return this[ABI].callOut(h, values, (e, ...args) => call(e, h, ...args));
  }

  /**
   * A path as the file stores it: bytes as given; a string is MeTTa text
   * encoded with the file's symbols (encode()), or in a multiplicities
   * file, whose paths are UTF-8 keys, the key itself.
   */
  #path(p) {
    if (typeof p === 'string') return this.encode(p); // the library encodes a multiplicities key as its bytes
    return bytesOf(p, 'a path');
  }

  /**
   * #path for a lookup: null for MeTTa text naming a symbol an interned
   * space's table lacks (no path of the file can hold it), as a query
   * naming one matches nothing.
   */
  #lookupPath(p) {
    try {
      return this.#path(p);
    } catch (err) {
      if (typeof p === 'string' && err instanceof PolyfmtError && err.code === PF_ENOTFOUND) return null;
      throw err;
    }
  }

  /** "space", "pathmap1", "paths", "act", "symbols" or "mult". */
  get kind() {
    if (this.#kind === null) this.#kind = this.info().kind;
    return this.#kind;
  }

  /** True when the space stores its symbols as ids of its symbol table. */
  get interned() {
    return this.info().interned;
  }

  /** How many paths the file holds (an ACT read in place is walked). */
  get length() {
    const abi = this[ABI];
    const h = this.handle;
    const out = abi.slot0();
    abi.check(abi.e.pf_mork_len(h, out), h);
    return Number(abi.u64(out));
  }

  /**
   * Parses MeTTa text and adds every top-level expression to a writable
   * space, path file or ACT; returns how many. intern stores symbols as ids
   * of the file's table; value is every new path's value. A syntax error
   * is PF_EFORMAT, a limit PF_ELIMIT, the message naming line and column;
   * the expressions before it are added (the error's `imported`).
   * @param {string} text
   * @param {{intern?: boolean, value?: bigint | number}} [opts]
   * @returns {number}
   */
  importText(text, opts = {}) {
    const o = { ...opts };
    if (o.value !== undefined) o.value = u64Of(o.value, 'value').toString();
    const abi = this[ABI];
    const h = this.handle;
    return abi.withStaged([textOf(text, 'text'), optionsJSON(o)], (tp, tl, op, ol) => {
      const [out] = abi.slots(1);
      const rc = abi.e.pf_mork_import(h, tp, tl, op, ol, out);
      if (rc !== 0) throw abi.error(rc, h, { imported: Number(abi.u64(out)) });
      return Number(abi.u64(out));
    });
  }

  /**
   * Adds a path with a value (replacing the value of a path already
   * there). In a space the path must be one MORK expression; MeTTa text
   * added to an interned space names symbols its table has (PF_ENOTFOUND
   * otherwise: intern() them first, or importText() with a value).
   * @param {Uint8Array | string} path
   * @param {bigint | number} [value]
   */
  add(path, value = 0n) {
    const v = BigInt.asIntN(64, u64Of(value, 'value'));
    const abi = this[ABI];
    const h = this.handle;
    abi.withStaged([this.#path(path)], (pp, pl) => abi.check(abi.e.pf_mork_add(h, pp, pl, v), h));
  }

  /**
   * Removes a path; returns whether it was there.
   * @param {Uint8Array | string} path
   */
  remove(path) {
    const abi = this[ABI];
    const h = this.handle;
    const p = this.#lookupPath(path);
    if (p === null) return false;
    return abi.withStaged([p], (pp, pl) => {
      const [out] = abi.slots(1);
      abi.check(abi.e.pf_mork_remove(h, pp, pl, out), h);
      return abi.i32(out) !== 0;
    });
  }

  /**
   * The value of a path, or undefined when the file does not hold it (as
   * for MeTTa text naming a symbol an interned space's table lacks).
   * @param {Uint8Array | string} path
   * @returns {bigint | undefined}
   */
  get(path) {
    const abi = this[ABI];
    const h = this.handle;
    const p = this.#lookupPath(path);
    if (p === null) return undefined;
    return abi.withStaged([p], (pp, pl) => {
      const [vp, fp] = abi.slots(2);
      abi.check(abi.e.pf_mork_get(h, pp, pl, vp, fp), h);
      return abi.i32(fp) !== 0 ? abi.u64(vp) : undefined;
    });
  }

  /** Whether the file holds a path. */
  has(path) {
    return this.get(path) !== undefined;
  }

  /**
   * The paths starting with prefix (bytes; a string is its UTF-8 bytes),
   * all by default, in byte order, at most limit of them (0: no limit).
   * @param {{prefix?: Uint8Array | string, limit?: number | bigint}} [opts]
   * @returns {{path: Uint8Array, value: bigint}[]}
   */
  paths({ prefix, limit } = {}) {
    const pre = prefix === undefined || prefix === null ? null : bytesOf(prefix, 'a prefix');
    const lim = limitOf(limit);
    return records(this.#buffer([pre], (e, h, pp, pl, op, ol) => e.pf_mork_paths(h, pp, pl, lim, op, ol)));
  }

  /**
   * One MeTTa expression encoded as this file's paths store it: symbols as
   * ids of its table in an interned space (PF_ENOTFOUND for one the table
   * lacks), else as written.
   * @param {string} text
   */
  encode(text) {
    return this.#buffer([textOf(text, 'text')], (e, h, tp, tl, op, ol) => e.pf_mork_encode(h, tp, tl, op, ol));
  }

  /**
   * A path printed as MeTTa (variables named $a, $b, …), interned symbols
   * resolved through the file's table.
   * @param {Uint8Array} path
   */
  print(path) {
    return utf8(this.#buffer([bytesOf(path, 'a path')], (e, h, pp, pl, op, ol) => e.pf_mork_print(h, pp, pl, op, ol)));
  }

  /**
   * A path as text: a multiplicities file's UTF-8 key, any other's path
   * printed as MeTTa (the same as print(), whose library call gives a
   * multiplicities file's key as it is).
   * @param {Uint8Array} path
   */
  text(path) {
    return this.print(path);
  }

  /** Every path as text (see text()), in byte order. */
  *[Symbol.iterator]() {
    yield* this.#texts(null);
  }

  /** Every [text, value] pair, in byte order. */
  *entries() {
    const records = this.paths();
    const texts = this.#texts(records);
    if (texts.length !== records.length) {
      throw new PolyfmtError(PF_EINTERNAL, `polyfmt: the file printed ${texts.length} paths of ${records.length}`);
    }
    for (let i = 0; i < records.length; i++) yield [texts[i], records[i].value];
  }

  /**
   * Every path as text, in byte order, in one call rather than one a path:
   * the lines of export("metta") (a printed path holds no newline); a
   * multiplicities file's keys (records: its paths(), or null to read
   * them), whose "metta" lines carry counts and whose keys may hold one.
   */
  #texts(records) {
    if (this.kind === 'mult') return (records ?? this.paths()).map(({ path }) => utf8(path));
    return this.export('metta').split('\n').slice(0, -1);
  }

  /**
   * The paths matching a MeTTa pattern ("(edge $x b)": a variable matches
   * any sub-expression, a repeated one the same each time), at most limit
   * (0: no limit). Each match has its text, path, value and the bindings of
   * the pattern's variables in order of first appearance; the array's
   * `truncated` says whether limit cut the matches short.
   * @param {string} pattern
   * @param {{limit?: number | bigint}} [opts]
   */
  query(pattern, { limit } = {}) {
    const lim = limitOf(limit);
    const j = JSON.parse(utf8(this.#buffer([textOf(pattern, 'a pattern')], (e, h, pp, pl, op, ol) => e.pf_mork_query(h, pp, pl, lim, op, ol))));
    const out = j.matches.map((m) => ({ text: m.text, path: bytesOfHex(m.path), value: BigInt(m.value), bindings: m.bindings }));
    Object.defineProperty(out, 'truncated', { value: j.truncated === true });
    return out;
  }

  /**
   * The file's content as another container ("space", "pathmap1", "paths",
   * "act", "symbols", "mult": its bytes) or as MeTTa text ("metta": a
   * string, one expression per line; a multiplicities file's lines are
   * "key<TAB>count"). The file is not changed.
   * @param {string} kind
   * @param {{compression?: string, actLayout?: string, symbolLayout?: string, compressSpace?: boolean, noChecksum?: boolean, timestamp?: number | bigint | Date}} [opts]
   */
  export(kind, opts = {}) {
    if (typeof kind !== 'string') throw new TypeError('polyfmt: an export kind is a string ("metta", "space", "act", …)');
    const o = { ...opts };
    if (o.timestamp !== undefined) o.timestamp = secondsOf(o.timestamp, 'timestamp');
    const bytes = this.#buffer([kind, optionsJSON(o)], (e, h, kp, kl, op, ol, bp, bl) => e.pf_mork_export(h, kp, kl, op, ol, bp, bl));
    return kind === 'metta' || kind === 'text' ? utf8(bytes) : bytes;
  }

  /** The symbol table: text by id, in id order. */
  symbols() {
    const j = JSON.parse(utf8(this.#buffer([], (e, h, op, ol) => e.pf_mork_symbols(h, op, ol))));
    return new Map(j.symbols.map((s) => [BigInt(s.id), s.text]));
  }

  /**
   * The id of a symbol in a writable file's table, added if missing.
   * @param {string | Uint8Array} symbol
   * @returns {bigint}
   */
  intern(symbol) {
    const abi = this[ABI];
    const h = this.handle;
    return abi.withStaged([bytesOf(symbol, 'a symbol')], (sp, sl) => {
      const out = abi.slot0();
      abi.check(abi.e.pf_mork_intern(h, sp, sl, out), h);
      return abi.u64(out);
    });
  }

  /**
   * Writes the container again, whole: atomically on disk, or in memory
   * (read it with toBytes()). A 1.0 space file is written as 1.1.
   */
  commit() {
    const abi = this[ABI];
    abi.check(abi.e.pf_mork_commit(this.handle), this.handle);
  }

  /** The committed image of a file held in memory (the same as toBytes()). */
  bytes() {
    return this.toBytes();
  }

  // ---- calls that need no file: on the statics' instance ----

  /**
   * One MeTTa expression encoded as a path, symbols as written. A syntax
   * error is PF_EFORMAT, a limit PF_ELIMIT, the message naming line and
   * column.
   * @param {string} text
   */
  static encodeMeTTa(text) {
    return fileless(this.polyfmt, [textOf(text, 'text')], (e, tp, tl, op, ol) => e.pf_mork_encode(0, tp, tl, op, ol));
  }

  /**
   * An encoded path printed as MeTTa (variables named $a, $b, …), with no
   * symbol table (an interned id fails: print it through its file).
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView} path
   */
  static printPath(path) {
    return utf8(fileless(this.polyfmt, [bytesOf(path, 'a path')], (e, pp, pl, op, ol) => e.pf_mork_print(0, pp, pl, op, ol)));
  }

  /**
   * A space file in the current version (1.1), every symbol and path kept,
   * stamped with timestamp (Unix seconds or a Date; 0 or none: now); a 1.1
   * file comes back unchanged. An unknown major version is PF_EUNSUPPORTED.
   * @param {Uint8Array | ArrayBuffer | ArrayBufferView} bytes
   * @param {number | bigint | Date} [timestamp]
   */
  static migrate(bytes, timestamp = 0) {
    const ts = BigInt(secondsOf(timestamp, 'timestamp'));
    return fileless(this.polyfmt, [toBytes(bytes)], (e, dp, dl, op, ol) => e.pf_mork_migrate(dp, dl, ts, op, ol));
  }
}

/** MorkFile.encodeMeTTa on the first instance loaded. */
export function encodeMeTTa(text) {
  return MorkFile.encodeMeTTa(text);
}

/** MorkFile.printPath on the first instance loaded. */
export function printPath(path) {
  return MorkFile.printPath(path);
}

/** MorkFile.migrate on the first instance loaded. */
export function migrate(bytes, timestamp) {
  return MorkFile.migrate(bytes, timestamp);
}
