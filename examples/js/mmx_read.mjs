// mmx_read prints an MMX file: its header, then every chunk decoded by type.
//
//	node examples/js/mmx_read.mjs FILE.mmx [PREFIX]
//
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { load, PolyfmtError } from '../../bindings/js/src/index.js';

const [path, prefix = ''] = process.argv.slice(2);
if (!path) {
  console.error('usage: node mmx_read.mjs FILE.mmx [PREFIX]');
  process.exit(2);
}

const pf = await load();
let f;
try {
  f = pf.MmxFile.open(path);
} catch (err) {
  if (!(err instanceof PolyfmtError)) throw err;
  console.error(`mmx_read: ${err.codeName}: ${err.message}`);
  process.exit(1);
}

/** The first few elements of an array, and how many there are. */
function preview(a, n = 6) {
  const head = Array.from(a.subarray(0, n), (x) => (typeof x === 'number' && !Number.isInteger(x) ? Number(x.toPrecision(6)) : x));
  return `[${head.join(', ')}${a.length > n ? ', …' : ''}]`;
}

/** One line describing a decoded chunk. */
function describe(c) {
  switch (c.chunkType) {
    case 'Tensor':
    case 'Embedding': {
      // Dtypes without a TypedArray come back as their little-endian bytes.
      const typed = !(c.data instanceof Uint8Array) || c.dtype === 'uint8' || c.dtype === 'bool';
      const values = typed ? preview(c.data) : `bytes ${Buffer.from(c.data.subarray(0, 8)).toString('hex')}${c.data.length > 8 ? '…' : ''}`;
      const emb = c.chunkType === 'Embedding' ? ` method=${JSON.stringify(c.method)} labels=${JSON.stringify(c.labels)}` : '';
      return `${c.dtype}[${c.shape.join(',')}] ${values}${emb}`;
    }
    case 'Mesh': {
      const parts = [`${c.vertices.length / 3} vertices`, `${c.faces.length / 3} faces`];
      if (c.normals) parts.push(`${c.normals.length / 3} normals`);
      if (c.uvs) parts.push(`${c.uvs.length / 2} uvs`);
      if (c.materials) parts.push(`materials ${JSON.stringify(c.materials)}`);
      return parts.join(', ');
    }
    case 'Text': {
      const text = c.content.length > 60 ? `${c.content.slice(0, 60)}…` : c.content;
      return `${JSON.stringify(text)} (${c.encoding}, language ${c.language ?? '-'}, ${c.tokens ? c.tokens.length : 0} tokens)`;
    }
    case 'Sequence':
      return `${c.frames.length} frames ${JSON.stringify(c.frames)} fps=${c.fps ?? '-'} duration=${c.duration ?? '-'}${c.metadata ? ` metadata ${JSON.stringify(c.metadata)}` : ''}`;
    case 'Meta':
      return `version ${c.version} at ${c.timestamp || '-'}: ${JSON.stringify(c.data)}`;
    default:
      return '';
  }
}

try {
  const info = f.info();
  const h = info.header;
  const summary = Object.entries(h.modalitySummary ?? {}).map(([t, n]) => `${t} ${n}`).join(', ');
  console.log(`file ${info.name}`);
  console.log(`generation ${info.generation}, ${h.totalChunks} chunks${summary ? ` (${summary})` : ''}`);
  console.log(`file_id ${h.fileId}, creator ${JSON.stringify(h.creator)}, created ${h.created}`);
  if (!info.recovery.clean) console.log(`recovery: ${info.recovery.reason}; ${info.recovery.droppedBytes} bytes ignored`);

  const entries = f.list(prefix);
  console.log(prefix ? `chunks under ${JSON.stringify(prefix)}:` : 'chunks:');
  for (const e of entries) {
    const where = `${e.compression}${e.logicalRegion ? ` region=${e.logicalRegion}` : ''}`;
    let line;
    try {
      line = describe(f.read(e.name));
    } catch (err) {
      if (!(err instanceof PolyfmtError)) throw err;
      line = `error ${err.codeName}: ${err.message}`;
    }
    console.log(`  ${e.name} ${e.chunkType} ${where}: ${line}`);
  }

  try {
    f.verify();
    console.log('verify: ok');
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    console.log(`verify: ${err.codeName}: ${err.message}`);
  }
} finally {
  f.close();
}
