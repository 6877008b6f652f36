// The package in a real browser: Debian's Chromium, headless, driven by
// playwright-core, loading the package as plain ES modules from a local
// static server. It runs the browser example page on a vector and then the
// whole manifest through the package API in the page; the same for MMX
// (its manifest, SHA-256 by crypto.subtle, and a write/read round trip),
// VSF (its manifest through test/vsf_manifest_case.js, as in Node, and
// a file written, signed and read back in the page), and MORK (its
// container manifest and expr.json through test/mork_manifest_case.js, and
// a space written, queried and exported in the page).
// Without Chromium this test fails: it never skips.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFile, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

import { manifest, repoRoot } from './helpers.js';
import { checkCase } from './hostile_check.js';
import { checkExprVectors, checkMorkCase } from './mork_manifest_case.js';
import { checkVsfCase } from './vsf_manifest_case.js';

/** The shared MMX manifest. */
const mmxManifest = JSON.parse(readFileSync(join(repoRoot, 'core/testdata/mmx/manifest.json'), 'utf8'));
const vsfManifest = JSON.parse(readFileSync(join(repoRoot, 'core/testdata/vsf/manifest.json'), 'utf8'));
const morkManifest = JSON.parse(readFileSync(join(repoRoot, 'core/testdata/mork/containers/manifest.json'), 'utf8'));
const morkExpr = JSON.parse(readFileSync(join(repoRoot, 'core/testdata/mork/expr.json'), 'utf8'));
const hostileManifest = JSON.parse(readFileSync(join(repoRoot, 'core/testdata/hostile/manifest.json'), 'utf8'));

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** What the server may serve, relative to the repository root. */
const SERVED = ['bindings/js/src/', 'bindings/js/polyfmt.wasm', 'bindings/js/test/hostile_case.js', 'bindings/js/test/vsf_manifest_case.js', 'bindings/js/test/mork_manifest_case.js',
  'examples/js/browser/', 'core/testdata/mem8/', 'core/testdata/mmx/', 'core/testdata/vsf/', 'core/testdata/mork/', 'core/testdata/hostile/'];
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A static server for SERVED on 127.0.0.1, on a free port. */
function serve() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^\/+/, '');
    if (req.method !== 'GET' || rel.includes('..') || !SERVED.some((p) => rel === p || rel.startsWith(p))) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(repoRoot, rel), (err, data) => {
      if (err) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(rel)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

test(`Chromium is installed at ${CHROMIUM}`, () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
});

describe('browser (headless Chromium)', { timeout: 180_000 }, () => {
  let server;
  let base;
  let context;
  let userDataDir;
  const pageErrors = [];

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
    const { chromium } = await import('playwright-core');
    server = await serve();
    base = `http://127.0.0.1:${server.address().port}`;
    userDataDir = mkdtempSync(join(tmpdir(), 'polyfmt-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
    });
  });

  after(async () => {
    await context?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** A new page whose errors are collected. */
  async function newPage() {
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(msg.text());
    });
    page.on('response', (resp) => {
      if (resp.status() >= 400) pageErrors.push(`HTTP ${resp.status()} for ${resp.url()}`);
    });
    return page;
  }

  async function openExample(page, file) {
    const q = file ? `?file=/core/testdata/mem8/${file}` : '';
    await page.goto(`${base}/examples/js/browser/index.html${q}`);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    return page.evaluate(() => window.polyfmtResult ?? null);
  }

  test('the example page shows a vector, newest first', async () => {
    const c = manifest().cases.find((x) => x.name === 'polyfmt_chain_tokens');
    const page = await newPage();
    const got = await openExample(page, c.file);
    assert.ok(got, 'the page reported no result');
    assert.equal(got.error, undefined);
    assert.equal(got.count, c.expect.count);
    assert.deepEqual(got.info.tokens, c.expect.tokens);
    const want = [...c.expect.blocks].reverse();
    assert.deepEqual(got.blocks.map((b) => b.index), want.map((b) => b.index));
    for (const [i, w] of want.entries()) {
      assert.equal(got.blocks[i].waveSignature, w.wave_signature);
      assert.equal(got.blocks[i].prevHash, w.prev_hash);
      assert.equal(got.blocks[i].timestamp, w.timestamp);
      assert.equal(got.blocks[i].token, w.token);
      if ('content' in w) assert.equal(got.blocks[i].text, w.content);
    }
    assert.equal(await page.locator('#blocks tbody tr').count(), c.expect.count);
    assert.match(await page.locator('#blocks tbody tr').first().innerText(), /^4\t/);
    await page.close();
  });

  test('the example page reports a malformed file by code name', async () => {
    const page = await newPage();
    const errorsBefore = pageErrors.length;
    const got = await openExample(page, 'bad_magic.m8');
    assert.equal(got.error, 'PF_EFORMAT');
    assert.match(await page.locator('#error').innerText(), /^PF_EFORMAT: /);
    assert.equal(pageErrors.length, errorsBefore);
    await page.close();
  });

  test('every manifest case through the package API, from fetched bytes', async () => {
    const page = await newPage();
    await openExample(page, null);
    const cases = manifest().cases;
    const results = await page.evaluate(async (cases) => {
      const { load, Mem8File, PolyfmtError } = await import('/bindings/js/src/index.js');
      const pf = await load();
      const out = { wasi: pf.wasi, version: pf.version(), cases: {} };
      for (const c of cases) {
        const bytes = new Uint8Array(await (await fetch(`/core/testdata/mem8/${c.file}`)).arrayBuffer());
        const r = {};
        try {
          const f = Mem8File.fromBytes(bytes);
          try {
            const info = f.info();
            r.count = f.count;
            r.flags = info.flags;
            r.identity_freq = info.identityFreq;
            r.temporal_phase = info.temporalPhase;
            r.recovery_clean = info.recovery.clean;
            r.tokens = info.tokens;
            r.blocks = [...f].map((b) => ({
              index: b.index, timestamp: b.timestamp, importance_raw: b.importanceRaw, token: b.token,
              token_id: b.tokenId, wave_signature: b.waveSignature, prev_hash: b.prevHash,
              content_hex: [...b.content].map((x) => x.toString(16).padStart(2, '0')).join(''), text: b.text,
            }));
            r.queries = (c.expect.queries ?? []).map((q) => f.queryIndices({ keywords: q.keywords, fill: q.fill ?? 10, max: q.max ?? 20 }));
            try {
              f.verify();
              r.verify = { status: 'PF_OK', bad_block: -1 };
            } catch (err) {
              if (!(err instanceof PolyfmtError)) throw err;
              r.verify = { status: err.codeName, bad_block: err.badBlock };
            }
          } finally {
            f.close();
          }
        } catch (err) {
          if (!(err instanceof PolyfmtError)) throw err;
          r.error = err.codeName;
        }
        out.cases[c.name] = r;
      }
      // Writing in memory works in the page too; paths do not (no filesystem).
      const w = Mem8File.create();
      w.append('written in the browser', { token: 'page', importance: 0.75 });
      const again = Mem8File.fromBytes(w.toBytes());
      out.written = { count: again.count, text: again.block(0).text, token: again.block(0).token };
      again.close();
      w.close();
      try {
        Mem8File.open('/etc/hostname');
        out.pathOpen = 'opened';
      } catch (err) {
        out.pathOpen = err instanceof PolyfmtError ? 'PolyfmtError' : String(err);
      }
      return out;
    }, cases);

    assert.equal(results.wasi, 'shim');
    assert.match(results.version, /^\d+\.\d+\.\d+$/);
    assert.deepEqual(results.written, { count: 1, text: 'written in the browser', token: 'page' });
    assert.equal(results.pathOpen, 'PolyfmtError');
    for (const c of cases) {
      const r = results.cases[c.name];
      if (c.error !== undefined) {
        assert.equal(r.error, c.error, c.name);
        continue;
      }
      const e = c.expect;
      assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
      for (const k of ['count', 'flags', 'identity_freq', 'temporal_phase', 'recovery_clean', 'tokens', 'verify']) {
        assert.deepEqual(r[k], e[k], `${c.name}.${k}`);
      }
      assert.deepEqual(r.queries, (e.queries ?? []).map((q) => q.result), `${c.name}.queries`);
      const want = e.blocks ?? [];
      assert.equal(r.blocks.length, want.length, `${c.name}.blocks`);
      for (const [i, w] of want.entries()) {
        const b = r.blocks[i];
        for (const k of ['index', 'timestamp', 'importance_raw', 'token', 'token_id', 'wave_signature', 'prev_hash']) {
          assert.equal(b[k], w[k], `${c.name}.blocks[${i}].${k}`);
        }
        if ('content_hex' in w) assert.equal(b.content_hex, w.content_hex);
        else assert.equal(b.text, w.content);
      }
    }
    await page.close();
  });

  async function openMMXExample(page, file) {
    await page.goto(`${base}/examples/js/browser/index.html?file=/core/testdata/mmx/${file}`);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    return page.evaluate(() => window.polyfmtResult ?? null);
  }

  test('the example page shows an MMX vector, chunk by chunk', async () => {
    const c = mmxManifest.cases.find((x) => x.name === 'all_types');
    const page = await newPage();
    const got = await openMMXExample(page, c.file);
    assert.ok(got, 'the page reported no result');
    assert.equal(got.error, undefined);
    assert.equal(got.format, 'mmx');
    assert.equal(got.info.generation, c.expect.generation);
    assert.equal(got.info.header.fileId, c.expect.file_id);
    assert.deepEqual(got.chunks.map((x) => [x.name, x.chunkType, x.compression]),
      c.expect.chunks.map((x) => [x.name, x.chunk_type, x.compression]));
    assert.equal(got.chunks.find((x) => x.name === 'docs/readme').summary, '"héllo wörld"');
    assert.equal(got.chunks.find((x) => x.name === 'emb/pca').summary, 'float32[2,3] 0, 0.5, 1, 1.5, 2, 2.5 method=PCA');
    assert.equal(await page.locator('#chunks tbody tr').count(), c.expect.total_chunks);
    assert.equal(await page.locator('#blocks').isHidden(), true);

    const bad = await openMMXExample(page, 'bad_checksum.mmx');
    assert.match(bad.chunks.find((x) => x.name === 'docs/readme').summary, /^PF_ECHECKSUM: /);
    const short = await openMMXExample(page, 'short.mmx');
    assert.equal(short.error, 'PF_EFORMAT');
    await page.close();
  });

  test('every MMX manifest case through the package API, SHA-256 by crypto.subtle, and a round trip', async () => {
    const page = await newPage();
    await openExample(page, null);
    const cases = mmxManifest.cases;
    const results = await page.evaluate(async (cases) => {
      const { load, MmxFile, PolyfmtError } = await import('/bindings/js/src/index.js');
      const pf = await load();
      const sha256 = async (view) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', view))]
        .map((x) => x.toString(16).padStart(2, '0')).join('');
      const bytesOf = (a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      const status = (fn) => {
        try {
          fn();
          return 'PF_OK';
        } catch (err) {
          if (!(err instanceof PolyfmtError)) throw err;
          return err.codeName;
        }
      };
      const out = { wasi: pf.wasi, cases: {} };
      for (const c of cases) {
        const bytes = new Uint8Array(await (await fetch(`/core/testdata/mmx/${c.file}`)).arrayBuffer());
        const r = {};
        out.cases[c.name] = r;
        let f;
        try {
          f = MmxFile.fromBytes(bytes);
        } catch (err) {
          if (!(err instanceof PolyfmtError)) throw err;
          r.error = err.codeName;
          continue;
        }
        try {
          const info = f.info();
          r.generation = info.generation;
          r.total_chunks = info.header.totalChunks;
          r.file_id = info.header.fileId;
          r.creator = info.header.creator;
          r.recovery_clean = info.recovery.clean;
          r.verify = status(() => f.verify());
          r.chunks = [];
          for (const e of f.list()) {
            const ch = { name: e.name, chunk_type: e.chunkType, compression: e.compression, logical_region: e.logicalRegion };
            r.chunks.push(ch);
            let flat;
            try {
              flat = f.readFlat(e.name);
            } catch (err) {
              if (!(err instanceof PolyfmtError)) throw err;
              ch.error = err.codeName;
              continue;
            }
            ch.value = flat.value;
            const names = Object.keys(flat.arrays);
            ch.arrays = names.length === 0 ? null : {};
            for (const k of names) {
              const a = flat.arrays[k];
              ch.arrays[k] = { dtype: a.dtype, shape: a.shape, sha256: await sha256(flat.data.subarray(a.offset, a.offset + a.nbytes)) };
            }
            const d = f.read(e.name);
            if (d.chunkType === 'Tensor' || d.chunkType === 'Embedding') ch.decoded_sha256 = await sha256(bytesOf(d.data));
            if (d.chunkType === 'Mesh') ch.decoded_sha256 = await sha256(bytesOf(d.vertices));
          }
        } finally {
          f.close();
        }
      }

      // Writing in memory works in the page; paths do not (no filesystem).
      const hasFloat16 = typeof globalThis.Float16Array === 'function';
      const w = MmxFile.create({ creator: 'browser' });
      w.writeTensor('f16', hasFloat16 ? new Float16Array([1.5, -2, 0.25]) : new Uint16Array([0x3e00, 0xc000, 0x3400]), [3], hasFloat16 ? {} : { dtype: 'float16' });
      w.writeTensor('f32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], { compression: 'Zstd' });
      w.writeTensor('i64', new BigInt64Array([-5n, 2n ** 62n]));
      w.writeEmbedding('emb', new Float64Array([0.5, 1.5]), [2, 1], { method: 'UMAP', labels: ['x', 'y'] });
      w.writeMesh('mesh', { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2], uvs: [0, 0, 1, 0, 0, 1] }, { compression: 'Lz4' });
      w.writeText('text', { content: 'written in the browser 🌍', language: 'en' }, { compression: 'Zlib' });
      w.writeSequence('seq', { frames: ['f32'], fps: 24 });
      w.writeMeta('meta', { data: { ok: true }, version: 1 });
      w.commit();
      w.writeText('dropped', 'rolled back');
      w.delete('seq');
      w.rollback();
      w.writeTensor('f32', new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3], { compression: 'Zstd' }); // an overwrite
      w.commit();
      const image = w.toBytes();
      w.close();
      const r = MmxFile.fromBytes(image);
      const f16 = r.read('f16');
      const mesh = r.read('mesh');
      const text = r.read('text');
      const emb = r.read('emb');
      out.written = {
        names: r.list().map((e) => e.name),
        creator: r.info().header.creator,
        hasFloat16,
        f16Kind: f16.data[Symbol.toStringTag],
        f16Hex: [...bytesOf(f16.data)].map((x) => x.toString(16).padStart(2, '0')).join(''),
        f16Values: hasFloat16 ? Array.from(f16.data) : null,
        f32: Array.from(r.read('f32').data),
        f32Sha: await sha256(bytesOf(r.read('f32').data)),
        f32WantSha: await sha256(bytesOf(new Float32Array([1, 2, 3, 4, 5, 6]))),
        rows: Array.from(r.readRows('f32', 1, 2).data),
        i64: Array.from(r.read('i64').data, String),
        emb: { method: emb.method, labels: emb.labels, data: Array.from(emb.data) },
        mesh: { vertices: Array.from(mesh.vertices), faces: Array.from(mesh.faces), uvs: Array.from(mesh.uvs), normals: mesh.normals },
        text: { content: text.content, language: text.language, compression: text.entry.compression },
        seq: r.read('seq').frames,
        meta: r.read('meta').data,
        verify: status(() => r.verify()),
        ownBuffer: r.read('f32').data.buffer !== pf.exports.memory.buffer,
        // Issue 10 in the page: the default checksum, a read into the
        // caller's array (Zstd, decompressed inside the module), a short one.
        checksum: r.entry('f32').checksumAlgorithm,
        into: Array.from(r.readInto('f32', new Float32Array(6))),
        intoShort: status(() => r.readInto('f32', new Float32Array(5))),
      };
      r.close();
      out.pathOpen = status(() => MmxFile.open('/etc/hostname'));
      return out;
    }, cases);

    assert.equal(results.wasi, 'shim');
    for (const c of cases) {
      const r = results.cases[c.name];
      if (c.error !== undefined) {
        assert.equal(r.error, c.error, c.name);
        continue;
      }
      assert.equal(r.error, undefined, `${c.name}: ${r.error}`);
      const e = c.expect;
      for (const k of ['generation', 'total_chunks', 'file_id', 'creator', 'recovery_clean', 'verify']) {
        assert.deepEqual(r[k], e[k], `${c.name}.${k}`);
      }
      const want = e.chunks ?? [];
      assert.deepEqual(r.chunks.map((x) => x.name), want.map((x) => x.name), `${c.name}: chunk names`);
      for (const [i, w] of want.entries()) {
        const g = r.chunks[i];
        const at = `${c.name}/${w.name}`;
        for (const k of ['chunk_type', 'compression', 'logical_region', 'error']) assert.equal(g[k], w[k], `${at}.${k}`);
        if (w.error !== undefined) continue;
        assert.deepEqual(g.value, w.value, `${at}.value`);
        assert.deepEqual(g.arrays, w.arrays, `${at}.arrays`);
        if (w.arrays?.data) assert.equal(g.decoded_sha256, w.arrays.data.sha256, `${at}: decoded`);
        if (w.arrays?.vertices) assert.equal(g.decoded_sha256, w.arrays.vertices.sha256, `${at}: decoded`);
      }
    }

    const wr = results.written;
    assert.deepEqual(wr.names, ['emb', 'f16', 'f32', 'i64', 'mesh', 'meta', 'seq', 'text']);
    assert.equal(wr.creator, 'browser');
    assert.equal(wr.f16Kind, wr.hasFloat16 ? 'Float16Array' : 'Uint8Array');
    assert.equal(wr.f16Hex, '003e00c00034');
    if (wr.hasFloat16) assert.deepEqual(wr.f16Values, [1.5, -2, 0.25]);
    assert.deepEqual(wr.f32, [1, 2, 3, 4, 5, 6]);
    assert.equal(wr.f32Sha, wr.f32WantSha);
    assert.deepEqual(wr.rows, [4, 5, 6]);
    assert.deepEqual(wr.i64, ['-5', String(2n ** 62n)]);
    assert.deepEqual(wr.emb, { method: 'UMAP', labels: ['x', 'y'], data: [0.5, 1.5] });
    assert.deepEqual(wr.mesh, { vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0], faces: [0, 1, 2], uvs: [0, 0, 1, 0, 0, 1], normals: null });
    assert.deepEqual(wr.text, { content: 'written in the browser 🌍', language: 'en', compression: 'Zlib' });
    assert.deepEqual(wr.seq, ['f32']);
    assert.deepEqual(wr.meta, { ok: true });
    assert.equal(wr.verify, 'PF_OK');
    assert.equal(wr.ownBuffer, true);
    assert.equal(wr.checksum, 'crc32c');
    assert.deepEqual(wr.into, [1, 2, 3, 4, 5, 6]);
    assert.equal(wr.intoShort, 'PF_ELIMIT');
    assert.notEqual(results.pathOpen, 'PF_OK');
    await page.close();
  });

  test('the example page shows a VSF vector, field by field', async () => {
    const c = vsfManifest.cases.find((x) => x.name === 'values_all_types');
    const page = await newPage();
    await page.goto(`${base}/examples/js/browser/index.html?file=/core/testdata/vsf/${c.file}`);
    await page.waitForSelector('body[data-state="done"], body[data-state="error"]', { timeout: 60_000 });
    const got = await page.evaluate(() => window.polyfmtResult ?? null);
    assert.ok(got, 'the page reported no result');
    assert.equal(got.error, undefined);
    assert.equal(got.format, 'vsf');
    assert.equal(got.verify, 'ok');
    const want = c.expect.sections.values.fields;
    assert.deepEqual(got.fields.map((x) => [x.section, x.field, x.type]), want.map((x) => ['values', x.name, x.value.type]));
    const by = Object.fromEntries(got.fields.map((x) => [x.field, x.summary]));
    assert.equal(by.u3, '42');
    assert.equal(by.u7, '170141183460469231731769289245100592623n');
    assert.equal(by.kind, 'name metadata');
    assert.equal(by.raw12, 'bitpacked u4[4,3] 12-bit, 18 bytes');
    assert.equal(by.strided, 'tensor f6[2,3] strides [1,2], 48 bytes');
    assert.match(by.taken, /^2023-06-03T18:31:00\.000Z \(Eagle 1700000000 s\)$/);
    assert.equal(await page.locator('#fields tbody tr').count(), want.length);
    assert.equal(await page.locator('#chunks').isHidden(), true);
    const bad = await page.goto(`${base}/examples/js/browser/index.html?file=/core/testdata/vsf/bad_hash.vsf`)
      .then(() => page.waitForSelector('body[data-state="done"], body[data-state="error"]'))
      .then(() => page.evaluate(() => window.polyfmtResult));
    assert.match(bad.verify, /^PF_ECHECKSUM: /);
    await page.close();
  });

  test('every VSF manifest case through the package API, and a signed file written in the page', async () => {
    const page = await newPage();
    await openExample(page, null);
    const results = await page.evaluate(async (cases) => {
      const { load, PolyfmtError, VsfFile, VsfTensorRef, EagleTime, vsf } = await import('/bindings/js/src/index.js');
      const { runVsfCase } = await import('/bindings/js/test/vsf_manifest_case.js');
      const pf = await load();
      const signKey = VsfFile.keygen(new Uint8Array(32).fill(1));
      const out = { wasi: pf.wasi, cases: {} };
      for (const c of cases) {
        const bytes = new Uint8Array(await (await fetch(`/core/testdata/vsf/${c.file}`)).arrayBuffer());
        out.cases[c.name] = await runVsfCase(VsfFile, VsfTensorRef, PolyfmtError, c, bytes, signKey);
      }

      const w = VsfFile.create();
      const samples = Uint16Array.from({ length: 64 * 48 }, (_, i) => (i * 37) & 0xfff);
      w.add('meta', 'title', 'written in the browser 🌍');
      w.add('meta', 'iso', vsf.u5(800));
      w.add('meta', 'big', 2n ** 100n);
      w.add('meta', 'taken', new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
      w.add('image', 'raw', vsf.bitpacked(samples, 12, [64, 48]));
      w.add('image', 'ids', BigInt64Array.of(-1n, 2n ** 62n));
      w.sign('meta', signKey, { withKey: true });
      w.commit();
      const image = w.toBytes();
      w.close();
      const r = pf.open(image);
      const raw = r.tensor('image.raw');
      out.written = {
        cls: r.constructor.name,
        detect: pf.detect(image),
        labels: r.labels,
        title: r.get('meta.title'),
        iso: r.get('meta.iso'),
        big: String(r.get('meta.big')),
        taken: r.get('meta.taken').toDate().toISOString(),
        takenSeconds: String(r.get('meta.taken').seconds),
        epoch: String(EagleTime.fromDate(new Date(0)).seconds),
        rawKind: raw.data[Symbol.toStringTag],
        rawSame: raw.data.length === samples.length && raw.data.every((x, i) => x === samples[i]),
        rawBits: raw.bits,
        packedBytes: r.get('image.raw').bytes,
        ids: Array.from(r.tensor('image.ids').data, String),
        verify: (() => {
          try {
            r.verify({ key: signKey });
            return 'PF_OK';
          } catch (err) {
            return err.codeName;
          }
        })(),
        crate: (() => {
          // The crate form has no plain text: convert a file without any.
          const w2 = VsfFile.create();
          w2.add('a', 'n', vsf.u5(1));
          w2.commit();
          const c = VsfFile.fromBytes(vsf.convert(w2.toBytes(), 'crate'));
          const got = [c.form, c.get('a.n')];
          c.close();
          w2.close();
          return got;
        })(),
      };
      r.close();
      return out;
    }, vsfManifest.cases);
    assert.equal(results.wasi, 'shim');
    for (const c of vsfManifest.cases) checkVsfCase(assert, c, results.cases[c.name]);
    assert.deepEqual(results.written, {
      cls: 'VsfFile', detect: 'vsf', labels: ['meta', 'image'], title: 'written in the browser 🌍', iso: 800,
      big: String(2n ** 100n), taken: '2025-01-02T03:04:05.000Z', takenSeconds: String(Date.UTC(2025, 0, 2, 3, 4, 5) / 1000 + 14182940),
      epoch: '14182940', rawKind: 'Uint16Array', rawSame: true, rawBits: 12, packedBytes: 64 * 48 * 12 / 8,
      ids: ['-1', String(2n ** 62n)], verify: 'PF_OK', crate: ['crate', 1],
    });
    await page.close();
  });

  test('every MORK manifest case and expr.json through the package API, and a space written in the page', async () => {
    const page = await newPage();
    await openExample(page, null);
    const results = await page.evaluate(async ({ cases, expr }) => {
      const { load, PolyfmtError, MorkFile, encodeMeTTa, printPath, migrate } = await import('/bindings/js/src/index.js');
      const { runMorkCase, runExprVectors } = await import('/bindings/js/test/mork_manifest_case.js');
      const pf = await load();
      const out = { wasi: pf.wasi, cases: {} };
      for (const c of cases) {
        const bytes = new Uint8Array(await (await fetch(`/core/testdata/mork/containers/${c.file}`)).arrayBuffer());
        out.cases[c.file] = runMorkCase(MorkFile, PolyfmtError, c, bytes);
      }
      out.expr = runExprVectors(MorkFile, PolyfmtError, expr);

      const w = MorkFile.create({ symbolLayout: 'mork' });
      const n = w.importText('(parent Alice Bob)\n(parent Bob Carol)\n(name Bob "Bob 🌍")\n', { intern: true });
      // Text added to an interned space names symbols its table has: intern new ones first.
      const dave = w.intern('Dave');
      w.add('(parent Carol Dave)', 2n ** 64n - 1n);
      let syntax = null;
      try {
        w.importText('(ok)\n(broken');
      } catch (err) {
        syntax = { code: err.codeName, message: err.message, imported: err.imported };
      }
      // An ACT keeps values; a space file does not (they read back as 0 once committed).
      const act = w.export('act', { actLayout: 'seed' });
      w.commit();
      const image = w.toBytes();
      w.close();
      const r = pf.open(image);
      const a = pf.open(act);
      const v10 = new Uint8Array(await (await fetch('/core/testdata/mork/containers/space_v10.mtts')).arrayBuffer());
      const migrated = MorkFile.fromBytes(migrate(v10, new Date(Date.UTC(2024, 0, 1))));
      out.written = {
        cls: r.constructor.name,
        detect: pf.detect(image),
        imported: n,
        dave: String(dave),
        syntax,
        interned: r.interned,
        // The first eight; the failed import may leave its symbols in the table.
        symbols: [...r.symbols().values()].slice(0, 8),
        texts: [...r],
        query: r.query('(parent $x $y)', { limit: 2 }).map((m) => [m.text, m.bindings]),
        truncated: r.query('(parent $x $y)', { limit: 2 }).truncated,
        daveValue: String(r.get('(parent Carol Dave)')),
        metta: r.export('metta'),
        actKind: a.kind,
        actLayout: a.info().actLayout,
        actValues: [...a.entries()].map(([, v]) => String(v)),
        encoded: [...encodeMeTTa('(a $x $y $x $y)')],
        printed: printPath(encodeMeTTa('(foo $x (bar $x))')),
        migrated: [migrated.info().version, migrated.info().timestamp],
        closed: (() => {
          r.close();
          try {
            r.paths();
            return 'PF_OK';
          } catch (err) {
            return err.codeName;
          }
        })(),
      };
      a.close();
      migrated.close();
      return out;
    }, { cases: morkManifest.cases, expr: morkExpr });
    assert.equal(results.wasi, 'shim');
    for (const c of morkManifest.cases) checkMorkCase(assert, c, results.cases[c.file]);
    checkExprVectors(assert, morkExpr, results.expr);
    assert.deepEqual(results.written, {
      cls: 'MorkFile', detect: 'mork', imported: 3, dave: '7',
      syntax: { code: 'PF_EFORMAT', message: 'mork: line 2, column 1: ( is never closed', imported: 1 },
      interned: true, symbols: ['parent', 'Alice', 'Bob', 'Carol', 'name', '"Bob 🌍"', 'Dave', 'ok'],
      // In byte order: arity first, then the symbols' ids (parent 1, Alice 2, …).
      texts: ['(ok)', '(parent Alice Bob)', '(parent Bob Carol)', '(parent Carol Dave)', '(name Bob "Bob 🌍")'],
      query: [['(parent Alice Bob)', ['Alice', 'Bob']], ['(parent Bob Carol)', ['Bob', 'Carol']]],
      truncated: true,
      daveValue: '0',
      metta: '(ok)\n(parent Alice Bob)\n(parent Bob Carol)\n(parent Carol Dave)\n(name Bob "Bob 🌍")\n',
      actKind: 'act', actLayout: 'seed', actValues: ['0', '0', '0', String(2n ** 64n - 1n), '0'],
      encoded: [5, 0xc1, 0x61, 0xc0, 0xc0, 0x80, 0x81],
      printed: '(foo $a (bar $a))',
      migrated: ['1.1', Date.UTC(2024, 0, 1) / 1000],
      closed: 'PF_EBADHANDLE',
    });
    await page.close();
  });

  test('every hostile-corpus case through the package API, from fetched bytes', async () => {
    const page = await newPage();
    await openExample(page, null);
    const results = await page.evaluate(async (cases) => {
      const { load, PolyfmtError } = await import('/bindings/js/src/index.js');
      const { runCase } = await import('/bindings/js/test/hostile_case.js');
      const pf = await load();
      const out = { wasi: pf.wasi };
      for (const c of cases) {
        const bytes = new Uint8Array(await (await fetch(`/core/testdata/hostile/${c.file}`)).arrayBuffer());
        out[c.name] = runCase(pf, PolyfmtError, c, bytes);
      }
      return out;
    }, hostileManifest.cases);
    assert.equal(results.wasi, 'shim');
    for (const c of hostileManifest.cases) checkCase(c, results[c.name]);
    await page.close();
  });

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
