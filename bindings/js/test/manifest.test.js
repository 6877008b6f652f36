// Every case of core/testdata/mem8/manifest.json, with the expectations the
// Go, C and Python tests hold: opened from bytes (node:wasi and the WASI
// shim) and from its path.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';

import { load, PolyfmtError } from '../src/index.js';
import { hex, manifest, vector, vectorsDir } from './helpers.js';

const node = await load();
const shim = await load(undefined, { wasi: 'shim' });
const m = manifest();

const openers = {
  'bytes (node:wasi)': (c) => node.Mem8File.fromBytes(vector(c.file)),
  'bytes (WASI shim)': (c) => shim.Mem8File.fromBytes(vector(c.file)),
  'path (node:wasi)': (c) => node.Mem8File.open(join(vectorsDir, c.file)),
};

/** Each expect key and how to check it against an open file. */
const checks = {
  count(f, want) {
    assert.equal(f.count, want);
    assert.equal(f.length, want);
  },
  flags(f, want) {
    assert.equal(f.info().flags, want);
  },
  identity_freq(f, want) {
    assert.equal(f.info().identityFreq, want);
  },
  temporal_phase(f, want) {
    assert.equal(f.info().temporalPhase, want);
  },
  recovery_clean(f, want) {
    assert.equal(f.info().recovery.clean, want);
  },
  tokens(f, want) {
    assert.deepEqual(f.info().tokens, want);
  },
  blocks(f, want) {
    want ??= [];
    const got = [...f];
    assert.equal(got.length, want.length, 'blocks by iteration');
    want.forEach((w, i) => checkBlock(got[i], w));
    want.forEach((w) => checkBlock(f.block(w.index), w));
    assert.deepEqual([...f.backwards()].map((b) => b.index), want.map((b) => b.index).reverse());
  },
  queries(f, want) {
    for (const q of want) {
      const query = { keywords: q.keywords, fill: q.fill ?? 10, max: q.max ?? 20 };
      assert.deepEqual(f.queryIndices(query), q.result, `query ${JSON.stringify(query)}`);
      assert.deepEqual(f.query(query).map((b) => b.index), q.result);
    }
  },
  verify(f, want) {
    if (want.status === 'PF_OK') {
      assert.equal(f.verify(), undefined);
      assert.equal(want.bad_block, -1);
      return;
    }
    assert.throws(() => f.verify(), (err) => {
      assert.ok(err instanceof PolyfmtError);
      assert.equal(err.codeName, want.status);
      assert.equal(err.badBlock, want.bad_block);
      assert.ok(err.message.length > 0);
      return true;
    });
  },
};

/** Every field a block record may carry in the manifest. */
function checkBlock(b, w) {
  const known = new Set(['index', 'timestamp', 'importance_raw', 'token', 'token_id', 'wave_signature', 'prev_hash', 'content', 'content_hex']);
  for (const k of Object.keys(w)) assert.ok(known.has(k), `block field ${k} is not checked by the JS test`);
  assert.equal(b.index, w.index);
  assert.equal(b.timestamp, w.timestamp);
  assert.equal(b.importanceRaw, w.importance_raw);
  assert.equal(b.token, w.token);
  assert.equal(b.tokenId, w.token_id);
  assert.equal(b.waveSignature, w.wave_signature);
  assert.equal(b.prevHash, w.prev_hash);
  assert.ok(b.content instanceof Uint8Array);
  if ('content_hex' in w) {
    assert.equal(hex(b.content), w.content_hex);
  } else {
    assert.equal(b.text, w.content);
    assert.deepEqual(b.content, new TextEncoder().encode(w.content));
  }
  assert.equal(Math.fround(b.importance), Math.fround(w.importance_raw / 65535));
}

test('the manifest is the MEM8 one and has cases', () => {
  assert.equal(m.format, 'mem8');
  assert.ok(m.cases.length > 0);
});

for (const c of m.cases) {
  describe(c.name, () => {
    for (const [how, open] of Object.entries(openers)) {
      test(how, () => {
        if (c.error !== undefined) {
          assert.equal(c.expect, undefined, 'a case is an error or an expectation, not both');
          assert.throws(() => open(c), (err) => {
            assert.ok(err instanceof PolyfmtError, String(err));
            assert.equal(err.codeName, c.error);
            assert.ok(err.message.length > 0);
            return true;
          });
          return;
        }
        assert.ok(c.expect, 'a case has error or expect');
        const f = open(c);
        try {
          for (const [key, want] of Object.entries(c.expect)) {
            assert.ok(key in checks, `expect.${key} is not checked by the JS test`);
            checks[key](f, want);
          }
        } finally {
          f.close();
        }
      });
    }
  });
}
