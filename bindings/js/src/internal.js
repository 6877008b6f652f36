// State shared by the modules of this package and by nothing else.

/** Each Polyfmt's Abi (the mechanics of calling its instance). */
export const abiOf = new WeakMap();

/** The instance the unbound Mem8File statics use: the first one loaded. */
export const state = { default: null };
