/**
 * The engines under test, behind one shape: build from documents, then answer top-10 queries.
 * Both use the same jieba tokens: Zhiku's segmenter feeds MiniSearch's tokenize hooks.
 */
import { rmSync } from 'node:fs';
import MiniSearch from 'minisearch';
import { chunkText } from '../../src/library/chunk/chunker.js';
import { Library } from '../../src/library/library.js';
import type { CollectedItem } from '../../src/collect/types.js';
import { openSqliteStore } from '../../src/library/store/sqlite/index.js';
import type { Store } from '../../src/library/store/store.js';
import { SILENT_LOGGER } from '../../src/logger.js';
import { normalizeText } from '../../src/text/normalize.js';
import { getSegmenter } from '../../src/text/segment.js';
import type { BenchDocument } from './corpus.js';

export interface BuiltEngine {
  /** Families (source documents) of the top-10 chunks, in rank order. */
  query(text: string): Promise<number[]>;
  diskBytes(): Promise<number | null>;
  close(): Promise<void>;
}

export interface BuildStats {
  chunks: number;
  bytes: number;
  documents: number;
}

export type EngineName = 'zhiku' | 'minisearch';

const segmenter = getSegmenter();

/** Builds through the product's ingest path (worker threads, batched writes, index refresh). */
export async function buildZhiku(documents: Iterable<BenchDocument>, dbPath: string, stats: BuildStats): Promise<BuiltEngine> {
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.index`, { recursive: true, force: true });
  const store = await openSqliteStore({ path: dbPath }, { logger: SILENT_LOGGER });
  return buildLibrary(documents, store, stats);
}

/** Builds any store through the product's ingest path; the PostgreSQL bench reuses it. */
export async function buildLibrary(documents: Iterable<BenchDocument>, store: Store, stats: BuildStats): Promise<BuiltEngine> {
  const library = new Library(store, segmenter);
  const familyOf = new Map<string, number>();
  function* collected(): Generator<CollectedItem> {
    for (const doc of documents) {
      familyOf.set(doc.id, doc.family);
      stats.documents++;
      stats.bytes += Buffer.byteLength(doc.body);
      yield { kind: 'document', item: doc.id, input: { title: doc.title, body: doc.body, canonicalUrl: `bench:${doc.id}` } };
    }
  }
  const report = await library.ingest(collected(), { batchSize: 500 });
  if (report.failed) throw new Error(`${report.failed} bench documents failed to ingest`);
  stats.chunks = (await store.stats()).chunks;
  return {
    async query(text) {
      const { hits } = await library.search(text, { limit: 10 });
      return hits.map((h) => familyOf.get((h.canonicalUrl ?? '').slice('bench:'.length)) ?? -1);
    },
    async diskBytes() {
      return (await store.stats()).bytes;
    },
    close: () => library.close(),
  };
}

export async function buildMiniSearch(documents: Iterable<BenchDocument>, stats: BuildStats): Promise<BuiltEngine> {
  const index = new MiniSearch<{ id: number; text: string; family: number }>({
    fields: ['text'],
    storeFields: ['family'],
    tokenize: (text) => segmenter.indexTokens(normalizeText(text)),
    processTerm: (term) => term,
    searchOptions: { tokenize: (text) => segmenter.queryTokens(normalizeText(text)), processTerm: (term) => term },
  });
  let id = 0;
  for (const doc of documents) {
    const chunks = chunkText(doc.body).map((span) => ({ id: id++, text: span.text, family: doc.family }));
    stats.chunks += chunks.length;
    stats.documents++;
    stats.bytes += Buffer.byteLength(doc.body);
    index.addAll(chunks);
  }
  return {
    async query(text) {
      return index.search(text).slice(0, 10).map((r) => r.family as number);
    },
    async diskBytes() {
      return id <= 200_000 ? Buffer.byteLength(JSON.stringify(index)) : null;
    },
    async close() {},
  };
}
