// Polyfmt owns one instance of polyfmt.wasm.

import { Abi } from './abi.js';
import { abiOf, state } from './internal.js';
import { bindMem8File } from './mem8.js';
import { bindMmxFile } from './mmx.js';

const token = Symbol('polyfmt.internal');

/** One loaded, initialized polyfmt.wasm instance. Made by load(). */
export class Polyfmt {
  /**
   * @param {symbol} key internal: use load()
   * @param {WebAssembly.Instance} instance initialized
   * @param {'node' | 'shim'} wasi which WASI host runs it
   */
  constructor(key, instance, wasi) {
    if (key !== token) throw new TypeError('polyfmt: use load() to get a Polyfmt');
    abiOf.set(this, new Abi(instance));
    /** The raw exports, as polyfmt.h declares them (i32 pointers, BigInt for uint64_t). */
    this.exports = instance.exports;
    /** Which WASI host runs the module: "node" (node:wasi) or "shim" (src/wasi-shim.js). */
    this.wasi = wasi;
    /** Mem8File bound to this instance. */
    this.Mem8File = bindMem8File(this);
    /** MmxFile bound to this instance. */
    this.MmxFile = bindMmxFile(this);
    if (state.default === null) state.default = this;
  }

  /** The library version as major<<16 | minor<<8 | patch. */
  versionNumber() {
    const abi = abiOf.get(this);
    const out = abi.slot0();
    abi.check(this.exports.pf_version(out), 0);
    return abi.u32(out);
  }

  /** The library version, "major.minor.patch". */
  version() {
    const v = this.versionNumber();
    return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
  }

  /** The library's static description of a status code (pf_errstr). */
  errstr(code) {
    const abi = abiOf.get(this);
    return abi.cstr(this.exports.pf_errstr(code));
  }

  /** The last error recorded on handle (pf_errmsg; 0: calls without an open handle). */
  errmsg(handle) {
    const abi = abiOf.get(this);
    return abi.cstr(this.exports.pf_errmsg(handle));
  }
}

/** @internal */
export function newPolyfmt(instance, wasi) {
  return new Polyfmt(token, instance, wasi);
}
