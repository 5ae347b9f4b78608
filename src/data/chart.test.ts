import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchDir, tempDir } from '../../test/helpers.js';
import { chartsForSheet, figureCaption, renderChart } from './chart.js';
import { readCsv } from './read.js';
import { addSeries, differences, movingAverage } from './analysis.js';
import { asWideSeries } from './summary.js';
import { formatDate } from './values.js';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Uint8Array): [number, number] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return [view.getUint32(16), view.getUint32(20)];
}

describe('charts', () => {
  it('charts the COVID file: the 7-day average of daily new cases and the ten largest countries, as SVG and PNG', async () => {
    const path = join(benchDir(), 'dr3', '008', 'time_series_covid19_confirmed_global.csv');
    const sheet = (await readCsv(path)).sheets[0]!;
    const [trend, top] = chartsForSheet(sheet, 'covid.csv', 1);
    const wide = asWideSeries(sheet)!;
    const expected = movingAverage(differences(addSeries([...wide.entities.values()])), 7);
    expect(trend!.points).toHaveLength(expected.dates.length);
    expect(trend!.points.at(-1)).toEqual({ x: formatDate(expected.dates.at(-1)!), y: Math.round(expected.values.at(-1)! * 100) / 100 });
    expect(top!.points.map((p) => p.x).slice(0, 3)).toEqual(['US', 'India', 'France']);
    expect(figureCaption(top!, 2)).toMatch(/^图 2：.*数值最高的 10 个 Country\/Region（数据：covid\.csv，工作表 1/);

    const chart = await renderChart(top!);
    expect(chart.svg).toMatch(/^<svg /);
    expect(chart.svg).toContain('数值最高的 10 个');
    expect(chart.svg).toContain('Noto Sans CJK SC');
    const svgWidth = Number(/width="(\d+)"/.exec(chart.svg)![1]);
    const [width, height] = pngSize(chart.png);
    expect(width).toBe(svgWidth * 2);
    expect([chart.width, chart.height]).toEqual([width, height]);
  });

  it('charts an ordinary table by its first numeric column over its date column, in date order', async () => {
    const path = join(tempDir(), 'prices.csv');
    writeFileSync(path, 'Date,Close,Volume\nApr 28, 2023,34098.16,354310000\nApr 26, 2023,33301.87,321170000\nApr 27, 2023,33826.16,343240000\n'.replace(/(Apr \d+, 2023)/g, '"$1"'));
    const specs = chartsForSheet((await readCsv(path)).sheets[0]!, 'prices.csv', 1);
    expect(specs.map((c) => [c.id, c.kind, c.yTitle])).toEqual([['trend', 'line', 'Close']]);
    expect(specs[0]!.points).toEqual([
      { x: '2023-04-26', y: 33301.87 },
      { x: '2023-04-27', y: 33826.16 },
      { x: '2023-04-28', y: 34098.16 },
    ]);
  });
});
