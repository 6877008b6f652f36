// Shared by the test files (not a test itself: npm test runs test/*.test.js).
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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
