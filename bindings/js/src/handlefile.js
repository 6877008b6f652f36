// What every file class shares: construction only through its statics, the
// statics that open, create or load a file (one library export each, named
// pf_<format>_create / _open / _open_bytes), closing (also by the finalizer
// for a file dropped without close()), and per-instance binding of the
// statics.
//
// A file belongs to the instance it was opened on (its Abi): when that
// instance traps, every later call on the file throws PF_EBADHANDLE, while
// the statics open files on a fresh instance. A writer on disk holds the
// lock file <path>.lock (lock.js); the statics first remove a stale one.

import { absolute, optionsJSON, toBytes } from './abi.js';
import { runtimeOf, state } from './internal.js';

/** Proves a constructor call comes from the statics below. */
export const token = Symbol('polyfmt.file');

export const dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

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

/**
 * Closes file's handle: the close() of Mem8File and MmxFile, after which
 * the finalizer leaves it alone.
 */
export function closeFile(file, abi, h) {
  finalizer.unregister(file);
  closeHandle(abi, h);
}

/** Base of Mem8File and MmxFile; subclasses set `static format`. */
export class HandleFile {
  /** @internal */
  constructor(key, abi, handle) {
    if (key !== token) throw new TypeError(`polyfmt: use ${new.target.name}.create, open or fromBytes`);
    finalizer.register(this, { abi, h: handle }, this);
  }

  /** The Polyfmt instance the statics use: the first one loaded. */
  static get polyfmt() {
    if (state.default === null) throw new Error(`polyfmt: await load() before using ${this.name}`);
    return state.default;
  }

  /**
   * Runs an open-like export that writes a handle to slot 0. lockFor is the
   * absolute path of a file opened for writing on disk (else null): a stale
   * lock file is removed first, and the handle is recorded as holding it.
   */
  static #openWith(cls, lockFor, fn) {
    const runtime = runtimeOf.get(cls.polyfmt);
    if (lockFor !== null) runtime.locks?.reclaim(lockFor);
    const abi = runtime.abi;
    const out = abi.slot0();
    abi.check(fn(abi, abi.e, out), 0);
    const h = abi.u32(out);
    if (lockFor !== null && runtime.locks) abi.held.set(h, lockFor);
    return new cls(token, abi, h);
  }

  /**
   * Creates a new file at path (truncating it), locked for writing
   * (PF_ELOCKED while another writer holds it); with no path, an in-memory
   * file (read its image with toBytes()).
   */
  static create(path, opts) {
    if (path !== undefined && path !== null && typeof path === 'object') [path, opts] = [undefined, path];
    const fn = `pf_${this.format}_create`;
    const abs = path ? absolute(path) : '';
    return HandleFile.#openWith(this, abs || null, (abi, e, out) =>
      abi.withStaged([abs, optionsJSON(opts)], (pp, pl, op, ol) => e[fn](pp, pl, op, ol, out)));
  }

  /**
   * Opens a file on disk: read-only, or with writable for writing (takes the
   * writer lock, PF_ELOCKED while another writer in any process or language
   * holds it; repairs a torn tail). Needs a filesystem: Node, not a browser.
   */
  static open(path, opts = {}) {
    const { writable = false, ...rest } = opts;
    const fn = `pf_${this.format}_open`;
    const abs = absolute(path);
    return HandleFile.#openWith(this, writable && abs !== '' ? abs : null, (abi, e, out) =>
      abi.withStaged([abs, optionsJSON(rest)], (pp, pl, op, ol) => e[fn](pp, pl, writable ? 1 : 0, op, ol, out)));
  }

  /** Opens a copy of a file image: read-only, or writable in memory. Works everywhere. */
  static fromBytes(bytes, opts = {}) {
    const data = toBytes(bytes);
    const fn = `pf_${this.format}_open_bytes`;
    return HandleFile.#openWith(this, null, (abi, e, out) =>
      abi.withStaged([data], (dp, dl) => e[fn](dp, dl, opts.writable ? 1 : 0, out)));
  }
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
