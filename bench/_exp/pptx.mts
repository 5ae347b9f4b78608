import { readFileSync } from 'node:fs';
import { parsePptx } from '../../src/collect/parse/pptx.js';
const f = process.argv[2]!;
const r = parsePptx(new Uint8Array(readFileSync(f)), f);
console.log(r.input.title, r.input.frontmatter, r.slides.length);
console.log(r.input.body.slice(0, 2500));
