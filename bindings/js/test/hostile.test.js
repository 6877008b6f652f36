// The hostile corpus (core/testdata/hostile/manifest.json) through the JS
// binding. Each file runs in its own Node process (test/hostile_child.mjs),
// so one that crashed or ran away cannot take the test runner with it; the
// child reports what each call threw (PolyfmtError code names, checked here
// against the manifest) and its own peak RSS, checked against the
// manifest's budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { checkCase } from './hostile_check.js';

const hostileDir = fileURLToPath(new URL('../../../core/testdata/hostile/', import.meta.url));
const child = fileURLToPath(new URL('./hostile_child.mjs', import.meta.url));
const m = JSON.parse(readFileSync(join(hostileDir, 'manifest.json'), 'utf8'));
const budgetKiB = m.budget_rss_mib * 1024;

for (const c of m.cases) {
  test(`hostile ${c.name}`, () => {
    const r = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', child, JSON.stringify(c), join(hostileDir, c.file)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    assert.equal(r.error, undefined, String(r.error));
    assert.equal(r.status, 0, `child exited ${r.status} (signal ${r.signal}):\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /panic:|goroutine |fatal error/);
    const got = JSON.parse(r.stdout);
    checkCase(c, got);
    assert.ok(got.maxRSS <= budgetKiB, `peak RSS ${got.maxRSS} KiB, budget ${budgetKiB} KiB`);
  });
}
