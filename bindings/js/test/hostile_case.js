// One hostile-corpus case through the package API, on bytes already in
// memory: what each call threw (PolyfmtError code names). Runs in Node
// (hostile_child.mjs, one process per case) and in Chromium
// (browser.test.js). Not a test file itself.

/**
 * @param {object} pf a loaded polyfmt
 * @param {Function} PolyfmtError
 * @param {{format: string, chunk?: string}} c the manifest case
 * @param {Uint8Array} bytes the file
 */
export function runCase(pf, PolyfmtError, c, bytes) {
  const out = {};
  const run = (op, fn) => {
    try {
      const r = fn();
      out[op] = { code: 'ok' };
      return r;
    } catch (e) {
      if (!(e instanceof PolyfmtError)) throw e;
      out[op] = { code: e.codeName, imported: e.imported };
      return undefined;
    }
  };
  if (c.format === 'mem8-json') {
    const f = pf.Mem8File.create({ no_sync: true });
    run('import', () => f.importJson(bytes));
    out.count = f.count;
    f.close();
  } else if (c.format === 'mem8') {
    const f = run('open', () => pf.Mem8File.fromBytes(bytes));
    if (f) {
      out.blocks = f.count;
      run('info', () => JSON.stringify(f.info()));
      run('read', () => { for (let i = 0; i < f.count; i++) f.block(i); });
      run('verify', () => f.verify());
      f.close();
    }
  } else if (c.format === 'mork') {
    // Detected (pf.open) and through the format's class: the same outcome.
    // Reading is walking every path: the count, then every path, which
    // must agree.
    const walk = (f) => {
      const n = f.length;
      const got = f.paths().length;
      if (got !== n) throw new Error(`length is ${n}, paths() holds ${got}`);
    };
    for (const [suffix, opener] of [['', () => pf.open(bytes)], ['_class', () => pf.MorkFile.fromBytes(bytes)]]) {
      const f = run(`open${suffix}`, opener);
      if (f) {
        out[`class${suffix}`] = f.constructor.name;
        run(`info${suffix}`, () => JSON.stringify(f.info()));
        run(`read${suffix}`, () => walk(f));
        run(`verify${suffix}`, () => f.verify());
        f.close();
      }
    }
  } else {
    const f = run('open', () => pf.MmxFile.fromBytes(bytes));
    if (f) {
      run('info', () => JSON.stringify(f.info()));
      run('list', () => f.list());
      run('read', () => f.read(c.chunk));
      run('verify', () => f.verify());
      f.close();
    }
  }
  return out;
}
