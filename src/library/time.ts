/**
 * @module library/time
 * Publish times: ISO 8601 strings in, epoch milliseconds for filtering. A date without a time is
 * read as midnight in Asia/Shanghai, where most of the library's sources publish.
 */
import { ZhikuError } from '../errors.js';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** Epoch ms of an ISO date or date-time; null when it is not one. */
export function parseTime(value: string): number | null {
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00+08:00` : value);
  return Number.isNaN(ms) ? null : ms;
}

/** Like parseTime, but an unreadable value is a usage error naming the setting. */
export function requireTime(value: string, name: string): number {
  const ms = parseTime(value);
  if (ms === null) throw new ZhikuError('E_USAGE', `not a date: "${value}" (use YYYY-MM-DD or ISO 8601)`, { item: name });
  return ms;
}

/** Normalises a frontmatter date (string, Date or number) to an ISO string, or null when unreadable. */
export function normalizePublishTime(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'number' && Number.isFinite(value)) {
    // Unix seconds or milliseconds.
    return new Date(value < 1e12 ? value * 1000 : value).toISOString();
  }
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  if (DATE_ONLY.test(trimmed)) return parseTime(trimmed) === null ? null : trimmed;
  const ms = parseTime(trimmed.replace(/^(\d{4})[/.](\d{1,2})[/.](\d{1,2})/, (_, y, m, d) => `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`));
  return ms === null ? null : new Date(ms).toISOString();
}
