// examples/js/mmx_read.mjs, run as a user runs it, on the shared vectors
// and on a file the package writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { load } from '../src/index.js';
import { repoRoot, tempDir } from './helpers.js';

const run = promisify(execFile);
const example = join(repoRoot, 'examples/js/mmx_read.mjs');
const mmxDir = fileURLToPath(new URL('../../../core/testdata/mmx/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(mmxDir, 'manifest.json'), 'utf8'));

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

/** The chunk lines of the output: name → the rest of the line. */
function chunkLines(stdout) {
  const out = new Map();
  for (const l of stdout.split('\n')) {
    const m = /^ {2}(\S+) (\w+) (\w+)(?: region=\S+)?: (.*)$/.exec(l);
    if (m) out.set(m[1], { type: m[2], compression: m[3], rest: m[4] });
  }
  return out;
}

test('mmx_read prints the header and every chunk of a vector', async () => {
  const c = manifest.cases.find((x) => x.name === 'all_types');
  const { code, stdout, stderr } = await node([example, join(mmxDir, c.file)]);
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n');
  assert.match(lines[0], /^file .*all_types\.mmx$/);
  assert.match(lines[1], new RegExp(`^generation ${c.expect.generation}, ${c.expect.total_chunks} chunks \\(Embedding 1, Mesh 2, Meta 1, Sequence 1, Tensor 19, Text 1\\)$`));
  assert.match(lines[2], new RegExp(`^file_id ${c.expect.file_id}, creator "${c.expect.creator}"`));
  const chunks = chunkLines(stdout);
  assert.deepEqual([...chunks.keys()], c.expect.chunks.map((x) => x.name));
  for (const w of c.expect.chunks) {
    assert.equal(chunks.get(w.name).type, w.chunk_type);
    assert.equal(chunks.get(w.name).compression, w.compression);
  }
  assert.equal(chunks.get('docs/readme').rest, '"héllo wörld" (utf-8, language en, 3 tokens)');
  assert.equal(chunks.get('dtypes/int16').rest, 'int16[2,3] [2049, 5647, 9245, 12843, 16441, 20039]');
  assert.match(chunks.get('dtypes/bfloat16').rest, /^bfloat16\[2,3\] bytes [0-9a-f]{16}…$/);
  assert.equal(chunks.get('emb/pca').rest, 'float32[2,3] [0, 0.5, 1, 1.5, 2, 2.5] method="PCA" labels=["a","b"]');
  assert.equal(chunks.get('meshes/tetra').rest, '4 vertices, 2 faces, 4 normals, 4 uvs, materials {"base":"steel"}');
  assert.equal(chunks.get('meshes/bare').rest, '1 vertices, 0 faces');
  assert.equal(chunks.get('seq/video').rest, '2 frames ["frames/None","frames/Lz4"] fps=30 duration=- metadata {"camera":"left"}');
  assert.equal(chunks.get('meta/info').rest, 'version 3 at 2026-01-02T03:04:05Z: {"k":[1,2]}');
  assert.ok(lines.includes('verify: ok'));
});

test('mmx_read shows chunk errors, a prefix, recovery, and a relative path', async () => {
  const bad = await node([example, join(mmxDir, 'bad_checksum.mmx'), 'docs/']);
  assert.equal(bad.code, 0, bad.stderr);
  assert.match(bad.stdout, /^chunks under "docs\/":$/m);
  assert.deepEqual([...chunkLines(bad.stdout).keys()], ['docs/readme']);
  assert.match(bad.stdout, /^ {2}docs\/readme Text None: error PF_ECHECKSUM: /m);
  assert.match(bad.stdout, /^verify: PF_ECHECKSUM: .*docs\/readme/m);

  const torn = await node([example, 'torn_commit.mmx'], { cwd: mmxDir });
  assert.equal(torn.code, 0, torn.stderr);
  assert.match(torn.stdout, /^recovery: .*; \d+ bytes ignored$/m);
  assert.match(torn.stdout, /^verify: PF_EFORMAT: /m);

  const morph = await node([example, join(mmxDir, 'morphnet/mixed.mmx')]);
  assert.equal(morph.code, 0, morph.stderr);
  assert.match(morph.stdout, /^ {2}special Tensor None region=video_segment_A: float32\[0,3\] \[\]$/m);
  assert.match(morph.stdout, /^ {2}notes Text Zlib: "Grüße, MMX! 🌍" \(utf-8, language de, 5 tokens\)$/m);
});

test('mmx_read reads a file the package wrote', async (t) => {
  const pf = await load();
  const path = join(tempDir(t), 'written.mmx');
  const w = pf.MmxFile.create(path, { creator: 'mmx_programs test' });
  w.writeTensor('weights', new Float32Array([0.25, -1, 3]), [1, 3], { compression: 'Zstd' });
  w.writeText('notes', { content: 'from JS', language: 'en', tokens: [1, 2] });
  w.close();
  const { code, stdout, stderr } = await node([example, path]);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /creator "mmx_programs test"/);
  const chunks = chunkLines(stdout);
  assert.equal(chunks.get('weights').rest, 'float32[1,3] [0.25, -1, 3]');
  assert.equal(chunks.get('notes').rest, '"from JS" (utf-8, language en, 2 tokens)');
});

test('mmx_read reports a malformed file by code name, and its usage', async () => {
  const cases = manifest.cases.filter((x) => x.error !== undefined);
  const results = await Promise.all(cases.map((c) => node([example, join(mmxDir, c.file)])));
  cases.forEach((c, i) => {
    assert.equal(results[i].code, 1, c.name);
    assert.match(results[i].stderr, new RegExp(`mmx_read: ${c.error}: `), c.name);
  });
  const usage = await node([example]);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage:/);
});
