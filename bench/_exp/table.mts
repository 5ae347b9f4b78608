import { readFileSync } from 'node:fs';
import { readTable, tableToMarkdown } from '../../src/image/table.js';
const t = performance.now();
const table = await readTable(readFileSync(process.argv[2]!));
console.log((performance.now() - t).toFixed(0), 'ms', table?.columns, table?.rowEdges);
if (table) console.log(tableToMarkdown(table));
