// The programs beside the package: examples/js/mem8_read.mjs,
// examples/js/open.mjs, examples/js/vsf.mjs and bench/abi_node.mjs, run as
// a user runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { load } from '../src/index.js';
import { manifest, repoRoot, tempDir, vectorsDir } from './helpers.js';

const run = promisify(execFile);
const example = join(repoRoot, 'examples/js/mem8_read.mjs');

/** Runs a node program; resolves to {code, stdout, stderr} whatever its exit. */
async function node(args, opts = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, args, { timeout: 120_000, ...opts });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('mem8_read prints the header, the blocks newest first and a query', async () => {
  const c = manifest().cases.find((x) => x.name === 'polyfmt_chain_tokens');
  const { code, stdout, stderr } = await node([example, join(vectorsDir, c.file)]);
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n');
  assert.match(lines[0], /^file .*polyfmt_chain_tokens\.m8$/);
  assert.match(stdout, new RegExp(`flags ${c.expect.flags} \\[hash_chain header_crc tokens\\], ${c.expect.count} blocks`));
  assert.match(stdout, /identity_freq 432 Hz, temporal_phase 0.25/);
  assert.match(stdout, new RegExp(`tokens \\[${c.expect.tokens.join(' ')}\\]`));
  const order = lines.filter((l) => l.startsWith('  #')).map((l) => Number(l.slice(3, l.indexOf(' ', 3))));
  assert.deepEqual(order, c.expect.blocks.map((b) => b.index).reverse());
  assert.match(stdout, /#2 2025-09-15T00:00:00\.000002Z importance=1\.000 token=src\/main "Important memory"/);
  const q = c.expect.queries.find((x) => x.keywords.join() === 'Important');
  assert.ok(lines.includes(`query ["Important"]: ${q.result.join(' ')}`), stdout);
  assert.ok(lines.includes('verify: ok'));
});

test('mem8_read takes a path relative to its working directory and keywords', async () => {
  const { code, stdout, stderr } = await node([example, 'torn_tail.m8', 'Second'], { cwd: vectorsDir });
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^recovery: .*\(2000 bytes ignored\)$/m);
  assert.match(stdout, /^query \["Second"\]: /m);
  assert.match(stdout, /^verify: PF_EFORMAT at block 5: /m);
});

test('mem8_read reports a malformed file by code name', async () => {
  const bad = await node([example, join(vectorsDir, 'bad_magic.m8')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /mem8_read: PF_EFORMAT: /);
  const usage = await node([example]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage:/);
});

test('bench/abi_node.mjs runs', async () => {
  const { code, stdout, stderr } = await node([join(repoRoot, 'bench/abi_node.mjs'), '2000']);
  assert.equal(code, 0, stderr);
  for (const name of ['raw pf_version(out)', 'raw pf_mem8_count(h, out)', 'Mem8File.count']) {
    assert.match(stdout, new RegExp(`^${name.replace(/[()]/g, '\\$&')}\\s+\\d+\\.\\d\\s+\\d+\\.\\d`, 'm'));
  }
});

test('open prints the format and info of files of any format, whatever their names', async (t) => {
  const open = join(repoRoot, 'examples/js/open.mjs');
  const m8 = join(vectorsDir, 'three_blocks_fixed_ts.m8');
  const mmx = join(repoRoot, 'core/testdata/mmx/all_types.mmx');
  const disguised = join(tempDir(t), 'really_mmx.m8');
  copyFileSync(mmx, disguised);
  const { code, stdout, stderr } = await node([open, m8, mmx, disguised]);
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n');
  assert.ok(lines.includes(`${m8}: mem8 (Mem8File)`), stdout);
  assert.ok(lines.includes(`${mmx}: mmx (MmxFile)`), stdout);
  assert.ok(lines.includes(`${disguised}: mmx (MmxFile)`), stdout);
  assert.match(stdout, /"format": "mem8",\n {2}"name": ".*three_blocks_fixed_ts\.m8"/);
  assert.match(stdout, /"blockCount": 3/);
  assert.equal(lines.filter((l) => l === 'verify: ok').length, 3);
});

test('open reports unknown and bad files, and its usage', async () => {
  const open = join(repoRoot, 'examples/js/open.mjs');
  const bad = await node([open, join(vectorsDir, 'bad_magic.m8'), join(vectorsDir, 'broken_chain.m8')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad_magic\.m8: PF_EFORMAT: .*is not a file polyfmt knows \(first bytes 4d 45 4d 39 01 00 03 00\)/);
  assert.match(bad.stdout, /broken_chain\.m8: mem8 \(Mem8File\)/);
  assert.match(bad.stdout, /^verify: PF_ECHECKSUM: /m);
  const usage = await node([open]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage:/);
});

test('vsf writes a file with a bit-packed image and a signature, reads it back and verifies it', async (t) => {
  const out = join(tempDir(t), 'photo.vsf');
  const { code, stdout, stderr } = await node([join(repoRoot, 'examples/js/vsf.mjs'), out]);
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n');
  assert.match(lines[0], /^.*photo\.vsf: vsf \(VsfFile\), seed form, version 2, \d+ bytes$/);
  assert.ok(lines.includes('section camera: 7 fields, 183 bytes, hashes [sha256], 1 signature(s)'), stdout);
  assert.ok(lines.includes('  camera.iso = 800'), stdout);
  assert.ok(lines.includes('  camera.shutter_ns = 16666667n'), stdout);
  assert.ok(lines.includes('  camera.taken = 2025-07-20T20:17:40.000Z (Eagle Time 1767225600 s)'), stdout);
  assert.ok(lines.includes('  camera.lens = { focal_length_mm: 35, zoom: false }'), stdout);
  assert.ok(lines.includes('  image.raw = bitpacked u4[480×640] at 12 bits, 460800 bytes stored'), stdout);
  assert.ok(lines.includes('  unpacked: Uint16Array of 307200 samples, [480,640], first row ends 4095'), stdout);
  assert.ok(lines.includes('verify with no key: ok (1 signature unverified)'), stdout);
  assert.ok(lines.includes('verify with the signer\'s key: ok'), stdout);
  assert.match(stdout, /^verify with another key: PF_ECHECKSUM: .*section "camera"/m);
  // The file it left is an ordinary VSF file.
  const pf = await load();
  const f = pf.open(out);
  try {
    assert.ok(f instanceof pf.VsfFile);
    assert.deepEqual(f.labels, ['camera', 'image']);
    f.verify({ key: pf.VsfFile.publicKey(pf.VsfFile.keygen(new Uint8Array(32).fill(7))) });
  } finally {
    f.close();
  }
});

test('vsf_read prints the format pf.detect names and each label of a VSF file', async () => {
  const file = join(repoRoot, 'core/testdata/vsf/unboxed_u16.vsf');
  const { code, stdout, stderr } = await node([join(repoRoot, 'examples/js/vsf_read.mjs'), file]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /unboxed_u16\.vsf: detected 'vsf'/);
  assert.match(stdout, /^VsfFile: seed form, version 2, \d+ bytes$/m);
  assert.match(stdout, /^ {2}imaging\.raw\.pixels: 24 bytes, unboxed, /m);
  const usage = await node([join(repoRoot, 'examples/js/vsf_read.mjs')]);
  assert.equal(usage.code, 2);
});
