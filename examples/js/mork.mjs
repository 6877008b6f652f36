// mork builds a small MeTTa space from text, queries it (a variable
// matches any sub-expression; a join of two queries finds grandparents),
// writes it as each MORK container — a space file, PATHMAP1, PathMap's
// .paths and an ACT — and opens each again with pf.open, which detects the
// format. Last, an interned copy: symbols stored as ids of the file's table.
//
//	node examples/js/mork.mjs [OUT_DIR]
//
// Without OUT_DIR the files are written to a temporary directory and removed.
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { load, PolyfmtError } from '../../bindings/js/src/index.js';

const FAMILY = `; who is whose parent
(parent Alice Bob)
(parent Bob Carol)
(parent Bob Dave)
(person Alice (born 1815))
(person Bob (born 1840))
(rule (grandparent $x $z) (, (parent $x $y) (parent $y $z)))
`;

const pf = await load();
const tmp = process.argv[2] ? null : mkdtempSync(join(tmpdir(), 'mork-example-'));
const dir = process.argv[2] ?? tmp;

try {
  // 1. A space in memory, from MeTTa text.
  const space = pf.MorkFile.create();
  try {
    const n = space.importText(FAMILY);
    console.log(`imported ${n} expressions: ${space.length} paths`);

    // 2. Queries: matches come with what each variable bound.
    for (const m of space.query('(parent $p Bob)')) console.log(`query (parent $p Bob): ${m.text} -> $p = ${m.bindings[0]}`);
    const cut = space.query('(parent $x $y)', { limit: 2 });
    console.log(`query (parent $x $y), limit 2: ${cut.length} matches${cut.truncated ? ', truncated' : ''}`);
    for (const { bindings: [x, y] } of space.query('(parent $x $y)')) {
      for (const { bindings: [z] } of space.query(`(parent ${y} $z)`)) console.log(`grandparent ${x} ${z}`);
    }

    // 3. The same paths in every container, each opened again by path.
    for (const [kind, ext] of [['space', 'mtts'], ['pathmap1', 'pathmap'], ['paths', 'paths'], ['act', 'act']]) {
      const bytes = space.export(kind);
      const path = join(dir, `family.${ext}`);
      writeFileSync(path, bytes);
      const f = pf.open(path);
      try {
        console.log(`export ${kind}: ${bytes.length} bytes -> ${path}: ${f.kind}, ${f.length} paths`);
      } finally {
        f.close();
      }
    }
    console.log('metta:');
    for (const line of space.export('metta').trimEnd().split('\n')) console.log(`  ${line}`);

    // 4. An interned copy: every symbol an 8-byte id of the file's table.
    const path = join(dir, 'family_interned.mtts');
    const interned = pf.MorkFile.create(path, { symbolLayout: 'mork' });
    try {
      interned.importText(space.export('metta'), { intern: true });
      interned.commit();
      const info = interned.info();
      const ab = interned.encode('(parent Alice Bob)');
      console.log(`interned copy -> ${path}: ${info.paths} paths, ${info.symbols} symbols`);
      console.log(`  (parent Alice Bob) is ${ab.length} bytes interned, ${pf.MorkFile.encodeMeTTa('(parent Alice Bob)').length} as written; prints ${interned.print(ab)}`);
    } finally {
      interned.close();
    }
  } finally {
    space.close();
  }

  const f = pf.open(join(dir, 'family_interned.mtts'));
  try {
    f.verify();
    console.log('verify: ok');
  } catch (err) {
    if (!(err instanceof PolyfmtError)) throw err;
    console.log(`verify: ${err.codeName}: ${err.message}`);
  } finally {
    f.close();
  }
} finally {
  if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
}
