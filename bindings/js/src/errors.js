// The status codes of polyfmt.h and the one error class every failed call
// throws. The numbers are part of the ABI: pinned forever, new ones go into
// the gaps.

import { CODES } from './exports.gen.js';

// The PF_* constants, generated from the library's one table of codes
// (core/errcode) with their documentation.
export * from './codes.gen.js';

/** Every status code by name, as polyfmt.h spells it. */
export const codes = CODES;

const names = new Map(Object.entries(codes).map(([name, code]) => [code, name]));

/**
 * The name of a status code ("PF_EFORMAT"), or "PF_E<n>" for a code this
 * package does not know (a newer library).
 * @param {number} code
 * @returns {string}
 */
export function codeName(code) {
  return names.get(code) ?? `PF_E${code}`;
}

/** A polyfmt call failed: `code` is its status, `message` the library's reason. */
export class PolyfmtError extends Error {
  /**
   * @param {number} code status code returned by the library
   * @param {string} message the library's message (pf_errmsg)
   * @param {{badBlock?: number, imported?: number, cause?: unknown}} [extra]
   */
  constructor(code, message, extra = {}) {
    super(message || codeName(code), 'cause' in extra ? { cause: extra.cause } : undefined);
    this.name = 'PolyfmtError';
    /** @type {number} */
    this.code = code;
    /** @type {string} */
    this.codeName = codeName(code);
    if (extra.badBlock !== undefined) this.badBlock = extra.badBlock;
    if (extra.imported !== undefined) this.imported = extra.imported;
  }
}
