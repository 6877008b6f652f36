// A node --test reporter for `make test`: one line with the counts when all
// passes; when something fails, each failure in full (name, place, error) and
// what the failing test files wrote to stdout and stderr, then the counts.
//   node --test --test-reporter=./scripts/summary-reporter.mjs test/*.test.js
import { inspect } from 'node:util';

const COUNT = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) (\S+)$/;

export default async function* summary(source) {
  const counts = {};
  const output = new Map(); // test file -> what its process wrote
  const failedFiles = new Set();
  for await (const { type, data } of source) {
    if (type === 'test:stdout' || type === 'test:stderr') {
      output.set(data.file, (output.get(data.file) ?? '') + data.message);
    } else if (type === 'test:diagnostic' && data.nesting === 0 && !data.file) {
      const m = COUNT.exec(data.message); // the run's totals
      if (m) counts[m[1]] = Number(m[2]);
    } else if (type === 'test:fail') {
      failedFiles.add(data.file);
      const err = data.details?.error;
      // A parent that failed only because a subtest did adds nothing.
      if (err?.failureType === 'subtestsFailed') continue;
      const where = data.file ? ` (${data.file}${data.line ? `:${data.line}:${data.column}` : ''})` : '';
      const shown = err?.failureType === 'testCodeFailure' && err.cause ? err.cause : err;
      yield `✖ ${data.name}${where}\n${indent(inspect(shown, { depth: 6 }))}\n\n`;
    }
  }
  for (const file of failedFiles) {
    const out = output.get(file);
    if (out) yield `--- output of ${file}:\n${out}${out.endsWith('\n') ? '' : '\n'}\n`;
  }
  const extra = ['fail', 'skipped', 'todo', 'cancelled']
    .filter((k) => counts[k])
    .map((k) => `${counts[k]} ${k === 'fail' ? 'failed' : k}`);
  const secs = ((counts.duration_ms ?? 0) / 1000).toFixed(1);
  yield `js: ${counts.pass ?? 0} of ${counts.tests ?? 0} tests passed${extra.length ? `, ${extra.join(', ')}` : ''} ` +
    `(${counts.suites ?? 0} suites) in ${secs}s\n`;
}

function indent(s) {
  return s.replace(/^/gm, '    ');
}
