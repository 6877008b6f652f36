// Loading polyfmt.wasm: find the bytes, compile them asynchronously (a
// browser refuses to compile a module this large synchronously on its main
// thread), pick a WASI host, instantiate, and run _initialize once.

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
  let nodeWASI = null;
  if (wasiMode === 'auto' || wasiMode === 'node') {
    nodeWASI = isNode ? await import(/* webpackIgnore: true */ /* @vite-ignore */ 'node:wasi').then((m) => m.WASI, () => null) : null;
    if (nodeWASI === null && wasiMode === 'node') throw new Error('polyfmt: node:wasi is not available here');
    host = nodeWASI === null ? 'shim' : 'node';
  } else if (wasiMode !== 'shim') {
    throw new TypeError(`polyfmt: options.wasi must be "auto", "node" or "shim", not ${JSON.stringify(wasiMode)}`);
  }

  let instance;
  if (host === 'node') {
    // The root is preopened as itself, so absolute paths mean what they
    // mean to the host.
    const wasi = new nodeWASI({ version: 'preview1', args: [], env: {}, preopens: { '/': '/' }, returnOnExit: true });
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
    instance = await WebAssembly.instantiate(module, imports);
    wasi.initialize(instance);
  } else {
    const shim = new WasiShim();
    instance = await WebAssembly.instantiate(module, shim.importObject(module));
    shim.initialize(instance);
  }
  return newPolyfmt(instance, host);
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
