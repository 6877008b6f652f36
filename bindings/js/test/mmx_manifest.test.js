// Every case of core/testdata/mmx/manifest.json, with the expectations the
// Go tests hold: opened from bytes (node:wasi and the WASI shim) and from its
// path. Errors are compared by code name; arrays by dtype, shape and the
// SHA-256 of their bytes; values as parsed JSON.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { load, PolyfmtError } from '../src/index.js';

const mmxDir = fileURLToPath(new URL('../../../core/testdata/mmx/', import.meta.url));
const m = JSON.parse(readFileSync(join(mmxDir, 'manifest.json'), 'utf8'));

const node = await load();
const shim = await load(undefined, { wasi: 'shim' });

const openers = {
  'bytes (node:wasi)': (c) => node.MmxFile.fromBytes(readFileSync(join(mmxDir, c.file))),
  'bytes (WASI shim)': (c) => shim.MmxFile.fromBytes(readFileSync(join(mmxDir, c.file))),
  'path (node:wasi)': (c) => node.MmxFile.open(join(mmxDir, c.file)),
};

function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes behind any TypedArray. */
function bytesOf(a) {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The status code name of what fn throws, or PF_OK. */
function statusOf(fn) {
  try {
    fn();
    return 'PF_OK';
  } catch (err) {
    assert.ok(err instanceof PolyfmtError, String(err));
    assert.ok(err.message.length > 0);
    return err.codeName;
  }
}

/** One chunk of the manifest against the open file. */
function checkChunk(f, entry, w) {
  const known = new Set(['name', 'chunk_type', 'compression', 'logical_region', 'arrays', 'value', 'error']);
  for (const k of Object.keys(w)) assert.ok(known.has(k), `chunk field ${k} is not checked by the JS test`);
  const at = `chunk ${w.name}`;
  assert.equal(entry.name, w.name);
  assert.equal(entry.chunkType, w.chunk_type, at);
  assert.equal(entry.compression, w.compression, at);
  assert.equal(entry.logicalRegion, w.logical_region, at);

  if (w.error !== undefined) {
    assert.equal(statusOf(() => f.readFlat(w.name)), w.error, at);
    assert.equal(statusOf(() => f.read(w.name)), w.error, at);
    return;
  }

  // The flat form: the arrays' placements inside one data buffer.
  const flat = f.readFlat(w.name);
  assert.deepEqual(flat.entry, entry, at);
  assert.deepEqual(flat.value, w.value, `${at}: value`);
  const want = w.arrays ?? {};
  assert.deepEqual(Object.keys(flat.arrays).sort(), Object.keys(want).sort(), `${at}: arrays`);
  for (const [k, a] of Object.entries(want)) {
    const got = flat.arrays[k];
    assert.equal(got.dtype, a.dtype, `${at}.${k}`);
    assert.deepEqual(got.shape, a.shape, `${at}.${k}`);
    assert.equal(sha256(flat.data.subarray(got.offset, got.offset + got.nbytes)), a.sha256, `${at}.${k}`);
  }

  // The decoded form.
  const c = f.read(w.name);
  assert.equal(c.chunkType, w.chunk_type, at);
  assert.deepEqual(c.entry, entry, at);
  switch (c.chunkType) {
    case 'Tensor':
    case 'Embedding': {
      assert.equal(c.dtype, want.data.dtype);
      assert.deepEqual(c.shape, want.data.shape);
      assert.equal(sha256(bytesOf(c.data)), want.data.sha256, at);
      if (c.chunkType === 'Embedding') {
        assert.equal(c.method, w.value.method);
        assert.deepEqual(c.labels, w.value.labels);
      }
      break;
    }
    case 'Mesh': {
      for (const k of ['vertices', 'faces', 'normals', 'uvs']) {
        if (want[k] === undefined) {
          assert.equal(c[k], null, `${at}.${k}`);
          continue;
        }
        assert.ok(c[k] instanceof (k === 'faces' ? Uint32Array : Float32Array), `${at}.${k}`);
        assert.equal(c[k].length, want[k].shape[0] * want[k].shape[1]);
        assert.equal(sha256(bytesOf(c[k])), want[k].sha256, `${at}.${k}`);
      }
      assert.deepEqual(c.materials, w.value.materials);
      break;
    }
    default: {
      const { chunkType, entry: _, ...value } = c;
      assert.deepEqual(value, w.value, `${at}: decoded value`);
    }
  }
}

/** Each expect key and how to check it against an open file. */
const checks = {
  generation(f, want) {
    assert.equal(f.info().generation, want);
  },
  total_chunks(f, want) {
    assert.equal(f.info().header.totalChunks, want);
  },
  file_id(f, want) {
    assert.equal(f.info().header.fileId, want);
  },
  creator(f, want) {
    assert.equal(f.info().header.creator, want);
  },
  recovery_clean(f, want) {
    const r = f.info().recovery;
    assert.equal(r.clean, want);
    if (!want) assert.ok(r.reason.length > 0, 'an unclean file says why');
  },
  verify(f, want) {
    assert.equal(statusOf(() => f.verify()), want);
  },
  chunks(f, want) {
    want ??= [];
    const entries = f.list();
    assert.deepEqual(entries.map((e) => e.name), want.map((w) => w.name), 'chunk names, sorted');
    entries.forEach((e, i) => checkChunk(f, e, want[i]));
  },
};

test('the manifest is the MMX one and has cases', () => {
  assert.equal(m.format, 'mmx');
  assert.ok(m.cases.length >= 30);
  assert.ok(m.cases.some((c) => c.error !== undefined));
  assert.ok(m.cases.some((c) => c.expect?.chunks?.some((ch) => ch.error !== undefined)));
});

for (const c of m.cases) {
  describe(c.name, () => {
    for (const [how, open] of Object.entries(openers)) {
      test(how, () => {
        if (c.error !== undefined) {
          assert.equal(c.expect, undefined, 'a case is an error or an expectation, not both');
          assert.equal(statusOf(() => open(c).close()), c.error);
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
