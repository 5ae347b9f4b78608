/**
 * @module library/search/search
 * Query strategy over a store: segment and normalise the query, ask for chunks holding every term
 * (fast and precise), and fill up with chunks holding any term when that finds too few.
 */
import { ZhikuError } from '../../errors.js';
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
  /** `all` when the chunk holds every query term, `any` when it came from the fallback. */
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
  const all = await store.search({ terms, mode: 'all', filters, limit: wanted });
  const hits: { hit: SearchHit; matched: 'all' | 'any' }[] = all.map((hit) => ({ hit, matched: 'all' }));
  if (all.length < wanted && terms.length > 1) {
    const seen = new Set(all.map((h) => h.chunkId));
    const any = await store.search({ terms, mode: 'any', filters, limit: wanted + all.length });
    for (const hit of any) {
      if (hits.length >= wanted) break;
      if (!seen.has(hit.chunkId)) hits.push({ hit, matched: 'any' });
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
