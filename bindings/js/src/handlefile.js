// What every file class shares: construction only through its statics, the
// statics that open, create or load a file (one library export each, named
// pf_<format>_create / _open / _open_bytes), the finalizer that closes a
// file dropped without close(), and per-instance binding of the statics.

import { absolute, optionsJSON, toBytes } from './abi.js';
import { abiOf, state } from './internal.js';

/** Proves a constructor call comes from the statics below. */
export const token = Symbol('polyfmt.file');

export const dispose = Symbol.dispose ?? Symbol.for('Symbol.dispose');

// A file dropped without close() is closed when collected.
const finalizer = new FinalizationRegistry(({ e, h }) => {
  try {
    e.pf_close(h);
  } catch {
    // The instance is gone or poisoned: nothing left to free.
  }
});

/** Stops the finalizer from closing file's handle (close() did). */
export function forget(file) {
  finalizer.unregister(file);
}

/** Base of Mem8File and MmxFile; subclasses set `static format`. */
export class HandleFile {
  /** @internal */
  constructor(key, abi, handle) {
    if (key !== token) throw new TypeError(`polyfmt: use ${new.target.name}.create, open or fromBytes`);
    finalizer.register(this, { e: abi.e, h: handle }, this);
  }

  /** The Polyfmt instance the statics use: the first one loaded. */
  static get polyfmt() {
    if (state.default === null) throw new Error(`polyfmt: await load() before using ${this.name}`);
    return state.default;
  }

  /** Runs an open-like export that writes a handle to slot 0. */
  static #openWith(cls, fn) {
    const abi = abiOf.get(cls.polyfmt);
    const out = abi.slot0();
    abi.check(fn(abi, abi.e, out), 0);
    return new cls(token, abi, abi.u32(out));
  }

  /**
   * Creates a new file at path (truncating it), locked for writing; with no
   * path, an in-memory file (read its image with toBytes()).
   */
  static create(path, opts) {
    if (path !== undefined && path !== null && typeof path === 'object') [path, opts] = [undefined, path];
    const fn = `pf_${this.format}_create`;
    return HandleFile.#openWith(this, (abi, e, out) =>
      abi.withStaged([path ? absolute(path) : '', optionsJSON(opts)], (pp, pl, op, ol) => e[fn](pp, pl, op, ol, out)));
  }

  /**
   * Opens a file on disk: read-only, or with writable for writing (takes the
   * writer lock, repairs a torn tail). Needs a filesystem: Node, not a browser.
   */
  static open(path, opts = {}) {
    const { writable = false, ...rest } = opts;
    const fn = `pf_${this.format}_open`;
    return HandleFile.#openWith(this, (abi, e, out) =>
      abi.withStaged([absolute(path), optionsJSON(rest)], (pp, pl, op, ol) => e[fn](pp, pl, writable ? 1 : 0, op, ol, out)));
  }

  /** Opens a copy of a file image: read-only, or writable in memory. Works everywhere. */
  static fromBytes(bytes, opts = {}) {
    const data = toBytes(bytes);
    const fn = `pf_${this.format}_open_bytes`;
    return HandleFile.#openWith(this, (abi, e, out) =>
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
