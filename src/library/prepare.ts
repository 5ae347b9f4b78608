/**
 * @module library/prepare
 * Turns a parsed document into what a store accepts: content hash, chunks with exact offsets, and
 * the normalised, segmented tokens of each chunk. Shared by every driver, so all index the same tokens.
 */
import { guessLanguage } from '../text/measure.js';
import type { Segmenter } from '../text/segment.js';
import { chunkText, type ChunkOptions } from './chunk/chunker.js';
import { contentHash } from './document-id.js';
import type { NewChunk, NewDocument, PutItem } from './store/store.js';

/** A document as a parser produces it, before hashing and chunking. */
export interface DocumentInput {
  title: string;
  body: string;
  canonicalUrl?: string | null;
  source?: string | null;
  author?: string | null;
  publishedAt?: string | null;
  fetchedAt?: string | null;
  lang?: string | null;
  frontmatter?: Record<string, unknown>;
  origin?: string | null;
  /** Page starts as body offsets (PDF pages, slides): chunks get the page their start falls in. */
  pageStarts?: readonly number[];
}

export interface PrepareOptions extends ChunkOptions {
  segmenter: Segmenter;
  collections?: readonly string[];
  item?: string;
}

export function prepareDocument(input: DocumentInput, options: PrepareOptions): PutItem {
  const document: NewDocument = {
    canonicalUrl: input.canonicalUrl?.trim() ? input.canonicalUrl.trim() : null,
    title: input.title,
    source: input.source ?? null,
    author: input.author ?? null,
    publishedAt: input.publishedAt ?? null,
    fetchedAt: input.fetchedAt ?? null,
    lang: input.lang ?? guessLanguage(input.body),
    contentHash: contentHash(input.body),
    frontmatter: input.frontmatter ?? {},
    body: input.body,
    origin: input.origin ?? null,
  };
  const chunks: NewChunk[] = chunkText(input.body, options).map((span) => ({
    ordinal: span.ordinal,
    start: span.start,
    end: span.end,
    text: span.text,
    page: input.pageStarts ? pageAt(input.pageStarts, span.start) : null,
    indexText: options.segmenter.indexText(span.text),
  }));
  return { document, chunks, collections: options.collections ?? [], item: options.item ?? input.origin ?? input.title };
}

// ---------------------------------------------------------------------------

/** 1-based page whose start is the last one at or before `offset`. */
function pageAt(pageStarts: readonly number[], offset: number): number {
  let page = 1;
  for (let i = 0; i < pageStarts.length; i++) if (pageStarts[i]! <= offset) page = i + 1;
  return page;
}
