// vsf_read prints a VSF file through the generic entry point: the format
// pf.detect names from its first bytes, then its info through pf.open
// (form, version, size, each label). A package without a VSF class yet
// (its VSF binding is being written) refuses to wrap the file with
// PF_EUNSUPPORTED: that is reported, not a failure.
//
//	node examples/js/vsf_read.mjs FILE.vsf
//
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { readFileSync } from 'node:fs';
import { load, PolyfmtError } from '../../bindings/js/src/index.js';

const [path] = process.argv.slice(2);
if (!path) {
  console.error('usage: node vsf_read.mjs FILE.vsf');
  process.exit(2);
}

const pf = await load();
console.log(`${path}: detected '${pf.detect(readFileSync(path))}'`);
let f;
try {
  f = pf.open(path);
} catch (err) {
  if (!(err instanceof PolyfmtError) || err.codeName !== 'PF_EUNSUPPORTED') throw err;
  console.log(`pf.open: this package has no VSF class yet: ${err.message}`);
  process.exit(0);
}
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
