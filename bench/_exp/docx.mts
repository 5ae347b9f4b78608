import { readFileSync } from 'node:fs';
import { parseDocx } from '../../src/collect/parse/docx.js';
const f = process.argv[2]!;
const r = await parseDocx(new Uint8Array(readFileSync(f)), f);
console.log(r.title); console.log(r.body.slice(0, 2500));
