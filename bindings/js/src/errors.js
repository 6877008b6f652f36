// The status codes of polyfmt.h and the one error class every failed call
// throws. The numbers are part of the ABI: pinned forever, new ones go into
// the gaps.

/** success */
export const PF_OK = 0;
/** input is malformed */
export const PF_EFORMAT = 10;
/** a checksum or hash does not match */
export const PF_ECHECKSUM = 11;
/** well-formed, but uses what this build does not support */
export const PF_EUNSUPPORTED = 12;
/** a configured limit was exceeded */
export const PF_ELIMIT = 13;
/** no such file, block or item */
export const PF_ENOTFOUND = 20;
/** an argument is invalid */
export const PF_EBADARG = 21;
/** the handle is unknown or already closed */
export const PF_EBADHANDLE = 22;
/** another writer holds the file */
export const PF_ELOCKED = 23;
/** the operating system reported an I/O error */
export const PF_EIO = 30;
/** an allocation failed */
export const PF_ENOMEM = 31;
/** a bug in polyfmt (a recovered panic) */
export const PF_EINTERNAL = 99;

/** Every status code by name, as polyfmt.h spells it. */
export const codes = Object.freeze({
  PF_OK, PF_EFORMAT, PF_ECHECKSUM, PF_EUNSUPPORTED, PF_ELIMIT, PF_ENOTFOUND,
  PF_EBADARG, PF_EBADHANDLE, PF_ELOCKED, PF_EIO, PF_ENOMEM, PF_EINTERNAL,
});

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
