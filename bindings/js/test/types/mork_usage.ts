// Compiled (not run) by test/mork.test.js with tsc --strict: the MORK
// declarations type-check the way a TypeScript user writes against them.
import {
  load, open, MorkFile, Mork, encodeMeTTa, printPath, migrate, PolyfmtError, PF_EFORMAT,
  type MorkInfo, type MorkKind, type MorkMatch, type MorkPath, type PolyfmtFile,
} from 'polyfmt';

async function spaces(bytes: Uint8Array): Promise<Uint8Array> {
  const pf = await load();
  const w: MorkFile = pf.MorkFile.create({ kind: 'space', symbolLayout: 'mork', noSync: true });
  try {
    const n: number = w.importText('(edge a b)\n(edge b c)', { intern: true, value: 7n });
    w.add('(edge c a)', 1);
    w.add(encodeMeTTa('(edge a c)'));
    const found: boolean = w.remove(new Uint8Array([0]));
    const v: bigint | undefined = w.get('(edge a b)');
    const id: bigint = w.intern('edge');
    const syms: Map<bigint, string> = w.symbols();
    w.commit();
    console.log(n, found, v, id, syms.size, w.has('(edge a b)'), w.length, w.kind satisfies MorkKind);
    return w.toBytes();
  } catch (e) {
    if (e instanceof PolyfmtError && e.code === PF_EFORMAT) console.log(e.message, e.imported);
    throw e;
  } finally {
    w.close();
  }
}

function read(bytes: Uint8Array): void {
  using f = Mork.fromBytes(bytes);
  const info: MorkInfo = f.info();
  for (const text of f) console.log(text.length);
  for (const [text, value] of f.entries()) console.log(text, value + 1n);
  const ps: MorkPath[] = f.paths({ prefix: new Uint8Array([3]), limit: 10 });
  const matches: MorkMatch[] = f.query('(edge $x $y)', { limit: 5n });
  const cut: boolean = f.query('(edge $x b)').truncated;
  const metta: string = f.export('metta');
  const act: Uint8Array = f.export('act', { actLayout: 'seed' });
  const space: Uint8Array = f.export('space', { timestamp: new Date(), compressSpace: true, noChecksum: false });
  const printed: string = f.print(ps[0].path) + f.text(ps[0].path) + printPath(f.encode('(a)'));
  f.verify();
  console.log(info.version, info.interned, matches[0]?.bindings.join(), cut, metta, act.length, space.length, printed);
}

function any(bytes: Uint8Array): number {
  const f: PolyfmtFile = open(bytes);
  try {
    if (f.format === 'mork') return f.length + f.paths().length;
    return 0;
  } finally {
    f.close();
  }
}

function byClass(bytes: Uint8Array): number {
  using f = open(bytes);
  return f instanceof MorkFile ? f.query('$x').length : 0;
}

const newer: Uint8Array = migrate(new Uint8Array(0), 1_700_000_000n);
const again: Uint8Array = MorkFile.migrate(newer);
void spaces;
void read;
void any;
void byClass;
void again;
