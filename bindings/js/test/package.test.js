// The package's shape: package.json, the declarations against the runtime
// exports, and the raw export list against the built module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as polyfmt from '../src/index.js';
import { pkgDir, repoRoot } from './helpers.js';

const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
const dts = readFileSync(join(pkgDir, 'index.d.ts'), 'utf8');

test('package.json: ESM, typed exports, no runtime dependencies', () => {
  assert.equal(pkg.name, 'polyfmt');
  assert.equal(pkg.type, 'module');
  assert.equal(pkg.exports['.'].types, './index.d.ts');
  assert.ok(existsSync(join(pkgDir, pkg.exports['.'].default)));
  assert.deepEqual(pkg.dependencies ?? {}, {});
  assert.deepEqual(Object.keys(pkg.devDependencies).sort(), ['@eslint/js', 'eslint', 'globals', 'playwright-core', 'typescript']);
  for (const f of ['src/', 'index.d.ts', 'polyfmt.wasm', 'README.md']) assert.ok(pkg.files.includes(f), f);
  assert.ok(existsSync(join(pkgDir, 'polyfmt.wasm')), 'npm test copies polyfmt.wasm first');
});

test('index.d.ts declares exactly what src/index.js exports', () => {
  // Its own declarations, and those of the generated modules it re-exports whole.
  // (and the other names it exports a declaration under: `export { VsfFile as VSF };`).
  const declare = (text) => [...text.matchAll(/^export (?:(?:declare )?(?:const|function|class) (\w+)|\{ \w+ as (\w+) \};)/gm)].map((m) => m[1] ?? m[2]);
  const reexported = [...dts.matchAll(/^export \* from '\.\/(src\/[\w.]+)\.js';/gm)]
    .flatMap((m) => declare(readFileSync(join(pkgDir, `${m[1]}.d.ts`), 'utf8')));
  assert.ok(reexported.includes('PF_EFORMAT'));
  const declared = [...declare(dts), ...reexported].sort();
  assert.deepEqual(declared, Object.keys(polyfmt).sort());
});

test('index.d.ts declares exactly the raw exports of polyfmt.wasm', async () => {
  // PolyfmtExports (index.d.ts) extends RawExports, generated from the export spec.
  const members = (text, name) => {
    const body = text.slice(text.indexOf(`export interface ${name}`));
    const iface = body.slice(0, body.indexOf('\n}\n'));
    return [...iface.matchAll(/^ {2}(?:readonly )?(\w+)[(:]/gm)].map((m) => m[1]);
  };
  const generated = readFileSync(join(pkgDir, 'src/exports.gen.d.ts'), 'utf8');
  assert.match(dts, /export interface PolyfmtExports extends RawExports \{/);
  const declared = [...members(dts, 'PolyfmtExports'), ...members(generated, 'RawExports')].sort();
  const mod = await WebAssembly.compile(readFileSync(join(pkgDir, 'polyfmt.wasm')));
  const actual = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
  assert.deepEqual(declared, actual);
  // And the C header names the same functions (less the wasm-only pf_alloc).
  const header = readFileSync(join(repoRoot, 'capi/include/polyfmt.h'), 'utf8');
  const c = [...header.matchAll(/^\S[^(]*?\b(pf_\w+)\(/gm)].map((m) => m[1]).sort();
  assert.deepEqual(c, actual.filter((n) => n.startsWith('pf_') && n !== 'pf_alloc'));
});
