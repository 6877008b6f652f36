// Compiled (not run) by test/types.test.js with tsc --strict: the public
// declarations must type-check the way a TypeScript user writes against them.
import {
  load, open, detect, Mem8File, MmxFile, PolyfmtError, PF_ELIMIT, PF_ELOCKED, PF_ENOMEM, PF_ENOTFOUND, codeName,
  type Mem8Block, type Mem8Info, type PolyfmtFile, type FormatName, type MmxChunk, type MmxEntry, type MmxInfo, type MmxRows, type MmxFlat, type MmxTypedArray,
  VsfFile, VSF, VsfName, VsfTensorRef, EagleTime, vsf,
  type VsfInfo, type VsfField, type VsfSectionJSON, type VsfJSValue, type VsfTensor, type VsfCheck, type VsfValueJSON,
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
  const f: MmxFile = pf.MmxFile.create({ creator: 'usage.ts', verify: 'on_read', checksum: 'sha256' });
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
    const into: Float32Array = f.readInto('frames/0', new Float32Array(12));
    const flat: MmxFlat = f.readFlat('mesh');
    const entries: MmxEntry[] = f.list('frames/');
    const info: MmxInfo = f.info();
    console.log(into.length, rows.shape, flat.arrays['vertices']?.offset, entries[0]?.chunkType, info.header.totalChunks, info.recovery.clean);
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
  const disk = MmxFile.open('x.mmx', { writable: true, noSync: true, maxChunks: 10, checksum: 'blake3' });
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
  } else if (f.format === 'mem8') {
    const info: Mem8Info = f.info();
    console.log(f.count, info.format);
  } else if (f.format === 'vsf') {
    const info: VsfInfo = f.info();
    console.log(f.labels, info.form);
  }
  const M: typeof MmxFile = pf.fileClass('mmx');
  const id: 2 = M.formatId;
  using g = open('file.m8', { writable: true });
  return `${name} ${detect(image)} ${n} ${id} ${g.format}`;
}
void anyFormat;

async function vsfFiles(bytes: Uint8Array): Promise<Uint8Array> {
  const pf = await load();
  const key: Uint8Array = vsf.keygen(new Uint8Array(32));
  const w: VsfFile = pf.VsfFile.create({ form: 'seed', noSync: true });
  try {
    w.add('camera', 'iso', vsf.u5(800));
    w.add('camera', 'big', 2n ** 100n);
    w.add('camera', 'ratio', 1.5);
    w.add('camera', 'taken', new Date());
    w.add('camera', 'epoch', new EagleTime(0n));
    w.add('camera', 'model', new VsfName('lumis'));
    w.add('camera', 'lens', { focal: vsf.f5(35), zoom: false });
    w.add('camera', 'list', [{ name: 'a', value: 1 }]);
    w.add('camera', 'z', vsf.j5(1, -1));
    w.add('image', 'raw', vsf.bitpacked(new Uint16Array(12), 12, [3, 4]));
    w.add('image', 'wb', new Float32Array(3));
    w.add('image', 'q', new Float64Array(6), { shape: [2, 3], strides: [1, 2] });
    w.add('image', 'c', vsf.tensor(new Float32Array(4), { type: 'j5', shape: [2] }));
    w.putUnboxed('blob', new Uint8Array(3));
    w.sectionOptions('camera', { compress: true, hash: ['sha256'] });
    w.fileOptions({ hash: ['blake3'], noFileHash: false });
    w.sign('camera', key, { withKey: true });
    w.sign(null, key);
    w.remove('blob');
    w.commit();
  } finally {
    w.close();
  }
  using r = VsfFile.fromBytes(bytes);
  const info: VsfInfo = r.info();
  const form: 'seed' | 'crate' = r.form;
  const names: string[] = r.labels;
  const fields: VsfField[] = r.section('camera');
  const json: VsfSectionJSON = r.sectionJSON('camera');
  const v: VsfJSValue = r.get('camera.iso');
  if (typeof v === 'bigint') console.log(v + 1n);
  else if (v instanceof EagleTime) console.log(v.toDate(), v.seconds, EagleTime.fromDate(new Date()).float);
  else if (v instanceof VsfTensorRef) console.log(v.read().data.length, v.bits);
  else if (v instanceof VsfName) console.log(v.value);
  const t: VsfTensor = r.tensor('image.raw');
  const raw: Uint8Array = r.raw('blob');
  const report: VsfCheck[] = r.verifyReport({ key: vsf.publicKey(key) }).checks;
  r.verify({ key });
  r.verify();
  console.log(info.labels[0]?.rawSize, form, names, fields[0]?.name, json.fields.length, t.dtype, t.bits, raw.length, report[0]?.code);
  const img: Uint8Array = VSF.convert(r.bytes(), 'crate', { dropSignatures: true });
  const enc: Uint8Array = VsfFile.encodeValue(vsf.u5(1));
  const dec: VsfJSValue = vsf.decodeValue(enc);
  const decJSON: VsfValueJSON = VsfFile.decodeValueJSON(enc);
  const V: typeof VsfFile = pf.fileClass('vsf');
  const id: 3 = V.formatId;
  using any = pf.open(img);
  if (any.format === 'vsf') console.log(any.labels, dec, decJSON.type, id);
  return img;
}
void vsfFiles;
