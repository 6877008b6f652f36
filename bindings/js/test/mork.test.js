// MorkFile: a space built from MeTTa text and by path, round trips through
// every export kind, queries, interned spaces, u64 values as BigInt,
// migration, files on disk, the errors (syntax errors naming line and
// column, a 2.0 space, a closed handle, a read-only file), the
// declarations under tsc, and the MORK examples run as a user runs them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { encodeMeTTa, load, migrate, Mork, MorkFile, PF_EBADHANDLE, printPath } from '../src/index.js';
import { hex, pkgDir, repoRoot, tempDir, throwsCode } from './helpers.js';

const pf = await load();
const M = pf.MorkFile;
const containers = join(repoRoot, 'core/testdata/mork/containers');
const vector = (name) => readFileSync(join(containers, name));

const SAMPLE = `; a small graph
(edge a b)
(edge b c)
(edge c a)
(person (name "Ada Lovelace") (born 1815))
(foo $x (bar $x))
`;

/** The sample's expressions as the library prints them, in byte order. */
const PRINTED = ['(foo $a (bar $a))', '(edge a b)', '(edge b c)', '(edge c a)', '(person (name "Ada Lovelace") (born 1815))'];

/** A new in-memory space holding SAMPLE (closed after the test). */
function sample(t, opts) {
  const f = M.create(opts);
  t.after(() => f.close());
  assert.equal(f.importText(SAMPLE), 5);
  return f;
}

describe('a space in memory', () => {
  test('importText, iteration, entries, length, info', (t) => {
    const f = sample(t);
    assert.equal(f.kind, 'space');
    assert.equal(f.format, 'mork');
    assert.equal(f.length, 5);
    assert.deepEqual([...f], PRINTED);
    assert.deepEqual([...f.entries()], PRINTED.map((p) => [p, 0n]));
    const info = f.info();
    assert.equal(info.format, 'mork');
    assert.equal(info.writable, true);
    assert.equal(info.pending, true);
    assert.equal(info.version, '1.1');
    assert.equal(info.paths, 5);
    assert.equal(info.interned, false);
    f.commit();
    assert.equal(f.info().pending, false);
  });

  test('add, get, has and remove by MeTTa text and by bytes; values are u64 BigInts', (t) => {
    const f = sample(t);
    const max = (1n << 64n) - 1n;
    f.add('(weight a 1)', max);
    f.add(encodeMeTTa('(weight b 2)'), 2 ** 53 - 1);
    f.add('(weight c 3)');
    assert.equal(f.get('(weight a 1)'), max);
    assert.equal(f.get('(weight b 2)'), BigInt(2 ** 53 - 1));
    assert.equal(f.get(encodeMeTTa('(weight c 3)')), 0n);
    assert.equal(f.get('(weight d 4)'), undefined);
    assert.equal(f.has('(edge a b)'), true);
    assert.equal(f.has('(edge a z)'), false);
    f.add('(weight a 1)', 7n); // replaces the value
    assert.equal(f.get('(weight a 1)'), 7n);
    assert.equal(f.length, 8);
    assert.equal(f.remove('(edge a b)'), true);
    assert.equal(f.remove('(edge a b)'), false);
    assert.equal(f.length, 7);
    // Variables are renamed in the encoding: any names find the same path.
    assert.equal(f.has('(foo $q (bar $q))'), true);
    assert.equal(f.has('(foo $q (bar $r))'), false);
    for (const bad of [-1n, max + 1n, -1, 2 ** 53, 1.5, '0x10', null]) {
      assert.throws(() => f.add('(w)', bad), bad === null || bad === 1.5 || bad === '0x10' || bad === 2 ** 53 ? TypeError : RangeError, String(bad));
    }
    assert.equal(f.has('(w)'), false);
  });

  test('a path that is not one expression is refused by the space', (t) => {
    const f = sample(t);
    throwsCode(() => f.add(new Uint8Array([0x40])), 'PF_EBADARG', /reserved tag 0x40/);
    throwsCode(() => f.add(new Uint8Array([3, 0xc1, 0x61])), 'PF_EBADARG', /cut short/);
    throwsCode(() => f.add('(a b'), 'PF_EFORMAT', /line 1, column 1/);
    assert.equal(f.length, 5);
  });

  test('paths: records decoded, each path its own copy; prefix and limit', (t) => {
    const f = sample(t);
    const all = f.paths();
    assert.deepEqual(all.map((p) => f.print(p.path)), PRINTED);
    for (const p of all) {
      assert.ok(p.path instanceof Uint8Array);
      assert.equal(p.path.byteOffset, 0);
      assert.equal(p.path.buffer.byteLength, p.path.length, 'a path owns its ArrayBuffer');
      assert.notEqual(p.path.buffer, pf.exports.memory.buffer);
      assert.equal(p.value, 0n);
    }
    assert.deepEqual(hex(all[0].path), '03c3666f6fc002c362617280');
    const edges = f.paths({ prefix: encodeMeTTa('(edge a b)').subarray(0, 6) });
    assert.deepEqual(edges.map((p) => f.print(p.path)), ['(edge a b)', '(edge b c)', '(edge c a)']);
    assert.deepEqual(f.paths({ prefix: encodeMeTTa('(edge a b)').subarray(0, 6), limit: 2n }).map((p) => f.print(p.path)), ['(edge a b)', '(edge b c)']);
    assert.equal(f.paths({ limit: 1 }).length, 1);
    assert.deepEqual(f.paths({ prefix: new Uint8Array([0x3f]) }), []);
    assert.throws(() => f.paths({ prefix: 5 }), /a prefix is a Uint8Array/);
  });

  test('reads copy out: results survive memory growth between calls', (t) => {
    const f = sample(t);
    const before = f.paths();
    const q = f.query('(edge $x $y)');
    const grown = pf.exports.memory.buffer.byteLength;
    // A few MiB of text: linear memory grows (and its old buffer detaches).
    let text = '';
    for (let i = 0; i < 60_000; i++) text += `(node n${i} "${'x'.repeat(40)}")\n`;
    assert.equal(f.importText(text), 60_000);
    assert.ok(pf.exports.memory.buffer.byteLength > grown, 'memory grew');
    assert.deepEqual(before.map((p) => printPath(p.path)), PRINTED);
    assert.deepEqual(q.map((m) => hex(m.path)), q.map((m) => hex(encodeMeTTa(m.text))));
    assert.equal(f.length, 60_005);
    const after = f.paths({ prefix: encodeMeTTa('(node n59999 "")').subarray(0, 5), limit: 3 });
    assert.equal(after.length, 3);
  });

  test('query: matches with their bindings, limit and truncated', (t) => {
    const f = sample(t);
    f.add('(edge c c)', 9n);
    const q = f.query('(edge $x $y)');
    assert.deepEqual(q.map((m) => [m.text, m.bindings, m.value]), [
      ['(edge a b)', ['a', 'b'], 0n], ['(edge b c)', ['b', 'c'], 0n], ['(edge c a)', ['c', 'a'], 0n], ['(edge c c)', ['c', 'c'], 9n]]);
    assert.equal(q.truncated, false);
    assert.deepEqual(hex(q[0].path), hex(encodeMeTTa('(edge a b)')));
    // A repeated variable matches the same sub-expression each time.
    assert.deepEqual(f.query('(edge $x $x)').map((m) => m.text), ['(edge c c)']);
    assert.deepEqual(f.query('(person (name $n) $rest)')[0].bindings, ['"Ada Lovelace"', '(born 1815)']);
    const cut = f.query('(edge $x $y)', { limit: 2 });
    assert.equal(cut.length, 2);
    assert.equal(cut.truncated, true);
    assert.deepEqual(f.query('(nothing $x)'), []);
    throwsCode(() => f.query('(edge $x'), 'PF_EFORMAT', /line 1, column 1/);
  });

  test('symbols and intern: a table with symbols makes the space interned', (t) => {
    const f = M.create();
    t.after(() => f.close());
    assert.deepEqual(f.symbols(), new Map());
    assert.equal(f.interned, false);
    assert.equal(f.intern('edge'), 1n);
    assert.equal(f.intern(new TextEncoder().encode('vertex')), 2n);
    assert.equal(f.intern('edge'), 1n);
    assert.deepEqual(f.symbols(), new Map([[1n, 'edge'], [2n, 'vertex']]));
    assert.equal(f.interned, true);
    assert.equal(f.importText('(edge a b)'), 1);
    assert.deepEqual(f.symbols(), new Map([[1n, 'edge'], [2n, 'vertex'], [3n, 'a'], [4n, 'b']]));
    assert.equal(hex(f.paths()[0].path), `03c8${'1'.padStart(16, '0')}c8${'3'.padStart(16, '0')}c8${'4'.padStart(16, '0')}`);
    assert.deepEqual([...f], ['(edge a b)']);
  });
});

describe('every export kind round-trips', () => {
  test('space, pathmap1 (each compression), paths, act (both layouts), metta', (t) => {
    const f = sample(t);
    const kinds = [
      ['space', {}, 'space'],
      ['space', { compressSpace: true, timestamp: 1_700_000_000 }, 'space'],
      ['space', { noChecksum: true, timestamp: new Date(1_700_000_000_000) }, 'space'],
      ...['none', 'zlib', 'lz4', 'zstd'].map((c) => ['pathmap1', { compression: c }, 'pathmap1']),
      ['paths', {}, 'paths'],
      ['act', { actLayout: 'pathmap' }, 'act'],
      ['act', { actLayout: 'seed' }, 'act'],
    ];
    for (const [kind, opts, want] of kinds) {
      const at = `${kind} ${JSON.stringify(opts)}`;
      const bytes = f.export(kind, opts);
      assert.ok(bytes instanceof Uint8Array, at);
      assert.equal(pf.detect(bytes), 'mork', at);
      const g = pf.open(bytes);
      try {
        assert.ok(g instanceof M, at);
        assert.equal(g.kind, want, at);
        assert.deepEqual([...g], PRINTED, at);
        g.verify();
        const info = g.info();
        if (kind === 'space') {
          assert.equal(info.compression, opts.compressSpace ? 'zstd' : 'none', at);
          assert.equal(info.checksum, !opts.noChecksum, at);
          if (opts.timestamp !== undefined) assert.equal(info.timestamp, 1_700_000_000, at);
        }
        if (kind === 'pathmap1') assert.equal(info.compression, opts.compression, at);
        if (kind === 'act') assert.equal(info.actLayout, opts.actLayout, at);
      } finally {
        g.close();
      }
    }
    const text = f.export('metta');
    assert.equal(typeof text, 'string');
    assert.equal(text, `${PRINTED.join('\n')}\n`);
    const back = M.create();
    try {
      assert.equal(back.importText(text), 5);
      assert.deepEqual(hex(back.export('paths')), hex(f.export('paths')));
    } finally {
      back.close();
    }
  });

  test('an ACT keeps values; a space exported from it has none', (t) => {
    const a = M.create({ kind: 'act', actLayout: 'seed' });
    t.after(() => a.close());
    assert.equal(a.importText(SAMPLE, { value: (1n << 64n) - 2n }), 5);
    a.add('(edge a b)', 42);
    const act = M.fromBytes(a.export('act'));
    t.after(() => act.close());
    assert.equal(act.info().actLayout, 'seed');
    assert.deepEqual([...act.entries()].map(([, v]) => v), [(1n << 64n) - 2n, 42n, (1n << 64n) - 2n, (1n << 64n) - 2n, (1n << 64n) - 2n]);
    assert.equal(act.get('(edge a b)'), 42n);
    const space = M.fromBytes(act.export('space', { timestamp: 1n }));
    t.after(() => space.close());
    assert.deepEqual([...space.entries()].map(([, v]) => v), [0n, 0n, 0n, 0n, 0n]);
  });

  test('multiplicities: UTF-8 keys with counts, as text and bytes', (t) => {
    const m = M.create({ kind: 'mult' });
    t.after(() => m.close());
    m.add('(edge a b)', 3);
    m.add('ünïcödé', 1n << 63n);
    m.add(new TextEncoder().encode('bytes'), 1);
    assert.equal(m.get('ünïcödé'), 1n << 63n);
    assert.deepEqual([...m], ['(edge a b)', 'bytes', 'ünïcödé']);
    assert.equal(m.export('metta'), '(edge a b)\t3\nbytes\t1\nünïcödé\t9223372036854775808\n');
    const again = M.fromBytes(m.export('mult'));
    t.after(() => again.close());
    assert.equal(again.kind, 'mult');
    assert.deepEqual([...again.entries()], [...m.entries()]);
    throwsCode(() => m.add(new Uint8Array([0xff]), 1), 'PF_EBADARG', /UTF-8/);
    throwsCode(() => m.importText('(a)'), 'PF_EBADARG', /not a mult file/);
    throwsCode(() => m.export('space'), 'PF_EBADARG', /keys, not expressions/);
  });

  test('a symbol table alone, in both layouts', (t) => {
    const f = M.create();
    t.after(() => f.close());
    f.importText(SAMPLE, { intern: true });
    for (const layout of ['seed', 'mork']) {
      const s = M.fromBytes(f.export('symbols', { symbolLayout: layout }));
      try {
        assert.equal(s.kind, 'symbols');
        assert.equal(s.info().symbolLayout, layout);
        assert.deepEqual(s.symbols(), f.symbols());
        assert.equal(s.length, 0);
      } finally {
        s.close();
      }
    }
  });
});

describe('an interned space', () => {
  test('import with intern: ids in the paths, text through the table', (t) => {
    const f = M.create({ symbolLayout: 'mork' });
    t.after(() => f.close());
    assert.equal(f.importText(SAMPLE, { intern: true }), 5);
    assert.equal(f.interned, true);
    const syms = f.symbols();
    assert.deepEqual([...syms.values()], ['edge', 'a', 'b', 'c', 'person', 'name', '"Ada Lovelace"', 'born', '1815', 'foo', 'bar']);
    const edgeAB = f.encode('(edge a b)');
    assert.equal(hex(edgeAB), `03c8${'1'.padStart(16, '0')}c8${'2'.padStart(16, '0')}c8${'3'.padStart(16, '0')}`);
    assert.equal(f.get('(edge a b)'), 0n);
    assert.equal(f.print(edgeAB), '(edge a b)');
    assert.deepEqual([...f].toSorted(), PRINTED.toSorted());
    // Without the table the ids print as 8-byte symbols.
    assert.match(printPath(edgeAB), /^\(#"\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x01" /);
    // A symbol the table lacks: encode is PF_ENOTFOUND, a query matches nothing.
    throwsCode(() => f.encode('(edge a zz)'), 'PF_ENOTFOUND', /"zz" is not in the symbol table/);
    assert.equal(f.get('(edge a zz)'), undefined);
    assert.equal(f.has('(edge a zz)'), false);
    assert.equal(f.remove('(edge a zz)'), false);
    throwsCode(() => f.add('(edge a zz)'), 'PF_ENOTFOUND', /"zz" is not in the symbol table/);
    assert.equal(f.intern('zz'), 12n);
    f.add('(edge a zz)', 3n);
    assert.equal(f.get('(edge a zz)'), 3n);
    assert.equal(f.remove('(edge a zz)'), true);
    assert.deepEqual(f.query('(edge zz $x)'), []);
    assert.deepEqual(f.query('(edge $x b)').map((m) => [m.text, m.bindings]), [['(edge a b)', ['a']]]);
    // New text goes in interned, the table grows.
    assert.equal(f.importText('(edge c d)'), 1);
    assert.equal(f.symbols().get(13n), 'd');
    const again = M.fromBytes(f.export('space'));
    t.after(() => again.close());
    assert.equal(again.interned, true);
    assert.equal(again.info().symbolLayout, 'mork');
    assert.deepEqual([...again], [...f]);
  });

  test('the shared interned vector reads the same', () => {
    const f = M.fromBytes(vector('space_interned.mtts'));
    try {
      assert.equal(f.interned, true);
      assert.equal(f.symbols().size, 11);
      const want = JSON.parse(readFileSync(join(containers, 'manifest.json'), 'utf8')).cases.find((c) => c.interned);
      assert.deepEqual([...f], want.paths);
      f.verify();
    } finally {
      f.close();
    }
  });
});

describe('versions', () => {
  test('migrate: 1.0 to 1.1 with its timestamp, 1.1 unchanged, 2.0 PF_EUNSUPPORTED', () => {
    const v10 = vector('space_v10.mtts');
    const out = migrate(v10, 1_234_567_890);
    const f = M.fromBytes(out);
    try {
      assert.equal(f.info().version, '1.1');
      assert.equal(f.info().timestamp, 1_234_567_890);
      assert.deepEqual([...f], JSON.parse(readFileSync(join(containers, 'manifest.json'), 'utf8')).cases[0].paths);
      f.verify();
    } finally {
      f.close();
    }
    assert.deepEqual(hex(MorkFile.migrate(out, new Date(0))), hex(out));
    const now = M.fromBytes(migrate(v10));
    try {
      assert.ok(Math.abs(now.info().timestamp - Date.now() / 1000) < 3600);
    } finally {
      now.close();
    }
    throwsCode(() => migrate(vector('space_v2.mtts')), 'PF_EUNSUPPORTED', /version 2\.\d+ is not supported/);
    throwsCode(() => migrate(vector('sample.paths')), 'PF_EFORMAT', /not a MTTS file/);
  });

  test('a 2.0 space is PF_EUNSUPPORTED naming its version, from bytes and by path', () => {
    throwsCode(() => M.fromBytes(vector('space_v2.mtts')), 'PF_EUNSUPPORTED', /MTTS version 2\.\d+ is not supported: this reader reads version 1\.x/);
    throwsCode(() => pf.open(join(containers, 'space_v2.mtts')), 'PF_EUNSUPPORTED', /version 2/);
  });

  test('a commit of a 1.0 space opened writable writes 1.1', () => {
    const f = M.fromBytes(vector('space_v10.mtts'), { writable: true });
    try {
      assert.equal(f.info().version, '1.0');
      f.commit();
      assert.equal(M.fromBytes(f.toBytes()).info().version, '1.1');
    } finally {
      f.close();
    }
  });
});

describe('errors', () => {
  test('a syntax error names its line and column; the expressions before it are added', (t) => {
    const f = M.create();
    t.after(() => f.close());
    throwsCode(() => f.importText('(a)\n(b)\n(c\n  (d e)'), 'PF_EFORMAT', /line 3, column 1: \( is never closed/);
    try {
      f.importText('(x)\n  (y "unclosed\n');
      assert.fail('no error');
    } catch (err) {
      assert.equal(err.codeName, 'PF_EFORMAT');
      assert.match(err.message, /line 2, column 6/);
      assert.equal(err.imported, 1);
    }
    assert.deepEqual([...f], ['(a)', '(b)', '(x)']);
    throwsCode(() => f.importText(`(${'i '.repeat(64)})`), 'PF_ELIMIT', /line 1, column \d+/);
    throwsCode(() => encodeMeTTa('(a "b'), 'PF_EFORMAT', /line 1, column 4/);
    throwsCode(() => encodeMeTTa(''), 'PF_EFORMAT', /no expression/);
  });

  test('options and arguments: unknown keys, kind at open, a bad export kind, wrong types', (t) => {
    const f = sample(t);
    throwsCode(() => f.importText('(a)', { bogus: 1 }), 'PF_EBADARG', /bogus/);
    throwsCode(() => f.export('bogus'), 'PF_EBADARG', /export kind/);
    throwsCode(() => f.export('space', { compression: 'brotli' }), 'PF_EBADARG', /compression/);
    throwsCode(() => M.fromBytes(vector('space.mtts'), { kind: 'act' }), 'PF_EBADARG', /kind shapes a new file/);
    throwsCode(() => M.create({ kind: 'tree' }), 'PF_EBADARG', /kind must be one of/);
    assert.throws(() => f.importText(new Uint8Array(1)), TypeError);
    assert.throws(() => f.query(5), TypeError);
    assert.throws(() => f.export(1), TypeError);
    assert.throws(() => f.get(42), TypeError);
  });

  test('a read-only file refuses changes', () => {
    const f = M.fromBytes(vector('space.mtts'));
    try {
      for (const change of [() => f.add('(q)'), () => f.importText('(q)'), () => f.intern('q'), () => f.remove('(q)')]) {
        throwsCode(change, 'PF_EBADARG', /read-only/);
      }
      assert.equal(f.length, 7);
    } finally {
      f.close();
    }
  });

  test('a closed handle is PF_EBADHANDLE for every verb; close twice is a no-op', () => {
    const f = M.fromBytes(vector('space.mtts'));
    const p = f.paths()[0].path;
    f.close();
    f.close();
    assert.equal(f.closed, true);
    for (const use of [
      () => f.length, () => f.interned, () => f.get(p), () => f.has(p), () => f.add(p), () => f.remove(p), () => f.paths(), () => [...f],
      () => f.query('$x'), () => f.export('space'), () => f.export('metta'), () => f.symbols(), () => f.intern('x'),
      () => f.importText('(a)'), () => f.encode('(a)'), () => f.print(p), () => f.commit(), () => f.info(), () => f.verify(), () => f.toBytes(),
    ]) {
      throwsCode(use, 'PF_EBADHANDLE');
    }
    assert.equal(pf.exports.pf_mork_commit(f.handle), PF_EBADHANDLE);
  });

  test('verify finds the flipped bit of the damaged vector; open finds the cut one', () => {
    const f = M.fromBytes(vector('space_bad_checksum.mtts'));
    try {
      throwsCode(() => f.verify(), 'PF_ECHECKSUM');
    } finally {
      f.close();
    }
    throwsCode(() => M.fromBytes(vector('space_truncated.mtts')), 'PF_EFORMAT');
  });
});

describe('on disk', () => {
  test('create, commit, open read-only and writable (the lock), refresh', (t) => {
    const dir = tempDir(t);
    const p = join(dir, 'graph.act');
    const w = M.create(p, { kind: 'act', noSync: true });
    try {
      w.importText(SAMPLE, { value: 5 });
      w.commit();
      throwsCode(() => M.open(p, { writable: true }), 'PF_ELOCKED');
    } finally {
      w.close();
    }
    assert.ok(!existsSync(`${p}.lock`));
    const r = pf.open(p);
    try {
      assert.ok(r instanceof M);
      assert.equal(r.kind, 'act');
      assert.deepEqual([...r.entries()], PRINTED.map((x) => [x, 5n]));
      throwsCode(() => r.toBytes(), 'PF_EBADARG');
      const w2 = M.open(p, { writable: true });
      try {
        w2.add('(edge d e)', 6n);
        w2.commit();
      } finally {
        w2.close();
      }
      assert.equal(r.refresh(), 6);
      assert.equal(r.get('(edge d e)'), 6n);
    } finally {
      r.close();
    }
    throwsCode(() => M.open(join(repoRoot, 'core/testdata/vsf/unboxed_u16.vsf')), 'PF_EFORMAT', /is a VSF .*file, not MORK/);
  });
});

test('the class, its alias, the open() registry and the statics', () => {
  assert.equal(Mork, MorkFile);
  assert.equal(pf.fileClass('mork'), M);
  assert.equal(pf.fileClass(4), M);
  assert.equal(M.formatId, 4);
  assert.equal(M.format, 'mork');
  assert.deepEqual(hex(M.encodeMeTTa('(a $x $y $x $y)')), '05c161c0c08081');
  assert.equal(M.printPath(new Uint8Array([5, 0xc1, 0x61, 0xc0, 0xc0, 0x80, 0x81])), '(a $a $b $a $b)');
  assert.throws(() => encodeMeTTa(new Uint8Array(2)), TypeError);
});

test('index.d.ts type-checks the MORK API with tsc --strict', () => {
  const tsc = join(pkgDir, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--lib', 'es2022,dom,esnext.disposable', 'test/types/mork_usage.ts'], { cwd: pkgDir, encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc reported errors:\n${e.stdout}${e.stderr}`);
  }
});

describe('examples', () => {
  const run = promisify(execFile);
  async function node(args, opts = {}) {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--disable-warning=ExperimentalWarning', ...args], { timeout: 120_000, ...opts });
      return { code: 0, stdout, stderr };
    } catch (err) {
      if (typeof err.code !== 'number') throw err;
      return { code: err.code, stdout: err.stdout, stderr: err.stderr };
    }
  }

  test('mork.mjs builds a space, queries it, exports every kind and reads them back', async (t) => {
    const dir = tempDir(t);
    const { code, stdout, stderr } = await node([join(repoRoot, 'examples/js/mork.mjs'), dir]);
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\n');
    assert.equal(lines[0], 'imported 6 expressions: 6 paths');
    assert.ok(lines.includes('query (parent $p Bob): (parent Alice Bob) -> $p = Alice'), stdout);
    assert.ok(lines.includes('query (parent $x $y), limit 2: 2 matches, truncated'), stdout);
    assert.deepEqual(lines.filter((l) => l.startsWith('grandparent ')).toSorted(), ['grandparent Alice Carol', 'grandparent Alice Dave']);
    assert.ok(lines.includes('  (rule (grandparent $a $b) (, (parent $a $c) (parent $c $b)))'), stdout);
    assert.match(stdout, /^interned copy -> .*family_interned\.mtts: 6 paths, 12 symbols$/m);
    assert.ok(lines.includes('  (parent Alice Bob) is 28 bytes interned, 18 as written; prints (parent Alice Bob)'), stdout);
    for (const kind of ['space', 'pathmap1', 'paths', 'act']) {
      assert.match(stdout, new RegExp(`^export ${kind}: \\d+ bytes -> .*family\\.\\w+: ${kind}, 6 paths$`, 'm'));
    }
    assert.ok(lines.includes('verify: ok'), stdout);
    // The files it left are ordinary MORK files.
    const plain = pf.open(join(dir, 'family.act'));
    try {
      assert.equal(plain.get('(person Bob (born 1840))'), 0n);
    } finally {
      plain.close();
    }
    const f = pf.open(join(dir, 'family_interned.mtts'));
    try {
      assert.equal(f.interned, true);
      assert.deepEqual(f.query('(parent Alice $c)').map((m) => m.bindings[0]), ['Bob']);
    } finally {
      f.close();
    }
  });

  test('mork_read.mjs prints any MORK file, detected by open()', async () => {
    const { code, stdout, stderr } = await node([join(repoRoot, 'examples/js/mork_read.mjs'), join(containers, 'sample_seed.act')]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /sample_seed\.act: detected 'mork'/);
    assert.match(stdout, /^MorkFile: act \(seed layout\), 7 paths, 0 symbols$/m);
    assert.match(stdout, /^ {2}\(edge a b\) = 18446744073709551615$/m);
    assert.match(stdout, /^verify: ok$/m);
    const mult = await node([join(repoRoot, 'examples/js/mork_read.mjs'), join(containers, 'counts.mttm'), '1']);
    assert.equal(mult.code, 0, mult.stderr);
    assert.match(mult.stdout, /^MorkFile: mult 1\.0, 2 paths, 0 symbols$/m);
    assert.match(mult.stdout, /^ {2}\(edge a b\) = 3$/m);
    assert.match(mult.stdout, /^ {2}… 1 more$/m);
    const bad = await node([join(repoRoot, 'examples/js/mork_read.mjs'), join(containers, 'space_bad_checksum.mtts')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /^verify: PF_ECHECKSUM: /m);
    const v2 = await node([join(repoRoot, 'examples/js/mork_read.mjs'), join(containers, 'space_v2.mtts')]);
    assert.equal(v2.code, 1);
    assert.match(v2.stderr, /mork_read: PF_EUNSUPPORTED: .*version 2/);
    const usage = await node([join(repoRoot, 'examples/js/mork_read.mjs')]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /usage:/);
  });
});
