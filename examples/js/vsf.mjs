// vsf writes a small VSF file — a section of typed values, a 12-bit
// bit-packed image and an Ed25519 signature — then opens it again with
// pf.open (which detects the format), prints what it holds and verifies it,
// with the signer's public key and with another one.
//
//	node examples/js/vsf.mjs [OUT.vsf]
//
// Without OUT.vsf the file is written to a temporary directory and removed.
// In your own project, after `npm install polyfmt`, import from 'polyfmt'.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EagleTime, load, PolyfmtError, VsfTensorRef, vsf } from '../../bindings/js/src/index.js';

const pf = await load();
const tmp = process.argv[2] ? null : mkdtempSync(join(tmpdir(), 'vsf-example-'));
const path = process.argv[2] ?? join(tmp, 'photo.vsf');

try {
  // A deterministic key for the example; vsf.keygen() makes a random one.
  const key = vsf.keygen(new Uint8Array(32).fill(7));

  // 1. Write. A writable file is a builder: nothing is on disk until commit (or close).
  const [h, w] = [480, 640];
  const samples = new Uint16Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) samples[y * w + x] = (x * 4095 / (w - 1)) & 0xfff;
  const out = pf.VsfFile.create(path);
  try {
    out.add('camera', 'model', vsf.name('lumis'));
    out.add('camera', 'iso', vsf.u5(800));
    out.add('camera', 'shutter_ns', vsf.u6(16_666_667n));
    out.add('camera', 'aperture', vsf.f5(2.8));
    out.add('camera', 'taken', new Date(Date.UTC(2025, 6, 20, 20, 17, 40)));
    out.add('camera', 'note', 'first light');
    out.add('camera', 'lens', { focal_length_mm: vsf.f5(35), zoom: false });
    out.add('image', 'raw', vsf.bitpacked(samples, 12, [h, w]));
    out.add('image', 'white_balance', Float32Array.of(2.1, 1, 1.6));
    out.sectionOptions('camera', { hash: ['sha256'] });
    out.sign('camera', key); // the public key is not stored: verify needs it
    out.commit();
  } finally {
    out.close();
  }

  // 2. Read it back, by path: open() returns a VsfFile for VSF bytes.
  const f = pf.open(path);
  try {
    const info = f.info();
    console.log(`${path}: ${f.format} (${f.constructor.name}), ${info.form} form, version ${info.version}, ${info.size} bytes`);
    for (const l of info.labels) {
      console.log(`section ${l.name}: ${l.count} fields, ${l.size} bytes, hashes [${l.hashes.join(' ')}], ${l.signatures} signature(s)`);
    }
    for (const { name, value } of f.section('camera')) console.log(`  camera.${name} = ${show(value)}`);
    const raw = f.get('image.raw');
    console.log(`  image.raw = ${show(raw)}`);
    const img = raw.read(); // the same as f.tensor('image.raw')
    console.log(`  unpacked: ${img.data.constructor.name} of ${img.data.length} samples, [${img.shape}], first row ends ${img.data[w - 1]}`);
    console.log(`  image.white_balance = [${f.tensor('image.white_balance').data.join(', ')}]`);

    for (const [what, k] of [['no key', undefined], ['the signer\'s key', vsf.publicKey(key)], ['another key', vsf.keygen()]]) {
      try {
        f.verify({ key: k });
        const unverified = k === undefined ? f.verifyReport().checks.filter((c) => c.status === 'unverified').length : 0;
        console.log(`verify with ${what}: ok${unverified ? ` (${unverified} signature unverified)` : ''}`);
      } catch (err) {
        if (!(err instanceof PolyfmtError)) throw err;
        console.log(`verify with ${what}: ${err.codeName}: ${err.message}`);
      }
    }
  } finally {
    f.close();
  }
} finally {
  if (tmp !== null) rmSync(tmp, { recursive: true, force: true });
}

/** One value as the package gives it to JavaScript. */
function show(v) {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof EagleTime) return `${v.toDate().toISOString()} (Eagle Time ${v.seconds} s)`;
  if (v instanceof VsfTensorRef) return `${v.kind} ${v.elem}[${v.shape.join('×')}]${v.bits ? ` at ${v.bits} bits` : ''}, ${v.bytes} bytes stored`;
  if (Array.isArray(v)) return `{ ${v.map((x) => `${x.name}: ${show(x.value)}`).join(', ')} }`;
  return String(v);
}
