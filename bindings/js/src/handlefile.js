// What every file class shares, whatever its format: construction only
// through its statics, which open, create or load a file through the
// format-generic exports (pf_create, pf_open, pf_open_bytes: one lifecycle
// for every format, core/format); the calls every format answers (pf_info,
// pf_verify, pf_refresh, pf_bytes); closing (also by the finalizer for a
// file dropped without close()); and per-instance binding of the statics.
// A subclass names its format (`static format = 'mem8'`) and adds only its
// own verbs.
//
// A file belongs to the instance it was opened on (its Abi): when that
// instance traps, every later call on the file throws PF_EBADHANDLE, while
// the statics open files on a fresh instance. A writer on disk holds the
// lock file <path>.lock (lock.js); the statics first remove a stale one.

import { absolute, camel, optionsJSON, toBytes } from './abi.js';
import { PF_EFORMAT, PF_EIO, PF_ENOTFOUND, PF_EUNSUPPORTED, PolyfmtError } from './errors.js';
import { DETECT_LEN, FORMATS } from './exports.gen.js';
import { runtimeOf, state } from './internal.js';

/** Proves a constructor call comes from the statics below. */
export const token = Symbol('polyfmt.file');

export const dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

/** The key of a file's Abi, for its subclass's verbs (not part of the API). */
export const ABI = Symbol('polyfmt.abi');


const byId = new Map(FORMATS.map((f) => [f.id, f]));
const byName = new Map(FORMATS.map((f) => [f.name, f]));

/** "MMX", or "format 7" for an id this package does not know. */
function titleOf(id) {
  return byId.get(id)?.title ?? `format ${id}`;
}

/**
 * Closes handle h of abi (pf_close, which commits pending writes and
 * removes the writer's lock file). On a dead instance there is nothing left
 * to close: its lock files went when it died.
 */
function closeHandle(abi, h) {
  abi.held.delete(h);
  if (abi.dead !== null) return;
  abi.check(abi.e.pf_close(h), 0);
}

// A file dropped without close() is closed when collected.
const finalizer = new FinalizationRegistry(({ abi, h }) => {
  try {
    closeHandle(abi, h);
  } catch {
    // A failed close has no one to report to.
  }
});

/** The first bytes of the file at abs path, through node:fs (throws its error). */
function readHead(fs, abs) {
  const fd = fs.openSync(abs, 'r');
  try {
    const head = new Uint8Array(DETECT_LEN);
    return head.subarray(0, fs.readSync(fd, head, 0, DETECT_LEN, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * pf_detect over the first bytes of data: the format's id, or -1 when no
 * format claims them (throw: the library's PF_EFORMAT, naming the bytes).
 */
export function detectId(abi, data, { throws = true } = {}) {
  const head = toBytes(data).subarray(0, DETECT_LEN);
  return abi.withStaged([head], (dp, dl) => {
    const [out] = abi.slots(1);
    const rc = abi.e.pf_detect(dp, dl, out);
    if (rc !== 0 && !throws) return -1;
    abi.check(rc, 0);
    return abi.i32(out);
  });
}

/** The name of the format of bytes (or, in Node, of the file at a path). */
export function detect(pf, source) {
  const runtime = runtimeOf.get(pf);
  let data = source;
  if (typeof source === 'string') {
    if (!runtime.fs) throw new PolyfmtError(PF_EUNSUPPORTED, 'polyfmt: detect(path) needs a filesystem (Node); pass the bytes');
    try {
      data = readHead(runtime.fs, absolute(source));
    } catch (err) {
      throw new PolyfmtError(err?.code === 'ENOENT' ? PF_ENOTFOUND : PF_EIO, `polyfmt: ${source}: ${err?.message ?? err}`, { cause: err });
    }
  }
  const id = detectId(runtime.abi, data);
  const f = byId.get(id);
  if (f === undefined) throw new PolyfmtError(PF_EUNSUPPORTED, `polyfmt: format ${id} is not one this package knows`);
  return f.name;
}

/**
 * Runs an open-like export and wraps the handle it writes in the class
 * classFor(format) names (format: what the export wrote to its format
 * out-parameter; 0 for pf_create). lockFor is the absolute path of a file
 * opened for writing on disk (else null): a stale lock file is removed
 * first, and the handle is recorded as holding it. A handle classFor
 * refuses is closed again.
 */
function openWith(pf, lockFor, classFor, fn) {
  const runtime = runtimeOf.get(pf);
  if (lockFor !== null) runtime.locks?.reclaim(lockFor);
  const abi = runtime.abi;
  const [out, formatOut] = abi.slots(2);
  abi.check(fn(abi, abi.e, out, formatOut), 0);
  const h = abi.u32(out);
  if (lockFor !== null && runtime.locks) abi.held.set(h, lockFor);
  let cls;
  try {
    cls = classFor(abi.i32(formatOut));
  } catch (err) {
    closeHandle(abi, h);
    throw err;
  }
  return new cls(token, abi, h);
}

/**
 * Opens a file on disk (pf_open): as cls's format (cls.formatId; the
 * library refuses another format's file before opening it), or with cls
 * null as whatever format its first bytes say.
 */
export function openPath(pf, cls, path, opts, classFor) {
  const { writable = false, ...rest } = opts ?? {};
  const abs = absolute(path);
  const want = cls === null ? 0 : cls.formatId;
  return openWith(pf, writable && abs !== '' ? abs : null, classFor, (abi, e, out, fo) =>
    abi.withStaged([abs, optionsJSON(rest)], (pp, pl, op, ol) => e.pf_open(want, pp, pl, writable ? 1 : 0, op, ol, out, fo)));
}

/**
 * Opens a copy of a file image (pf_open_bytes): as cls's format, where no
 * bytes are a new file when writable and PF_EFORMAT otherwise, or with cls
 * null as whatever format its first bytes say (no bytes: PF_EBADARG when
 * writable, there being no format to create, else PF_EFORMAT).
 */
export function openBytes(pf, cls, bytes, opts, classFor) {
  const { writable = false, ...rest } = opts ?? {};
  const data = toBytes(bytes);
  const want = cls === null ? 0 : cls.formatId;
  return openWith(pf, null, classFor, (abi, e, out, fo) =>
    abi.withStaged([data, optionsJSON(rest)], (dp, dl, op, ol) => e.pf_open_bytes(want, dp, dl, writable ? 1 : 0, op, ol, out, fo)));
}

/** pf_create for cls's format at abs path, or in memory for ''. */
function createIn(pf, cls, abs, opts) {
  return openWith(pf, abs || null, () => cls, (abi, e, out) =>
    abi.withStaged([abs, optionsJSON(opts)], (pp, pl, op, ol) => e.pf_create(cls.formatId, pp, pl, op, ol, out)));
}

function notMine(cls, name, id) {
  return new PolyfmtError(PF_EFORMAT,
    `polyfmt: ${name} is a ${titleOf(id)} file, not ${titleOf(cls.formatId)} (open() opens a file of any format)`);
}

/** The classFor of cls's statics: its own format only. */
function only(cls) {
  return (id) => {
    if (id !== cls.formatId) throw notMine(cls, 'the file', id);
    return cls;
  };
}

/** The class of format id among classes (a Map by id), PF_EUNSUPPORTED for none. */
export function classAmong(classes, id) {
  const cls = classes.get(id);
  if (cls === undefined) {
    throw new PolyfmtError(PF_EUNSUPPORTED, `polyfmt: the library opened a ${titleOf(id)} file, which this package cannot handle (update it)`);
  }
  return cls;
}

/** Base of every format's file class (Mem8File, MmxFile); subclasses set `static format`. */
export class HandleFile {
  #abi;
  #h;
  #closed = false;

  /** @internal */
  constructor(key, abi, handle) {
    if (key !== token) throw new TypeError(`polyfmt: use ${new.target.name}.create, open or fromBytes`);
    this.#abi = abi;
    this.#h = handle;
    // Read-only data properties, not getters: every verb reads both, and a
    // data property is the cheapest read there is (Mem8File.count is a
    // per-call benchmark).
    Object.defineProperty(this, ABI, { value: abi });
    Object.defineProperty(this, 'handle', { value: handle, enumerable: true });
    finalizer.register(this, { abi, h: handle }, this);
  }

  /** The format's PF_FORMAT_* number (FORMATS, generated from the library's registry). */
  static get formatId() {
    const f = byName.get(this.format);
    if (f === undefined) throw new TypeError(`polyfmt: ${this.name}.format = ${JSON.stringify(this.format)} is no format the library knows`);
    return f.id;
  }

  /** The Polyfmt instance the statics use: the first one loaded. */
  static get polyfmt() {
    if (state.default === null) throw new Error(`polyfmt: await load() before using ${this.name}`);
    return state.default;
  }

  /**
   * Creates a new file at path (truncating it), locked for writing
   * (PF_ELOCKED while another writer holds it); with no path, an in-memory
   * file (read its image with toBytes()).
   */
  static create(path, opts) {
    if (path !== undefined && path !== null && typeof path === 'object') [path, opts] = [undefined, path];
    return createIn(this.polyfmt, this, path ? absolute(path) : '', opts);
  }

  /**
   * Opens a file on disk: read-only, or with writable for writing (takes the
   * writer lock, PF_ELOCKED while another writer in any process or language
   * holds it; repairs a torn tail). Needs a filesystem: Node, not a browser.
   * A file of another format is PF_EFORMAT.
   */
  static open(path, opts = {}) {
    return openPath(this.polyfmt, this, path, opts, only(this));
  }

  /**
   * Opens a copy of a file image: read-only, or writable in memory (no
   * bytes: a new, empty file). Works everywhere.
   */
  static fromBytes(bytes, opts = {}) {
    return openBytes(this.polyfmt, this, bytes, opts, only(this));
  }

  /**
   * this[ABI] is the Abi this file's handle belongs to (for the subclass's
   * verbs), this.handle the library handle (for the raw exports): both set
   * by the constructor.
   */

  /** True once close() was called. */
  get closed() {
    return this.#closed;
  }

  /** The format's name ("mem8", "mmx"). */
  get format() {
    return this.constructor.format;
  }

  /** The file's state (pf_info): format, name, writable, recovery and the format's own fields, camelCased. */
  info() {
    const abi = this.#abi;
    const h = this.#h;
    const [op, ol] = abi.slots(2);
    abi.check(abi.e.pf_info(h, op, ol), h);
    return camel(abi.takeJSON(op, ol));
  }

  /** Reads everything committed and checks every checksum and rule of the format; throws naming the first bad block or chunk. */
  verify() {
    this.#abi.check(this.#abi.e.pf_verify(this.#h), this.#h);
  }

  /**
   * A file opened read-only from a path moves to what writers committed
   * since; returns the generation (MMX) or the block count (MEM8).
   */
  refresh() {
    const abi = this.#abi;
    const h = this.#h;
    const [out] = abi.slots(1);
    abi.check(abi.e.pf_refresh(h, out), h);
    return Number(abi.u64(out));
  }

  /** The image of a file held in memory (PF_EBADARG for a file on disk). */
  toBytes() {
    const abi = this.#abi;
    const h = this.#h;
    const [op, ol] = abi.slots(2);
    abi.check(abi.e.pf_bytes(h, op, ol), h);
    return abi.take([op, ol])[0];
  }

  /**
   * Closes the handle; a writer commits what is pending first (where the
   * format has transactions). A second close does nothing; other calls
   * then fail with PF_EBADHANDLE.
   */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    finalizer.unregister(this);
    closeHandle(this.#abi, this.#h);
  }

  [dispose]() {
    this.close();
  }
}

/**
 * Runs a handle-less export (for a file class's file-less statics) on pf's
 * live instance: see Abi.callOut. Returns a copy of the one buffer it writes.
 */
export function fileless(pf, values, call) {
  return runtimeOf.get(pf).abi.callOut(0, values, call);
}

/** A subclass of cls whose statics use pf (Polyfmt.Mem8File, Polyfmt.MmxFile). */
export function bindStatics(cls, pf) {
  const bound = class extends cls {
    static get polyfmt() {
      return pf;
    }
  };
  Object.defineProperty(bound, 'name', { value: cls.name });
  return bound;
}
