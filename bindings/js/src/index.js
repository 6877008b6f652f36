// polyfmt for JavaScript: the polyfmt.wasm module behind a small API.
// See index.d.ts for the documented surface and README.md for usage.

export { load, defaultWasmURL } from './loader.js';
export { Polyfmt, open, detectFormat as detect } from './polyfmt.js';
export { Mem8File, Mem8Block } from './mem8.js';
export { MmxFile } from './mmx.js';
export { VsfFile, VsfFile as VSF, VsfName, EagleTime, VsfValue, VsfTensorInput, VsfTensorRef, vsf } from './vsf.js';
export { MorkFile, MorkFile as Mork, encodeMeTTa, printPath, migrate } from './mork.js';
export { WasiShim, WasiExit } from './wasi-shim.js';
export { PolyfmtError, codes, codeName } from './errors.js';
export * from './codes.gen.js';
