// Loading polyfmt.wasm: find the bytes, compile them asynchronously (a
// browser refuses to compile a module this large synchronously on its main
// thread), pick a WASI host, instantiate, and run _initialize once. The
// compiled module is kept: an instance that traps is replaced by a fresh
// one (abi.js, Runtime).

import { checkExports, Runtime } from './abi.js';
import { NodeLocks } from './lock.js';
import { newPolyfmt } from './polyfmt.js';
import { WasiShim } from './wasi-shim.js';

const isNode = typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';

/** Where the package keeps its module: polyfmt.wasm beside package.json. */
export const defaultWasmURL = new URL('../polyfmt.wasm', import.meta.url);

let defaultLoad = null;

/**
 * Loads and initializes polyfmt.wasm. With no source, the package's own
 * polyfmt.wasm, loaded once and shared by every later call without one.
 *
 * source may be a WebAssembly.Module, the module's bytes (ArrayBuffer or a
 * view), a Response (or a promise of one), a URL, or a string: a URL, or in
 * Node a file path (relative to the working directory).
 *
 * options.wasi picks the WASI host: "auto" (node:wasi where it exists, else
 * the shim), "node", or "shim" (no filesystem; bytes only).
 *
 * @param {*} [source]
 * @param {{wasi?: 'auto' | 'node' | 'shim'}} [options]
 */
export function load(source, options = {}) {
  if ((source === undefined || source === null) && (options.wasi ?? 'auto') === 'auto') {
    defaultLoad ??= instantiate(defaultWasmURL, 'auto').catch((err) => {
      defaultLoad = null;
      throw err;
    });
    return defaultLoad;
  }
  return instantiate(source ?? defaultWasmURL, options.wasi ?? 'auto');
}

async function instantiate(source, wasiMode) {
  const module = await compile(source);
  let host = wasiMode;
  let node = null;
  if (wasiMode === 'auto' || wasiMode === 'node') {
    node = isNode ? await nodeSupport() : null;
    if (node === null && wasiMode === 'node') throw new Error('polyfmt: node:wasi is not available here');
    host = node === null ? 'shim' : 'node';
  } else if (wasiMode !== 'shim') {
    throw new TypeError(`polyfmt: options.wasi must be "auto", "node" or "shim", not ${JSON.stringify(wasiMode)}`);
  }
  const locks = node === null ? null : new NodeLocks(node.fs, process.pid, node.os.hostname());
  const prepare = () => (node === null ? shimHost(module) : nodeHost(module, node.WASI, locks.env()));

  // The first instance is made asynchronously (browsers limit synchronous
  // instantiation on their main thread); one replacing an instance that
  // trapped is made synchronously, inside the call that needs it.
  const first = prepare();
  const instance = await WebAssembly.instantiate(module, first.imports);
  checkExports(instance.exports);
  const runtime = new Runtime(first.start(instance), () => {
    const next = prepare();
    return next.start(new WebAssembly.Instance(module, next.imports));
  }, { onDeath: (abi) => locks?.drop(abi.held.values()) });
  runtime.locks = locks;
  // node:fs where paths work (the statics read a file's first bytes to detect its format).
  runtime.fs = node === null ? null : node.fs;
  return newPolyfmt(runtime, host);
}

/** What Node offers beside node:wasi: fs and os for the writer lock. null elsewhere. */
async function nodeSupport() {
  const WASI = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:wasi').then((m) => m.WASI, () => null);
  if (WASI === null) return null;
  const fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs');
  const os = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:os');
  return { WASI, fs, os };
}

/**
 * One instance's node:wasi host: its imports, and start(instance), which
 * initializes the instance and returns it with its stderr tail.
 */
function nodeHost(module, NodeWASI, env) {
  // The root is preopened as itself, so absolute paths mean what they
  // mean to the host. env names this process in the writer lock files.
  const wasi = new NodeWASI({ version: 'preview1', args: [], env, preopens: { '/': '/' }, returnOnExit: true });
  // Each node:wasi function is called through a plain JS wrapper: called
  // directly (V8's fast-call path), Node 20 frees a buffer it still uses
  // once linear memory has grown and the Go runtime next polls
  // (poll_oneoff), corrupting Node's heap. The wrapper costs one JS call.
  const imports = {};
  for (const [ns, fns] of Object.entries(wasi.getImportObject())) {
    imports[ns] = Object.fromEntries(Object.entries(fns).map(([name, fn]) => [name, (...args) => fn(...args)]));
  }
  const missing = WebAssembly.Module.imports(module)
    .filter((imp) => imports[imp.module]?.[imp.name] === undefined)
    .map((imp) => `${imp.module}.${imp.name}`);
  if (missing.length > 0) throw new Error(`polyfmt: node:wasi does not provide ${missing.join(', ')}`);
  return wasiHost(imports, wasi);
}

/** One instance's WASI shim host (no filesystem), shaped as nodeHost's. */
function shimHost(module) {
  const shim = new WasiShim();
  return wasiHost(shim.importObject(module), shim);
}

/**
 * A host of either kind: its imports (stderr tapped), and start(instance),
 * which initializes the instance through wasi and returns it with its
 * stderr tail.
 */
function wasiHost(imports, wasi) {
  const tail = tapStderr(imports);
  return {
    imports,
    start(instance) {
      tail.memory = instance.exports.memory;
      wasi.initialize(instance);
      return { instance, stderr: () => tail.text };
    },
  };
}

/**
 * How much of its stderr an instance keeps, to say why it trapped. The Go
 * runtime writes there only when it aborts, first why, then tracebacks.
 */
const STDERR_KEEP = 16384;

/**
 * Wraps fd_write in imports to keep the start of what the module writes to
 * fd 2 (still written through): the Go runtime says there why it aborts.
 */
function tapStderr(imports) {
  const tail = { memory: null, text: '' };
  const wasi = imports.wasi_snapshot_preview1;
  const write = wasi?.fd_write;
  if (typeof write !== 'function') return tail;
  const decoder = new TextDecoder();
  wasi.fd_write = (fd, iovs, iovsLen, nwritten) => {
    if (fd === 2 && tail.memory !== null && tail.text.length < STDERR_KEEP) {
      try {
        const dv = new DataView(tail.memory.buffer);
        let text = '';
        for (let i = 0; i < iovsLen; i++) {
          const at = (iovs >>> 0) + i * 8;
          text += decoder.decode(new Uint8Array(tail.memory.buffer, dv.getUint32(at, true), dv.getUint32(at + 4, true)));
        }
        tail.text += text.slice(0, STDERR_KEEP - tail.text.length);
      } catch {
        // a bad iovec: fd_write itself reports it
      }
    }
    return write(fd, iovs, iovsLen, nwritten);
  };
  return tail;
}

/** @returns {Promise<WebAssembly.Module>} */
async function compile(source) {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) return WebAssembly.compile(source);
  if (typeof source?.then === 'function') return compile(await source);
  if (typeof Response === 'function' && source instanceof Response) return compileResponse(source);
  if (source instanceof URL) return compileURL(source);
  if (typeof source === 'string') {
    if (isNode && !/^[a-z][a-z0-9+.-]+:/i.test(source)) {
      const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
      const { resolve } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:path');
      return WebAssembly.compile(await readFile(resolve(process.cwd(), source)));
    }
    return compileURL(new URL(source, globalThis.location?.href));
  }
  throw new TypeError('polyfmt: load() takes a Module, bytes, a Response, a URL or a path');
}

async function compileURL(url) {
  if (url.protocol === 'file:' && isNode) {
    const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:fs/promises');
    const { fileURLToPath } = await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:url');
    return WebAssembly.compile(await readFile(fileURLToPath(url)));
  }
  return compileResponse(await fetch(url));
}

async function compileResponse(resp) {
  if (!resp.ok) throw new Error(`polyfmt: fetching ${resp.url || 'polyfmt.wasm'}: HTTP ${resp.status}`);
  // Streaming compilation needs the right media type; otherwise compile the
  // bytes (still asynchronously).
  const type = resp.headers.get('content-type') ?? '';
  if (typeof WebAssembly.compileStreaming === 'function' && type.split(';')[0].trim() === 'application/wasm') {
    return WebAssembly.compileStreaming(resp);
  }
  return WebAssembly.compile(await resp.arrayBuffer());
}
