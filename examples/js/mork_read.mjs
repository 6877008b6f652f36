// mork_read prints a MORK file of any kind — a space (.mtts), PATHMAP1,
// PathMap's .paths, an ACT, a symbol table ZIP or multiplicities (.mttm) —
// through the generic entry point: the format pf.detect names, the kind
// and info pf.open finds, the first paths (as MeTTa, or a multiplicities
// file's keys) with their values, or a symbol table's symbols, then
// verify. examples/js/mork.mjs shows the rest of the MORK API.
//
//	node examples/js/mork_read.mjs FILE [MAX]
//
// MAX is how many paths to print (default 20). Exits 1 when the file does
// not open or does not verify.
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { readFileSync } from 'node:fs';
import { load, PolyfmtError } from '../../bindings/js/src/index.js';

const [path, maxArg = '20'] = process.argv.slice(2);
if (!path) {
  console.error('usage: node mork_read.mjs FILE [MAX]');
  process.exit(2);
}
const max = Number(maxArg);

const pf = await load();
let f;
try {
  console.log(`${path}: detected '${pf.detect(readFileSync(path))}'`);
  f = pf.open(path);
} catch (err) {
  if (!(err instanceof PolyfmtError)) throw err;
  console.error(`mork_read: ${err.codeName}: ${err.message}`);
  process.exit(1);
}

try {
  const info = f.info();
  const version = info.version ? ` ${info.version}` : '';
  const layout = info.kind === 'act' ? ` (${info.actLayout} layout)` : '';
  const interned = info.interned ? ', interned' : '';
  console.log(`${f.constructor.name}: ${info.kind}${version}${layout}, ${info.paths} paths, ${info.symbols} symbols${interned}`);
  if (info.kind === 'symbols') {
    let shown = 0;
    for (const [id, text] of f.symbols()) if (shown++ < max) console.log(`  #${id} ${text}`);
    if (shown > max) console.log(`  … ${shown - max} more`);
  } else {
    // paths() reads them all at once; with a limit, only the first few.
    for (const { path: p, value } of f.paths({ limit: max })) console.log(`  ${f.text(p)} = ${value}`);
    if (info.paths > max) console.log(`  … ${info.paths - max} more`);
  }
  try {
    f.verify();
    console.log('verify: ok');
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    console.log(`verify: ${err.codeName}: ${err.message}`);
    process.exitCode = 1;
  }
} finally {
  f.close();
}
