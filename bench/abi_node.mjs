// abi_node measures what one call across the wasm boundary costs in Node:
// the raw exports (pf_close(0) does nothing past the Go export entry,
// pf_version and pf_mem8_count are the trivial calls), the same through the
// JS wrapper, and one block read for scale.
//
//	make wasm && (cd bindings/js && npm run wasm) && node bench/abi_node.mjs [ITERATIONS]
import { appendFileSync } from 'node:fs';
import { load } from '../bindings/js/src/index.js';

const iterations = Number(process.argv[2] ?? 1_000_000);
if (!Number.isInteger(iterations) || iterations <= 0) {
  console.error('usage: node bench/abi_node.mjs [ITERATIONS]');
  process.exit(2);
}

const pf = await load();
const e = pf.exports;

// An in-memory file of 64 blocks of 4000 bytes.
const f = pf.Mem8File.create();
const content = new Uint8Array(4000).fill(0x61);
for (let i = 0; i < 64; i++) f.append(content, { timestampUs: 1757894400000000 + i });
const h = f.handle;

const out = e.pf_alloc(8);
let sink = 0;

const ROUNDS = 5;

/**
 * ns per call of fn: after a warm-up of n/10 calls, ROUNDS rounds of n
 * calls; the best and the median round (the best is the least disturbed by
 * other load on the machine).
 */
function measure(n, fn) {
  for (let i = 0; i < Math.max(1, n / 10); i++) fn(i);
  const rounds = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(i);
    rounds.push(Number(process.hrtime.bigint() - t0) / n);
  }
  rounds.sort((a, b) => a - b);
  return { best: rounds[0], median: rounds[Math.floor(ROUNDS / 2)] };
}

const cases = [
  ['JS loop, no call (baseline)', iterations, (i) => { sink += i & 1; }],
  ['raw pf_close(0) (export entry only)', iterations, () => { sink += e.pf_close(0); }],
  ['raw pf_version(out)', iterations, () => { sink += e.pf_version(out); }],
  ['raw pf_mem8_count(h, out)', iterations, () => { sink += e.pf_mem8_count(h, out); }],
  ['Polyfmt.versionNumber()', iterations, () => { sink += pf.versionNumber(); }],
  ['Mem8File.count', iterations, () => { sink += f.count; }],
  ['Mem8File.block(i), 4000-byte content', Math.max(1, Math.floor(iterations / 50)), (i) => { sink += f.block(i & 63).content.length; }],
];

console.log(`polyfmt ${pf.version()} (wasm, WASI: ${pf.wasi}), Node ${process.version}, ${process.arch}`);
console.log(`${'call'.padEnd(40)} ${'best'.padStart(10)} ${'median'.padStart(10)}   ns/call, ${ROUNDS} rounds`);
const best = {};
for (const [name, n, fn] of cases) {
  const { best: b, median } = measure(n, fn);
  best[name] = b;
  console.log(`${name.padEnd(40)} ${b.toFixed(1).padStart(10)} ${median.toFixed(1).padStart(10)}   (${n} calls a round)`);
}

// With POLYFMT_RATIOS set, the raw exports beside the export entry alone
// (pf_close(0)), for information, as JSON lines for bench/table.py.
if (process.env.POLYFMT_RATIOS) {
  const entry = 'raw pf_close(0) (export entry only)';
  for (const [name, measure] of [['raw pf_version(out)', 'Node: one raw pf_version call vs the export entry alone'],
    ['raw pf_mem8_count(h, out)', 'Node: one raw pf_mem8_count call vs the export entry alone']]) {
    const line = { measure, ours: best[name], peer: best[entry], peer_name: 'pf_close(0): Go export entry and exit',
      unit: 'ns/call', goal: '', source: 'bench/abi_node.mjs' };
    appendFileSync(process.env.POLYFMT_RATIOS, JSON.stringify(line) + '\n');
  }
}

e.pf_free(out);
f.close();
if (sink === -1) console.log(sink);
