/**
 * @module server/params
 * Query and body values checked at the edge: a bad one is a 400 naming the parameter.
 */
import { ZhikuError } from '../errors.js';

/** An integer parameter in [min, max], or the fallback when absent. */
export function intParam(value: string | undefined, name: string, options: { min: number; max: number; fallback: number }): number {
  if (value === undefined || value === '') return options.fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < options.min || n > options.max) throw new ZhikuError('E_USAGE', `${name} must be an integer from ${options.min} to ${options.max}`, { item: name });
  return n;
}

/** A date parameter (YYYY-MM-DD or ISO 8601). */
export function dateParam(value: string | undefined, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ZhikuError('E_USAGE', `${name} must be a date (YYYY-MM-DD or ISO 8601)`, { item: name });
  }
  return value;
}

/** A boolean flag parameter: 1/true/yes/on. */
export function flagParam(value: string | undefined): boolean {
  return value !== undefined && /^(?:1|true|yes|on)$/i.test(value);
}

/** One of the allowed values. */
export function enumParam<T extends string>(value: string | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new ZhikuError('E_USAGE', `${name} must be one of ${allowed.join(', ')}`, { item: name });
  return value as T;
}

/** A JSON request body as an object; anything else is a 400. `allowEmpty`: no body at all reads as `{}`. */
export async function jsonBody(request: Request, options: { allowEmpty?: boolean } = {}): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (!text.trim() && options.allowEmpty) return {};
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\b/i.test(type)) throw new ZhikuError('E_UNSUPPORTED', 'expected Content-Type: application/json', { item: 'content-type' });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ZhikuError('E_USAGE', `the body is not valid JSON: ${(error as Error).message}`, { item: 'body' });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ZhikuError('E_USAGE', 'the body must be a JSON object', { item: 'body' });
  return data as Record<string, unknown>;
}
