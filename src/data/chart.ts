/**
 * @module data/chart
 * Charts for reports that ask for them (图表结合 / 可视化): vega-lite specs built from the same series
 * the key figures come from, rendered headless to SVG by vega and to PNG by resvg. A chart is a
 * figure with a caption naming its data, never a citation.
 */
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { type TopLevelSpec, compile } from 'vega-lite';
import { movingAverage, type Series, topN } from './analysis.js';
import { asWideSeries, dailyTotal, seriesOf } from './summary.js';
import type { Sheet } from './table.js';
import { formatDate } from './values.js';

export interface ChartSpec {
  /** Stable file-name part, e.g. `daily-7day` or `top10`. */
  id: string;
  title: string;
  kind: 'line' | 'bar';
  xTitle: string;
  yTitle: string;
  points: { x: string; y: number }[];
  /** Where the numbers come from, for the caption. */
  source: string;
}

export interface RenderedChart {
  spec: ChartSpec;
  svg: string;
  png: Uint8Array;
  width: number;
  height: number;
}

/** CJK first, so Chinese titles and labels render in SVG viewers and in the PNG. */
const FONT = 'Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif';

/**
 * The default charts of a sheet: for a wide time series the daily trend and the ten largest entities,
 * else a numeric column over time (the first matching `prefer`, else the first).
 */
export function chartsForSheet(sheet: Sheet, file: string, sheetNumber: number, options: { prefer?: RegExp } = {}): ChartSpec[] {
  const source = `${file}，工作表 ${sheetNumber}（${sheet.name}）`;
  const wide = asWideSeries(sheet);
  if (wide) {
    const { daily: perDay, cumulative } = dailyTotal(wide);
    const daily = movingAverage(perDay, 7);
    const latest = (series: Series) => series.values[series.values.length - 1] ?? 0;
    const ranking = topN([...wide.entities.entries()], 10, ([, series]) => latest(series));
    const last = formatDate(wide.dates[wide.dates.length - 1]!);
    return [
      {
        id: 'daily-7day',
        title: `${sheet.name}：全部合计${cumulative ? '每日新增' : '每日数值'}（7 日移动平均）`,
        kind: 'line',
        xTitle: '日期',
        yTitle: cumulative ? '每日新增（7 日平均）' : '数值（7 日平均）',
        points: daily.dates.map((date, i) => ({ x: formatDate(date), y: Math.round(daily.values[i]! * 100) / 100 })),
        source,
      },
      {
        id: 'top10',
        title: `${sheet.name}：截至 ${last} 数值最高的 10 个 ${wide.entityColumn.name}`,
        kind: 'bar',
        xTitle: wide.entityColumn.name,
        yTitle: `截至 ${last}`,
        points: ranking.map(([name, series]) => ({ x: name, y: latest(series) })),
        source,
      },
    ];
  }
  const dateColumn = sheet.columns.find((column) => column.type() === 'date');
  const numeric = sheet.columns.filter((column) => column.type() === 'number');
  const valueColumn = (options.prefer && numeric.find((column) => options.prefer!.test(column.name))) || numeric[0];
  if (!dateColumn || !valueColumn) return [];
  const series = seriesOf(sheet, dateColumn, valueColumn);
  return [
    {
      id: 'trend',
      title: `${sheet.name}：${valueColumn.name} 随 ${dateColumn.name} 的变化`,
      kind: 'line',
      xTitle: dateColumn.name,
      yTitle: valueColumn.name,
      points: series.dates.map((date, i) => ({ x: formatDate(date), y: series.values[i]! })),
      source,
    },
  ];
}

export function toVegaLite(spec: ChartSpec): TopLevelSpec {
  const line = spec.kind === 'line';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: spec.title,
    width: 720,
    height: 360,
    config: { font: FONT, axis: { labelFont: FONT, titleFont: FONT }, title: { font: FONT, fontSize: 16 } },
    data: { values: spec.points },
    mark: line ? { type: 'line', strokeWidth: 1.5 } : { type: 'bar' },
    encoding: {
      x: line
        ? { field: 'x', type: 'temporal', title: spec.xTitle, axis: { format: '%Y-%m' } }
        : { field: 'x', type: 'nominal', title: spec.xTitle, sort: '-y', axis: { labelAngle: -30 } },
      y: { field: 'y', type: 'quantitative', title: spec.yTitle, axis: { format: '~s' } },
    },
  } as TopLevelSpec;
}

/** SVG (vector, for the web and markdown) and PNG at twice the size (for documents). */
export async function renderChart(spec: ChartSpec): Promise<RenderedChart> {
  const view = new vega.View(vega.parse(compile(toVegaLite(spec)).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const image = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: 2 },
      font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' },
    }).render();
    return { spec, svg, png: new Uint8Array(image.asPng()), width: image.width, height: image.height };
  } finally {
    view.finalize();
  }
}

/** The caption a report prints under the figure. */
export function figureCaption(spec: ChartSpec, number: number): string {
  return `图 ${number}：${spec.title}（数据：${spec.source}）`;
}
