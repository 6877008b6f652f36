// Copies the module built by `make wasm` (build/polyfmt.wasm at the
// repository root) next to package.json, where the package loads it from.
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../../../build/polyfmt.wasm', import.meta.url));
const to = fileURLToPath(new URL('../polyfmt.wasm', import.meta.url));
if (!existsSync(from)) {
  console.error(`copy-wasm: ${from} is missing; run \`make wasm\` at the repository root first`);
  process.exit(1);
}
copyFileSync(from, to);
