// Compiled (not run) by test/types.test.js with tsc --strict: the public
// declarations must type-check the way a TypeScript user writes against them.
import { load, Mem8File, PolyfmtError, PF_ELIMIT, codeName, type Mem8Block, type Mem8Info } from 'polyfmt';

async function main(bytes: Uint8Array): Promise<number> {
  const pf = await load();
  const f: Mem8File = pf.Mem8File.fromBytes(bytes, { writable: true });
  try {
    const i: number = f.append('hello', { importance: 0.9, token: 'greeting', timestampUs: 1 });
    const b: Mem8Block = f.block(i);
    const text: string = b.text;
    const sig: string = b.waveSignature;
    for (const blk of f.backwards()) console.log(blk.index, blk.importanceRaw);
    const top: Mem8Block[] = f.query({ keywords: ['hello'], fill: 0, max: 5 });
    const info: Mem8Info = f.info();
    console.log(text, sig, top.length, info);
    const copy: Uint8Array = f.toBytes();
    return copy.length + f.count;
  } catch (e) {
    if (e instanceof PolyfmtError && e.code === PF_ELIMIT) console.log(codeName(e.code), e.codeName);
    throw e;
  } finally {
    f.close();
  }
}

{
  using g = Mem8File.create();
  g.append(new Uint8Array([1, 2, 3]));
}

export { main };
