// The package in a real browser: Debian's Chromium, headless, driven by
// playwright-core, loading the package as plain ES modules from a local
// static server. It runs the browser example page on a vector and then the
// whole manifest through the package API in the page. Without Chromium
// this test fails: it never skips.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { existsSync, mkdtempSync, readFile, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';

import { manifest, repoRoot } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** What the server may serve, relative to the repository root. */
const SERVED = ['bindings/js/src/', 'bindings/js/polyfmt.wasm', 'examples/js/browser/', 'core/testdata/mem8/'];
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

  test('no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
