// One hostile-corpus case in its own process, for hostile.test.js: runs it
// (hostile_case.js) and prints, as one JSON line, what each call threw and
// this process's peak RSS (process.resourceUsage().maxRSS, KiB). Not a test
// file itself.
import { readFileSync } from 'node:fs';

import { load, PolyfmtError } from '../src/index.js';
import { runCase } from './hostile_case.js';

const [caseJSON, path] = process.argv.slice(2);
const c = JSON.parse(caseJSON);
const out = runCase(await load(), PolyfmtError, c, readFileSync(path));
out.maxRSS = process.resourceUsage().maxRSS;
process.stdout.write(JSON.stringify(out) + '\n');
