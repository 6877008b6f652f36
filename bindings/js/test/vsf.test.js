// VsfFile and the VSF value mapping: round trips of every value type and
// every tensor element type through add → commit → reopen from bytes,
// bit-packed images, Eagle Time, 128-bit integers, signatures, conversion
// between the seed and crate forms, files on disk, the copies a read
// returns, and errors.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  load, open, detect, EagleTime, MmxFile, PolyfmtError, VSF, VsfFile, VsfName, VsfTensorRef, VsfValue, vsf,
} from '../src/index.js';
import { hex, tempDir } from './helpers.js';

const pf = await load();
const V = pf.VsfFile;

/** Files a test opened, closed after it (Node 20 has no `using`). */
const opened = [];
function keep(f) {
  opened.push(f);
  return f;
}
afterEach(() => {
  for (const f of opened.splice(0)) f.close();
});

/** Builds an in-memory file with build(w), commits it and reopens its image read-only. */
function roundTrip(build, opts) {
  const w = keep(V.create(opts));
  build(w);
  w.commit();
  return keep(V.fromBytes(w.toBytes()));
}

/** fn's PolyfmtError code name (fails if fn does not throw one). */
function codeOf(fn) {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    return err.codeName;
  }
  assert.fail('no error');
}

/** A deterministic Ed25519 private key. */
function keyFrom(n) {
  return V.keygen(new Uint8Array(32).fill(n));
}

describe('values', () => {
  // [field, value added, JS value read back, JSON type stored]
  const cases = [
    ['u3', vsf.u3(255), 255, 'u3'],
    ['u4', vsf.u4(65535), 65535, 'u4'],
    ['u5', vsf.u5(800), 800, 'u5'],
    ['u6', vsf.u6(2n ** 64n - 1n), 2n ** 64n - 1n, 'u6'],
    ['u7', vsf.u7(2n ** 128n - 1n), 2n ** 128n - 1n, 'u7'],
    ['i3', vsf.i3(-42), -42, 'i3'],
    ['i4', vsf.i4(-32768), -32768, 'i4'],
    ['i5', vsf.i5(2 ** 31 - 1), 2 ** 31 - 1, 'i5'],
    ['i6', vsf.i6(-(2n ** 63n)), -(2n ** 63n), 'i6'],
    ['i7', vsf.i7(-(2n ** 127n)), -(2n ** 127n), 'i7'],
    ['i7max', vsf.i7('170141183460469231731687303715884105727'), 2n ** 127n - 1n, 'i7'],
    ['f5', vsf.f5(1.5), 1.5, 'f5'],
    ['f6', vsf.f6(Math.PI), Math.PI, 'f6'],
    ['nan', vsf.f6(NaN), NaN, 'f6'],
    ['inf', vsf.f5(Infinity), Infinity, 'f5'],
    ['ninf', -Infinity, -Infinity, 'f6'],
    ['negzero', -0, -0, 'f6'],
    ['j5', vsf.j5(1.5, -2), { type: 'j5', re: 1.5, im: -2 }, 'j5'],
    ['j6', vsf.j6(Math.E, NaN), { type: 'j6', re: Math.E, im: NaN }, 'j6'],
    ['true', true, true, 'bool'],
    ['false', vsf.bool(false), false, 'bool'],
    ['name', new VsfName('metadata'), new VsfName('metadata'), 'name'],
    ['name2', vsf.name('x'), new VsfName('x'), 'name'],
    ['text', 'héllo wörld 🌍', 'héllo wörld 🌍', 'text'],
    ['empty', '', '', 'text'],
    ['hash', vsf.hash('sha256', new Uint8Array(32).fill(7)), { type: 'hash', alg: 'sha256', bytes: new Uint8Array(32).fill(7) }, 'hash'],
    ['sig', vsf.signature(new Uint8Array(64).fill(9)), { type: 'signature', alg: 'ed25519', bytes: new Uint8Array(64).fill(9) }, 'signature'],
    ['key', { type: 'key', alg: 'ed25519', bytes: new Uint8Array(32).fill(3) }, { type: 'key', alg: 'ed25519', bytes: new Uint8Array(32).fill(3) }, 'key'],
    ['spirix', vsf.spirix('s64', -5n, 3n), { type: 's64', frac: -5n, exp: 3n, approx: -5 * 2 ** -63 * 2 ** 3 }, 's64'],
    ['circle', vsf.circle('c33', 64, -64, 1), { type: 'c33', re: 64n, im: -64n, exp: 1n, approx: [1, -1] }, 'c33'],
    // The default rule: integers (Number or BigInt) take the smallest signed type.
    ['small', 5, 5, 'i3'],
    ['short', 1000, 1000, 'i4'],
    ['int', -70000, -70000, 'i5'],
    ['long', 2 ** 40, 2n ** 40n, 'i6'],
    ['bigsmall', 5n, 5, 'i3'],
    ['big', 2n ** 100n, 2n ** 100n, 'i7'],
    ['huge', 2n ** 127n, 2n ** 127n, 'u7'],
    ['float', 0.1, 0.1, 'f6'],
  ];

  test('every type, through add → commit → bytes → section and get', () => {
    const r = roundTrip((w) => {
      for (const [name, v] of cases) w.add('values', name, v);
    });
    const fields = r.section('values');
    assert.deepEqual(fields.map((f) => f.name), cases.map(([n]) => n));
    const json = r.sectionJSON('values');
    assert.equal(json.name, 'values');
    for (const [i, [name, , want, type]] of cases.entries()) {
      assert.deepEqual(fields[i].value, want, name);
      assert.deepEqual(r.get(`values.${name}`), want, name);
      assert.equal(json.fields[i].value.type, type, name);
    }
    assert.ok(Object.is(r.get('values.negzero'), -0));
  });

  test('integers: Number up to 32 bits, BigInt for 64 and 128; exact at the edges', () => {
    const r = roundTrip((w) => {
      w.add('n', 'u5max', vsf.u5(2 ** 32 - 1));
      w.add('n', 'u6one', vsf.u6(1));
      w.add('n', 'u7max', vsf.u7(2n ** 128n - 1n));
      w.add('n', 'i7min', vsf.i7(-(2n ** 127n)));
      w.add('n', 'dec', vsf.u7('340282366920938463463374607431768211455'));
    });
    assert.equal(r.get('n.u5max'), 4294967295);
    assert.equal(typeof r.get('n.u5max'), 'number');
    assert.equal(r.get('n.u6one'), 1n);
    assert.equal(r.get('n.u7max'), 340282366920938463463374607431768211455n);
    assert.equal(r.get('n.i7min'), -170141183460469231731687303715884105728n);
    assert.equal(r.get('n.dec'), 2n ** 128n - 1n);
    assert.deepEqual(r.getJSON('n.u7max'), { type: 'u7', value: '340282366920938463463374607431768211455' });
  });

  test('typed values written in the JSON form come back as written', () => {
    const r = roundTrip((w) => {
      w.add('j', 'a', vsf.fromJSON({ type: 'u4', value: '5' }));
      w.add('j', 'b', { type: 'u6', value: 7n });
      w.add('j', 'c', { type: 'f5', value: 0.5 });
    });
    assert.deepEqual(r.getJSON('j.a'), { type: 'u4', value: '5' });
    assert.deepEqual(r.getJSON('j.b'), { type: 'u6', value: '7' });
    assert.equal(r.get('j.c'), 0.5);
    assert.ok(vsf.u4(5) instanceof VsfValue);
    assert.equal(vsf.u4(5).type, 'u4');
  });

  test('nested structures: arrays of fields, Maps and plain objects, read back as arrays of fields', () => {
    const r = roundTrip((w) => {
      w.add('s', 'arr', [{ name: 'a', value: 1 }, { name: 'b', value: [{ name: 'deep', value: 'x' }] }]);
      w.add('s', 'map', new Map([['z', true], ['y', vsf.u4(2)]]));
      w.add('s', 'obj', { k: 'v', n: { m: 1.5 } });
      w.add('s', 'helper', vsf.struct({ one: 1 }));
    });
    assert.deepEqual(r.get('s.arr'), [{ name: 'a', value: 1 }, { name: 'b', value: [{ name: 'deep', value: 'x' }] }]);
    assert.equal(r.get('s.arr.b.deep'), 'x');
    assert.deepEqual(r.get('s.map'), [{ name: 'z', value: true }, { name: 'y', value: 2 }]);
    assert.deepEqual(r.get('s.obj'), [{ name: 'k', value: 'v' }, { name: 'n', value: [{ name: 'm', value: 1.5 }] }]);
    assert.deepEqual(r.get('s.helper'), [{ name: 'one', value: 1 }]);
    assert.deepEqual(r.get('s'), r.section('s'));
  });

  test('EagleTime ↔ Date: the Eagle epoch is 0, the Unix epoch 14182940', () => {
    const eagle = new Date(Date.UTC(1969, 6, 20, 20, 17, 40));
    assert.equal(EagleTime.fromDate(eagle).seconds, 0n);
    assert.equal(EagleTime.fromDate(new Date(0)).seconds, 14182940n);
    assert.equal(new EagleTime(0n).toDate().toISOString(), '1969-07-20T20:17:40.000Z');
    assert.equal(new EagleTime(14182940n).toDate().getTime(), 0);
    const frac = EagleTime.fromDate(new Date(1500));
    assert.equal(frac.isFloat, true);
    assert.equal(frac.float, 14182941.5);
    assert.equal(frac.toDate().getTime(), 1500);
    assert.throws(() => EagleTime.fromDate(new Date(NaN)), TypeError);

    const when = new Date(Date.UTC(2025, 0, 2, 3, 4, 5));
    const r = roundTrip((w) => {
      w.add('t', 'epoch', new EagleTime(0n));
      w.add('t', 'date', when);
      w.add('t', 'float', new EagleTime(1.25));
      w.add('t', 'big', vsf.time(2n ** 40n));
      w.add('t', 'neg', new EagleTime(-5n));
    });
    assert.deepEqual(r.get('t.epoch'), new EagleTime(0n, 'T5'));
    const got = r.get('t.date');
    assert.ok(got instanceof EagleTime);
    assert.equal(got.seconds, BigInt(when.getTime() / 1000) + 14182940n);
    assert.equal(got.toDate().getTime(), when.getTime());
    assert.equal(r.get('t.float').float, 1.25);
    assert.equal(r.get('t.float').form, 't6');
    assert.equal(r.get('t.big').seconds, 2n ** 40n);
    assert.equal(r.get('t.big').form, 'T6');
    assert.equal(r.get('t.neg').seconds, -5n);
  });

  test('encodeValue and decodeValue: the wire bytes of one value', () => {
    assert.equal(hex(V.encodeValue(vsf.u3(42))), '75332a');
    assert.equal(hex(vsf.encodeValue(vsf.u5(100000))), '7535000186a0');
    assert.equal(hex(V.encodeValue(vsf.i3(-42))), '6933d6');
    assert.equal(hex(V.encodeValue(vsf.u4(5))), '75340005');
    assert.equal(hex(V.encodeValue(new VsfName('metadata'))), '6433086d65746164617461');
    assert.equal(V.decodeValue(Uint8Array.of(0x75, 0x35, 0x00, 0x01, 0x86, 0xa0)), 100000);
    assert.deepEqual(V.decodeValueJSON(Uint8Array.of(0x69, 0x33, 0xd6)), { type: 'i3', value: '-42' });
    for (const v of [true, 'text', 1.5, -(2n ** 100n), new EagleTime(7n), { type: 'j6', re: 1, im: 2 }, [{ name: 'a', value: 1 }]]) {
      assert.deepEqual(vsf.decodeValue(vsf.encodeValue(v)), v instanceof EagleTime ? new EagleTime(7n, 'T5') : v);
    }
    // A tensor's value carries no data: its reference cannot be read.
    const t = V.decodeValue(Uint8Array.of(0x74, 0x33, 0x01, 0x75, 0x33, 0x33, 0x02, 1, 2));
    assert.ok(t instanceof VsfTensorRef);
    assert.deepEqual([t.kind, t.elem, t.shape, t.path], ['tensor', 'u3', [2], null]);
    assert.throws(() => t.read(), TypeError);
    assert.equal(codeOf(() => V.decodeValue(Uint8Array.of(0x69, 0x33, 0xd6, 0))), 'PF_EFORMAT');
  });
});

describe('tensors', () => {
  const arrays = {
    uint8: Uint8Array.of(0, 1, 255),
    int8: Int8Array.of(-128, 0, 127),
    uint16: Uint16Array.of(0, 2049, 65535),
    int16: Int16Array.of(-32768, 5, 32767),
    uint32: Uint32Array.of(0, 0x9e3779b9, 2 ** 32 - 1),
    int32: Int32Array.of(-(2 ** 31), 7, 2 ** 31 - 1),
    uint64: BigUint64Array.of(0n, 2n ** 64n - 1n, 12345678901234567890n),
    int64: BigInt64Array.of(-(2n ** 63n), -1n, 2n ** 63n - 1n),
    float32: Float32Array.of(-1.5, 0.25, Infinity),
    float64: Float64Array.of(Math.PI, -0, 1e300),
  };
  const ELEM = { uint8: 'u3', int8: 'i3', uint16: 'u4', int16: 'i4', uint32: 'u5', int32: 'i5', uint64: 'u6', int64: 'i6', float32: 'f5', float64: 'f6' };

  test('every TypedArray, shaped and one-dimensional, comes back as the same kind', () => {
    const r = roundTrip((w) => {
      for (const [dtype, a] of Object.entries(arrays)) {
        w.add('t', dtype, a);
        w.add('t', `${dtype}_col`, a, { shape: [3, 1] });
      }
    });
    for (const [dtype, a] of Object.entries(arrays)) {
      const t = r.tensor(`t.${dtype}`);
      assert.equal(t.type, ELEM[dtype]);
      assert.equal(t.dtype, dtype);
      assert.deepEqual(t.shape, [3]);
      assert.equal(t.data[Symbol.toStringTag], a[Symbol.toStringTag], dtype);
      assert.deepEqual(t.data, a, dtype);
      assert.equal(t.data.byteOffset, 0);
      assert.deepEqual(r.tensor(`t.${dtype}_col`).shape, [3, 1]);
      const ref = r.get(`t.${dtype}`);
      assert.ok(ref instanceof VsfTensorRef);
      assert.deepEqual([ref.kind, ref.elem, ref.shape, ref.bytes], ['tensor', ELEM[dtype], [3], a.byteLength]);
      assert.deepEqual(ref.read().data, a);
    }
  });

  test('bool, complex and the types with no dtype (u7, i7, Spirix) by their type', () => {
    const u7 = new Uint8Array(32);
    u7.set([1], 0); // 1
    u7.fill(0xff, 16); // 2^128 - 1
    const s64 = Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 2, 0); // frac 1, exp 2, each little-endian
    const r = roundTrip((w) => {
      w.add('t', 'bool', Uint8Array.of(1, 0, 1, 1, 0, 0, 0, 0, 1), { type: 'bool', shape: [3, 3] });
      w.add('t', 'j5', Float32Array.of(1, -1, 0.5, 2), { type: 'j5', shape: [2] });
      w.add('t', 'j6', vsf.tensor(Float64Array.of(Math.PI, Math.E), { type: 'j6', shape: [1] }));
      w.add('t', 'u7', u7, { type: 'u7', shape: [2] });
      w.add('t', 'i7', new Uint8Array(16).fill(0xff), { type: 'i7', shape: [1] });
      w.add('t', 's64', s64, { type: 's64', shape: [1] });
    });
    const b = r.tensor('t.bool');
    assert.deepEqual([b.type, b.dtype, b.shape], ['bool', 'bool', [3, 3]]);
    assert.deepEqual(b.data, Uint8Array.of(1, 0, 1, 1, 0, 0, 0, 0, 1));
    const j5 = r.tensor('t.j5');
    assert.deepEqual([j5.type, j5.dtype], ['j5', 'complex64']);
    assert.deepEqual(j5.data, Float32Array.of(1, -1, 0.5, 2));
    assert.deepEqual(r.tensor('t.j6').data, Float64Array.of(Math.PI, Math.E));
    const t7 = r.tensor('t.u7');
    assert.deepEqual([t7.type, t7.dtype, t7.data[Symbol.toStringTag]], ['u7', null, 'Uint8Array']);
    assert.deepEqual(t7.data, u7);
    assert.deepEqual(r.tensor('t.i7').data, new Uint8Array(16).fill(0xff));
    assert.deepEqual(r.tensor('t.s64').data, s64);
    assert.equal(r.get('t.s64').elem, 's64');
  });

  test('a strided tensor keeps its strides and its data as stored', () => {
    // shape [2, 3], strides [1, 2] (column-major): the span is 6 elements.
    const data = Float64Array.of(1, 2, 3, 4, 5, 6);
    const r = roundTrip((w) => w.add('t', 'q', data, { shape: [2, 3], strides: [1, 2] }));
    const t = r.tensor('t.q');
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.strides, [1, 2]);
    assert.deepEqual(t.data, data);
    assert.deepEqual(r.get('t.q').strides, [1, 2]);
  });

  test('empty and scalar tensors; subarrays are taken at their offset', () => {
    const base = Uint16Array.of(9, 9, 1, 2, 3, 9);
    const r = roundTrip((w) => {
      w.add('t', 'empty', new Float32Array(0), { shape: [0, 4] });
      w.add('t', 'scalar', Int32Array.of(-7), { shape: [] });
      w.add('t', 'sub', base.subarray(2, 5));
    });
    assert.deepEqual(r.tensor('t.empty').shape, [0, 4]);
    assert.equal(r.tensor('t.empty').data.length, 0);
    assert.deepEqual(r.tensor('t.scalar').data, Int32Array.of(-7));
    assert.deepEqual(r.tensor('t.sub').data, Uint16Array.of(1, 2, 3));
  });

  test('bit-packed 12-bit 4096×3072: 18,874,368 packed bytes, unpacked to the same Uint16Array', () => {
    const [h, w] = [4096, 3072];
    const samples = new Uint16Array(h * w);
    for (let i = 0; i < samples.length; i++) samples[i] = (i * 2654435761) >>> 20; // 12 bits
    const r = roundTrip((f) => f.add('imaging', 'raw', vsf.bitpacked(samples, 12, [h, w])));
    const ref = r.get('imaging.raw');
    assert.deepEqual([ref.kind, ref.bits, ref.elem, ref.shape, ref.bytes], ['bitpacked', 12, 'u4', [h, w], 18_874_368]);
    const label = r.info().labels.find((l) => l.name === 'imaging');
    assert.ok(label.size > 18_874_368 && label.size < 18_874_368 + 64, `label size ${label.size}`);
    const t = r.tensor('imaging.raw');
    assert.deepEqual([t.type, t.dtype, t.bits, t.shape], ['u4', 'uint16', 12, [h, w]]);
    assert.ok(t.data instanceof Uint16Array);
    assert.equal(t.data.length, samples.length);
    assert.ok(Buffer.from(t.data.buffer).equals(Buffer.from(samples.buffer)), 'unpacked samples differ');
  });

  test('bit-packed depths and sample arrays', () => {
    const r = roundTrip((f) => {
      f.add('b', 'one', vsf.bitpacked(Uint8Array.of(1, 0, 1, 1, 0), 1, [5]));
      f.add('b', 'three', vsf.bitpacked(Uint8Array.of(7, 0, 5), 3));
      f.add('b', 'wide', vsf.bitpacked(BigUint64Array.of(2n ** 40n - 1n, 3n), 40, [2]));
    });
    assert.deepEqual(r.tensor('b.one').data, Uint8Array.of(1, 0, 1, 1, 0));
    assert.equal(r.get('b.one').bytes, 1);
    assert.deepEqual(r.tensor('b.three').shape, [3]);
    assert.deepEqual(r.tensor('b.wide').data, BigUint64Array.of(2n ** 40n - 1n, 3n));
    assert.equal(codeOf(() => roundTrip((f) => f.add('b', 'x', vsf.bitpacked(Uint8Array.of(8), 3)))), 'PF_EBADARG');
    assert.equal(codeOf(() => roundTrip((f) => f.add('b', 'x', vsf.bitpacked(Int8Array.of(1), 3)))), 'PF_EBADARG');
  });
});

describe('sections and files', () => {
  test('unboxed sections, raw bytes, section options and labels', () => {
    const blob = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    const r = roundTrip((w) => {
      w.add('meta', 'title', 'x'.repeat(2000));
      w.putUnboxed('blob', blob);
      w.putUnboxed('empty', new Uint8Array(0));
      w.sectionOptions('meta', { compress: true, hash: ['sha256', 'blake3'] });
      w.sectionOptions('blob', { hash: ['blake2b-512'] });
      w.fileOptions({ hash: ['sha512'] });
    });
    assert.deepEqual(r.labels, ['meta', 'blob', 'empty']);
    assert.equal(r.form, 'seed');
    const info = r.info();
    const meta = info.labels.find((l) => l.name === 'meta');
    assert.equal(meta.compressed, true);
    assert.ok(meta.size < meta.rawSize);
    assert.deepEqual(meta.hashes, ['sha256', 'blake3']);
    assert.deepEqual(info.labels.find((l) => l.name === 'blob').hashes, ['blake2b']);
    assert.deepEqual(r.raw('blob'), blob);
    assert.deepEqual(r.raw('empty'), new Uint8Array(0));
    assert.equal(r.get('meta.title').length, 2000);
    assert.ok(r.raw('meta').length > 2000);
    const unboxed = r.get('blob');
    assert.deepEqual([unboxed.kind, unboxed.elem, unboxed.shape], ['tensor', 'u3', [5000]]);
    assert.deepEqual(r.tensor('blob').data, blob);
    r.verify();
    assert.ok(r.verifyReport().checks.every((c) => c.status === 'ok'));
    assert.ok(r.verifyReport().checks.some((c) => c.what === 'hash' && c.alg === 'sha256'));
  });

  test('remove, replace an unboxed section, and a writable copy of an image', () => {
    const w = keep(V.create());
    w.add('a', 'x', 1);
    w.add('b', 'y', 2);
    w.putUnboxed('c', Uint8Array.of(1));
    w.putUnboxed('c', Uint8Array.of(2, 3));
    w.remove('b');
    assert.equal(codeOf(() => w.remove('b')), 'PF_ENOTFOUND');
    assert.equal(w.info().pending, true);
    w.commit();
    assert.equal(w.info().pending, false);
    const again = keep(V.fromBytes(w.bytes(), { writable: true }));
    assert.deepEqual(again.labels, ['a', 'c']);
    assert.deepEqual(again.raw('c'), Uint8Array.of(2, 3));
    again.add('a', 'z', 'added');
    again.commit();
    const r = keep(V.fromBytes(again.toBytes()));
    assert.deepEqual(r.section('a'), [{ name: 'x', value: 1 }, { name: 'z', value: 'added' }]);
  });

  test('open and detect return VsfFile for VSF bytes and paths; a file on disk', (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'made.vsf');
    const w = V.create(path);
    w.add('meta', 'n', vsf.u4(7));
    w.putUnboxed('blob', Uint8Array.of(9, 8, 7));
    w.close(); // commits
    assert.ok(!existsSync(`${path}.lock`));
    const bytes = readFileSync(path);
    assert.equal(detect(bytes), 'vsf');
    assert.equal(pf.detect(path), 'vsf');
    const a = keep(pf.open(bytes));
    assert.ok(a instanceof VsfFile);
    assert.ok(a instanceof pf.VsfFile);
    assert.equal(a.format, 'vsf');
    assert.equal(a.get('meta.n'), 7);
    const b = keep(open(path));
    assert.ok(b instanceof VsfFile);
    assert.deepEqual(b.raw('blob'), Uint8Array.of(9, 8, 7));
    assert.equal(b.info().name, path);
    assert.equal(codeOf(() => b.toBytes()), 'PF_EBADARG');
    assert.equal(VSF, VsfFile);
    assert.equal(pf.fileClass('vsf'), pf.VsfFile);
    assert.equal(pf.fileClass(3), pf.VsfFile);

    // Writable on disk: takes the lock; unchanged sections are kept.
    const rw = V.open(path, { writable: true });
    assert.ok(existsSync(`${path}.lock`));
    assert.equal(codeOf(() => V.open(path, { writable: true })), 'PF_ELOCKED');
    rw.add('more', 'x', 'y');
    rw.commit();
    rw.close();
    assert.ok(!existsSync(`${path}.lock`));
    const c = keep(V.open(path));
    assert.deepEqual(c.labels, ['meta', 'blob', 'more']);
    assert.equal(c.get('more.x'), 'y');
    c.verify();
  });

  test('the crate form: create, convert seed → crate → seed', () => {
    const build = (w) => {
      w.add('meta', 'count', vsf.u5(100000));
      w.add('meta', 'neg', vsf.i3(-42));
      w.add('meta', 'when', new EagleTime(12345n));
      w.add('meta', 'f', vsf.f6(0.5));
      w.add('data', 'img', Uint16Array.of(1, 2, 3, 4), { shape: [2, 2] });
      w.add('data', 'bp', vsf.bitpacked(Uint16Array.of(4095, 1, 2), 12));
    };
    const seed = roundTrip(build);
    const crate = roundTrip(build, { form: 'crate' });
    assert.equal(crate.form, 'crate');
    const image = seed.toBytes();
    const toCrate = vsf.convert(image, 'crate');
    const c = keep(V.fromBytes(toCrate));
    assert.equal(c.form, 'crate');
    const back = keep(V.fromBytes(V.convert(toCrate, 'seed')));
    assert.equal(back.form, 'seed');
    for (const f of [c, back, crate]) {
      assert.deepEqual(f.labels, ['meta', 'data']);
      assert.deepEqual(f.sectionJSON('meta').fields.map((x) => [x.name, x.value.type]), seed.sectionJSON('meta').fields.map((x) => [x.name, x.value.type]));
      assert.equal(f.get('meta.count'), 100000);
      assert.equal(f.get('meta.when').seconds, 12345n);
      assert.deepEqual(f.tensor('data.img').data, Uint16Array.of(1, 2, 3, 4));
      assert.deepEqual(f.tensor('data.bp').data, Uint16Array.of(4095, 1, 2));
      f.verify();
    }
    assert.deepEqual(back.toBytes(), image);
    assert.equal(codeOf(() => V.convert(image, 'json')), 'PF_EBADARG');
    // The crate's x is Huffman-coded with a codebook that is not public.
    assert.equal(codeOf(() => V.convert(roundTrip((w) => w.add('a', 't', 'text')).toBytes(), 'crate')), 'PF_EUNSUPPORTED');
  });
});

describe('signatures', () => {
  const signer = keyFrom(1);
  const other = keyFrom(2);

  function signed(withKey) {
    return roundTrip((w) => {
      w.add('meta', 'title', 'signed');
      w.add('meta', 'n', vsf.u5(42));
      w.putUnboxed('blob', Uint8Array.of(1, 2, 3));
      w.sign('meta', signer, { withKey });
      w.sign(null, signer, { withKey });
    });
  }

  test('keygen, publicKey', () => {
    assert.equal(signer.length, 64);
    assert.deepEqual(keyFrom(1), signer);
    assert.notDeepEqual(V.keygen(), V.keygen());
    assert.deepEqual(vsf.publicKey(signer), signer.subarray(32));
    assert.equal(vsf.publicKey(signer).length, 32);
    assert.equal(codeOf(() => V.keygen(new Uint8Array(31))), 'PF_EBADARG');
    assert.equal(codeOf(() => V.publicKey(new Uint8Array(32))), 'PF_EBADARG');
  });

  test('a section and the file signed with their keys: verify ok; another key fails PF_ECHECKSUM', () => {
    const r = signed(true);
    const meta = r.info().labels.find((l) => l.name === 'meta');
    assert.deepEqual([meta.signatures, meta.keys], [1, 1]);
    r.verify();
    r.verify({ key: signer });
    r.verify({ key: V.publicKey(signer) });
    const report = r.verifyReport();
    assert.deepEqual(report.checks.filter((c) => c.what === 'signature').map((c) => [c.section, c.status]), [['meta', 'ok'], ['', 'ok']]);
    assert.throws(() => r.verify({ key: other }), (err) => err instanceof PolyfmtError && err.codeName === 'PF_ECHECKSUM' && /section "meta"/.test(err.message));
    const bad = r.verifyReport({ key: V.publicKey(other) }).checks.filter((c) => c.status === 'failed');
    assert.deepEqual(bad.map((c) => [c.section, c.what, c.code]), [['meta', 'signature', 'PF_ECHECKSUM'], ['', 'signature', 'PF_ECHECKSUM']]);
    assert.equal(codeOf(() => r.verify({ key: new Uint8Array(5) })), 'PF_EBADARG');
  });

  test('without stored keys the signatures are unverified until a key is given', () => {
    const r = signed(false);
    r.verify();
    assert.deepEqual(r.verifyReport().checks.filter((c) => c.what === 'signature').map((c) => c.status), ['unverified', 'unverified']);
    r.verify({ key: signer });
    assert.equal(codeOf(() => r.verify({ key: other })), 'PF_ECHECKSUM');
  });

  test('a key against an unsigned file fails: stripping signatures must not pass', () => {
    const w = keep(V.create());
    w.add('s', 'x', vsf.u3(1));
    w.commit();
    const r = keep(V.fromBytes(w.toBytes()));
    r.verify();
    assert.equal(codeOf(() => r.verify({ key: V.publicKey(signer) })), 'PF_ECHECKSUM');
    const sig = r.verifyReport({ key: V.publicKey(signer) }).checks.filter((c) => c.what === 'signature');
    assert.deepEqual(sig.map((c) => [c.status, c.code]), [['unverified', 'PF_ECHECKSUM']]);
  });

  test('one flipped byte fails verification', () => {
    const image = signed(true).toBytes();
    const at = Buffer.from(image).indexOf('signed');
    assert.ok(at > 0);
    const bad = image.slice();
    bad[at] ^= 0x20; // "Signed": still well-formed text
    const f = keep(V.fromBytes(bad));
    assert.equal(f.get('meta.title'), 'Signed');
    assert.equal(codeOf(() => f.verify()), 'PF_ECHECKSUM');
    assert.ok(f.verifyReport().checks.some((c) => c.section === 'meta' && c.what === 'signature' && c.status === 'failed'));
  });

  test('convert refuses a signed file unless signatures are dropped', () => {
    // No text: the crate form has no plain UTF-8 text.
    const image = roundTrip((w) => {
      w.add('meta', 'n', vsf.u5(42));
      w.sign('meta', signer, { withKey: true });
    }).toBytes();
    assert.equal(codeOf(() => V.convert(image, 'crate')), 'PF_EUNSUPPORTED');
    const c = keep(V.fromBytes(V.convert(image, 'crate', { dropSignatures: true })));
    assert.equal(c.info().labels.find((l) => l.name === 'meta').signatures, 0);
    assert.equal(c.get('meta.n'), 42);
  });
});

describe('memory', () => {
  test('raw and tensor results are copies: they outlive memory growth and the handle', () => {
    const blob = Uint8Array.from({ length: 1 << 16 }, (_, i) => (i * 31) & 0xff);
    const image = roundTrip((w) => {
      w.putUnboxed('blob', blob);
      w.add('t', 'x', Float64Array.of(1, 2, 3));
    }).toBytes();
    const r = V.fromBytes(image);
    const raw = r.raw('blob');
    const t = r.tensor('t.x');
    r.close();
    // Grow linear memory: every view of the old buffer would be detached.
    const before = pf.exports.memory.buffer.byteLength;
    const big = keep(V.create());
    big.putUnboxed('big', new Uint8Array(before + (64 << 20)));
    assert.ok(pf.exports.memory.buffer.byteLength > before);
    assert.deepEqual(raw, blob);
    assert.notEqual(raw.buffer, pf.exports.memory.buffer);
    assert.deepEqual(t.data, Float64Array.of(1, 2, 3));
  });
});

describe('errors and lifetime', () => {
  test('the library\'s codes', () => {
    const r = roundTrip((w) => {
      w.add('meta', 'n', 1);
      w.putUnboxed('blob', Uint8Array.of(1));
    });
    assert.equal(codeOf(() => V.fromBytes(Uint8Array.of(1, 2, 3, 4, 5))), 'PF_EFORMAT');
    assert.equal(codeOf(() => V.fromBytes(new Uint8Array(0))), 'PF_EFORMAT');
    const mmx = MmxFile.create();
    mmx.commit();
    assert.equal(codeOf(() => V.fromBytes(mmx.toBytes())), 'PF_EFORMAT');
    mmx.close();
    assert.equal(codeOf(() => r.section('nope')), 'PF_ENOTFOUND');
    assert.equal(codeOf(() => r.get('meta.nope')), 'PF_ENOTFOUND');
    assert.equal(codeOf(() => r.section('blob')), 'PF_EBADARG');
    assert.equal(codeOf(() => r.tensor('meta.n')), 'PF_EBADARG');
    assert.equal(codeOf(() => r.raw('nope')), 'PF_ENOTFOUND');
    assert.notEqual(codeOf(() => r.add('meta', 'x', 1)), 'PF_OK'); // read-only
    assert.equal(codeOf(() => V.open('/nonexistent/dir/x.vsf')), 'PF_ENOTFOUND');
    assert.equal(codeOf(() => V.open(join(tempDir({ after() {} }), 'x.vsf'), { form: 'crate' })), 'PF_EBADARG');
    assert.equal(codeOf(() => V.create({ form: 'json' })), 'PF_EBADARG');
    const w = keep(V.create());
    w.add('s', 'x', 1);
    assert.equal(codeOf(() => w.sectionOptions('s', { hash: ['md5'] })), 'PF_EBADARG');
    assert.equal(codeOf(() => w.sectionOptions('nope', { compress: true })), 'PF_ENOTFOUND');
    assert.equal(codeOf(() => w.sectionOptions('s', { level: 3 })), 'PF_EBADARG');
    assert.equal(codeOf(() => w.sign('nope', keyFrom(1))), 'PF_ENOTFOUND');
    assert.equal(codeOf(() => w.sign('s', new Uint8Array(32))), 'PF_EBADARG');
    assert.equal(codeOf(() => w.add('s', 'bad', vsf.fromJSON({ type: 'u9', value: '1' }))), 'PF_EBADARG');
    assert.equal(codeOf(() => w.add('s', 'neg', vsf.u3(-1))), 'PF_EBADARG');
    assert.equal(codeOf(() => w.add('s', 'wide', vsf.u3(256))), 'PF_EBADARG');
    assert.equal(codeOf(() => w.add('s', 'name', new VsfName('é'))), 'PF_EBADARG');
    assert.equal(codeOf(() => w.add('s', 'shape', Float32Array.of(1, 2), { shape: [3] })), 'PF_EBADARG');
    assert.equal(codeOf(() => w.add('s', 'typed', Uint8Array.of(1), { type: 'bool' })), 'PF_EBADARG');
    assert.equal(codeOf(() => w.add('s', 'opt', Uint8Array.of(1), { dtype: 'bool' })), 'PF_EBADARG');
  });

  test('argument errors found before the library is called are TypeErrors', () => {
    const w = keep(V.create());
    assert.throws(() => w.add('s', 'x', null), TypeError);
    assert.throws(() => w.add('s', 'x', undefined), TypeError);
    assert.throws(() => w.add('s', 'x', Symbol('x')), TypeError);
    assert.throws(() => w.add('s', 'x', [{ value: 1 }]), TypeError);
    assert.throws(() => w.add('s', 'x', { inner: new Float32Array(1) }), TypeError);
    assert.throws(() => w.add(1, 'x', 1), TypeError);
    assert.throws(() => w.add('s', 'x', 1, { shape: [1] }), TypeError);
    assert.throws(() => vsf.u5(1.5), TypeError);
    assert.throws(() => vsf.f5('1'), TypeError);
    assert.throws(() => w.add('s', 'x', 2n ** 128n), RangeError);
    assert.throws(() => w.add('s', 'x', new DataView(new ArrayBuffer(1))), TypeError);
    assert.throws(() => new VsfName(1), TypeError);
    assert.throws(() => new EagleTime('1'), TypeError);
    assert.throws(() => new VsfFile(), TypeError);
  });

  test('close, close again, use after close, Symbol.dispose', () => {
    const f = V.create();
    f.add('a', 'b', 1);
    f.close();
    assert.equal(f.closed, true);
    f.close();
    assert.equal(codeOf(() => f.get('a.b')), 'PF_EBADHANDLE');
    assert.equal(codeOf(() => f.commit()), 'PF_EBADHANDLE');
    const g = V.create();
    g[Symbol.dispose]();
    assert.equal(g.closed, true);
  });

  test('the statics work before and after a file is closed; errors leave the instance usable', () => {
    for (let i = 0; i < 50; i++) assert.equal(codeOf(() => V.decodeValue(Uint8Array.of(0xff))), 'PF_EFORMAT');
    assert.equal(hex(V.encodeValue(true)), '75ff');
  });
});

describe('files written elsewhere', () => {
  test('a file written here reads back after writing it to disk and opening it by path', (t) => {
    const path = join(tempDir(t), 'out.vsf');
    writeFileSync(path, roundTrip((w) => w.add('a', 'b', 'c')).toBytes());
    const f = keep(open(path));
    assert.equal(f.get('a.b'), 'c');
  });
});
