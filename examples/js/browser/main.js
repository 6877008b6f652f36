// Reads a MEM8, MMX or VSF file chosen by the user, or fetched from ?file=,
// entirely in the page: the bytes go to polyfmt.wasm, which runs on a small
// WASI shim. The format is told by the file's first bytes (pf.detect).
import { load, EagleTime, PolyfmtError, VsfName, VsfTensorRef } from 'polyfmt';

const $ = (id) => document.getElementById(id);

/** Microseconds since the epoch as an ISO time with microseconds. */
function isoMicros(us) {
  const iso = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
  return `${iso}.${String(us % 1e6).padStart(6, '0')}Z`;
}

/** A short description of a decoded MMX chunk. */
function summary(c) {
  switch (c.chunkType) {
    case 'Tensor':
    case 'Embedding': {
      const head = Array.from(c.data.subarray(0, 6), String).join(', ');
      const more = c.data.length > 6 ? ', …' : '';
      const raw = c.data instanceof Uint8Array && c.dtype !== 'uint8' && c.dtype !== 'bool' ? ' (bytes)' : '';
      const emb = c.chunkType === 'Embedding' ? ` method=${c.method}` : '';
      return `${c.dtype}[${c.shape.join(',')}]${raw} ${head}${more}${emb}`;
    }
    case 'Mesh':
      return `${c.vertices.length / 3} vertices, ${c.faces.length / 3} faces${c.normals ? ', normals' : ''}${c.uvs ? ', uvs' : ''}`;
    case 'Text':
      return JSON.stringify(c.content);
    case 'Sequence':
      return `${c.frames.length} frames at ${c.fps ?? '?'} fps`;
    case 'Meta':
      return `v${c.version} ${JSON.stringify(c.data)}`;
    default:
      return '';
  }
}

function showMMX(pf, name, bytes) {
  const f = pf.MmxFile.fromBytes(bytes);
  try {
    const info = f.info();
    const h = info.header;
    $('header').textContent = [
      `${name}: ${bytes.byteLength} bytes, MMX version ${h.version}, generation ${info.generation}`,
      `${h.totalChunks} chunks ${JSON.stringify(h.modalitySummary)}`,
      `file_id ${h.fileId}, creator ${JSON.stringify(h.creator)}`,
      info.recovery.clean ? 'recovery: clean' : `recovery: ${info.recovery.reason}`,
    ].join('\n');

    const body = $('chunks').tBodies[0];
    body.replaceChildren();
    const chunks = [];
    for (const e of f.list()) {
      let text;
      try {
        text = summary(f.read(e.name));
      } catch (err) {
        if (!(err instanceof PolyfmtError)) throw err;
        text = `${err.codeName}: ${err.message}`;
      }
      const row = body.insertRow();
      for (const cell of [e.name, e.chunkType, e.compression, e.logicalRegion ?? '', text]) {
        row.insertCell().textContent = cell;
      }
      row.cells[4].className = 'content';
      chunks.push({ name: e.name, chunkType: e.chunkType, compression: e.compression, summary: text });
    }
    $('blocks').hidden = true;
    $('fields').hidden = true;
    $('chunks').hidden = false;
    $('status').textContent = `${chunks.length} chunks.`;
    // For scripts driving the page (the package's browser test).
    window.polyfmtResult = { name, format: 'mmx', info, chunks };
  } finally {
    f.close();
  }
}

/** A short description of a VSF value as the package maps it to JavaScript. */
function vsfSummary(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v !== 'object' || v === null) return String(v);
  if (v instanceof VsfName) return `name ${v.value}`;
  if (v instanceof EagleTime) return `${v.toString()} (Eagle ${v.seconds ?? v.float} s)`;
  if (v instanceof VsfTensorRef) {
    const bits = v.bits === null ? '' : ` ${v.bits}-bit`;
    const strides = v.strides === null ? '' : ` strides [${v.strides.join(',')}]`;
    return `${v.kind} ${v.elem}[${v.shape.join(',')}]${bits}${strides}, ${v.bytes} bytes`;
  }
  if (Array.isArray(v)) return `{ ${v.map((f) => `${f.name}: ${vsfSummary(f.value)}`).join(', ')} }`;
  if (v.bytes instanceof Uint8Array) return `${v.type} ${v.alg} ${Array.from(v.bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('')}…`;
  return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

function showVSF(pf, name, bytes) {
  const f = pf.VsfFile.fromBytes(bytes);
  try {
    const info = f.info();
    let verify = 'ok';
    try {
      f.verify();
    } catch (err) {
      if (!(err instanceof PolyfmtError)) throw err;
      verify = `${err.codeName}: ${err.message}`;
    }
    $('header').textContent = [
      `${name}: ${bytes.byteLength} bytes, VSF version ${info.version} (${info.form} form)`,
      `${info.labels.length} sections; trailer [${info.trailer.join(' ')}]`,
      `verify: ${verify}`,
    ].join('\n');

    const body = $('fields').tBodies[0];
    body.replaceChildren();
    const fields = [];
    const addRow = (section, field, type, summary) => {
      const row = body.insertRow();
      for (const cell of [section, field, type, summary]) row.insertCell().textContent = cell;
      row.cells[3].className = 'content';
      fields.push({ section, field, type, summary });
    };
    for (const l of info.labels) {
      if (l.unboxed) {
        addRow(l.name, '', 'unboxed', `${l.rawSize} bytes${l.compressed ? ' (compressed)' : ''}`);
        continue;
      }
      const types = f.sectionJSON(l.name).fields.map((x) => x.value.type);
      f.section(l.name).forEach((x, i) => addRow(l.name, x.name, types[i], vsfSummary(x.value)));
    }
    $('blocks').hidden = true;
    $('chunks').hidden = true;
    $('fields').hidden = false;
    $('status').textContent = `${fields.length} fields.`;
    // For scripts driving the page (the package's browser test).
    window.polyfmtResult = { name, format: 'vsf', info, verify, fields };
  } finally {
    f.close();
  }
}

function show(pf, name, bytes) {
  const format = pf.detect(bytes);
  if (format === 'mmx') {
    showMMX(pf, name, bytes);
    return;
  }
  if (format === 'vsf') {
    showVSF(pf, name, bytes);
    return;
  }
  const f = pf.Mem8File.fromBytes(bytes);
  try {
    const info = f.info();
    $('header').textContent = [
      `${name}: ${bytes.byteLength} bytes, MEM8 version ${info.version}`,
      `flags ${info.flags} [${info.flagNames.join(' ')}], ${info.blockCount} blocks`,
      `identity_freq ${info.identityFreq} Hz, temporal_phase ${info.temporalPhase}`,
      `tokens [${info.tokens.join(' ')}]`,
      info.recovery.clean ? 'recovery: clean' : `recovery: ${info.recovery.reason}`,
    ].join('\n');

    const body = $('blocks').tBodies[0];
    body.replaceChildren();
    const blocks = [];
    for (const b of f.backwards()) {
      const row = body.insertRow();
      for (const text of [b.index, isoMicros(b.timestamp), b.importance.toFixed(3), b.token, b.waveSignature, b.text]) {
        row.insertCell().textContent = String(text);
      }
      row.cells[5].className = 'content';
      blocks.push({ index: b.index, timestamp: b.timestamp, importanceRaw: b.importanceRaw, token: b.token, waveSignature: b.waveSignature, prevHash: b.prevHash, text: b.text });
    }
    $('chunks').hidden = true;
    $('fields').hidden = true;
    $('blocks').hidden = false;
    $('status').textContent = `${blocks.length} blocks, newest first.`;
    // For scripts driving the page (the package's browser test).
    window.polyfmtResult = { name, count: f.count, info, blocks };
  } finally {
    f.close();
  }
}

function fail(err) {
  $('error').textContent = err instanceof PolyfmtError ? `${err.codeName}: ${err.message}` : String(err);
  window.polyfmtResult = { error: err.codeName ?? String(err) };
  document.body.dataset.state = 'error';
}

try {
  const pf = await load();
  $('status').textContent = `polyfmt ${pf.version()} ready.`;

  $('pick').addEventListener('change', async () => {
    const file = $('pick').files[0];
    if (!file) return;
    $('error').textContent = '';
    try {
      show(pf, file.name, new Uint8Array(await file.arrayBuffer()));
      document.body.dataset.state = 'done';
    } catch (err) {
      fail(err);
    }
  });

  const wanted = new URLSearchParams(location.search).get('file');
  if (wanted) {
    const resp = await fetch(wanted);
    if (!resp.ok) throw new Error(`fetching ${wanted}: HTTP ${resp.status}`);
    show(pf, wanted.split('/').pop(), new Uint8Array(await resp.arrayBuffer()));
  }
  document.body.dataset.state = 'done';
} catch (err) {
  fail(err);
}
