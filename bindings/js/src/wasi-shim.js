// A minimal WASI preview-1 host for polyfmt.wasm where node:wasi is absent
// (browsers, workers, other runtimes). It gives the Go runtime what it needs
// to start and to work on in-memory bytes: clocks, randomness, stdout and
// stderr to the console, empty arguments and environment, and no preopened
// directories, so paths do not work here; bytes do.
//
// The import object is built from the module's own import list: every
// function the module imports and this shim does not implement returns
// ENOSYS. Pointers arrive as signed i32 and are taken `>>> 0`: linear
// memory may be larger than 2 GiB.

const WASI_MODULE = 'wasi_snapshot_preview1';

const ESUCCESS = 0;
const EBADF = 8;
const EINVAL = 28;
const ENOSYS = 52;

const CLOCK_REALTIME = 0;
const EVENTTYPE_CLOCK = 0;

/** proc_exit was called: the module stopped itself (it cannot be used after). */
export class WasiExit extends Error {
  /** @param {number} code */
  constructor(code) {
    super(`polyfmt.wasm exited with code ${code}`);
    this.name = 'WasiExit';
    this.code = code;
  }
}

/** Line-buffers one output stream into console calls. */
class ConsoleSink {
  /** @param {(line: string) => void} emit */
  constructor(emit) {
    this.emit = emit;
    this.decoder = new TextDecoder();
    this.pending = '';
  }

  /** @param {Uint8Array} bytes */
  write(bytes) {
    this.pending += this.decoder.decode(bytes, { stream: true });
    let nl;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.emit(this.pending.slice(0, nl));
      this.pending = this.pending.slice(nl + 1);
    }
  }
}

export class WasiShim {
  constructor() {
    /** @type {WebAssembly.Memory | null} set by initialize() */
    this.memory = null;
    this.sinks = {
      1: new ConsoleSink((line) => console.log(line)),
      2: new ConsoleSink((line) => console.error(line)),
    };
  }

  /** A fresh DataView of linear memory: memory can grow during any call. */
  view() {
    return new DataView(this.memory.buffer);
  }

  /** The functions this shim implements, by WASI name. */
  functions() {
    return {
      args_sizes_get: (argcPtr, bufSizePtr) => this.zero2(argcPtr, bufSizePtr),
      args_get: () => ESUCCESS,
      environ_sizes_get: (countPtr, bufSizePtr) => this.zero2(countPtr, bufSizePtr),
      environ_get: () => ESUCCESS,
      clock_time_get: (id, _precision, timePtr) => {
        timePtr >>>= 0;
        let ns;
        if (id === CLOCK_REALTIME) {
          ns = BigInt(Date.now()) * 1000000n;
        } else if (id >= 1 && id <= 3) {
          ns = BigInt(Math.round(performance.now() * 1e6));
        } else {
          return EINVAL;
        }
        this.view().setBigUint64(timePtr, ns, true);
        return ESUCCESS;
      },
      random_get: (ptr, len) => {
        ptr >>>= 0;
        len >>>= 0;
        for (let off = 0; off < len; off += 65536) {
          const n = Math.min(65536, len - off);
          crypto.getRandomValues(new Uint8Array(this.memory.buffer, ptr + off, n));
        }
        return ESUCCESS;
      },
      fd_write: (fd, iovs, iovsLen, nwrittenPtr) => {
        iovs >>>= 0;
        nwrittenPtr >>>= 0;
        const sink = this.sinks[fd];
        if (!sink) return EBADF;
        let total = 0;
        for (let i = 0; i < iovsLen; i++) {
          const dv = this.view();
          const buf = dv.getUint32(iovs + i * 8, true);
          const len = dv.getUint32(iovs + i * 8 + 4, true);
          sink.write(new Uint8Array(this.memory.buffer, buf, len).slice());
          total += len;
        }
        this.view().setUint32(nwrittenPtr, total, true);
        return ESUCCESS;
      },
      proc_exit: (code) => {
        throw new WasiExit(code);
      },
      // No preopened directories: the Go runtime stops looking at EBADF.
      fd_prestat_get: () => EBADF,
      sched_yield: () => ESUCCESS,
      // The Go runtime's usleep polls one clock subscription and treats a
      // failure as fatal. A page cannot block, so clock subscriptions are
      // reported due at once (a sleep becomes a spin); others get ENOSYS.
      poll_oneoff: (inPtr, outPtr, nsubs, neventsPtr) => {
        inPtr >>>= 0;
        outPtr >>>= 0;
        neventsPtr >>>= 0;
        const dv = this.view();
        for (let i = 0; i < nsubs; i++) {
          const sub = inPtr + i * 48;
          const ev = outPtr + i * 32;
          const tag = dv.getUint8(sub + 8);
          dv.setBigUint64(ev, dv.getBigUint64(sub, true), true);
          dv.setUint16(ev + 8, tag === EVENTTYPE_CLOCK ? ESUCCESS : ENOSYS, true);
          dv.setUint8(ev + 10, tag);
          for (let k = 11; k < 32; k++) dv.setUint8(ev + k, 0);
        }
        dv.setUint32(neventsPtr, nsubs, true);
        return ESUCCESS;
      },
    };
  }

  zero2(a, b) {
    a >>>= 0;
    b >>>= 0;
    const dv = this.view();
    dv.setUint32(a, 0, true);
    dv.setUint32(b, 0, true);
    return ESUCCESS;
  }

  /**
   * The import object for module: what it imports from WASI, implemented or
   * answering ENOSYS. Imports from any other module are an error.
   * @param {WebAssembly.Module} module
   */
  importObject(module) {
    const impl = this.functions();
    const wasi = {};
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module !== WASI_MODULE || imp.kind !== 'function') {
        throw new Error(`polyfmt: the module imports ${imp.module}.${imp.name} (${imp.kind}), which the WASI shim does not provide`);
      }
      wasi[imp.name] = impl[imp.name] ?? (() => ENOSYS);
    }
    return { [WASI_MODULE]: wasi };
  }

  /**
   * Binds the shim to instance's memory and runs the reactor's _initialize
   * once.
   * @param {WebAssembly.Instance} instance
   */
  initialize(instance) {
    if (this.memory) throw new Error('polyfmt: WASI shim initialized twice');
    this.memory = instance.exports.memory;
    if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
  }
}
