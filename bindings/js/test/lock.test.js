// One writer per file across every surface (docs/spec/mmx.md §5.1):
// a native writer (Python through libpolyfmt.so: flock and the lock file
// <path>.lock) and a Node writer (polyfmt.wasm: the lock file) refuse each
// other with PF_ELOCKED and write nothing, and a writer killed with SIGKILL
// leaves a lock file the next writer reclaims. Needs build/libpolyfmt.so
// (make lib) and python3; it fails without them, never skips.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { defaultWasmURL, load, PF_ELOCKED, PolyfmtError } from '../src/index.js';
import { pkgDir, repoRoot, tempDir } from './helpers.js';

const pf = await load();
const LIB = join(repoRoot, 'build', 'libpolyfmt.so');

// A native writer: opens (or creates) a file writable through the C
// library with ctypes alone, says "ready <pid>" or "refused <code> <message>",
// then writes one chunk (MMX) or block (MEM8) per line read and closes at
// the end of its input.
const HOLDER = `
import ctypes, os, sys
lib = ctypes.CDLL(sys.argv[1])
fmt, mode, path = sys.argv[2], sys.argv[3], sys.argv[4].encode()
lib.pf_errmsg.restype = ctypes.c_char_p
S = ctypes.c_size_t
h = ctypes.c_uint32()
if mode == "create":
    rc = getattr(lib, "pf_%s_create" % fmt)(path, S(len(path)), None, S(0), ctypes.byref(h))
else:
    rc = getattr(lib, "pf_%s_open" % fmt)(path, S(len(path)), 1, None, S(0), ctypes.byref(h))
if rc:
    print("refused", rc, lib.pf_errmsg(0).decode(), flush=True)
    sys.exit(0)
print("ready", os.getpid(), flush=True)
for line in sys.stdin:
    name = line.strip().encode()
    if fmt == "mmx":
        d = b'{"chunk_type":"Text","value":{"content":"python"}}'
        rc = lib.pf_mmx_write(h, name, S(len(name)), d, S(len(d)), None, S(0)) or lib.pf_mmx_commit(h)
    else:
        rc = lib.pf_mem8_append(h, name, S(len(name)), ctypes.c_float(0.5), None, S(0), ctypes.c_uint64(0), None)
    print("wrote", rc, flush=True)
print("closed", lib.pf_close(h), flush=True)
`;

/** A running process that prints one line per step; next() is its next line. */
function lines(child) {
  const rl = createInterface({ input: child.stdout });
  const queue = [];
  const waiting = [];
  rl.on('line', (l) => (waiting.length > 0 ? waiting.shift()(l) : queue.push(l)));
  rl.on('close', () => {
    for (const w of waiting.splice(0)) w(null);
  });
  return () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((resolve) => waiting.push(resolve)));
}

/** Starts the native writer on path; resolves when it said ready or refused. */
async function native(t, fmt, path, mode = 'open') {
  assert.ok(existsSync(LIB), `${LIB} is missing: run make lib`);
  const child = spawn('python3', ['-c', HOLDER, LIB, fmt, mode, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  const next = lines(child);
  const first = (await next()) ?? 'exited';
  const [word, code, ...msg] = first.split(' ');
  return {
    child, next,
    ready: word === 'ready',
    pid: word === 'ready' ? Number(code) : undefined,
    refused: word === 'refused' ? { code: Number(code), message: msg.join(' ') } : undefined,
    async write(name) {
      child.stdin.write(`${name}\n`);
      return next();
    },
    async close() {
      child.stdin.end();
      const l = await next();
      await once(child, 'exit');
      return l;
    },
  };
}

/** A Node writer in another process (a child node on the package): "ready <pid>", then it waits. */
async function nodeChild(t, path) {
  const src = `
    import { load } from ${JSON.stringify(new URL('../src/index.js', import.meta.url).href)};
    const pf = await load();
    const f = pf.MmxFile.open(${JSON.stringify(path)}, { writable: true });
    console.log('ready', process.pid);
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', src], { cwd: pkgDir, stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'));
  const first = await lines(child)();
  assert.match(first ?? 'exited', /^ready \d+$/);
  return child;
}

function lockOwner(path) {
  return JSON.parse(readFileSync(`${path}.lock`, 'utf8'));
}

function assertLocked(fn, pid, path) {
  assert.throws(fn, (err) => {
    assert.ok(err instanceof PolyfmtError, String(err));
    assert.equal(err.code, PF_ELOCKED);
    assert.equal(err.codeName, 'PF_ELOCKED');
    assert.ok(err.message.includes(`pid ${pid}`), err.message);
    assert.ok(err.message.includes(`${path}.lock`), err.message);
    return true;
  });
}

test('a native writer holds an MMX file: Node is refused with PF_ELOCKED and writes nothing', async (t) => {
  const path = join(tempDir(t), 'held.mmx');
  pf.MmxFile.create(path).close();
  const py = await native(t, 'mmx', path);
  assert.ok(py.ready, py.refused?.message);
  assert.equal(await py.write('py/a'), 'wrote 0');
  assert.deepEqual(lockOwner(path), { pid: py.pid, host: hostname(), flock: true });
  const before = readFileSync(path);

  assertLocked(() => pf.MmxFile.open(path, { writable: true }), py.pid, path);
  assertLocked(() => pf.MmxFile.create(path), py.pid, path);
  assert.deepEqual(readFileSync(path), before, 'a refused writer changed the file');
  // Readers never lock.
  const r = pf.MmxFile.open(path);
  assert.deepEqual(r.list().map((e) => e.name), ['py/a']);
  r.close();

  assert.equal(await py.write('py/b'), 'wrote 0');
  assert.equal(await py.close(), 'closed 0');
  assert.equal(existsSync(`${path}.lock`), false, 'the native writer left its lock file');
  const w = pf.MmxFile.open(path, { writable: true });
  assert.deepEqual(w.list().map((e) => e.name), ['py/a', 'py/b']);
  w.close();
});

test('a native writer holds a MEM8 file: Node is refused with PF_ELOCKED and writes nothing', async (t) => {
  const path = join(tempDir(t), 'held.m8');
  pf.Mem8File.create(path).close();
  const py = await native(t, 'mem8', path);
  assert.ok(py.ready, py.refused?.message);
  assert.equal(await py.write('from python'), 'wrote 0');
  const before = readFileSync(path);
  assertLocked(() => pf.Mem8File.open(path, { writable: true }), py.pid, path);
  assertLocked(() => pf.Mem8File.create(path), py.pid, path);
  assert.deepEqual(readFileSync(path), before);
  assert.equal(await py.close(), 'closed 0');
  const w = pf.Mem8File.open(path, { writable: true });
  assert.equal(w.append('from node'), 1);
  w.close();
});

test('Node holds the writer lock: a native writer is refused, and may write once Node closes', async (t) => {
  for (const fmt of ['mmx', 'mem8']) {
    const path = join(tempDir(t), `node-held.${fmt === 'mmx' ? 'mmx' : 'm8'}`);
    const w = fmt === 'mmx' ? pf.MmxFile.create(path) : pf.Mem8File.create(path);
    assert.deepEqual(lockOwner(path), { pid: process.pid, host: hostname(), flock: false });
    const before = readFileSync(path);
    for (const mode of ['open', 'create']) {
      const py = await native(t, fmt, path, mode);
      assert.equal(py.ready, false, `${fmt} ${mode}: the native writer was let in`);
      assert.equal(py.refused.code, PF_ELOCKED);
      assert.match(py.refused.message, new RegExp(`pid ${process.pid} on .*${path}\\.lock`));
      await once(py.child, 'exit');
    }
    assert.deepEqual(readFileSync(path), before, 'a refused native writer changed the file');
    w.close();
    assert.equal(existsSync(`${path}.lock`), false, 'close left the lock file');
    const py = await native(t, fmt, path);
    assert.ok(py.ready, py.refused?.message);
    assert.equal(await py.close(), 'closed 0');
  }
});

test('two Node writers, in one instance or two, are refused the same way', async (t) => {
  const path = join(tempDir(t), 'twice.mmx');
  const other = await load(defaultWasmURL);
  const w = pf.MmxFile.create(path);
  assertLocked(() => pf.MmxFile.open(path, { writable: true }), process.pid, path);
  assertLocked(() => other.MmxFile.open(path, { writable: true }), process.pid, path);
  w.close();
  const w2 = other.MmxFile.open(path, { writable: true });
  assertLocked(() => pf.MmxFile.create(path), process.pid, path);
  w2.close();
  // Readers and files from bytes take no lock.
  const r = pf.MmxFile.open(path);
  const b = pf.MmxFile.fromBytes(readFileSync(path), { writable: true });
  assert.equal(existsSync(`${path}.lock`), false);
  r.close();
  b.close();
});

test('a native writer killed with SIGKILL leaves a lock file that a Node writer reclaims', async (t) => {
  const path = join(tempDir(t), 'killed-native.mmx');
  const py = await native(t, 'mmx', path, 'create');
  assert.ok(py.ready, py.refused?.message);
  py.child.kill('SIGKILL');
  await once(py.child, 'exit');
  assert.equal(lockOwner(path).pid, py.pid, 'the killed writer should have left its lock file');

  const w = pf.MmxFile.open(path, { writable: true });
  assert.deepEqual(lockOwner(path), { pid: process.pid, host: hostname(), flock: false });
  w.writeText('node/after', 'reclaimed');
  w.close();
  assert.equal(existsSync(`${path}.lock`), false);
});

test('a Node writer killed with SIGKILL leaves a lock file that a native writer reclaims', async (t) => {
  const path = join(tempDir(t), 'killed-node.mmx');
  pf.MmxFile.create(path).close();
  const child = await nodeChild(t, path);
  assert.deepEqual(lockOwner(path), { pid: child.pid, host: hostname(), flock: false });
  // While it runs, it holds the file.
  assertLocked(() => pf.MmxFile.open(path, { writable: true }), child.pid, path);
  child.kill('SIGKILL');
  await once(child, 'exit');
  assert.equal(lockOwner(path).pid, child.pid);

  const py = await native(t, 'mmx', path);
  assert.ok(py.ready, py.refused?.message);
  assert.equal(lockOwner(path).pid, py.pid);
  assert.equal(await py.write('py/after'), 'wrote 0');
  assert.equal(await py.close(), 'closed 0');
  assert.equal(existsSync(`${path}.lock`), false);
});
