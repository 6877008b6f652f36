// Must NOT compile: block indices are numbers, append takes bytes or text.
import { Mem8File } from 'polyfmt';
const f = Mem8File.create();
const i: string = f.append(42 as unknown as Uint8Array);
f.append({ not: 'content' });
export { i };
