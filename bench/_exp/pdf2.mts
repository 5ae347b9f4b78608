import { readFileSync } from 'node:fs';
import { parsePdf } from '../../src/collect/parse/pdf.js';
const f = process.argv[2]!;
const r = await parsePdf(new Uint8Array(readFileSync(f)), f);
console.log(r.input.title, r.input.frontmatter, r.input.pageStarts);
for (const p of r.pages) console.log(`--- page ${p.number}\n${p.text.slice(0, Number(process.argv[3] ?? 600))}`);
