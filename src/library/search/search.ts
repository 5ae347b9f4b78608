/**
 * @module library/search/search
 * Query strategy over a store: segment and normalise the query, then ask at once for the chunks
 * holding every term and for the chunks holding any term, both ranked by BM25 with top-k pruning.
 * Chunks with every term come first; the rest fill up the page.
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
  /** `all` when the chunk holds every query term, `any` when it came from a relaxed query. */
  matched: 'all' | 'any';
}

/**
 * A hit as the CLI's `--json` and the API show it: `rank` counts from 1 across pages, `chunk` is the
 * chunk's number within its document counted from 1 (as citations name it).
 */
export function hitJson(hit: SearchResultHit, rank: number) {
  return {
    rank,
    documentId: hit.documentId,
    chunkId: hit.chunkId,
    chunk: hit.ordinal + 1,
    title: hit.title,
    source: hit.source,
    url: hit.canonicalUrl,
    publishedAt: hit.publishedAt,
    page: hit.page,
    score: hit.score,
    matched: hit.matched,
    start: hit.start,
    end: hit.end,
    snippet: hit.snippet,
  };
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
  const [every, some] = await Promise.all([
    terms.length > 1 ? store.search({ terms, mode: 'all', filters, limit: wanted }) : Promise.resolve([]),
    store.search({ terms, mode: 'any', filters, limit: wanted }),
  ]);
  const hits: { hit: SearchHit; matched: 'all' | 'any' }[] = every.map((hit) => ({ hit, matched: 'all' }));
  const seen = new Set(every.map((hit) => hit.chunkId));
  for (const hit of some) {
    if (hits.length >= wanted) break;
    if (!seen.has(hit.chunkId)) hits.push({ hit, matched: terms.length === 1 ? 'all' : 'any' });
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
