// Shared by the test files (not a test itself: npm test runs test/*.test.js).
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { PolyfmtError } from '../src/index.js';

/** bindings/js */
export const pkgDir = fileURLToPath(new URL('..', import.meta.url));
/** The repository root. */
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
/** The shared MEM8 vectors. */
export const vectorsDir = fileURLToPath(new URL('../../../core/testdata/mem8/', import.meta.url));

/** The shared MEM8 manifest. */
export function manifest() {
  return JSON.parse(readFileSync(join(vectorsDir, 'manifest.json'), 'utf8'));
}

export function vector(name) {
  return readFileSync(join(vectorsDir, name));
}

export function hex(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** A fresh temporary directory, removed after the test. */
export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'polyfmt-js-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * n deterministic bytes for seed: a run of 4099 (a prime, so no power-of-two
 * misplacement maps it onto itself) repeated.
 */
export function pattern(seed, n) {
  const a = new Uint8Array(n);
  const period = Math.min(4099, n);
  for (let j = 0; j < period; j++) a[j] = (j * 131 + seed * 17 + (j >> 7)) & 255;
  for (let k = period; k < n; k *= 2) a.copyWithin(k, 0, Math.min(k, n - k));
  return a;
}

/**
 * Asserts fn throws a PolyfmtError with code name want (and a message
 * matching re, if given); returns it.
 */
export function throwsCode(fn, want, re) {
  let got;
  assert.throws(fn, (err) => {
    assert.ok(err instanceof PolyfmtError, String(err));
    assert.equal(err.codeName, want, err.message);
    if (re) assert.match(err.message, re);
    got = err;
    return true;
  });
  return got;
}
