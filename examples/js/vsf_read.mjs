// vsf_read prints a VSF file through the generic entry point: the format
// pf.detect names from its first bytes, then its info through pf.open
// (form, version, size, each label). examples/js/vsf.mjs shows the rest of
// the VSF API.
//
//	node examples/js/vsf_read.mjs FILE.vsf
//
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { readFileSync } from 'node:fs';
import { load } from '../../bindings/js/src/index.js';

const [path] = process.argv.slice(2);
if (!path) {
  console.error('usage: node vsf_read.mjs FILE.vsf');
  process.exit(2);
}

const pf = await load();
console.log(`${path}: detected '${pf.detect(readFileSync(path))}'`);
const f = pf.open(path);
try {
  const info = f.info();
  console.log(`${f.constructor.name}: ${info.form} form, version ${info.version}, ${info.size} bytes`);
  for (const l of info.labels) {
    const kind = l.unboxed ? 'unboxed' : `${l.count} fields`;
    console.log(`  ${l.name}: ${l.size} bytes, ${kind}, hashes ${JSON.stringify(l.hashes)}, ${l.signatures} signature(s)`);
  }
} finally {
  f.close();
}
