// open prints polyfmt files of any format: for each, its format (detected
// from its first bytes, not its name), its info, and whether it verifies.
// Exits 1 if a file cannot be opened or does not verify.
//
//	node examples/js/open.mjs FILE [FILE...]
//
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { load, PolyfmtError } from '../../bindings/js/src/index.js';

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error('usage: node open.mjs FILE [FILE...]');
  process.exit(2);
}

const pf = await load();
let status = 0;
for (const path of paths) {
  let f;
  try {
    f = pf.open(path); // a Mem8File, an MmxFile, … by the file's first bytes
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    console.error(`open: ${path}: ${err.codeName}: ${err.message}`);
    status = 1;
    continue;
  }
  try {
    console.log(`${path}: ${f.format} (${f.constructor.name})`);
    console.log(JSON.stringify(f.info(), null, 2));
    try {
      f.verify();
      console.log('verify: ok');
    } catch (err) {
      if (!(err instanceof PolyfmtError)) throw err;
      console.log(`verify: ${err.codeName}: ${err.message}`);
      status = 1;
    }
  } finally {
    f.close();
  }
}
process.exitCode = status;
