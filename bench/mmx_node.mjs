// mmx_node measures MMX reads from Node through polyfmt.wasm: readInto (the
// chunk decompressed inside the module, copied once into an array the caller
// reuses) beside read (a new TypedArray per tensor), for raw, LZ4, zstd and
// zlib chunks of the same 16 × 4 MiB compressible float32 tensors, in one
// run, alternating. With the default verify ("on_read") each chunk's
// checksum is checked on its first read in each file; the file is opened
// anew for every round.
//
//	make wasm && node bench/mmx_node.mjs [ROUNDS]
//
// With $POLYFMT_RATIOS set, readInto ÷ read per codec goes to make bench's
// table, for information (bench/table.py).
import { appendFileSync } from 'node:fs';
import { load } from '../bindings/js/src/index.js';

const rounds = Number(process.argv[2] ?? 5);
if (!Number.isInteger(rounds) || rounds <= 0) {
  console.error('usage: node bench/mmx_node.mjs [ROUNDS]');
  process.exit(2);
}

const pf = await load();
const CHUNK = 1 << 20; // float32 elements: 4 MiB
const CHUNKS = 16;
const data = new Float32Array(CHUNK * CHUNKS);
for (let i = 0; i < data.length; i++) {
  const v = Math.sin(i * 0.001) * (0.6 + 0.4 * Math.sin(i * 0.0000173 + 1));
  data[i] = Math.round(v * 4096) / 4096; // quantized: compressible, as in the Go benchmark
}

function image(compression) {
  const w = pf.MmxFile.create();
  for (let c = 0; c < CHUNKS; c++) {
    w.writeTensor(`t${c}`, data.subarray(c * CHUNK, (c + 1) * CHUNK), [CHUNK], compression ? { compression } : {});
  }
  w.commit();
  const bytes = w.toBytes();
  w.close();
  return bytes;
}

const out = new Float32Array(CHUNK);
let sink = 0;
const ways = {
  read: (f) => { for (let c = 0; c < CHUNKS; c++) sink += f.read(`t${c}`).data[7]; },
  readInto: (f) => { for (let c = 0; c < CHUNKS; c++) sink += f.readInto(`t${c}`, out)[7]; },
};

console.log(`polyfmt ${pf.version()} (wasm), Node ${process.version}; ${CHUNKS} × 4 MiB float32, best of ${rounds} rounds, MB/s`);
console.log(`${'codec'.padEnd(6)} ${'read'.padStart(8)} ${'readInto'.padStart(9)}  readInto ÷ read`);
for (const codec of ['', 'Lz4', 'Zstd', 'Zlib']) {
  const img = image(codec);
  const best = { read: Infinity, readInto: Infinity };
  for (let r = 0; r < rounds; r++) {
    for (const [name, fn] of Object.entries(ways)) {
      const f = pf.MmxFile.fromBytes(img);
      const t0 = process.hrtime.bigint();
      fn(f);
      best[name] = Math.min(best[name], Number(process.hrtime.bigint() - t0));
      f.close();
    }
  }
  const mbs = (ns) => (CHUNK * 4 * CHUNKS) / ns * 1e3;
  const label = codec || 'None';
  console.log(`${label.padEnd(6)} ${mbs(best.read).toFixed(0).padStart(8)} ${mbs(best.readInto).toFixed(0).padStart(9)}  ${(best.read / best.readInto).toFixed(2)}`);
  if (process.env.POLYFMT_RATIOS) {
    const line = {
      measure: `Node: MMX ${label} readInto (one reused Float32Array) vs read (a new array each), 16×4 MiB float32, verify on_read`,
      ours: Math.round(mbs(best.readInto)), peer: Math.round(mbs(best.read)), peer_name: 'MmxFile.read, same run',
      unit: 'MB/s', goal: '', source: 'bench/mmx_node.mjs',
    };
    appendFileSync(process.env.POLYFMT_RATIOS, JSON.stringify(line) + '\n');
  }
}
if (sink === 0.123) console.log('');
