/**
 * @module library/search/search
 * Query strategy over a store: segment and normalise the query, ask for chunks holding every term
 * (fast and precise), and fill up with chunks holding any term when that finds too few.
 */
import { ZhikuError } from '../../errors.js';
import { hasCjk } from '../../text/measure.js';
import { normalizeText } from '../../text/normalize.js';
import type { Segmenter } from '../../text/segment.js';
import type { SearchFilters, SearchHit, Store } from '../store/store.js';
import { type Snippet, makeSnippet } from './snippet.js';

export interface SearchOptions extends SearchFilters {
  limit?: number;
  offset?: number;
}

export interface SearchResultHit extends SearchHit {
  snippet: Snippet;
  /** `all` when the chunk holds every query term, `any` when it came from a relaxed query. */
  matched: 'all' | 'any';
}

export interface SearchResult {
  query: string;
  terms: string[];
  hits: SearchResultHit[];
}

export async function searchLibrary(
  store: Store,
  segmenter: Segmenter,
  query: string,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const limit = options.limit ?? 10;
  const offset = options.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1) throw new ZhikuError('E_USAGE', 'limit must be a positive integer', { item: 'limit' });
  const terms = segmenter.queryTokens(normalizeText(query));
  if (terms.length === 0) return { query, terms, hits: [] };
  const filters: SearchFilters = {
    collections: options.collections,
    sources: options.sources,
    documentIds: options.documentIds,
    since: options.since,
    until: options.until,
  };
  const wanted = offset + limit;
  const hits: { hit: SearchHit; matched: 'all' | 'any' }[] = [];
  const seen = new Set<number>();
  // Strictest first: every term; then without an edge term (a query cut mid-word segments its edges
  // differently from the text); last, any term ranked by BM25.
  for (const [mode, subset] of relaxations(terms)) {
    if (hits.length >= wanted) break;
    const found = await store.search({ terms: subset, mode, filters, limit: wanted + seen.size });
    for (const hit of found) {
      if (hits.length >= wanted) break;
      if (seen.has(hit.chunkId)) continue;
      seen.add(hit.chunkId);
      hits.push({ hit, matched: mode === 'all' && subset.length === terms.length ? 'all' : 'any' });
    }
  }
  return {
    query,
    terms,
    hits: hits.slice(offset, offset + limit).map(({ hit, matched }) => ({
      ...hit,
      matched,
      snippet: makeSnippet(hit.text, hit.start, terms),
    })),
  };
}

// ---------------------------------------------------------------------------

function relaxations(terms: string[]): ['all' | 'any', string[]][] {
  const steps: ['all' | 'any', string[]][] = [['all', terms]];
  if (terms.length >= 3) {
    steps.push(['all', terms.slice(0, -1)], ['all', terms.slice(1)]);
    if (terms.length >= 5) steps.push(['all', terms.slice(1, -1)]);
    // Single CJK characters are the usual residue of a word cut in half.
    const whole = terms.filter((t) => !(t.length === 1 && hasCjk(t)));
    if (whole.length >= 2 && whole.length < terms.length) steps.push(['all', whole]);
  }
  if (terms.length > 1) steps.push(['any', terms]);
  return steps;
}
