// The shared MORK vectors run through the package API: one case of
// core/testdata/mork/containers/manifest.json, and every case of
// core/testdata/mork/expr.json. test/mork_manifest.test.js runs them in
// Node and test/browser.test.js inside Chromium (this module is served to
// the page). run* report what the package gives, as plain structured-
// cloneable values; check* (Node side) compare that with the vectors. No
// Node APIs here.

/** Lowercase hex of bytes. */
function hexOf(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function bytesOfHex(hex) {
  return Uint8Array.from(hex.match(/../g) ?? [], (x) => parseInt(x, 16));
}

/** 'PF_OK', or the code name of the PolyfmtError fn throws. */
function status(PolyfmtError, fn) {
  try {
    fn();
    return 'PF_OK';
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    return err.codeName;
  }
}

/**
 * Runs container case c over its file's bytes with the package's MorkFile
 * class (of a loaded instance) and PolyfmtError.
 */
export function runMorkCase(MorkFile, PolyfmtError, c, bytes) {
  const r = {};
  let f;
  try {
    f = MorkFile.fromBytes(bytes);
    r.open = 'PF_OK';
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    r.open = err.codeName;
    r.openMessage = err.message;
    return r;
  }
  try {
    r.verify = status(PolyfmtError, () => f.verify());
    const info = f.info();
    r.info = { kind: info.kind, version: info.version, symbols: info.symbols, interned: info.interned, paths: info.paths };
    r.kind = f.kind;
    r.interned = f.interned;
    r.symbolCount = f.symbols().size;
    if (r.verify !== 'PF_OK') return r;
    r.length = f.length;
    const records = f.paths();
    r.texts = [...f];
    r.values = records.map((p) => String(p.value));
    r.entries = [...f.entries()].map(([t, v]) => [t, String(v)]);
    // Every path looked up by its bytes gives its value; every printed path
    // encodes back to its bytes through the file (interned ids included).
    r.lookups = records.map((p) => f.get(p.path) === p.value && f.has(p.path));
    r.reencoded = f.kind === 'mult' ? null : r.texts.map((t, i) => hexOf(f.encode(t)) === hexOf(records[i].path));
    r.firstTwo = f.paths({ limit: 2 }).map((p) => hexOf(p.path));
    r.allHex = records.map((p) => hexOf(p.path));
    if (records.length > 0) {
      const first = records[records.length - 1].path;
      r.prefixed = f.paths({ prefix: first }).map((p) => hexOf(p.path));
      r.lastHex = hexOf(first);
    }
  } finally {
    f.close();
  }
  return r;
}

/** Compares a runMorkCase result with case c (node:assert/strict passed in). */
export function checkMorkCase(assert, c, r) {
  const at = (k) => `${c.file}: ${k}`;
  assert.equal(r.open, c.open_error ?? 'PF_OK', at('open'));
  if (c.open_error !== undefined) {
    if (c.open_error === 'PF_EUNSUPPORTED') assert.match(r.openMessage, /version 2\.\d+ is not supported/, at('open message'));
    return;
  }
  assert.equal(r.verify, c.verify_error ?? 'PF_OK', at('verify'));
  assert.equal(r.kind, c.kind, at('kind'));
  assert.equal(r.info.kind, c.kind, at('info.kind'));
  assert.equal(r.info.version, c.version ?? '', at('version'));
  assert.equal(r.info.symbols, c.symbols, at('symbols'));
  assert.equal(r.symbolCount, c.symbols, at('symbols()'));
  assert.equal(r.info.interned, c.interned === true, at('info.interned'));
  assert.equal(r.interned, c.interned === true, at('interned'));
  if (c.verify_error !== undefined) return;
  const paths = c.paths ?? [];
  assert.deepEqual(r.texts, paths, at('printed paths'));
  if (c.values !== undefined) assert.deepEqual(r.values, c.values, at('values'));
  assert.deepEqual(r.entries, paths.map((p, i) => [p, r.values[i]]), at('entries'));
  assert.equal(r.length, paths.length, at('length'));
  assert.equal(r.info.paths, paths.length, at('info.paths'));
  assert.ok(r.lookups.every(Boolean), at('get and has of every path'));
  if (r.reencoded !== null) assert.ok(r.reencoded.every(Boolean), at('every printed path encodes back to its bytes'));
  assert.deepEqual(r.firstTwo, r.allHex.slice(0, 2), at('limit 2'));
  if (paths.length > 0) assert.ok(r.prefixed.length >= 1 && r.prefixed.every((h) => h.startsWith(r.lastHex)), at('prefix'));
}

/**
 * Runs every case of expr.json: each text encoded with no file (hex), each
 * hex printed with no file, each error case's code and message.
 */
export function runExprVectors(MorkFile, PolyfmtError, expr) {
  const cases = expr.cases.map((c) => {
    const out = {};
    try {
      out.hex = hexOf(MorkFile.encodeMeTTa(c.text));
    } catch (err) {
      if (!(err instanceof PolyfmtError)) throw err;
      out.hex = `${err.codeName}: ${err.message}`;
    }
    try {
      out.printed = MorkFile.printPath(bytesOfHex(c.hex));
    } catch (err) {
      if (!(err instanceof PolyfmtError)) throw err;
      out.printed = `${err.codeName}: ${err.message}`;
    }
    return out;
  });
  const errors = expr.errors.map((c) => {
    try {
      MorkFile.encodeMeTTa(c.text);
      return { code: 'PF_OK', message: '' };
    } catch (err) {
      if (!(err instanceof PolyfmtError)) throw err;
      return { code: err.codeName, message: err.message };
    }
  });
  return { cases, errors };
}

/** The status each error class of expr.json stands for. */
const ERROR_CODES = { format: 'PF_EFORMAT', limit: 'PF_ELIMIT' };

/** Compares a runExprVectors result with expr.json. */
export function checkExprVectors(assert, expr, r) {
  assert.equal(r.cases.length, expr.cases.length);
  for (const [i, c] of expr.cases.entries()) {
    assert.equal(r.cases[i].hex, c.hex, `encode ${JSON.stringify(c.text)}`);
    assert.equal(r.cases[i].printed, c.printed, `print ${c.hex}`);
  }
  assert.equal(r.errors.length, expr.errors.length);
  for (const [i, c] of expr.errors.entries()) {
    const got = r.errors[i];
    const at = `error ${JSON.stringify(c.text.slice(0, 40))}`;
    assert.equal(got.code, ERROR_CODES[c.code], `${at}: ${got.message}`);
    assert.match(got.message, new RegExp(`\\bline ${c.line}, column ${c.column}\\b`), at);
  }
}
