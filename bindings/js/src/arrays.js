// TypedArrays and the bytes of the library's tensors, which cross the ABI
// little-endian: a TypedArray's own bytes on a little-endian host, swapped
// on a (rare) big-endian one. Shared by the formats with tensors (mmx.js,
// vsf.js); each names its own dtypes: no format logic lives here.

import { toBytes } from './abi.js';
import { PF_EBADARG, PolyfmtError } from './errors.js';

/** True on the (rare) big-endian host: TypedArrays then need byte swapping. */
export const bigEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

/** The TypedArray's kind ("Float32Array"), or undefined for anything else. */
export function typedKind(v) {
  return ArrayBuffer.isView(v) && !(v instanceof DataView) ? v[Symbol.toStringTag] : undefined;
}

/** Reverses the bytes of every width-byte element of b, in place. */
export function swapBytes(b, width) {
  for (let i = 0; i + width <= b.length; i += width) {
    for (let j = 0, k = width - 1; j < k; j++, k--) {
      const t = b[i + j];
      b[i + j] = b[i + k];
      b[i + k] = t;
    }
  }
  return b;
}

/**
 * The little-endian bytes of a TypedArray (a view of it where the host is
 * little-endian); an ArrayBuffer or DataView as it is.
 */
export function leBytes(v) {
  const b = toBytes(v);
  const width = v.BYTES_PER_ELEMENT ?? 1;
  return bigEndian && width > 1 ? swapBytes(b.slice(), width) : b;
}

/**
 * A Kind (a TypedArray class of width-byte elements) over little-endian
 * bytes that the caller owns (a fresh copy, swapped in place on a
 * big-endian host); a Uint8Array is the bytes themselves.
 */
export function typedOf(Kind, width, bytes) {
  if (bigEndian && width > 1) swapBytes(bytes, width);
  if (Kind === Uint8Array) return bytes;
  return new Kind(bytes.buffer, bytes.byteOffset, bytes.byteLength / width);
}

/** A shape or strides (what) as the description's array of non-negative integers. */
export function dimsJSON(dims, what) {
  if (!Array.isArray(dims) && !ArrayBuffer.isView(dims)) throw new TypeError(`polyfmt: ${what} must be an array of integers`);
  return Array.from(dims, (s) => {
    const n = typeof s === 'bigint' ? Number(s) : s;
    if (!Number.isSafeInteger(n) || n < 0) throw new PolyfmtError(PF_EBADARG, `polyfmt: ${what} ${String(dims)}: entries are non-negative integers`);
    return n;
  });
}
