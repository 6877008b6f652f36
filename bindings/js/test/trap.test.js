// What the package does when a call traps, on a stand-in for polyfmt.wasm
// whose exports trap on demand (the real module traps only when the Go
// runtime aborts, which memory.test.js provokes for real): the call throws
// a PolyfmtError (PF_ENOMEM for an out-of-memory abort, PF_EINTERNAL
// otherwise), the instance is dropped, its files then throw PF_EBADHANDLE
// saying why, and the next call runs on a fresh instance.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { PF_EBADHANDLE, PF_EINTERNAL, PF_ENOMEM, PolyfmtError } from '../src/index.js';
import { Runtime } from '../src/abi.js';
import { newPolyfmt } from '../src/polyfmt.js';

/**
 * A stand-in instance with just the exports these tests call. ctl.trap
 * makes pf_mmx_list throw ctl.trap.err after "writing" ctl.trap.stderr;
 * ctl.allocLimit makes pf_alloc refuse larger sizes (return 0).
 */
function fake(ctl) {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const dv = () => new DataView(memory.buffer);
  let top = 1024;
  let stderr = '';
  const alloc = (n) => {
    if (n > (ctl.allocLimit ?? Infinity)) return 0;
    const p = top;
    top += (n + 15) & ~15;
    return p;
  };
  let nextHandle = 1;
  const exports = {
    memory,
    pf_alloc: alloc,
    pf_free: () => 0,
    pf_errmsg: () => 0,
    pf_errstr: () => 0,
    pf_version: (out) => {
      dv().setUint32(out, 0x000102, true);
      return 0;
    },
    pf_detect: (_dp, _dl, out) => {
      dv().setInt32(out, 2, true); // PF_FORMAT_MMX
      return 0;
    },
    pf_open_bytes: (_f, _dp, _dl, _w, _op, _ol, out, outFormat) => {
      dv().setUint32(out, nextHandle++, true);
      dv().setInt32(outFormat, 2, true);
      return 0;
    },
    pf_mmx_list: (_h, _pp, _pl, op, ol) => {
      if (ctl.trap) {
        stderr += ctl.trap.stderr ?? '';
        throw ctl.trap.err;
      }
      const p = alloc(2);
      new Uint8Array(memory.buffer, p, 2).set([0x5b, 0x5d]); // []
      dv().setUint32(op, p, true);
      dv().setUint32(ol, 2, true);
      return 0;
    },
    pf_close: () => 0,
  };
  return { instance: { exports }, stderr: () => stderr };
}

function setup() {
  const ctl = { spawned: 0 };
  const runtime = new Runtime(fake(ctl), () => {
    ctl.spawned++;
    if (ctl.spawnFails) throw new Error('no more instances');
    return fake(ctl);
  });
  return { ctl, pf: newPolyfmt(runtime, 'shim') };
}

function throwsCode(fn, code, re) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof PolyfmtError, String(e));
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return true;
  });
}

test('a trap is PF_EINTERNAL, its files then PF_EBADHANDLE, and the next call runs on a fresh instance', () => {
  const { ctl, pf } = setup();
  const f = pf.MmxFile.fromBytes(new Uint8Array(8));
  const g = pf.MmxFile.fromBytes(new Uint8Array(8));
  assert.deepEqual(f.list(), []);

  const trap = new WebAssembly.RuntimeError('unreachable');
  ctl.trap = { err: trap, stderr: 'fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [running]:\n' };
  assert.throws(() => f.list(), (e) => {
    assert.ok(e instanceof PolyfmtError);
    assert.equal(e.code, PF_EINTERNAL);
    assert.match(e.message, /trapped in pf_mmx_list \(fatal error: all goroutines are asleep - deadlock!\)/);
    assert.equal(e.cause, trap);
    return true;
  });
  ctl.trap = undefined;

  // Every file of the dead instance says why, whatever it calls.
  for (const file of [f, g]) {
    throwsCode(() => file.list(), PF_EBADHANDLE, /instance 1, which trapped in pf_mmx_list \(fatal error: all goroutines are asleep - deadlock!\) and was replaced; open the file again/);
    throwsCode(() => file.info(), PF_EBADHANDLE);
  }
  assert.equal(ctl.spawned, 0, 'a fresh instance is started only when needed');
  f.close(); // nothing left to close: no error
  assert.equal(f.closed, true);

  const h = pf.MmxFile.fromBytes(new Uint8Array(8));
  assert.equal(ctl.spawned, 1);
  assert.equal(pf.instanceGeneration, 2);
  assert.deepEqual(h.list(), []);
  assert.equal(pf.version(), '0.1.2');
  throwsCode(() => g.list(), PF_EBADHANDLE);
  h.close();
  g.close();
});

test('an out-of-memory abort is PF_ENOMEM', () => {
  const { ctl, pf } = setup();
  const f = pf.MmxFile.fromBytes(new Uint8Array(8));
  ctl.trap = {
    err: new WebAssembly.RuntimeError('unreachable'),
    stderr: 'runtime: out of memory: cannot allocate 629669888-byte block (3778412544 in use)\nfatal error: out of memory\n',
  };
  throwsCode(() => f.list(), PF_ENOMEM, /fatal error: out of memory; runtime: out of memory: cannot allocate 629669888-byte block/);
  ctl.trap = undefined;
  throwsCode(() => f.list(), PF_EBADHANDLE, /trapped in pf_mmx_list \(out of memory\)/);
  assert.deepEqual(pf.MmxFile.fromBytes(new Uint8Array(8)).list(), []);
});

test('anything thrown through the module is a trap (a WASI exit throws a non-Error)', () => {
  const { ctl, pf } = setup();
  const f = pf.MmxFile.fromBytes(new Uint8Array(8));
  ctl.trap = { err: Symbol('kExitCode') };
  throwsCode(() => f.list(), PF_EINTERNAL, /trapped in pf_mmx_list \(exit Symbol\(kExitCode\)\)/);
  ctl.trap = undefined;
  throwsCode(() => f.list(), PF_EBADHANDLE);
  assert.equal(pf.instanceGeneration, 2);
});

test('pf_alloc refusing is PF_ENOMEM, and the instance lives on', () => {
  const { ctl, pf } = setup();
  const f = pf.MmxFile.fromBytes(new Uint8Array(8));
  ctl.allocLimit = 1024;
  throwsCode(() => pf.MmxFile.fromBytes(new Uint8Array(4096)), PF_ENOMEM, /pf_alloc: cannot allocate 4096 bytes/);
  assert.equal(pf.instanceGeneration, 1);
  assert.equal(ctl.spawned, 0);
  assert.deepEqual(f.list(), []);
  f.close();
});

test('a fresh instance that cannot start is PF_EINTERNAL, and is tried again on the next call', () => {
  const { ctl, pf } = setup();
  const f = pf.MmxFile.fromBytes(new Uint8Array(8));
  ctl.trap = { err: new WebAssembly.RuntimeError('unreachable') };
  throwsCode(() => f.list(), PF_EINTERNAL, /RuntimeError: unreachable/);
  ctl.trap = undefined;
  ctl.spawnFails = true;
  throwsCode(() => pf.version(), PF_EINTERNAL, /cannot start a fresh polyfmt.wasm instance after a trap: no more instances/);
  ctl.spawnFails = false;
  assert.equal(pf.version(), '0.1.2');
  assert.equal(ctl.spawned, 2);
});
