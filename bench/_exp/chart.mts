import { writeFileSync } from 'node:fs';
import { readCsv } from '../../src/data/read.js';
import { chartsForSheet, renderChart, figureCaption } from '../../src/data/chart.js';
const f = '/work/shared/bench/dr3/008/time_series_covid19_confirmed_global.csv';
const { sheets } = await readCsv(f);
const specs = chartsForSheet(sheets[0]!, 'covid.csv', 1);
let n = 1;
for (const spec of specs) { const t = performance.now(); const r = await renderChart(spec); writeFileSync(`/tmp/exp/chart-${spec.id}.png`, r.png); writeFileSync(`/tmp/exp/chart-${spec.id}.svg`, r.svg); console.log(figureCaption(spec, n++), r.width, r.height, (performance.now() - t).toFixed(0), 'ms'); }
