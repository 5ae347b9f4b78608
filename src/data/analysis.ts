/**
 * @module data/analysis
 * The computations whose results become citable evidence: aggregation by period, top-N, growth
 * rates, moving averages, peaks and daily changes of cumulative series. Pure functions over series
 * sorted by date (UTC midnight, epoch milliseconds).
 */

export interface Series {
  dates: number[];
  values: number[];
}

export type Period = 'week' | 'month' | 'year';
export type Aggregate = 'sum' | 'mean' | 'last' | 'max' | 'min';

/** The start of the period a date falls in (weeks start on Monday). */
export function periodStart(date: number, period: Period): number {
  const d = new Date(date);
  if (period === 'year') return Date.UTC(d.getUTCFullYear(), 0, 1);
  if (period === 'month') return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const weekday = (d.getUTCDay() + 6) % 7;
  return date - weekday * 86_400_000;
}

/** One value per period, combined with `aggregate`; periods in date order. */
export function aggregateByPeriod(series: Series, period: Period, aggregate: Aggregate): Series {
  const groups = new Map<number, number[]>();
  series.dates.forEach((date, i) => {
    const key = periodStart(date, period);
    const group = groups.get(key);
    if (group) group.push(series.values[i]!);
    else groups.set(key, [series.values[i]!]);
  });
  const dates = [...groups.keys()].sort((a, b) => a - b);
  return { dates, values: dates.map((date) => combine(groups.get(date)!, aggregate)) };
}

export function combine(values: number[], aggregate: Aggregate): number {
  switch (aggregate) {
    case 'sum':
      return sum(values);
    case 'mean':
      return sum(values) / values.length;
    case 'last':
      return values[values.length - 1]!;
    case 'max':
      return Math.max(...values);
    case 'min':
      return Math.min(...values);
  }
}

/** Kahan summation: long columns of decimals add up without drift. */
export function sum(values: readonly number[]): number {
  let total = 0;
  let carry = 0;
  for (const value of values) {
    const y = value - carry;
    const t = total + y;
    carry = t - total - y;
    total = t;
  }
  return total;
}

/** The `n` largest entries, largest first; ties keep input order. */
export function topN<T>(entries: readonly T[], n: number, valueOf: (entry: T) => number): T[] {
  return entries
    .map((entry, index) => ({ entry, index, value: valueOf(entry) }))
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, n)
    .map((e) => e.entry);
}

/** Period-over-period change as a fraction ((v − prev) / prev); null where the previous value is 0. */
export function growthRates(series: Series): { dates: number[]; rates: (number | null)[] } {
  const dates = series.dates.slice(1);
  const rates = dates.map((_, i) => {
    const previous = series.values[i]!;
    return previous === 0 ? null : (series.values[i + 1]! - previous) / previous;
  });
  return { dates, rates };
}

/** Trailing moving average over `window` points; the first window − 1 points have none. */
export function movingAverage(series: Series, window: number): Series {
  if (window < 1) throw new RangeError('window must be at least 1');
  const dates: number[] = [];
  const values: number[] = [];
  let running = 0;
  series.values.forEach((value, i) => {
    running += value;
    if (i >= window) running -= series.values[i - window]!;
    if (i >= window - 1) {
      dates.push(series.dates[i]!);
      values.push(running / window);
    }
  });
  return { dates, values };
}

/** The `n` highest points with their dates, highest first (earlier date on ties). */
export function peaks(series: Series, n = 1): { date: number; value: number }[] {
  return topN(
    series.dates.map((date, i) => ({ date, value: series.values[i]! })),
    n,
    (point) => point.value,
  );
}

/** Day-to-day changes of a cumulative series (the first point counts from zero). */
export function differences(series: Series): Series {
  return { dates: [...series.dates], values: series.values.map((value, i) => (i === 0 ? value : value - series.values[i - 1]!)) };
}

/** True when at least 95 % of steps do not go down: a running total, such as cumulative cases. */
export function isCumulative(series: Series): boolean {
  if (series.values.length < 3) return false;
  let down = 0;
  for (let i = 1; i < series.values.length; i++) if (series.values[i]! < series.values[i - 1]!) down++;
  return down <= (series.values.length - 1) * 0.05;
}

/** Element-wise sum of series over the same dates. */
export function addSeries(list: readonly Series[]): Series {
  const first = list[0];
  if (!first) return { dates: [], values: [] };
  return { dates: [...first.dates], values: first.dates.map((_, i) => sum(list.map((s) => s.values[i] ?? 0))) };
}
