// Linear memory past 2 GiB, and running out of it. wasm32 memory reaches
// 4 GiB, and every address at or above 2^31 arrives in JS as a negative
// i32: the package must read and write there all the same. Running out
// must be a PolyfmtError (PF_ENOMEM), whether the library refuses the
// allocation or the Go runtime aborts (a trap, after which the package
// starts a fresh instance), and the next call must work.
//
// To stay cheap, the low gigabytes are filled with buffers that are never
// touched (address space, not resident memory); the bytes that are read
// and compared are an MMX file of 4 × 40 MiB, written by a child process.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { defaultWasmURL, load, PF_EBADHANDLE, PF_ENOMEM, PolyfmtError } from '../src/index.js';
import { runtimeOf } from '../src/internal.js';
import { pattern, pkgDir, tempDir } from './helpers.js';

const MiB = 1 << 20;
const GiB = 1 << 30;
const CHUNK = 40 * MiB;
const CHUNKS = 4;

let file;
let bytes;

before(() => {
  // Written by another process, so this one's memory holds only what the
  // tests stage.
  file = join(tempDir({ after: (fn) => process.on('exit', fn) }), 'big.mmx');
  const src = `
    import { load } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
    import { pattern } from ${JSON.stringify(new URL('./helpers.js', import.meta.url).href)};
    const pf = await load();
    const f = pf.MmxFile.create(${JSON.stringify(file)});
    for (let i = 0; i < ${CHUNKS}; i++) {
      f.writeTensor('t/' + i, pattern(i, ${CHUNK}));
      f.commit();
    }
    f.close();
  `;
  execFileSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', src], { cwd: pkgDir, stdio: 'inherit' });
  bytes = readFileSync(file);
});

/** Whether a (a TypedArray) holds exactly the bytes of b. */
function sameBytes(a, b) {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * A fresh instance whose every pf_alloc address is recorded, and a way to
 * fill its memory up to a size with buffers never touched.
 */
async function instance(wasi = 'auto') {
  const pf = await load(defaultWasmURL, { wasi });
  const abi = runtimeOf.get(pf).abi;
  const seen = [];
  const alloc = abi.alloc.bind(abi);
  abi.alloc = (n) => {
    const p = alloc(n);
    seen.push(p);
    return p;
  };
  const pads = [];
  const fill = (size) => {
    while (pf.exports.memory.buffer.byteLength < size) pads.push(abi.alloc(256 * MiB));
  };
  const free = () => {
    for (const p of pads.splice(0)) abi.release(p);
  };
  return { pf, abi, seen, fill, free };
}

// Under node:wasi and under the shim a browser uses (its fd_write and
// friends take the same unsigned pointers).
for (const wasi of ['node', 'shim']) test(`reads and writes at addresses at and above 2 GiB (${wasi})`, async () => {
  const { pf, seen, fill, free } = await instance(wasi);
  assert.equal(pf.wasi, wasi);
  fill(2 * GiB + 64 * MiB);
  const files = [pf.MmxFile.fromBytes(bytes), pf.MmxFile.fromBytes(bytes)];
  try {
    assert.ok(pf.exports.memory.buffer.byteLength > 2 * GiB + 2 * bytes.length);
    assert.ok(seen.some((p) => p >= 2 ** 31 && p < 2 ** 32), `no buffer was staged at or above 2 GiB: ${seen}`);
    for (const f of files) {
      for (let i = 0; i < CHUNKS; i++) {
        const t = f.read(`t/${i}`);
        assert.equal(t.data.length, CHUNK);
        assert.ok(sameBytes(t.data, pattern(i, CHUNK)), `t/${i} differs`);
      }
      const rows = f.readRows('t/3', 1000, 9000);
      assert.ok(sameBytes(rows.data, pattern(3, CHUNK).subarray(1000, 9000)), 'rows differ');
    }

    // Writing there: a tensor, a mesh and the image round trip.
    const w = pf.MmxFile.create();
    const big = pattern(9, 64 * MiB);
    const f32 = new Float32Array(pattern(5, 4 * MiB).buffer);
    w.writeTensor('w/big', big, [64, MiB]);
    w.writeTensor('w/f32', f32, [MiB], { compression: 'Lz4' });
    w.writeMesh('w/mesh', { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2] });
    w.commit();
    const seenBefore = seen.length;
    assert.ok(sameBytes(w.read('w/big').data, big));
    assert.ok(sameBytes(w.read('w/f32').data, f32));
    assert.deepEqual(Array.from(w.read('w/mesh').faces), [0, 1, 2]);
    const img = w.toBytes();
    w.close();
    const again = pf.MmxFile.fromBytes(img);
    assert.ok(seen.slice(seenBefore).some((p) => p >= 2 ** 31), 'the image was not staged above 2 GiB');
    assert.ok(sameBytes(again.read('w/big').data, big));
    assert.deepEqual(again.list().map((e) => e.name), ['w/big', 'w/f32', 'w/mesh']);
    again.close();
  } finally {
    for (const f of files) f.close();
    free();
  }
});

test('running out of memory is PF_ENOMEM, and the next call works', async (t) => {
  const { pf, fill, free } = await instance();
  const held = join(tempDir(t), 'held.mmx');
  const writer = pf.MmxFile.create(held);
  writer.writeText('a', 'before');
  writer.commit();
  fill(3 * GiB + 256 * MiB);

  const open = [];
  let err;
  for (let i = 0; i < 8 && err === undefined; i++) {
    try {
      open.push(pf.MmxFile.fromBytes(bytes));
    } catch (e) {
      err = e;
    }
  }
  assert.ok(err instanceof PolyfmtError, `expected a PolyfmtError, got ${err}`);
  assert.equal(err.code, PF_ENOMEM, err.message);
  assert.equal(err.codeName, 'PF_ENOMEM');

  // The next calls work.
  assert.match(pf.version(), /^\d+\.\d+\.\d+$/);
  const w = pf.MmxFile.create();
  w.writeText('n', 'after');
  w.commit();
  const r = pf.MmxFile.fromBytes(w.toBytes());
  assert.equal(r.read('n').content, 'after');
  r.close();
  w.close();

  if (pf.instanceGeneration > 1) {
    // The Go runtime aborted: the instance was replaced, its files are gone
    // and say why, and the lock file of its writer went with it.
    assert.match(err.message, /trapped in pf_\w+ \(fatal error: out of memory/);
    for (const f of [writer, ...open]) {
      assert.throws(() => f.list(), (e) => e instanceof PolyfmtError && e.code === PF_EBADHANDLE && /trapped in pf_\w+ \(out of memory\)/.test(e.message));
    }
    assert.equal(existsSync(`${held}.lock`), false, 'the dead instance kept its lock file');
    writer.close(); // nothing left to close: no error
    for (const f of open) f.close();
    const w2 = pf.MmxFile.open(held, { writable: true });
    assert.equal(w2.read('a').content, 'before');
    w2.close();
  } else {
    // The library refused the allocation: the instance and its files live on.
    free();
    for (const f of open) {
      assert.equal(f.list().length, CHUNKS);
      f.close();
    }
    writer.writeText('b', 'after');
    writer.close();
  }
  free();
});
