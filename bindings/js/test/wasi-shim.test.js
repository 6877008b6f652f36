// The WASI shim's functions, one by one, over a plain memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { WasiShim, WasiExit } from '../src/index.js';
import { pkgDir } from './helpers.js';

function shimOver() {
  const shim = new WasiShim();
  shim.memory = new WebAssembly.Memory({ initial: 2 });
  const wasi = shim.functions();
  const dv = () => new DataView(shim.memory.buffer);
  return { shim, wasi, dv };
}

test('the import object covers every import of polyfmt.wasm, ENOSYS where not implemented', async () => {
  const mod = await WebAssembly.compile(readFileSync(join(pkgDir, 'polyfmt.wasm')));
  const imports = WebAssembly.Module.imports(mod);
  const obj = new WasiShim().importObject(mod);
  assert.deepEqual(Object.keys(obj), ['wasi_snapshot_preview1']);
  for (const imp of imports) assert.equal(typeof obj[imp.module][imp.name], 'function', imp.name);
  assert.equal(Object.keys(obj.wasi_snapshot_preview1).length, new Set(imports.map((i) => i.name)).size);
  const implemented = new Set(Object.keys(new WasiShim().functions()));
  for (const imp of imports.filter((i) => !implemented.has(i.name))) {
    assert.equal(obj.wasi_snapshot_preview1[imp.name](), 52, imp.name);
  }
});

test('a module importing from elsewhere is refused', async () => {
  // (module (import "env" "f" (func)))
  const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 2, 9, 1, 3, 101, 110, 118, 1, 102, 0, 0]);
  const mod = await WebAssembly.compile(bytes);
  assert.throws(() => new WasiShim().importObject(mod), /env\.f/);
});

test('no arguments, no environment, no preopens', () => {
  const { wasi, dv } = shimOver();
  dv().setUint32(0, 99, true);
  dv().setUint32(4, 99, true);
  assert.equal(wasi.args_sizes_get(0, 4), 0);
  assert.deepEqual([dv().getUint32(0, true), dv().getUint32(4, true)], [0, 0]);
  dv().setUint32(0, 99, true);
  assert.equal(wasi.environ_sizes_get(0, 4), 0);
  assert.equal(dv().getUint32(0, true), 0);
  assert.equal(wasi.fd_prestat_get(3, 0), 8);
});

test('clocks and randomness', () => {
  const { wasi, dv } = shimOver();
  assert.equal(wasi.clock_time_get(0, 1000n, 8), 0);
  const ms = Number(dv().getBigUint64(8, true) / 1000000n);
  assert.ok(Math.abs(ms - Date.now()) < 5000);
  assert.equal(wasi.clock_time_get(1, 1000n, 8), 0);
  const a = dv().getBigUint64(8, true);
  assert.equal(wasi.clock_time_get(1, 1000n, 8), 0);
  assert.ok(dv().getBigUint64(8, true) >= a);
  assert.equal(wasi.clock_time_get(9, 1000n, 8), 28);
  assert.equal(wasi.random_get(100, 70000), 0);
  const r = new Uint8Array(new DataView(dv().buffer).buffer, 100, 70000);
  assert.ok(r.some((x) => x !== 0));
  assert.ok(r.subarray(65536).some((x) => x !== 0), 'past the 64 KiB chunk');
});

test('fd_write goes to the console line by line; other fds are EBADF', (t) => {
  const { wasi, dv, shim } = shimOver();
  const out = t.mock.method(console, 'log', () => {});
  const err = t.mock.method(console, 'error', () => {});
  const mem = new Uint8Array(shim.memory.buffer);
  mem.set(new TextEncoder().encode('hello\nwor'), 1000);
  mem.set(new TextEncoder().encode('ld\n'), 2000);
  // two iovecs at 64: (1000, 9), (2000, 3)
  dv().setUint32(64, 1000, true);
  dv().setUint32(68, 9, true);
  dv().setUint32(72, 2000, true);
  dv().setUint32(76, 3, true);
  assert.equal(wasi.fd_write(1, 64, 2, 128), 0);
  assert.equal(dv().getUint32(128, true), 12);
  assert.deepEqual(out.mock.calls.map((c) => c.arguments[0]), ['hello', 'world']);
  assert.equal(wasi.fd_write(2, 64, 1, 128), 0);
  assert.deepEqual(err.mock.calls.map((c) => c.arguments[0]), ['hello']);
  assert.equal(wasi.fd_write(5, 64, 1, 128), 8);
});

test('poll_oneoff: clock subscriptions are due at once', () => {
  const { wasi, dv } = shimOver();
  // subscription at 256: userdata 0x1234, tag 0 (clock); event out at 512
  dv().setBigUint64(256, 0x1234n, true);
  dv().setUint8(264, 0);
  assert.equal(wasi.poll_oneoff(256, 512, 1, 600), 0);
  assert.equal(dv().getBigUint64(512, true), 0x1234n);
  assert.equal(dv().getUint16(520, true), 0);
  assert.equal(dv().getUint8(522), 0);
  assert.equal(dv().getUint32(600, true), 1);
});

test('proc_exit throws WasiExit; sched_yield succeeds', () => {
  const { wasi } = shimOver();
  assert.throws(() => wasi.proc_exit(3), (e) => e instanceof WasiExit && e.code === 3);
  assert.equal(wasi.sched_yield(), 0);
});
