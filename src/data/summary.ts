/**
 * @module data/summary
 * A workbook as a library document: per sheet a profile (rows, columns, types, ranges, totals, top
 * values, date coverage), computed key figures written as sentences a report can cite, and a preview.
 * Wide time-series sheets (dates as columns) are read as long form first: entity × date × value.
 */
import { basename } from 'node:path';
import type { DocumentInput } from '../library/prepare.js';
import { aggregateByPeriod, addSeries, differences, growthRates, isCumulative, movingAverage, peaks, type Series, sum, topN } from './analysis.js';
import type { Column, Sheet } from './table.js';
import { formatDate, formatNumber, parseDate } from './values.js';

export interface WideSeries {
  /** The id columns (everything that is not a date column). */
  idColumns: Column[];
  /** The column that names the entity (Country/Region); rows of one entity are summed. */
  entityColumn: Column;
  dates: number[];
  /** Per entity, its values over `dates` (rows of one entity summed). */
  entities: Map<string, Series>;
  /** Cells of the long form (rows × date columns). */
  longRows: number;
}

/**
 * The all-entities total of a wide series and its daily values: day-to-day changes when the total is
 * a running count (cumulative cases), else the total itself.
 */
export function dailyTotal(wide: WideSeries): { total: Series; daily: Series; cumulative: boolean } {
  const total = addSeries([...wide.entities.values()]);
  const cumulative = isCumulative(total);
  return { total, daily: cumulative ? differences(total) : total, cumulative };
}

/** Reads a sheet whose header is mostly dates as long form; null when it is not one. */
export function asWideSeries(sheet: Sheet): WideSeries | null {
  const dateColumns = sheet.columns.filter((column) => parseDate(column.name) !== null);
  if (dateColumns.length < 6 || dateColumns.length < sheet.columns.length * 0.5) return null;
  const idColumns = sheet.columns.filter((column) => parseDate(column.name) === null);
  const textIds = idColumns.filter((column) => column.type() === 'text');
  if (!textIds.length) return null;
  // The entity is the text id column with the fewest empty cells (Country/Region, not Province/State).
  const entityColumn = [...textIds].sort((a, b) => a.counts().empty - b.counts().empty)[0]!;
  const order = dateColumns.map((column) => ({ column, date: parseDate(column.name)! })).sort((a, b) => a.date - b.date);
  const dates = order.map((o) => o.date);
  const entities = new Map<string, Series>();
  for (let row = 0; row < sheet.rows; row++) {
    const name = entityColumn.text(row) ?? '(空)';
    let series = entities.get(name);
    if (!series) {
      series = { dates, values: new Array<number>(dates.length).fill(0) };
      entities.set(name, series);
    }
    order.forEach(({ column }, i) => {
      series!.values[i] = series!.values[i]! + (column.number(row) ?? 0);
    });
  }
  return { idColumns, entityColumn, dates, entities, longRows: sheet.rows * dates.length };
}

export interface WorkbookSummaryOptions {
  path: string;
  encoding?: string | null;
  previewRows?: number;
}

/** The library document for a workbook: one page per sheet. */
export function summarizeWorkbook(sheets: Sheet[], options: WorkbookSummaryOptions): DocumentInput {
  const file = basename(options.path);
  let body = '';
  const pageStarts: number[] = [];
  sheets.forEach((sheet, index) => {
    pageStarts.push(body.length);
    body += `${summarizeSheet(sheet, file, index + 1, options.previewRows ?? 10).trimEnd()}\n\n`;
  });
  return {
    title: `${file} 数据概况`,
    body,
    origin: options.path,
    pageStarts,
    frontmatter: {
      format: 'data',
      sheets: sheets.map((sheet) => ({ name: sheet.name, rows: sheet.rows, columns: sheet.columns.length })),
      ...(options.encoding ? { encoding: options.encoding } : {}),
    },
  };
}

export function summarizeSheet(sheet: Sheet, file: string, number: number, previewRows: number): string {
  const lines: string[] = [`## 工作表 ${number}：${sheet.name}`, ''];
  const wide = asWideSeries(sheet);
  if (wide) lines.push(...wideLines(sheet, wide, file));
  else lines.push(...tableLines(sheet, file));
  lines.push('', `### 预览（前 ${Math.min(previewRows, sheet.rows)} 行${sheet.columns.length > 8 ? '，前 8 列' : ''}）`, '', ...preview(sheet, previewRows));
  return lines.join('\n');
}

// ---------------------------------------------------------------------------

function wideLines(sheet: Sheet, wide: WideSeries, file: string): string[] {
  const first = formatDate(wide.dates[0]!);
  const last = formatDate(wide.dates[wide.dates.length - 1]!);
  const entity = wide.entityColumn.name;
  const { total, daily, cumulative } = dailyTotal(wide);
  const lines = [
    `${file} 的工作表「${sheet.name}」是宽表：${wide.idColumns.length} 个标识列（${wide.idColumns.map((c) => c.name).join('、')}），${wide.dates.length} 个日期列（${first} 至 ${last}），按长表（${entity} × 日期 × 数值，共 ${wide.longRows.toLocaleString('en-US')} 个数据点）计算。`,
    `共 ${sheet.rows} 行，${wide.entities.size} 个不同的 ${entity}。数值${cumulative ? '为逐日累计值（总体逐日不减）' : '为逐日数值'}。`,
    '',
    '### 关键数字',
    '',
  ];
  const latest = (series: Series) => series.values[series.values.length - 1]!;
  lines.push(`- 截至 ${last}，全部 ${sheet.rows} 行合计 ${formatNumber(latest(total))}。`);
  const ranking = topN([...wide.entities.entries()], 10, ([, series]) => latest(series));
  lines.push(`- 截至 ${last}，数值最高的 10 个 ${entity}：${ranking.map(([name, series]) => `${name} ${formatNumber(latest(series))}`).join('；')}。`);
  const label = cumulative ? '单日新增' : '单日数值';
  const [peak] = peaks(daily, 1);
  if (peak) lines.push(`- 全部合计的${label}峰值出现在 ${formatDate(peak.date)}，为 ${formatNumber(peak.value)}。`);
  const average = movingAverage(daily, 7);
  const [averagePeak] = peaks(average, 1);
  if (averagePeak) lines.push(`- ${label}的 7 日移动平均峰值出现在 ${formatDate(averagePeak.date)}（截至该日的 7 天），为 ${formatNumber(averagePeak.value)}。`);
  const yearly = aggregateByPeriod(daily, 'year', 'sum');
  lines.push(`- 按年合计${label}：${yearly.dates.map((date, i) => `${new Date(date).getUTCFullYear()} 年 ${formatNumber(yearly.values[i]!)}`).join('；')}（${last} 为数据最后一天）。`);
  const monthly = aggregateByPeriod(daily, 'month', 'sum');
  const topMonths = topN(monthly.dates.map((date, i) => ({ date, value: monthly.values[i]! })), 5, (m) => m.value);
  lines.push(`- ${label}合计最多的 5 个月：${topMonths.map((m) => `${formatDate(m.date).slice(0, 7)} ${formatNumber(m.value)}`).join('；')}。`);
  const growth = growthRates(aggregateByPeriod(daily, 'year', 'sum'));
  const growthText = growth.dates.map((date, i) => `${new Date(date).getUTCFullYear()} 年 ${growth.rates[i] === null ? '—' : `${formatNumber(growth.rates[i]! * 100, 1)}%`}`);
  if (growthText.length) lines.push(`- ${label}年合计的同比变化：${growthText.join('；')}。`);
  lines.push('', `### 各 ${entity} 截至 ${last} 的数值与${label}峰值`, '', `| ${entity} | 截至 ${last} | ${label}峰值 | 峰值日期 |`, '| --- | ---: | ---: | --- |');
  const byLatest = topN([...wide.entities.entries()], wide.entities.size, ([, series]) => latest(series));
  for (const [name, series] of byLatest) {
    const [top] = peaks(cumulative ? differences(series) : series, 1);
    lines.push(`| ${name} | ${formatNumber(latest(series))} | ${top ? formatNumber(top.value) : '—'} | ${top ? formatDate(top.date) : '—'} |`);
  }
  return lines;
}

function tableLines(sheet: Sheet, file: string): string[] {
  const lines = [`${file} 的工作表「${sheet.name}」共 ${sheet.rows.toLocaleString('en-US')} 行，${sheet.columns.length} 列。`, '', '### 列', ''];
  lines.push('| 列 | 类型 | 非空 | 范围 | 合计 | 均值 | 常见值 |', '| --- | --- | ---: | --- | ---: | ---: | --- |');
  for (const column of sheet.columns) lines.push(columnProfile(column, sheet.rows));
  const dateColumn = sheet.columns.find((column) => column.type() === 'date');
  const numeric = sheet.columns.filter((column) => column.type() === 'number').slice(0, 8);
  if (dateColumn && numeric.length) {
    lines.push('', '### 关键数字', '');
    for (const column of numeric) lines.push(...seriesFacts(seriesOf(sheet, dateColumn, column), column.name));
  }
  return lines;
}

function columnProfile(column: Column, rows: number): string {
  const type = column.type();
  const counts = column.counts();
  const filled = rows - counts.empty;
  const typeLabel = { number: '数值', date: '日期', text: '文本', empty: '空' }[type];
  let range = '—';
  let total = '—';
  let mean = '—';
  let common = '—';
  if (type === 'number' || type === 'date') {
    const values: number[] = [];
    for (let row = 0; row < rows; row++) {
      const value = column.kindAt(row) === type ? column.number(row) : null;
      if (value !== null) values.push(value);
    }
    if (values.length) {
      const low = values.reduce((a, b) => Math.min(a, b));
      const high = values.reduce((a, b) => Math.max(a, b));
      range = type === 'date' ? `${formatDate(low)} 至 ${formatDate(high)}` : `${formatNumber(low)} 至 ${formatNumber(high)}`;
      if (type === 'number') {
        total = formatNumber(sum(values));
        mean = formatNumber(sum(values) / values.length);
      }
    }
  } else if (type === 'text') {
    const counts = new Map<string, number>();
    for (let row = 0; row < rows; row++) {
      const text = column.text(row);
      if (text !== null) counts.set(text, (counts.get(text) ?? 0) + 1);
    }
    common = `${counts.size} 个不同值；${topN([...counts.entries()], 3, ([, n]) => n)
      .map(([value, n]) => `${value.slice(0, 20)}（${n}）`)
      .join('、')}`;
  }
  return `| ${column.name} | ${typeLabel} | ${filled.toLocaleString('en-US')} | ${range} | ${total} | ${mean} | ${common} |`;
}

/** A numeric column over the date column, in date order (rows without both are skipped). */
export function seriesOf(sheet: Sheet, dateColumn: Column, valueColumn: Column): Series {
  const points: [number, number][] = [];
  for (let row = 0; row < sheet.rows; row++) {
    const date = dateColumn.kindAt(row) === 'date' ? dateColumn.number(row) : null;
    const value = valueColumn.kindAt(row) === 'number' ? valueColumn.number(row) : null;
    if (date !== null && value !== null) points.push([date, value]);
  }
  points.sort((a, b) => a[0] - b[0]);
  return { dates: points.map((p) => p[0]), values: points.map((p) => p[1]) };
}

function seriesFacts(series: Series, name: string): string[] {
  if (!series.dates.length) return [];
  const lines: string[] = [];
  const [high] = peaks(series, 1);
  const [low] = peaks({ dates: series.dates, values: series.values.map((v) => -v) }, 1);
  const first = series.values[0]!;
  const last = series.values[series.values.length - 1]!;
  const change = first === 0 ? '' : `，变化 ${formatNumber(((last - first) / first) * 100, 1)}%`;
  lines.push(
    `- ${name}：最高 ${formatNumber(high!.value)}（${formatDate(high!.date)}），最低 ${formatNumber(-low!.value)}（${formatDate(low!.date)}）；首日 ${formatNumber(first)}（${formatDate(series.dates[0]!)}），末日 ${formatNumber(last)}（${formatDate(series.dates[series.dates.length - 1]!)}）${change}。`,
  );
  const yearly = aggregateByPeriod(series, 'year', 'mean');
  lines.push(`- ${name} 年均值：${yearly.dates.map((date, i) => `${new Date(date).getUTCFullYear()} 年 ${formatNumber(yearly.values[i]!)}`).join('；')}。`);
  const growth = growthRates(yearly);
  if (growth.dates.length) {
    lines.push(
      `- ${name} 年均值的同比变化：${growth.dates.map((date, i) => `${new Date(date).getUTCFullYear()} 年 ${growth.rates[i] === null ? '—' : `${formatNumber(growth.rates[i]! * 100, 1)}%`}`).join('；')}。`,
    );
  }
  return lines;
}

function preview(sheet: Sheet, rows: number): string[] {
  const columns = sheet.columns.slice(0, 8);
  if (!columns.length) return ['（空表）'];
  const escape = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
  const out = [`| ${columns.map((c) => escape(c.name)).join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`];
  for (let row = 0; row < Math.min(rows, sheet.rows); row++) {
    out.push(
      `| ${columns
        .map((column) => {
          const kind = column.kindAt(row);
          if (kind === 'number') return formatNumber(column.number(row)!, 6);
          if (kind === 'date') return formatDate(column.number(row)!);
          return escape(column.text(row) ?? '');
        })
        .join(' | ')} |`,
    );
  }
  return out;
}
