// One case of the shared VSF manifest (core/testdata/vsf/manifest.json),
// run through the package API: by test/vsf_manifest.test.js in Node and by
// test/browser.test.js inside Chromium (this module is served to the page).
// runVsfCase reports what the file gives, in the manifest's terms;
// checkVsfCase (Node side) compares that with the case's expect. No Node
// APIs here: SHA-256 comes from crypto.subtle, present in both.

/** Lowercase hex of bytes. */
function hexOf(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

async function sha256(view) {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return hexOf(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)));
}

/** The label keys the manifest pins. */
const LABEL_KEYS = ['name', 'offset', 'size', 'count', 'unboxed', 'compressed'];

/**
 * Runs case c over its file's bytes with the package's VsfFile class (of
 * a loaded instance) and PolyfmtError, and signKey (the manifest's signing
 * key: a 64-byte private key) for the signed files. Returns a plain,
 * structured-cloneable result.
 */
export async function runVsfCase(VsfFile, VsfTensorRef, PolyfmtError, c, bytes, signKey) {
  const status = (fn) => {
    try {
      fn();
      return 'PF_OK';
    } catch (err) {
      if (!(err instanceof PolyfmtError)) throw err;
      return err.codeName;
    }
  };
  const r = {};
  let f;
  try {
    f = VsfFile.fromBytes(bytes);
    r.open = 'PF_OK';
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    r.open = err.codeName;
    return r;
  }
  try {
    const info = f.info();
    r.form = f.form;
    r.labels = info.labels.map((l) => Object.fromEntries(LABEL_KEYS.map((k) => [k, l[k]])));
    r.labelNames = f.labels;
    r.verify = status(() => f.verify());
    if (info.labels.some((l) => l.signatures > 0)) {
      r.verifyKey = status(() => f.verify({ key: signKey }));
      r.verifyOtherKey = status(() => f.verify({ key: VsfFile.keygen(new Uint8Array(32).fill(0xee)) }));
    }

    // Structured sections: the library's JSON, and every value mapped to
    // JavaScript (tensors found anywhere in them, by path).
    r.sections = {};
    r.tensorPaths = [];
    const walk = (v) => {
      if (v instanceof VsfTensorRef) r.tensorPaths.push(v.path);
      else if (Array.isArray(v)) for (const x of v) walk(x.value);
    };
    for (const l of info.labels) {
      if (l.unboxed) continue;
      r.sections[l.name] = f.sectionJSON(l.name);
      const fields = f.section(l.name);
      if (fields.length !== r.sections[l.name].fields.length) throw new Error(`${l.name}: ${fields.length} fields mapped`);
      for (const x of fields) walk(x.value);
    }

    r.tensors = [];
    for (const t of c.expect.tensors ?? []) {
      const got = f.tensor(t.path);
      const out = { path: t.path, elem: got.type, shape: got.shape, native_sha256: await sha256(got.data) };
      if (got.bits !== undefined) out.bits = got.bits;
      if (got.strides !== undefined) out.strides = got.strides;
      out.kind = got.data[Symbol.toStringTag];
      out.dtype = got.dtype;
      r.tensors.push(out);
    }

    r.unboxed = [];
    for (const l of info.labels) {
      if (!l.unboxed) continue;
      const raw = f.raw(l.name);
      r.unboxed.push({ name: l.name, size: raw.length, sha256: await sha256(raw) });
    }

    r.lookups = {};
    r.lookupKinds = {};
    for (const path of Object.keys(c.expect.lookups ?? {})) {
      r.lookups[path] = f.getJSON(path);
      const v = f.get(path);
      r.lookupKinds[path] = v === null ? 'null' : typeof v === 'object' ? v.constructor.name : typeof v;
    }
  } finally {
    f.close();
  }
  return r;
}

/** The TypedArray each dtype reads as (null: raw bytes). */
const KIND_OF = {
  bool: 'Uint8Array', uint8: 'Uint8Array', int8: 'Int8Array', uint16: 'Uint16Array', int16: 'Int16Array',
  uint32: 'Uint32Array', int32: 'Int32Array', uint64: 'BigUint64Array', int64: 'BigInt64Array',
  float32: 'Float32Array', float64: 'Float64Array', complex64: 'Float32Array', complex128: 'Float64Array',
};

/** What a JavaScript value of each JSON type is (typeof, or its class). */
function kindOfJSON(j) {
  switch (j.type) {
    case 'bool': return 'boolean';
    case 'text': return 'string';
    case 'name': return 'VsfName';
    case 'time': return 'EagleTime';
    case 'struct': return 'Array';
    case 'tensor':
    case 'bitpacked': return 'VsfTensorRef';
  }
  if (/^[ui][67]$/.test(j.type)) return 'bigint';
  if (/^[uif]\d$/.test(j.type)) return 'number';
  return 'Object';
}

/** Compares a runVsfCase result with the case's expect (node:assert/strict passed in). */
export function checkVsfCase(assert, c, r) {
  const e = c.expect;
  const at = (k) => `${c.name}: ${k}`;
  assert.equal(r.open, e.open, at('open'));
  if (e.open !== 'PF_OK') return;
  assert.equal(r.form, e.form, at('form'));
  assert.deepEqual(r.labels, e.labels, at('labels'));
  assert.deepEqual(r.labelNames, e.labels.map((l) => l.name), at('label names'));
  assert.equal(r.verify, e.verify, at('verify'));
  if (r.verifyKey !== undefined) {
    assert.equal(r.verifyKey, e.verify, at('verify with the manifest key'));
    assert.equal(r.verifyOtherKey, 'PF_ECHECKSUM', at('verify with another key'));
  }
  assert.deepEqual(r.sections, e.sections ?? {}, at('sections'));
  const unboxedNames = new Set((e.unboxed ?? []).map((u) => u.name));
  assert.deepEqual(r.tensorPaths.toSorted(), (e.tensors ?? []).map((t) => t.path).filter((p) => !unboxedNames.has(p)).toSorted(), at('tensor paths'));
  assert.equal(r.tensors.length, (e.tensors ?? []).length, at('tensors'));
  for (const [i, w] of (e.tensors ?? []).entries()) {
    const { kind, dtype, ...got } = r.tensors[i];
    assert.deepEqual(got, w, at(w.path));
    assert.equal(kind, KIND_OF[dtype] ?? 'Uint8Array', at(`${w.path}: array kind for ${dtype}`));
  }
  assert.deepEqual(r.unboxed, e.unboxed ?? [], at('unboxed'));
  assert.deepEqual(r.lookups, e.lookups ?? {}, at('lookups'));
  for (const [path, j] of Object.entries(e.lookups ?? {})) {
    assert.equal(r.lookupKinds[path], kindOfJSON(j), at(`${path}: JavaScript value`));
  }
}
