// The Mem8File API and the raw ABI under it: writing and reading on disk
// and in memory, limits, handles, JSON import and export, the WASI shim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { deflateSync } from 'node:zlib';
import { readFileSync, statSync } from 'node:fs';

import {
  load, Mem8File, Mem8Block, PolyfmtError, codes, codeName,
  PF_ELIMIT, PF_EBADHANDLE, PF_EBADARG, PF_ENOTFOUND,
} from '../src/index.js';
import { pkgDir, tempDir, vector, vectorsDir } from './helpers.js';

const pf = await load();
const T0 = 1757894400000000;

/** Runs fn(f), then disposes of f (as `using` would). */
function use(f, fn) {
  try {
    return fn(f);
  } finally {
    f[Symbol.dispose]();
  }
}

/** Closes f when the test ends. */
function track(t, f) {
  t.after(() => f.close());
  return f;
}

/** Asserts that fn throws a PolyfmtError with the code name. */
function throwsCode(fn, name) {
  return assert.throws(fn, (err) => {
    assert.ok(err instanceof PolyfmtError, String(err));
    assert.equal(err.codeName, name);
    assert.equal(err.code, codes[name]);
    assert.ok(err.message.length > 0);
    return true;
  });
}

/** A few blocks with tokens, fixed timestamps, UTF-8 and binary content. */
function fill(f) {
  assert.equal(f.append('First memory', { importance: 0.8, token: '.rs', timestampUs: T0 }), 0);
  assert.equal(f.append('Second memory', { importance: 0.5, token: 'src/main', timestampUs: T0 + 1 }), 1);
  assert.equal(f.append(new Uint8Array([0xff, 0x00, 0x41]), { importance: 0.1, token: 'binary', timestampUs: BigInt(T0 + 2) }), 2);
  assert.equal(f.append('', { importance: 0.9, timestampUs: T0 + 3 }), 3);
}

function checkFilled(f) {
  assert.equal(f.count, 4);
  const blocks = [...f];
  assert.deepEqual(blocks.map((b) => b.index), [0, 1, 2, 3]);
  assert.deepEqual(blocks.map((b) => b.timestamp), [T0, T0 + 1, T0 + 2, T0 + 3]);
  assert.deepEqual(blocks.map((b) => b.token), ['.rs', 'src/main', 'binary', '']);
  assert.deepEqual(blocks.map((b) => b.importanceRaw), [52428, 32767, 6553, 58981]);
  assert.equal(blocks[0].text, 'First memory');
  assert.deepEqual(blocks[2].content, new Uint8Array([0xff, 0x00, 0x41]));
  assert.equal(blocks[3].content.length, 0);
  assert.ok(blocks[0] instanceof Mem8Block);
  assert.match(blocks[0].waveSignature, /^[0-9a-f]{32}$/);
  assert.match(blocks[1].prevHash, /^[0-9a-f]{64}$/);
  assert.notEqual(blocks[1].prevHash, '0'.repeat(64), 'hash chain');
  assert.deepEqual([...f.backwards()].map((b) => b.index), [3, 2, 1, 0]);
  assert.deepEqual(f.info().tokens, ['src/main', 'binary']);
  f.verify();
}

test('version', () => {
  assert.match(pf.version(), /^\d+\.\d+\.\d+$/);
  assert.equal(pf.wasi, 'node');
  assert.equal(pf.errstr(10), 'malformed input');
});

test('the default instance is shared; the unbound statics use it', async () => {
  assert.equal(await load(), pf);
  assert.equal(Mem8File.polyfmt, pf);
  const f = Mem8File.fromBytes(vector('three_blocks_fixed_ts.m8'));
  try {
    assert.ok(f instanceof Mem8File);
    assert.equal(f.count, 3);
  } finally {
    f.close();
  }
});

test('write and read back on disk, tokens persisting after reopen', (t) => {
  const path = join(tempDir(t), 'a.m8');
  use(pf.Mem8File.create(path, { identityFreq: 432, temporalPhase: 0.25 }), (f) => {
    fill(f);
    assert.equal(f.info().writable, true);
    throwsCode(() => f.toBytes(), 'PF_EBADARG');
  });
  assert.equal(statSync(path).size, 30 + 4 * 4096);
  use(pf.Mem8File.open(path), (f) => {
    checkFilled(f);
    const info = f.info();
    assert.equal(info.writable, false);
    assert.equal(info.identityFreq, 432);
    assert.equal(info.temporalPhase, 0.25);
    assert.deepEqual(info.flagNames, ['hash_chain', 'header_crc', 'tokens']);
    assert.equal(info.recovery.clean, true);
    throwsCode(() => f.append('x'), 'PF_EBADARG');
  });
  use(pf.Mem8File.open(path, { writable: true, noSync: true }), (f) => {
    assert.equal(f.append('Third', { token: 'src/main', timestampUs: T0 + 4 }), 4);
    assert.equal(f.append('Fourth', { token: 'new/token', timestampUs: T0 + 5 }), 5);
    f.sync();
  });
  use(pf.Mem8File.open(path), (f) => {
    assert.equal(f.count, 6);
    assert.equal(f.block(4).token, 'src/main');
    assert.equal(f.block(4).tokenId, f.block(1).tokenId);
    assert.equal(f.block(5).token, 'new/token');
    assert.deepEqual(f.info().tokens, ['src/main', 'binary', 'new/token']);
    f.verify();
  });
});

test('a relative path is taken from the working directory', (t) => {
  const rel = relative(process.cwd(), join(vectorsDir, 'three_blocks_fixed_ts.m8'));
  assert.ok(!rel.startsWith('/'));
  const f = track(t, pf.Mem8File.open(rel));
  assert.equal(f.count, 3);
  assert.match(f.info().name, /three_blocks_fixed_ts\.m8$/);
});

test('a missing file is PF_ENOTFOUND', (t) => {
  throwsCode(() => pf.Mem8File.open(join(tempDir(t), 'missing.m8')), 'PF_ENOTFOUND');
});

test('a reader may open a file a writer holds', (t) => {
  // The writer lock (and PF_ELOCKED across surfaces) is tested in lock.test.js.
  const path = join(tempDir(t), 'shared.m8');
  const w = track(t, pf.Mem8File.create(path));
  w.append('x');
  use(pf.Mem8File.open(path), (r) => assert.equal(r.count, 1));
  w.append('y');
  use(pf.Mem8File.open(path), (r) => assert.deepEqual([...r].map((b) => b.text), ['x', 'y']));
});

test('write and read back in memory', () => {
  let image;
  use(pf.Mem8File.create({ identityFreq: 432, temporalPhase: 0.25 }), (f) => {
    fill(f);
    checkFilled(f);
    image = f.toBytes();
    assert.equal(image.length, 30 + 4 * 4096);
  });
  use(pf.Mem8File.fromBytes(image), (f) => {
    checkFilled(f);
    throwsCode(() => f.append('x'), 'PF_EBADARG');
  });
  use(pf.Mem8File.fromBytes(image.buffer, { writable: true }), (f) => {
    assert.equal(f.append('more', { token: 'binary', timestampUs: T0 + 9 }), 4);
    const again = pf.Mem8File.fromBytes(f.toBytes());
    assert.equal(again.count, 5);
    assert.equal(again.block(4).token, 'binary');
    again.verify();
    again.close();
  });
});

test('bad options are PF_EBADARG from the library', (t) => {
  throwsCode(() => pf.Mem8File.create({ identityFrequency: 1 }), 'PF_EBADARG');
  throwsCode(() => pf.Mem8File.create(undefined, { plain: 'yes' }), 'PF_EBADARG');
  const f = track(t, pf.Mem8File.fromBytes(vector('three_blocks_fixed_ts.m8')));
  throwsCode(() => f.queryIndices({ keyword: ['x'] }), 'PF_EBADARG');
});

test('plain files are the seed layout', (t) => {
  const f = track(t, pf.Mem8File.create({ plain: true }));
  f.append('x', { timestampUs: T0 });
  const info = f.info();
  assert.equal(info.flags, 0);
  assert.deepEqual(info.flagNames, []);
  assert.equal(f.block(0).prevHash, '0'.repeat(64));
});

test('content over the block is PF_ELIMIT and the file stays usable', (t) => {
  const f = track(t, pf.Mem8File.create());
  f.append('before');
  throwsCode(() => f.append(new Uint8Array(4025)), 'PF_ELIMIT');
  assert.equal(f.count, 1);
  assert.equal(f.append(new Uint8Array(4024).fill(7)), 1);
  assert.equal(f.block(1).content.length, 4024);
  assert.equal(f.count, 2);
  f.verify();
  const err = throwsCode(() => f.append(new Uint8Array(4025)), 'PF_ELIMIT');
  assert.equal(PF_ELIMIT, 13);
  void err;
});

test('past the last block is PF_ENOTFOUND', (t) => {
  const f = track(t, pf.Mem8File.fromBytes(vector('three_blocks_fixed_ts.m8')));
  throwsCode(() => f.block(3), 'PF_ENOTFOUND');
  assert.equal(PF_ENOTFOUND, 20);
});

test('close: twice is a no-op in JS, PF_EBADHANDLE at the raw export', () => {
  const e = pf.exports;
  const f = pf.Mem8File.fromBytes(vector('empty.m8'));
  const h = f.handle;
  assert.ok(h > 0);
  assert.equal(e.pf_close(h), 0);
  assert.equal(e.pf_close(h), PF_EBADHANDLE);
  assert.equal(PF_EBADHANDLE, 22);
  assert.match(pf.errmsg(0), /not open/);
  assert.equal(e.pf_close(0), 0);
  // The wrapper's own close now meets the closed handle.
  throwsCode(() => f.close(), 'PF_EBADHANDLE');
  f.close();
  assert.equal(f.closed, true);
});

test('a closed file and an unknown handle are PF_EBADHANDLE', () => {
  const f = pf.Mem8File.fromBytes(vector('empty.m8'));
  f.close();
  f.close();
  throwsCode(() => f.count, 'PF_EBADHANDLE');
  throwsCode(() => f.block(0), 'PF_EBADHANDLE');
  throwsCode(() => f.info(), 'PF_EBADHANDLE');
  throwsCode(() => f.verify(), 'PF_EBADHANDLE');
  assert.throws(() => f.verify(), (err) => err.badBlock === undefined);
  throwsCode(() => f.append('x'), 'PF_EBADHANDLE');

  const e = pf.exports;
  const out = e.pf_alloc(8);
  try {
    assert.equal(e.pf_mem8_count(0x7fffffff, out), PF_EBADHANDLE);
    assert.equal(e.pf_mem8_count(0, out), PF_EBADHANDLE);
    assert.match(pf.errmsg(0x7fffffff), /handle/);
    assert.equal(e.pf_mem8_sync(12345678), PF_EBADHANDLE);
  } finally {
    assert.equal(e.pf_free(out), 0);
  }
});

test('pf_free: NULL is a no-op, a foreign or freed pointer PF_EBADARG', () => {
  const e = pf.exports;
  assert.equal(e.pf_free(0), 0);
  const p = e.pf_alloc(16);
  assert.ok(p > 0);
  assert.equal(e.pf_free(p), 0);
  assert.equal(e.pf_free(p), PF_EBADARG);
  assert.equal(e.pf_free(p + 1), PF_EBADARG);
});

test('import of the seed\'s {"contexts": [...]} JSON, plain and zlib', (t) => {
  const doc = JSON.stringify({ contexts: [{ text: 'alpha', score: 0.9, b: 1 }, { text: 'beta' }] });
  const f = track(t, pf.Mem8File.create());
  assert.equal(f.importJson(doc), 2);
  assert.equal(f.importJson(deflateSync(Buffer.from(doc))), 2);
  assert.equal(f.count, 4);
  const [a, b, a2] = [f.block(0), f.block(1), f.block(2)];
  assert.deepEqual(JSON.parse(a.text), { text: 'alpha', score: 0.9, b: 1 });
  assert.equal(a.importanceRaw, Math.trunc(Math.fround(0.9) * 65535));
  assert.equal(b.importanceRaw, 32767);
  assert.equal(a2.text, a.text);
  // Most important first (ties oldest first); the first block fills the
  // one slot of fill, the rest must match a keyword.
  assert.deepEqual(f.queryIndices({ keywords: ['beta'], fill: 1 }), [0, 1, 3]);
  assert.deepEqual(f.query({ keywords: ['beta'], fill: 1, max: 2 }).map((x) => x.text), [a.text, b.text]);
  const err = throwsCode(() => f.importJson('{"contexts": [1, 2'), 'PF_EFORMAT');
  void err;
});

test('a refused import appends nothing: the document is checked first', (t) => {
  const f = track(t, pf.Mem8File.create());
  const doc = JSON.stringify({ contexts: [{ a: 'ok' }, { a: 'x'.repeat(5000) }] });
  assert.throws(() => f.importJson(doc), (err) => {
    assert.equal(err.codeName, 'PF_ELIMIT');
    assert.equal(err.imported, 0);
    return true;
  });
  // A context is an object: a bare value is malformed.
  assert.throws(() => f.importJson(JSON.stringify({ contexts: [{ a: 1 }, 'bare'] })), (err) => {
    assert.equal(err.codeName, 'PF_EFORMAT');
    assert.equal(err.imported, 0);
    return true;
  });
  assert.equal(f.count, 0);
});

test('export then import gives identical bytes', (t) => {
  const original = vector('polyfmt_chain_tokens.m8');
  let json;
  use(pf.Mem8File.fromBytes(original), (f) => {
    json = f.exportJson();
    assert.equal(JSON.parse(json).format, 'polyfmt.mem8.v1');
  });
  const g = track(t, pf.Mem8File.create({ identityFreq: 432, temporalPhase: 0.25 }));
  assert.equal(g.importJson(json), 5);
  assert.deepEqual(g.toBytes(), new Uint8Array(original));
  assert.equal(g.exportJson(), json);

  const h = track(t, pf.Mem8File.create({ identityFreq: 432, temporalPhase: 0.25 }));
  assert.equal(h.importJson(new TextEncoder().encode(json)), 5);
  assert.deepEqual(h.toBytes(), g.toBytes());
});

test('memory growth during calls does not break reads; returned buffers are freed', (t) => {
  const mem = pf.exports.memory;
  const f = track(t, pf.Mem8File.create());
  const big = new Uint8Array(4000).fill(0x61);
  for (let i = 0; i < 600; i++) f.append(big, { timestampUs: T0 + i });
  const image = f.toBytes();
  assert.equal(image.length, 30 + 600 * 4096);
  const g = track(t, pf.Mem8File.fromBytes(image));
  assert.equal(g.count, 600);
  for (let i = 0; i < 200; i++) g.block(i % 600);
  const before = mem.buffer.byteLength;
  for (let i = 0; i < 4000; i++) assert.equal(g.block(i % 600).content.length, 4000);
  // 4000 unfreed 4 KB buffers would be 16 MB more.
  assert.ok(mem.buffer.byteLength - before < 12 * 1024 * 1024, `memory grew by ${mem.buffer.byteLength - before}`);
});

test('the WASI shim reads a .m8 from bytes, even in Node', async (t) => {
  const sh = await load(new URL('../polyfmt.wasm', import.meta.url), { wasi: 'shim' });
  assert.equal(sh.wasi, 'shim');
  assert.notEqual(sh, pf);
  assert.equal(sh.version(), pf.version());
  const f = track(t, sh.Mem8File.fromBytes(vector('polyfmt_chain_tokens.m8')));
  assert.equal(f.count, 5);
  assert.equal(f.block(2).text, 'Important memory');
  assert.deepEqual(f.info().tokens, ['src/main', 'binary']);
  f.verify();
  const w = track(t, sh.Mem8File.create());
  w.append('made under the shim', { token: 'shim' });
  assert.ok(w.block(0).timestamp > T0, 'the shim\'s clock gives "now"');
  // No preopened directory: paths do not work there.
  assert.throws(() => sh.Mem8File.open(join(vectorsDir, 'empty.m8')), PolyfmtError);
});

test('load() takes bytes, a Module, a Response, a path and a file URL', async () => {
  const wasmPath = join(pkgDir, 'polyfmt.wasm');
  const bytes = readFileSync(wasmPath);
  const mod = await WebAssembly.compile(bytes);
  const responses = [
    new Response(bytes, { headers: { 'content-type': 'application/wasm' } }),
    Promise.resolve(new Response(bytes, { headers: { 'content-type': 'application/octet-stream' } })),
  ];
  for (const src of [bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), mod, ...responses,
    wasmPath, relative(process.cwd(), wasmPath), new URL('../polyfmt.wasm', import.meta.url)]) {
    const p = await load(src);
    assert.equal(p.version(), pf.version());
  }
  await assert.rejects(load(join(pkgDir, 'no-such.wasm')), /ENOENT/);
  await assert.rejects(load(new Response('nope', { status: 404 })), /HTTP 404/);
  await assert.rejects(load(undefined, { wasi: 'other' }), TypeError);
});

test('code names', () => {
  assert.equal(codeName(10), 'PF_EFORMAT');
  assert.equal(codeName(99), 'PF_EINTERNAL');
  assert.equal(codeName(77), 'PF_E77');
  const e = new PolyfmtError(11, 'x');
  assert.equal(e.codeName, 'PF_ECHECKSUM');
  assert.ok(e instanceof Error);
});
