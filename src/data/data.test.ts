import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { benchDir, tempDir } from '../../test/helpers.js';
import { isZhikuError } from '../errors.js';
import { aggregateByPeriod, differences, growthRates, isCumulative, movingAverage, peaks, sum, topN } from './analysis.js';
import { readCsv, readXlsx } from './read.js';
import { asWideSeries, summarizeWorkbook } from './summary.js';
import { formatNumber, parseDate, readCell, utcDay } from './values.js';

const dr3 = (...parts: string[]) => join(benchDir(), 'dr3', ...parts);
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

describe('cell values', () => {
  it('reads numbers, percentages and the date forms of exports', () => {
    expect(readCell('1,234.5')).toEqual({ kind: 'number', value: 1234.5 });
    expect(readCell('12.5%')).toEqual({ kind: 'number', value: 0.125 });
    expect(readCell('¥2')).toEqual({ kind: 'number', value: 2 });
    for (const text of ['2023-04-28', '4/28/23', 'Apr 28, 2023', '2023年4月28日', '2023/4/28']) expect(parseDate(text), text).toBe(day('2023-04-28'));
    expect(parseDate('2/30/21')).toBeNull();
    expect(readCell('Korea, South')).toEqual({ kind: 'text', value: 'Korea, South' });
  });

  it('prints numbers without binary float artefacts', () => {
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(33797.43 * 3)).toBe('101,392.29');
    expect(formatNumber(1234567.891, 2)).toBe('1,234,567.89');
  });
});

describe('computations', () => {
  const series = { dates: ['2024-01-30', '2024-01-31', '2024-02-01', '2024-02-02', '2025-01-01'].map(day), values: [1, 2, 3, 4, 10] };

  it('aggregates by month and year with each aggregate', () => {
    expect(aggregateByPeriod(series, 'month', 'sum')).toEqual({ dates: [day('2024-01-01'), day('2024-02-01'), day('2025-01-01')], values: [3, 7, 10] });
    expect(aggregateByPeriod(series, 'year', 'mean').values).toEqual([2.5, 10]);
    expect(aggregateByPeriod(series, 'year', 'last').values).toEqual([4, 10]);
    expect(aggregateByPeriod(series, 'month', 'max').values).toEqual([2, 4, 10]);
    expect(aggregateByPeriod({ dates: [day('2024-01-03'), day('2024-01-07'), day('2024-01-08')], values: [1, 1, 1] }, 'week', 'sum').values).toEqual([2, 1]);
  });

  it('computes growth rates, peaks, top-N and daily changes', () => {
    expect(growthRates({ dates: [1, 2, 3], values: [0, 10, 15] }).rates).toEqual([null, 0.5]);
    expect(peaks(series, 2)).toEqual([
      { date: day('2025-01-01'), value: 10 },
      { date: day('2024-02-02'), value: 4 },
    ]);
    expect(topN(['a', 'bbb', 'cc'], 2, (s) => s.length)).toEqual(['bbb', 'cc']);
    expect(differences({ dates: [1, 2, 3], values: [5, 7, 12] }).values).toEqual([5, 2, 5]);
    expect(isCumulative({ dates: [1, 2, 3, 4], values: [1, 1, 3, 8] })).toBe(true);
    expect(isCumulative({ dates: [1, 2, 3, 4], values: [5, 1, 3, 1] })).toBe(false);
    expect(sum([0.1, 0.2, 0.3])).toBeCloseTo(0.6, 15);
  });

  it('moving averages equal the plain mean of each trailing window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 10 }), (values, window) => {
        const dates = values.map((_, i) => i);
        const averaged = movingAverage({ dates, values }, window);
        expect(averaged.values.length).toBe(Math.max(0, values.length - window + 1));
        averaged.values.forEach((value, i) => {
          const slice = values.slice(i, i + window);
          expect(value).toBeCloseTo(slice.reduce((a, b) => a + b, 0) / window, 9);
        });
      }),
    );
  });
});

/** The US rows of a COVID file read without the library: plain line splitting (US rows have no quotes). */
async function usByDate(path: string): Promise<Map<string, number>> {
  const lines = createInterface({ input: createReadStream(path) });
  let header: string[] = [];
  const totals = new Map<string, number>();
  for await (const line of lines) {
    const cells = line.split(',');
    if (!header.length) {
      header = cells;
      continue;
    }
    if (cells[1] !== 'US') continue;
    header.forEach((name, i) => {
      if (i >= 4) totals.set(name, (totals.get(name) ?? 0) + Number(cells[i]));
    });
  }
  return totals;
}

describe('the 008 COVID files (wide time series)', () => {
  for (const name of ['time_series_covid19_confirmed_global.csv', 'time_series_covid19_deaths_global.csv']) {
    it(`reads ${name}: 289 rows, 2020-01-22 to 2023-03-09 after reshaping, US figures as computed independently`, async () => {
      const path = dr3('008', name);
      const { sheets, encoding } = await readCsv(path);
      expect(encoding).toBe('UTF-8');
      const sheet = sheets[0]!;
      expect(sheet.rows).toBe(289);
      const wide = asWideSeries(sheet)!;
      expect(wide.entityColumn.name).toBe('Country/Region');
      expect(wide.dates[0]).toBe(day('2020-01-22'));
      expect(wide.dates.at(-1)).toBe(day('2023-03-09'));
      expect(wide.longRows).toBe(289 * wide.dates.length);
      const us = await usByDate(path);
      const series = wide.entities.get('US')!;
      expect(series.values[wide.dates.indexOf(day('2021-01-01'))]).toBe(us.get('1/1/21'));
      const latest = us.get('3/9/23')!;
      const body = summarizeWorkbook(sheets, { path }).body;
      expect(body).toContain(`| US | ${latest.toLocaleString('en-US')} |`);
    });
  }
});

describe('the 010 XLSX', () => {
  it('has 1,258 rows × 7 columns with dates as dates and exact numbers', async () => {
    const path = dr3('010', 'yahoo_data.xlsx');
    const { sheets } = await readXlsx(path, new Uint8Array(readFileSync(path)));
    expect(sheets).toHaveLength(1);
    const sheet = sheets[0]!;
    expect([sheet.rows, sheet.columns.length]).toEqual([1258, 7]);
    expect(sheet.columns.map((c) => c.name)).toEqual(['Date', 'Open', 'High', 'Low', 'Close*', 'Adj Close**', 'Volume']);
    expect(sheet.columns.map((c) => c.type())).toEqual(['date', 'number', 'number', 'number', 'number', 'number', 'number']);
    expect(sheet.columns[0]!.number(0)).toBe(utcDay(2023, 4, 28));
    expect(sheet.columns[1]!.number(0)).toBe(33797.43);
    expect(sheet.columns[6]!.number(0)).toBe(354310000);
    const body = summarizeWorkbook(sheets, { path }).body;
    expect(body).toContain('| 2023-04-28 | 33,797.43 | 34,104.56 | 33,728.4 | 34,098.16 | 34,098.16 | 354,310,000 |');
    expect(body).toContain('Close*：最高 36,799.65（2022-01-04）');
    expect(body).not.toMatch(/\d\.\d*0000000\d/);
  });
});

describe('CSV input', () => {
  it('round-trips a GBK file with Chinese headers', async () => {
    const path = join(tempDir(), 'gbk.csv');
    writeFileSync(path, iconv.encode('日期,地区,新增病例\n2024-01-01,北京,12\n2024-01-02,北京,15\n2024-01-02,上海,7\n', 'gbk'));
    const { sheets, encoding } = await readCsv(path);
    expect(encoding).toBe('GB18030');
    expect(sheets[0]!.columns.map((c) => c.name)).toEqual(['日期', '地区', '新增病例']);
    expect(sheets[0]!.columns[1]!.text(2)).toBe('上海');
    const body = summarizeWorkbook(sheets, { path, encoding }).body;
    expect(body).toContain('新增病例：最高 15（2024-01-02）');
  });

  it('streams a million-row sheet, and refuses one beyond the cell limit with nothing kept', async () => {
    const path = join(tempDir(), 'big.csv');
    const lines = ['date,region,value'];
    for (let i = 0; i < 1_000_000; i++) lines.push(`2024-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')},r${i % 50},${i % 1000}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    const { sheets } = await readCsv(path);
    expect(sheets[0]!.rows).toBe(1_000_000);
    expect(sheets[0]!.columns[2]!.type()).toBe('number');
    let refused: unknown;
    try {
      await readCsv(path, { maxCells: 300_000 });
    } catch (error) {
      refused = error;
    }
    expect(isZhikuError(refused) && refused.code).toBe('E_INVALID_INPUT');
    expect((refused as Error).message).toMatch(/more than 300,000 cells.*nothing was stored/);
  }, 60_000);
});
