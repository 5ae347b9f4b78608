/**
 * The known-item test shared by the search suites: a base document's title is the query, and any
 * chunk of any copy of that document is relevant. Deterministic for a given seed.
 */
import { normalizeText } from '../../src/text/normalize.js';
import { getSegmenter } from '../../src/text/segment.js';
import { seededRandom } from '../../test/seeded-random.js';
import type { BaseDocument } from './corpus.js';

/** Known-item queries: `count` base documents whose titles have query tokens, picked at random. */
export function sampleQueries(base: readonly BaseDocument[], count: number): BaseDocument[] {
  const random = seededRandom(7);
  const segmenter = getSegmenter();
  const pool = base.filter((d) => segmenter.queryTokens(normalizeText(d.title)).length > 0);
  const picked: BaseDocument[] = [];
  const used = new Set<number>();
  while (picked.length < Math.min(count, pool.length)) {
    const i = Math.floor(random() * pool.length);
    if (used.has(i)) continue;
    used.add(i);
    picked.push(pool[i]!);
  }
  return picked;
}

/** Reciprocal rank of `family` among the top-10 families (0 when absent). */
export function reciprocalRank(families: readonly number[], family: number): number {
  const rank = families.indexOf(family);
  return rank >= 0 ? 1 / (rank + 1) : 0;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

export function mean(values: number[]): number {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
