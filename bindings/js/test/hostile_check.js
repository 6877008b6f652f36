// Checks what runCase (hostile_case.js) reported for one hostile-corpus
// case against the manifest's expectations. Used by hostile.test.js (Node)
// and browser.test.js (Chromium). Not a test file itself.
import assert from 'node:assert/strict';

const allowed = (e) => (typeof e === 'string' ? [e] : e);

/** Asserts got (runCase's report) meets c.expect. */
export function checkCase(c, got) {
  const opened = got.open?.code === 'ok';
  const ops = ['open', 'read', 'verify', 'import'].map((op) => [op, op]);
  if (c.format === 'mork') {
    // Opened through MorkFile.fromBytes too: the same outcomes.
    ops.push(['open_class', 'open'], ['read_class', 'read'], ['verify_class', 'verify']);
    assert.equal(got.open_class?.code === 'ok', opened, `${c.name}: pf.open and MorkFile.fromBytes disagree: ${JSON.stringify(got)}`);
    if (opened) assert.ok(got.class === 'MorkFile' && got.class_class === 'MorkFile', `${c.name}: opened as ${got.class}`);
  }
  for (const [op, key] of ops) {
    if (!(key in c.expect) || ((key === 'read' || key === 'verify') && !opened)) continue;
    assert.ok(op in got, `${c.name}: ${op} never ran: ${JSON.stringify(got)}`);
    assert.ok(allowed(c.expect[key]).includes(got[op].code), `${c.name}: ${op}: ${got[op].code}, want ${c.expect[key]} (${c.attacks})`);
  }
  for (const op of ['info', 'info_class', 'list']) {
    if (op in got) assert.equal(got[op].code, 'ok', `${c.name}: ${op} after a successful open`);
  }
  if ('blocks' in c.expect && opened) assert.equal(got.blocks, c.expect.blocks, c.name);
  if ('import' in c.expect && got.import.code !== 'ok') {
    assert.equal(got.count, 0, `${c.name}: a refused import appended blocks`);
    assert.equal(got.import.imported, 0, c.name);
  }
}
