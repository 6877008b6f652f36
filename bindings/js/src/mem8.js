// MEM8 (.m8) files: the file class of the MEM8 format (HandleFile owns the
// handle and its lifecycle; this adds MEM8's verbs). Every method is one
// library call (or a few); parsing, validation and the format live in the
// library, this file only stages arguments, decodes JSON and copies bytes.

import { toBytes, utf8 } from './abi.js';
import { PF_ECHECKSUM, PF_EFORMAT } from './errors.js';
import { ABI, HandleFile } from './handlefile.js';

/** One block of a MEM8 file, as the library decoded it. */
export class Mem8Block {
  /** @internal */
  constructor(rec, content) {
    /** Position in the file, 0 = oldest. */
    this.index = rec.index;
    /** Microseconds since the Unix epoch. */
    this.timestamp = rec.timestamp;
    /** Importance in [0, 1] (importanceRaw / 65535). */
    this.importance = rec.importance;
    /** Importance as stored, 0…65535. */
    this.importanceRaw = rec.importance_raw;
    /** Token id, 0 for none. */
    this.tokenId = rec.token_id;
    /** Token text, "" for none. */
    this.token = rec.token;
    /** The 16-byte wave signature, hex. */
    this.waveSignature = rec.wave_signature;
    /** SHA-256 of the previous block (zeros without a hash chain), hex. */
    this.prevHash = rec.prev_hash;
    /** The content bytes (a copy). */
    this.content = content;
  }

  /** The content decoded as UTF-8 (invalid sequences become U+FFFD). */
  get text() {
    return utf8(this.content);
  }
}

/** An open MEM8 file, on disk or in memory. Close it (or `using` it) when done. */
export class Mem8File extends HandleFile {
  static format = 'mem8';


  /** Number of blocks. */
  get count() {
    const abi = this[ABI];
    const h = this.handle;
    const out = abi.slot0();
    const rc = abi.e.pf_mem8_count(h, out);
    if (rc !== 0) abi.check(rc, h);
    return Number(abi.u64(out));
  }

  /** Number of blocks (the same as count). */
  get length() {
    return this.count;
  }

  /**
   * Appends a block and returns its index.
   * @param {Uint8Array | string} content at most 4024 bytes (less a new token's definition)
   * @param {{importance?: number, token?: string, timestampUs?: number | bigint}} [opts]
   * @returns {number}
   */
  append(content, opts = {}) {
    const { importance = 0.5, token: tok, timestampUs = 0 } = opts;
    const abi = this[ABI];
    const h = this.handle;
    const [cp, cl] = abi.stage(typeof content === 'string' ? content : toBytes(content));
    try {
      const [tp, tl] = abi.stage(tok ?? '');
      try {
        const out = abi.slot0();
        abi.check(abi.e.pf_mem8_append(h, cp, cl, importance, tp, tl, BigInt(timestampUs), out), h);
        return Number(abi.u64(out));
      } finally {
        abi.release(tp);
      }
    } finally {
      abi.release(cp);
    }
  }

  /**
   * Block i (0 = oldest). PF_ENOTFOUND past the last block.
   * @param {number} i
   * @returns {Mem8Block}
   */
  block(i) {
    const abi = this[ABI];
    const h = this.handle;
    const [jp, jl, cp, cl] = abi.slots(4);
    abi.check(abi.e.pf_mem8_block(h, BigInt(i), jp, jl, cp, cl), h);
    const [json, content] = abi.take([jp, jl], [cp, cl]);
    return new Mem8Block(JSON.parse(utf8(json)), content);
  }

  /** Every block, oldest first. */
  *[Symbol.iterator]() {
    const n = this.count;
    for (let i = 0; i < n; i++) yield this.block(i);
  }

  /** Every block, newest first. */
  *backwards() {
    for (let i = this.count - 1; i >= 0; i--) yield this.block(i);
  }

  /**
   * The seed's read_by_importance: indices of the blocks kept, most
   * important first.
   * @param {{keywords?: string[], fill?: number, max?: number}} [q]
   * @returns {number[]}
   */
  queryIndices(q = {}) {
    const abi = this[ABI];
    const h = this.handle;
    const [qp, ql] = abi.stage(JSON.stringify(q));
    try {
      const [op, ol] = abi.slots(2);
      abi.check(abi.e.pf_mem8_query(h, qp, ql, op, ol), h);
      return abi.takeJSON(op, ol);
    } finally {
      abi.release(qp);
    }
  }

  /**
   * The blocks queryIndices() selects, in its order.
   * @param {{keywords?: string[], fill?: number, max?: number}} [q]
   * @returns {Mem8Block[]}
   */
  query(q = {}) {
    return this.queryIndices(q).map((i) => this.block(i));
  }

  /**
   * Reads the whole file and checks wave signatures, the hash chain and the
   * header CRC. Throws a PolyfmtError whose badBlock is the first bad block
   * (-1: the header).
   */
  verify() {
    const abi = this[ABI];
    const h = this.handle;
    const [out] = abi.slots(1);
    const rc = abi.e.pf_mem8_verify(h, out);
    if (rc === PF_EFORMAT || rc === PF_ECHECKSUM) throw abi.error(rc, h, { badBlock: Number(abi.i64(out)) });
    abi.check(rc, h);
  }

  /**
   * Appends the blocks of a JSON document (the seed's {"contexts": [...]},
   * plain or zlib, or exportJson()'s output) and returns how many. The
   * document is checked whole before anything is appended.
   * @param {Uint8Array | string} data
   * @returns {number}
   */
  importJson(data) {
    const abi = this[ABI];
    const h = this.handle;
    const [dp, dl] = abi.stage(typeof data === 'string' ? data : toBytes(data));
    try {
      const [out] = abi.slots(1);
      const rc = abi.e.pf_mem8_import_json(h, dp, dl, out);
      if (rc !== 0) throw abi.error(rc, h, { imported: Number(abi.u64(out)) });
      return Number(abi.u64(out));
    } finally {
      abi.release(dp);
    }
  }

  /** Every block as a JSON document that importJson() restores exactly. */
  exportJson() {
    const abi = this[ABI];
    const h = this.handle;
    const [op, ol] = abi.slots(2);
    abi.check(abi.e.pf_mem8_export_json(h, op, ol), h);
    return utf8(abi.take([op, ol])[0]);
  }

  /** Flushes to stable storage (for files opened with noSync). */
  sync() {
    const abi = this[ABI];
    abi.check(abi.e.pf_mem8_sync(this.handle), this.handle);
  }
}

