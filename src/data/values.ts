/**
 * @module data/values
 * Cell values as people type them: numbers with thousands separators or percent signs, and dates in
 * the forms spreadsheets and CSV exports use (2023-04-28, 4/28/23, Apr 28, 2023, 2023年4月28日).
 */

export type Cell = { kind: 'empty' } | { kind: 'number'; value: number } | { kind: 'date'; value: number } | { kind: 'text'; value: string };

const EMPTY: Cell = { kind: 'empty' };
const NUMBER = /^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?$/;
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12 };
const DAY_MS = 86_400_000;

/** Reads one cell; `raw` is what a CSV parser or a spreadsheet reader returned. */
export function readCell(raw: unknown): Cell {
  if (raw === null || raw === undefined) return EMPTY;
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? EMPTY : { kind: 'date', value: utcDay(raw.getUTCFullYear(), raw.getUTCMonth() + 1, raw.getUTCDate()) };
  if (typeof raw === 'number') return Number.isFinite(raw) ? { kind: 'number', value: raw } : EMPTY;
  if (typeof raw === 'boolean') return { kind: 'text', value: String(raw) };
  if (typeof raw === 'object') {
    // Spreadsheet rich text, formulas and hyperlinks: their displayed value.
    const cell = raw as { result?: unknown; text?: unknown; richText?: { text: string }[] };
    if ('result' in cell) return readCell(cell.result);
    if (cell.richText) return readCell(cell.richText.map((part) => part.text).join(''));
    if (typeof cell.text === 'string') return readCell(cell.text);
    return EMPTY;
  }
  const text = String(raw).trim();
  if (!text) return EMPTY;
  const numeric = text.replace(/^[¥$€£]/, '');
  if (NUMBER.test(numeric)) return { kind: 'number', value: Number(numeric.replace(/,/g, '')) };
  if (/%$/.test(numeric) && NUMBER.test(numeric.slice(0, -1))) return { kind: 'number', value: Number(numeric.slice(0, -1).replace(/,/g, '')) / 100 };
  const date = parseDate(text);
  return date === null ? { kind: 'text', value: text } : { kind: 'date', value: date };
}

/** A date as UTC midnight in epoch milliseconds, or null. Two-digit years are 20xx (time-series exports). */
export function parseDate(text: string): number | null {
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(text);
  if (m) return validDay(+m[1]!, +m[2]!, +m[3]!);
  m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(text);
  if (m) return validDay(m[3]!.length === 2 ? 2000 + +m[3]! : +m[3]!, +m[1]!, +m[2]!);
  m = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/.exec(text);
  if (m && MONTHS[m[1]!.toLowerCase().slice(0, m[1]!.toLowerCase().startsWith('sept') ? 4 : 3)]) {
    return validDay(+m[3]!, MONTHS[m[1]!.toLowerCase().slice(0, 3)]!, +m[2]!);
  }
  m = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(text);
  if (m) return validDay(+m[1]!, +m[2]!, +m[3]!);
  return null;
}

export function utcDay(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day);
}

function validDay(year: number, month: number, day: number): number | null {
  const value = utcDay(year, month, day);
  const back = new Date(value);
  return back.getUTCMonth() === month - 1 && back.getUTCDate() === day && year >= 1900 && year <= 2200 ? value : null;
}

export function formatDate(value: number): string {
  return new Date(value).toISOString().slice(0, 10);
}

export function daysBetween(from: number, to: number): number {
  return Math.round((to - from) / DAY_MS);
}

/**
 * A number as a reader expects it: no binary float artefacts (0.1 + 0.2 prints 0.3), thousands
 * separated, at most `digits` decimals.
 */
export function formatNumber(value: number, digits = 2): string {
  const clean = Number(value.toPrecision(12));
  return clean.toLocaleString('en-US', { maximumFractionDigits: digits });
}
