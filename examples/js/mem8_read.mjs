// mem8_read prints a MEM8 file: its header, its blocks newest first, and
// an importance query.
//
//	node examples/js/mem8_read.mjs FILE.m8 [KEYWORD...]
//
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { load, PolyfmtError } from '../../bindings/js/src/index.js';

const [path, ...keywords] = process.argv.slice(2);
if (!path) {
  console.error('usage: node mem8_read.mjs FILE.m8 [KEYWORD...]');
  process.exit(2);
}

const pf = await load();
let f;
try {
  f = pf.Mem8File.open(path);
} catch (err) {
  if (!(err instanceof PolyfmtError)) throw err;
  console.error(`mem8_read: ${err.codeName}: ${err.message}`);
  process.exit(1);
}

try {
  const info = f.info();
  console.log(`file ${info.name}`);
  console.log(`version ${info.version}, flags ${info.flags} [${info.flagNames.join(' ')}], ${info.blockCount} blocks`);
  console.log(`identity_freq ${info.identityFreq} Hz, temporal_phase ${info.temporalPhase}`);
  console.log(`tokens [${info.tokens.join(' ')}]`);
  if (!info.recovery.clean) console.log(`recovery: ${info.recovery.reason} (${info.recovery.droppedBytes} bytes ignored)`);

  console.log('blocks, newest first:');
  for (const b of f.backwards()) {
    const micros = String(b.timestamp % 1e6).padStart(6, '0');
    const when = `${new Date(Math.floor(b.timestamp / 1000)).toISOString().slice(0, 19)}.${micros}Z`;
    const token = b.token ? ` token=${b.token}` : '';
    console.log(`  #${b.index} ${when} importance=${b.importance.toFixed(3)}${token} ${JSON.stringify(b.text)}`);
  }

  const q = { keywords: keywords.length > 0 ? keywords : ['Important'] };
  console.log(`query ${JSON.stringify(q.keywords)}: ${f.queryIndices(q).join(' ')}`);

  try {
    f.verify();
    console.log('verify: ok');
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    console.log(`verify: ${err.codeName} at block ${err.badBlock}: ${err.message}`);
  }
} finally {
  f.close();
}
