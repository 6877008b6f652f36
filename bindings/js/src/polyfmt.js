// Polyfmt owns one loaded polyfmt.wasm: its live instance, replaced by a
// fresh one when it traps (abi.js, Runtime).

import { PF_EUNSUPPORTED, PolyfmtError } from './errors.js';
import { bindStatics, classAmong, detect, openBytes, openPath } from './handlefile.js';
import { runtimeOf, state } from './internal.js';
import { Mem8File } from './mem8.js';
import { MmxFile } from './mmx.js';
import { MorkFile } from './mork.js';
import { VsfFile } from './vsf.js';

const token = Symbol('polyfmt.internal');

/** Every format's file class: the registry open() picks from, by format id. */
const FILE_CLASSES = [Mem8File, MmxFile, VsfFile, MorkFile];

/** One loaded, initialized polyfmt.wasm instance. Made by load(). */
export class Polyfmt {
  /**
   * @param {symbol} key internal: use load()
   * @param {import('./abi.js').Runtime} runtime its instances
   * @param {'node' | 'shim'} wasi which WASI host runs it
   */
  constructor(key, runtime, wasi) {
    if (key !== token) throw new TypeError('polyfmt: use load() to get a Polyfmt');
    runtimeOf.set(this, runtime);
    /** Which WASI host runs the module: "node" (node:wasi) or "shim" (src/wasi-shim.js). */
    this.wasi = wasi;
    // Each file class bound to this instance (this.Mem8File, this.MmxFile),
    // by name and by format id.
    for (const cls of FILE_CLASSES) {
      const bound = bindStatics(cls, this);
      this[cls.name] = bound;
      this.#classes.set(cls.formatId, bound);
    }
    if (state.default === null) state.default = this;
  }

  /** The bound file classes by format id. */
  #classes = new Map();

  /**
   * The file class of a format (its name or PF_FORMAT_* id), bound to this
   * instance. PF_EUNSUPPORTED for a format this package has no class for.
   * @param {string | number} format
   */
  fileClass(format) {
    if (typeof format === 'number') return classAmong(this.#classes, format);
    const cls = [...this.#classes.values()].find((c) => c.format === format);
    if (cls === undefined) throw new PolyfmtError(PF_EUNSUPPORTED, `polyfmt: no file class for a format named ${JSON.stringify(format)}`);
    return cls;
  }

  /**
   * Opens a file of any format, detected from its first bytes, as its
   * format's class (Mem8File, MmxFile, VsfFile, MorkFile): bytes (a copy is opened, read-only
   * or writable in memory) or, in Node, a path (read-only, or writable with
   * the writer lock). Further options are the format's open options.
   * Bytes no format claims are PF_EFORMAT naming them; no bytes at all
   * PF_EBADARG (nothing to detect: create a file with a format's class).
   * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} source
   * @param {{writable?: boolean} & Record<string, unknown>} [opts]
   */
  open(source, opts = {}) {
    const classFor = (id) => classAmong(this.#classes, id);
    if (typeof source === 'string') return openPath(this, null, source, opts, classFor);
    return openBytes(this, null, source, opts, classFor);
  }

  /**
   * The name of the format ("mem8", "mmx", "vsf", "mork") of bytes (their first 16
   * suffice) or, in Node, of the file at a path. PF_EFORMAT, naming the
   * bytes, when no format claims them.
   * @param {string | Uint8Array | ArrayBuffer | ArrayBufferView} source
   */
  detect(source) {
    return detect(this, source);
  }

  /**
   * The raw exports of the live instance, as polyfmt.h declares them (i32
   * pointers, BigInt for uint64_t), without the trap handling of the
   * package's own calls.
   */
  get exports() {
    return runtimeOf.get(this).abi.raw;
  }

  /**
   * Which instance of the module is live: 1, then one more each time an
   * instance trapped and was replaced.
   */
  get instanceGeneration() {
    return runtimeOf.get(this).abi.generation;
  }

  /** The library version as major<<16 | minor<<8 | patch. */
  versionNumber() {
    const abi = runtimeOf.get(this).abi;
    const out = abi.slot0();
    abi.check(abi.e.pf_version(out), 0);
    return abi.u32(out);
  }

  /** The library version, "major.minor.patch". */
  version() {
    const v = this.versionNumber();
    return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
  }

  /** The library's static description of a status code (pf_errstr). */
  errstr(code) {
    const abi = runtimeOf.get(this).abi;
    return abi.cstr(abi.e.pf_errstr(code));
  }

  /** The last error recorded on handle (pf_errmsg; 0: calls without an open handle). */
  errmsg(handle) {
    const abi = runtimeOf.get(this).abi;
    return abi.cstr(abi.e.pf_errmsg(handle));
  }
}

/** The first Polyfmt loaded, for the top-level helpers. */
function defaultPolyfmt(what) {
  if (state.default === null) throw new Error(`polyfmt: await load() before using ${what}()`);
  return state.default;
}

/** Polyfmt.open on the first instance loaded (like the exported classes' statics). */
export function open(source, opts) {
  return defaultPolyfmt('open').open(source, opts);
}

/** Polyfmt.detect on the first instance loaded. */
export function detectFormat(source) {
  return defaultPolyfmt('detect').detect(source);
}

/** @internal */
export function newPolyfmt(runtime, wasi) {
  return new Polyfmt(token, runtime, wasi);
}
