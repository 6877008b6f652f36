// One hostile-corpus case in its own process, for hostile.test.js: opens,
// reads, verifies or imports the file through the JS binding and prints, as
// one JSON line, what each call threw and this process's peak RSS
// (process.resourceUsage().maxRSS, KiB). Not a test file itself.
import { readFileSync } from 'node:fs';

import { load, PolyfmtError } from '../src/index.js';

const [caseJSON, path] = process.argv.slice(2);
const c = JSON.parse(caseJSON);
const pf = await load();
const out = {};

function run(op, fn) {
  try {
    const r = fn();
    out[op] = { code: 'ok' };
    return r;
  } catch (e) {
    if (!(e instanceof PolyfmtError)) throw e;
    out[op] = { code: e.codeName, imported: e.imported };
    return undefined;
  }
}

if (c.format === 'mem8-json') {
  const f = pf.Mem8File.create({ no_sync: true });
  run('import', () => f.importJson(readFileSync(path)));
  out.count = f.count;
  f.close();
} else if (c.format === 'mem8') {
  const f = run('open', () => pf.Mem8File.fromBytes(readFileSync(path)));
  if (f) {
    out.blocks = f.count;
    run('info', () => JSON.stringify(f.info()));
    run('read', () => { for (let i = 0; i < f.count; i++) f.block(i); });
    run('verify', () => f.verify());
    f.close();
  }
} else {
  const f = run('open', () => pf.MmxFile.fromBytes(readFileSync(path)));
  if (f) {
    run('info', () => JSON.stringify(f.info()));
    run('list', () => f.list());
    run('read', () => f.read(c.chunk));
    run('verify', () => f.verify());
    f.close();
  }
}
out.maxRSS = process.resourceUsage().maxRSS;
process.stdout.write(JSON.stringify(out) + '\n');
