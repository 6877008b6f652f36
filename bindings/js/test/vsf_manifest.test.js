// The shared VSF vectors (core/testdata/vsf): every manifest case through
// the package (test/vsf_manifest_case.js, which the browser test runs too),
// and ewe.json's values, integers and tensor headers byte for byte.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { load, PolyfmtError, VsfTensorRef, vsf } from '../src/index.js';
import { hex } from './helpers.js';
import { checkVsfCase, runVsfCase } from './vsf_manifest_case.js';

const pf = await load();
const V = pf.VsfFile;
const vsfDir = fileURLToPath(new URL('../../../core/testdata/vsf/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(vsfDir, 'manifest.json'), 'utf8'));
const ewe = JSON.parse(readFileSync(join(vsfDir, 'ewe.json'), 'utf8'));

/** The manifest's signing key: the seed 01…01. */
const signKey = V.keygen(new Uint8Array(32).fill(1));

function bytesOf(h) {
  return Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
}

test('the manifest names its signing key, and keygen makes it', () => {
  assert.match(manifest.schema.key, new RegExp(hex(V.publicKey(signKey))));
});

describe('manifest cases', () => {
  for (const c of manifest.cases) {
    test(`${c.name} from bytes`, async () => {
      const r = await runVsfCase(V, VsfTensorRef, PolyfmtError, c, readFileSync(join(vsfDir, c.file)), signKey);
      checkVsfCase(assert, c, r);
    });
  }

  test('every case opened by path through open(), detected as VSF', () => {
    for (const c of manifest.cases) {
      const path = join(vsfDir, c.file);
      let f;
      try {
        f = pf.open(path);
      } catch (err) {
        assert.ok(err instanceof PolyfmtError, c.name);
        assert.equal(err.codeName, c.expect.open, c.name);
        continue;
      }
      try {
        assert.equal(c.expect.open, 'PF_OK', c.name);
        assert.ok(f instanceof V, c.name);
        assert.deepEqual(f.labels, c.expect.labels.map((l) => l.name), c.name);
      } finally {
        f.close();
      }
    }
  });
});

describe('ewe.json', () => {
  test('typed values: JSON form ↔ bytes, both ways', () => {
    for (const v of ewe.values) {
      const at = v.name;
      assert.deepEqual(V.decodeValueJSON(bytesOf(v.hex)), v.value, at);
      // Tensor data does not travel in JSON.
      if (v.value.type === 'tensor' || v.value.type === 'bitpacked') continue;
      assert.equal(hex(V.encodeValue(vsf.fromJSON(v.value))), v.hex, at);
    }
  });

  test('values whose JavaScript form keeps their type re-encode to the same bytes', () => {
    const selfTyped = /^(bool|name|text|time|hash|signature|key|struct|j\d|s\d\d|c\d\d)$/;
    let n = 0;
    for (const v of ewe.values) {
      if (!selfTyped.test(v.value.type) || v.value.type === 'struct') continue;
      const js = V.decodeValue(bytesOf(v.hex));
      assert.equal(hex(V.encodeValue(js)), v.hex, v.name);
      n++;
    }
    assert.ok(n >= 12, `${n} values`);
  });

  test('signed integers: the smallest signed type holds each, as the default rule picks it', () => {
    for (const s of ewe.signed) {
      const want = BigInt(s.value);
      // The typed value's bytes end with the EWE integer's (its size marker, then big-endian).
      const got = hex(V.encodeValue(want));
      assert.equal(got.slice(2), s.hex, s.value); // "69" (i), then the EWE integer
      assert.equal(V.decodeValue(bytesOf(`69${s.hex}`)), /^3[67]/.test(s.hex) ? want : Number(want), s.value);
    }
  });

  test('tensor headers: the bytes before the data of tensors added from TypedArrays', () => {
    for (const t of ewe.tensor_headers) {
      if (t.form === 'crate' || t.data_len > 20_000_000) continue; // the 25 MB image is covered by vsf.test.js
      const w = V.create();
      try {
        const count = t.shape.reduce((a, b) => a * b, 1);
        if (t.kind === 'bitpacked') {
          w.add('s', 'x', vsf.bitpacked(new Uint16Array(count), t.bits, t.shape));
        } else {
          const native = t.elem === 'bool' ? count : t.data_len;
          w.add('s', 'x', new Uint8Array(native), { type: t.elem, shape: t.shape, strides: t.strides });
        }
        w.commit();
        const enc = hex(w.raw('s'));
        assert.ok(enc.includes(`3a${t.hex}`), `${t.name}: ${enc.slice(0, 80)}`);
      } finally {
        w.close();
      }
    }
  });
});
