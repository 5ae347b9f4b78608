import { readFileSync } from 'node:fs';
import { readCsv, readXlsx } from '../../src/data/read.js';
import { summarizeWorkbook } from '../../src/data/summary.js';
const f = process.argv[2]!;
const t = performance.now();
const wb = f.endsWith('.xlsx') ? await readXlsx(f, new Uint8Array(readFileSync(f))) : await readCsv(f);
const doc = summarizeWorkbook(wb.sheets, { path: f, encoding: wb.encoding });
console.log('ms', (performance.now() - t).toFixed(0), 'rss', (process.memoryUsage().rss / 2 ** 20).toFixed(0));
console.log(doc.body.slice(0, Number(process.argv[3] ?? 4000)));
