import { readFileSync } from 'node:fs';
import { getDocumentProxy, extractText } from 'unpdf';
const f = process.argv[2]!;
const pdf = await getDocumentProxy(new Uint8Array(readFileSync(f)));
console.log('pages', pdf.numPages);
const page = await pdf.getPage(Number(process.argv[3] ?? 1));
const tc = await page.getTextContent();
for (const it of tc.items.slice(0, 40) as any[]) console.log(JSON.stringify({ s: it.str, x: Math.round(it.transform[4]), y: Math.round(it.transform[5]), h: Math.round(it.height), w: Math.round(it.width), eol: it.hasEOL }));
