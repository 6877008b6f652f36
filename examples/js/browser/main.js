// Reads a MEM8 file chosen by the user, or fetched from ?file=, entirely in
// the page: the bytes go to polyfmt.wasm, which runs on a small WASI shim.
import { load, PolyfmtError } from 'polyfmt';

const $ = (id) => document.getElementById(id);

/** Microseconds since the epoch as an ISO time with microseconds. */
function isoMicros(us) {
  const iso = new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
  return `${iso}.${String(us % 1e6).padStart(6, '0')}Z`;
}

function show(pf, name, bytes) {
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
