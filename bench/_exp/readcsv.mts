import { readCsv } from '../../src/data/read.js';
import { summarizeWorkbook } from '../../src/data/summary.js';
const path = process.argv[2]!;
const base = process.memoryUsage().rss / 2 ** 20;
const t = performance.now();
const wb = await readCsv(path);
summarizeWorkbook(wb.sheets, { path });
console.log({ path, rows: wb.sheets[0]!.rows, seconds: ((performance.now() - t) / 1000).toFixed(1), rssAtStartMb: base.toFixed(0), peakRssMb: (process.resourceUsage().maxRSS / 1024).toFixed(0) });
