// The shared MORK vectors: every container of
// core/testdata/mork/containers/manifest.json and every case of
// core/testdata/mork/expr.json through the package
// (test/mork_manifest_case.js, which the browser test runs too), and each
// container opened by path through open().
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { load, MorkFile, PolyfmtError } from '../src/index.js';
import { checkExprVectors, checkMorkCase, runExprVectors, runMorkCase } from './mork_manifest_case.js';

const pf = await load();
const M = pf.MorkFile;
const morkDir = fileURLToPath(new URL('../../../core/testdata/mork/', import.meta.url));
const containers = join(morkDir, 'containers');
const manifest = JSON.parse(readFileSync(join(containers, 'manifest.json'), 'utf8'));
const expr = JSON.parse(readFileSync(join(morkDir, 'expr.json'), 'utf8'));

test('the manifest covers every kind, an interned space and each error', () => {
  assert.deepEqual([...new Set(manifest.cases.map((c) => c.kind))].sort(), ['act', 'mult', 'pathmap1', 'paths', 'space', 'symbols']);
  assert.ok(manifest.cases.some((c) => c.interned));
  assert.deepEqual(manifest.cases.filter((c) => c.open_error).map((c) => c.open_error).sort(), ['PF_EFORMAT', 'PF_EUNSUPPORTED']);
  assert.deepEqual(manifest.cases.filter((c) => c.verify_error).map((c) => c.verify_error), ['PF_ECHECKSUM']);
});

describe('container manifest', () => {
  for (const c of manifest.cases) {
    test(`${c.file} from bytes`, () => {
      checkMorkCase(assert, c, runMorkCase(M, PolyfmtError, c, readFileSync(join(containers, c.file))));
    });
  }

  test('every case opened by path through open(), detected as MORK', () => {
    for (const c of manifest.cases) {
      const path = join(containers, c.file);
      let f;
      try {
        f = pf.open(path);
      } catch (err) {
        assert.ok(err instanceof PolyfmtError, c.file);
        assert.equal(err.codeName, c.open_error, `${c.file}: ${err.message}`);
        continue;
      }
      try {
        assert.equal(c.open_error, undefined, c.file);
        assert.equal(pf.detect(path), 'mork', c.file);
        assert.ok(f instanceof M, c.file);
        assert.equal(f.kind, c.kind, c.file);
        if (c.verify_error === undefined) assert.deepEqual([...f], c.paths ?? [], c.file);
      } finally {
        f.close();
      }
    }
  });

  test('the unbound class opens on the first instance loaded', () => {
    const c = manifest.cases.find((x) => x.file === 'sample_seed.act');
    checkMorkCase(assert, c, runMorkCase(MorkFile, PolyfmtError, c, readFileSync(join(containers, c.file))));
  });
});

test('expr.json: every text encodes to its hex and prints back, every error names its line and column', () => {
  assert.ok(expr.cases.length >= 20 && expr.errors.length >= 10);
  checkExprVectors(assert, expr, runExprVectors(M, PolyfmtError, expr));
});
