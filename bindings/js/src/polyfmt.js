// Polyfmt owns one loaded polyfmt.wasm: its live instance, replaced by a
// fresh one when it traps (abi.js, Runtime).

import { runtimeOf, state } from './internal.js';
import { bindMem8File } from './mem8.js';
import { bindMmxFile } from './mmx.js';

const token = Symbol('polyfmt.internal');

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
    /** Mem8File bound to this instance. */
    this.Mem8File = bindMem8File(this);
    /** MmxFile bound to this instance. */
    this.MmxFile = bindMmxFile(this);
    if (state.default === null) state.default = this;
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

/** @internal */
export function newPolyfmt(runtime, wasi) {
  return new Polyfmt(token, runtime, wasi);
}
