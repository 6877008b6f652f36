// Compiled (not run) by test/types.test.js with tsc --strict: the public
// declarations must type-check the way a TypeScript user writes against them.
import {
  load, open, detect, Mem8File, MmxFile, PolyfmtError, PF_ELIMIT, PF_ELOCKED, PF_ENOMEM, PF_ENOTFOUND, codeName,
  type Mem8Block, type Mem8Info, type PolyfmtFile, type FormatName, type MmxChunk, type MmxEntry, type MmxInfo, type MmxRows, type MmxFlat, type MmxTypedArray,
} from 'polyfmt';

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
    if (e instanceof PolyfmtError && e.code === PF_ENOMEM) console.log(pf.instanceGeneration, e.cause);
    throw e;
  } finally {
    f.close();
  }
}

{
  using g = Mem8File.create();
  g.append(new Uint8Array([1, 2, 3]));
}

async function mmx(bytes: Uint8Array): Promise<Uint8Array> {
  const pf = await load();
  const f: MmxFile = pf.MmxFile.create({ creator: 'usage.ts', verify: 'on_read' });
  try {
    f.writeTensor('frames/0', new Float32Array(12), [4, 3], { compression: 'Lz4', logicalRegion: 'clip' });
    f.writeTensor('ids', new BigInt64Array([1n, 2n]));
    f.writeTensor('half', new Uint16Array(4), [2n, 2n], { dtype: 'bfloat16' });
    f.writeTensor('raw', new Uint8Array(16), null, { dtype: 'complex64' });
    f.writeEmbedding('emb', new Float32Array(6), [2, 3], { method: 'PCA', labels: ['a', 'b'] });
    f.writeMesh('mesh', { vertices: new Float32Array(9), faces: [0, 1, 2], materials: { base: 'steel' } }, { compression: 'Zstd', level: 3 });
    f.writeText('notes', { content: 'hi', language: null, tokens: new Uint32Array([1]) });
    f.writeText('plain', 'hello');
    f.writeSequence('seq', { frames: ['frames/0'], fps: 30 });
    f.writeMeta('meta', { data: { any: ['json'] }, version: 2 });
    f.commit();
    f.delete('plain');
    f.rollback();

    const c: MmxChunk = f.read('frames/0');
    if (c.chunkType === 'Tensor') {
      const data: MmxTypedArray = c.data;
      const shape: number[] = c.shape;
      console.log(data.byteLength, shape, c.entry.logicalRegion);
    } else if (c.chunkType === 'Mesh') {
      const v: Float32Array = c.vertices;
      const n: Float32Array | null = c.normals;
      console.log(v.length, n?.length, c.materials?.base);
    } else if (c.chunkType === 'Embedding') {
      console.log(c.method, c.labels?.length);
    } else if (c.chunkType === 'Text') {
      console.log(c.content.length, c.language);
    } else if (c.chunkType === 'Meta') {
      console.log(c.version, c.data);
    } else {
      console.log(c.frames.length, c.fps);
    }
    const rows: MmxRows = f.readRows('frames/0', 1, 3n);
    const flat: MmxFlat = f.readFlat('mesh');
    const entries: MmxEntry[] = f.list('frames/');
    const info: MmxInfo = f.info();
    console.log(rows.shape, flat.arrays['vertices']?.offset, entries[0]?.chunkType, info.header.totalChunks, info.recovery.clean);
    f.compact();
    f.verify();
  } catch (e) {
    if (e instanceof PolyfmtError && e.code === PF_ENOTFOUND) console.log(e.codeName);
    throw e;
  } finally {
    f.close();
  }
  using r = MmxFile.fromBytes(bytes);
  const g: number = r.refresh();
  console.log(g, r.handle, r.closed);
  const disk = MmxFile.open('x.mmx', { writable: true, noSync: true, maxChunks: 10 });
  disk.close();
  return r.toBytes();
}

export { main, mmx };

async function lockedWriter(path: string): Promise<MmxFile | null> {
  const pf = await load();
  try {
    return pf.MmxFile.open(path, { writable: true });
  } catch (e) {
    if (e instanceof PolyfmtError && e.code === PF_ELOCKED) return null;
    throw e;
  }
}
void lockedWriter;

async function anyFormat(bytes: Uint8Array): Promise<string> {
  const pf = await load();
  const name: FormatName = pf.detect(bytes);
  using f: PolyfmtFile = pf.open(bytes, { writable: false, verify: 'on_open' });
  const n: number = f.refresh();
  f.verify();
  const image: Uint8Array = f.toBytes();
  if (f.format === 'mmx') {
    const entries: MmxEntry[] = f.list();
    const info: MmxInfo = f.info();
    console.log(entries.length, info.generation);
  } else {
    const info: Mem8Info = f.info();
    console.log(f.count, info.format);
  }
  const M: typeof MmxFile = pf.fileClass('mmx');
  const id: 2 = M.formatId;
  using g = open('file.m8', { writable: true });
  return `${name} ${detect(image)} ${n} ${id} ${g.format}`;
}
void anyFormat;
