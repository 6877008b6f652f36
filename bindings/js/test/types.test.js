// The TypeScript declarations compile under --strict as a user writes them
// (test/types/usage.ts imports the package by its name).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

test('index.d.ts type-checks a typical program with tsc --strict', () => {
  const tsc = path.join(pkg, 'node_modules', 'typescript', 'bin', 'tsc');
  let out = '';
  try {
    out = execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022',
      '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--lib', 'es2022,dom,esnext.disposable', 'test/types/usage.ts'], { cwd: pkg, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${e.stdout}${e.stderr}`);
  }
  assert.equal(out.trim(), '');
});

test('a type error in user code is caught (the check is live)', () => {
  const tsc = path.join(pkg, 'node_modules', 'typescript', 'bin', 'tsc');
  const bad = path.join(pkg, 'test', 'types', 'bad.ts');
  let report = null;
  try {
    execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022',
      '--module', 'nodenext', '--moduleResolution', 'nodenext', '--lib', 'es2022,dom,esnext.disposable', bad],
    { cwd: pkg, encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    report = `${e.stdout}`;
  }
  assert.ok(report !== null, 'tsc accepted a program with type errors');
  assert.match(report, /bad\.ts\(4,7\): error TS2322/);
  assert.match(report, /bad\.ts\(5,12\): error TS2353/);
});
