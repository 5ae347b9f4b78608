import * as vega from 'vega';
import { compile } from 'vega-lite';
const spec = compile({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: '全球每日新增（7 日平均）',
  width: 640, height: 320,
  data: { values: Array.from({ length: 100 }, (_, i) => ({ date: new Date(Date.UTC(2022, 0, 1 + i)).toISOString().slice(0, 10), value: Math.sin(i / 10) * 1000 + 2000 })) },
  mark: 'line',
  encoding: { x: { field: 'date', type: 'temporal', title: '日期' }, y: { field: 'value', type: 'quantitative', title: '新增' } },
} as any).spec;
const t = performance.now();
const view = new vega.View(vega.parse(spec), { renderer: 'none' });
const svg = await view.toSVG();
console.log('ms', (performance.now() - t).toFixed(0), svg.length, svg.slice(0, 300));
