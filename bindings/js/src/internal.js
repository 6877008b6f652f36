// State shared by the modules of this package and by nothing else.

/** Each Polyfmt's Runtime (abi.js: its live instance, replaced after a trap). */
export const runtimeOf = new WeakMap();

/** The instance the unbound file classes' statics and the top-level open/detect use: the first one loaded. */
export const state = { default: null };
