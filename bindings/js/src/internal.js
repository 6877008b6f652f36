// State shared by the modules of this package and by nothing else.

/** Each Polyfmt's Runtime (abi.js: its live instance, replaced after a trap). */
export const runtimeOf = new WeakMap();

/** The instance the unbound Mem8File statics use: the first one loaded. */
export const state = { default: null };
