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

const hostileDir = fileURLToPath(new URL('../../../core/testdata/hostile/', import.meta.url));
const child = fileURLToPath(new URL('./hostile_child.mjs', import.meta.url));
const m = JSON.parse(readFileSync(join(hostileDir, 'manifest.json'), 'utf8'));
const budgetKiB = m.budget_rss_mib * 1024;

const allowed = (e) => (typeof e === 'string' ? [e] : e);

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
    const opened = got.open?.code === 'ok';
    for (const op of ['open', 'read', 'verify', 'import']) {
      if (!(op in c.expect) || ((op === 'read' || op === 'verify') && !opened)) continue;
      assert.ok(op in got, `${op} never ran: ${r.stdout}`);
      assert.ok(allowed(c.expect[op]).includes(got[op].code), `${op}: ${got[op].code}, want ${c.expect[op]} (${c.attacks})`);
    }
    for (const op of ['info', 'list']) {
      if (op in got) assert.equal(got[op].code, 'ok', `${op} after a successful open`);
    }
    if ('blocks' in c.expect && opened) assert.equal(got.blocks, c.expect.blocks);
    if ('import' in c.expect && got.import.code !== 'ok') {
      assert.equal(got.count, 0, 'a refused import appended blocks');
      assert.equal(got.import.imported, 0);
    }
    assert.ok(got.maxRSS <= budgetKiB, `peak RSS ${got.maxRSS} KiB, budget ${budgetKiB} KiB`);
  });
}
