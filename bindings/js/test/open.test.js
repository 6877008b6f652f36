// Polyfmt.open and detect over every format, what HandleFile gives every
// file class, the tables from exports.gen.js, and the load-time check of
// the exports against the generated call table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  load, open, detect, Mem8File, MmxFile, Polyfmt, codes, codeName,
} from '../src/index.js';
import { checkExports } from '../src/abi.js';
import { CODES, DTYPES, EXPORTS, FORMATS, VERSION } from '../src/exports.gen.js';
import { repoRoot, tempDir, throwsCode } from './helpers.js';

const pf = await load();

/** Some content for a file of each format; every format the library knows has one. */
const FILL = {
  mem8(f) {
    f.append('first', { importance: 0.9, token: 't' });
    f.append('second');
  },
  mmx(f) {
    f.writeTensor('a', new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    f.writeText('notes', 'hello');
    f.commit();
  },
  vsf(f) {
    // Named after the sections so far, so that filling twice adds more.
    const n = f.info().labels.length;
    f.add(`s${n}`, 'n', n);
    f.add(`s${n}`, 'note', 'hello');
    f.putUnboxed(`blob${n}`, new Uint8Array([1, 2, 3]));
    f.commit();
  },
  mork(f) {
    // Numbered after the paths so far, so that filling twice adds more.
    const n = f.length;
    f.importText(`(edge n${n} n${n + 1})\n(note "hello" ${n})`);
    f.commit();
  },
};

/** What a file holds, to compare two files of one format. */
function content(f) {
  if (f.format === 'mem8') return [...f].map((b) => [b.text, b.token]);
  if (f.format === 'mork') return [...f.entries()].map(([text, value]) => [text, String(value)]);
  if (f.format === 'vsf') return f.info().labels.map((l) => [l.name, l.unboxed ? [...f.raw(l.name)] : f.sectionJSON(l.name)]);
  return f.list().map((e) => [e.name, JSON.stringify(f.readFlat(e.name).value), [...f.readFlat(e.name).data]]);
}

/** Every format's class bound to pf, from the registry (a format without a class fails here). */
const CLASSES = FORMATS.map((f) => pf.fileClass(f.name));

function image(cls) {
  const f = cls.create();
  try {
    FILL[cls.format](f);
    return f.toBytes();
  } finally {
    f.close();
  }
}

function make(cls, path) {
  const f = cls.create(path);
  try {
    FILL[cls.format](f);
  } finally {
    f.close();
  }
  return path;
}

const titleOf = (name) => FORMATS.find((f) => f.name === name).title;

test('the registry has a class for every format of the library', () => {
  assert.deepEqual(CLASSES.map((c) => c.format), FORMATS.map((f) => f.name));
  assert.deepEqual(Object.keys(FILL).sort(), FORMATS.map((f) => f.name).sort());
  assert.equal(pf.fileClass('mem8'), pf.Mem8File);
  assert.equal(pf.fileClass(2), pf.MmxFile);
  assert.equal(Mem8File.formatId, 1);
  assert.equal(MmxFile.formatId, 2);
  assert.equal(pf.MmxFile.formatId, 2);
  assert.equal(pf.fileClass('vsf'), pf.VsfFile);
  assert.equal(pf.VsfFile.formatId, 3);
  throwsCode(() => pf.fileClass(99), 'PF_EUNSUPPORTED', /format 99/);
  throwsCode(() => pf.fileClass('vsf9'), 'PF_EUNSUPPORTED', /vsf9/);
});

for (const cls of CLASSES) {
  const ext = FORMATS.find((f) => f.name === cls.format).extensions[0];

  test(`${cls.format}: open and detect a path, read-only and writable`, (t) => {
    const p = make(cls, join(tempDir(t), `f${ext}`));
    const want = content(cls.open(p));
    for (const opener of [(o) => pf.open(p, o), (o) => open(p, o)]) {
      const f = opener();
      try {
        assert.ok(f instanceof cls && f instanceof HandleFileOf(cls));
        assert.equal(f.format, cls.format);
        const info = f.info();
        assert.equal(info.format, cls.format);
        assert.equal(info.writable, false);
        assert.deepEqual(content(f), want);
        f.verify();
        assert.equal(typeof f.refresh(), 'number');
      } finally {
        f.close();
      }
    }
    const w = pf.open(p, { writable: true });
    try {
      assert.ok(w instanceof cls);
      assert.equal(w.info().writable, true);
      throwsCode(() => pf.open(p, { writable: true }), 'PF_ELOCKED');
    } finally {
      w.close();
    }
    assert.ok(!existsSync(`${p}.lock`));
    assert.equal(pf.detect(p), cls.format);
    assert.equal(detect(p), cls.format);
  });

  test(`${cls.format}: open and detect bytes, read-only and writable`, () => {
    const data = image(cls);
    const want = content(cls.fromBytes(data));
    for (const source of [data, data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), new DataView(data.buffer, data.byteOffset, data.byteLength)]) {
      assert.equal(pf.detect(source), cls.format);
      const f = pf.open(source);
      try {
        assert.ok(f instanceof cls);
        assert.equal(f.info().writable, false);
        assert.deepEqual(content(f), want);
      } finally {
        f.close();
      }
    }
    const w = pf.open(data, { writable: true });
    let grown;
    try {
      assert.ok(w instanceof cls);
      assert.equal(w.info().writable, true);
      FILL[cls.format](w);
      grown = w.toBytes();
    } finally {
      w.close();
    }
    assert.ok(grown.length > data.length);
    const g = pf.open(grown);
    try {
      g.verify();
    } finally {
      g.close();
    }
  });

  test(`${cls.format}: open passes options to the detected format`, (t) => {
    const p = make(cls, join(tempDir(t), 'opts'));
    throwsCode(() => pf.open(p, { bogus: 1 }), 'PF_EBADARG', /bogus/);
    throwsCode(() => pf.open(image(cls), { bogus: 1 }), 'PF_EBADARG', /bogus/);
    const f = pf.open(p, { writable: true, noSync: true }); // an option of every format
    assert.ok(f instanceof cls);
    f.close();
  });

  test(`${cls.format}: its class refuses a file of another format, untouched`, (t) => {
    const theirs = CLASSES.find((c) => c !== cls);
    const p = make(theirs, join(tempDir(t), 'theirs'));
    const before = readFileSync(p);
    const re = new RegExp(`is a ${titleOf(theirs.format)} file, not ${titleOf(cls.format)}`);
    for (const writable of [false, true]) {
      throwsCode(() => cls.open(p, { writable }), 'PF_EFORMAT', re);
      throwsCode(() => cls.fromBytes(before, { writable }), 'PF_EFORMAT', re);
    }
    assert.deepEqual(readFileSync(p), before);
    assert.ok(!existsSync(`${p}.lock`));
    theirs.open(p, { writable: true }).close(); // no writer lock was left behind
  });

  test(`${cls.format}: no bytes are a new file when writable, PF_EFORMAT otherwise`, () => {
    const f = cls.fromBytes(new Uint8Array(0), { writable: true });
    let data;
    try {
      assert.ok(f instanceof cls);
      FILL[cls.format](f);
      data = f.toBytes();
    } finally {
      f.close();
    }
    assert.equal(pf.detect(data), cls.format);
    throwsCode(() => cls.fromBytes(new Uint8Array(0)), 'PF_EFORMAT');
  });

  test(`${cls.format}: using closes; double close; use after close is PF_EBADHANDLE`, () => {
    const c = cls.create();
    const h = c.handle;
    try {
      assert.equal(c.closed, false);
    } finally {
      c[Symbol.dispose](); // what `using` does
    }
    assert.equal(c.closed, true);
    assert.equal(pf.exports.pf_close(h), codes.PF_EBADHANDLE);
    const f = pf.open(image(cls));
    f.close();
    f.close(); // a no-op
    assert.equal(f.closed, true);
    for (const use of [() => f.info(), () => f.verify(), () => f.refresh(), () => f.toBytes()]) {
      throwsCode(use, 'PF_EBADHANDLE');
    }
  });

  test(`${cls.format}: a file on disk has no image`, (t) => {
    const p = make(cls, join(tempDir(t), 'disk'));
    const f = pf.open(p);
    try {
      assert.equal(f.info().recovery.clean, true);
      throwsCode(() => f.toBytes(), 'PF_EBADARG');
    } finally {
      f.close();
    }
  });
}

/** The unbound class cls binds (pf.Mem8File extends Mem8File). */
function HandleFileOf(cls) {
  return Object.getPrototypeOf(cls);
}

test('open of no bytes: writable is PF_EBADARG saying what to do instead, read-only PF_EFORMAT', () => {
  throwsCode(() => pf.open(new Uint8Array(0), { writable: true }), 'PF_EBADARG', /no bytes.*pf_create/);
  throwsCode(() => pf.open(new Uint8Array(0)), 'PF_EFORMAT', /no bytes/);
  throwsCode(() => pf.detect(new Uint8Array(0)), 'PF_EFORMAT');
});

test('unknown bytes are PF_EFORMAT naming their first bytes', (t) => {
  const junk = new Uint8Array(100);
  junk.set(new TextEncoder().encode('GARBAGE!'));
  throwsCode(() => pf.open(junk), 'PF_EFORMAT', /47 41 52 42 41 47 45 21/);
  throwsCode(() => pf.open(junk, { writable: true }), 'PF_EFORMAT', /47 41 52 42/);
  throwsCode(() => pf.detect(junk), 'PF_EFORMAT', /47 41 52 42/);
  throwsCode(() => pf.detect(new TextEncoder().encode('MEM')), 'PF_EFORMAT'); // a magic's prefix
  const p = join(tempDir(t), 'junk.bin');
  writeFileSync(p, junk);
  throwsCode(() => pf.open(p), 'PF_EFORMAT', /junk\.bin.*47 41 52 42/);
  throwsCode(() => pf.detect(p), 'PF_EFORMAT', /47 41 52 42/);
});

test('a missing path is PF_ENOTFOUND', (t) => {
  const p = join(tempDir(t), 'absent');
  throwsCode(() => pf.open(p), 'PF_ENOTFOUND', /absent/);
  throwsCode(() => pf.detect(p), 'PF_ENOTFOUND', /absent/);
  throwsCode(() => Mem8File.open(p), 'PF_ENOTFOUND', /absent/);
});

test('the tables come from exports.gen.js', () => {
  assert.equal(codes, CODES);
  for (const [name, code] of Object.entries(CODES)) assert.equal(codeName(code), name);
  assert.equal(pf.version(), VERSION);
  assert.deepEqual(Object.keys(DTYPES).length, 15);
});

test('load checks every export of the call table against the instance', () => {
  const fns = Object.fromEntries(Object.entries(EXPORTS).map(([name, { params }]) => [name, { [name]: new Function(...params.map((_, i) => `a${i}`), 'return 0') }[name]]));
  checkExports(fns);
  assert.throws(() => checkExports({ ...fns, pf_detect: undefined }), /no export pf_detect/);
  assert.throws(() => checkExports({ ...fns, pf_open: () => 0 }), /pf_open takes 0 parameters, not the 8/);
  assert.ok(pf instanceof Polyfmt);
});

test('the statics open as their format: another format\'s file is refused before a lock is taken', (t) => {
  const p = make(pf.MmxFile, join(tempDir(t), 'x.mmx'));
  throwsCode(() => pf.Mem8File.open(p, { writable: true }), 'PF_EFORMAT');
  assert.ok(!existsSync(`${p}.lock`));
  assert.ok(existsSync(join(repoRoot, 'core/testdata/mem8/bad_magic.m8')));
  throwsCode(() => pf.Mem8File.open(join(repoRoot, 'core/testdata/mem8/bad_magic.m8')), 'PF_EFORMAT', /bad magic "MEM9"/);
});
