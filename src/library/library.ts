/**
 * @module library/library
 * The library API: the one place that holds a Store. Collectors hand it parsed documents; research,
 * digest and translation read from it.
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { ItemFailure } from '../errors.js';
import type { Logger } from '../logger.js';
import type { CollectedItem } from '../collect/types.js';
import { getSegmenter, type Segmenter } from '../text/segment.js';
import { openStore } from './store/open-store.js';
import { type SearchOptions, type SearchResult, searchLibrary } from './search/search.js';
import { prepareDocument } from './prepare.js';
import {
  type DocumentSummary,
  type ListOptions,
  type PutItem,
  type PutStatus,
  type Store,
  type StoreStats,
  type StoredChunk,
  type StoredDocument,
  isItemFailure,
} from './store/store.js';

export type IngestOutcome =
  | { item: string; status: PutStatus; id: string; chunks: number; title: string }
  | { item: string; status: 'empty' | 'ignored'; reason: string }
  | ({ status: 'failed' } & ItemFailure);

export interface IngestReport {
  inserted: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  empty: number;
  ignored: number;
  failed: number;
  items: IngestOutcome[];
}

export interface IngestOptions {
  collections?: readonly string[];
  /** Called after each item with the running count. */
  onProgress?: (done: number, outcome: IngestOutcome) => void;
  /** Documents written per transaction. */
  batchSize?: number;
}

export interface LibraryDeps {
  logger: Logger;
  segmenter?: Segmenter;
}

export class Library {
  readonly store: Store;
  readonly segmenter: Segmenter;

  constructor(store: Store, segmenter: Segmenter) {
    this.store = store;
    this.segmenter = segmenter;
  }

  /** Opens the configured store (migrating the embedded one) and returns a library over it. */
  static async open(config: ResolvedConfig, deps: LibraryDeps): Promise<Library> {
    const store = await openStore(config.store, { logger: deps.logger });
    return new Library(store, deps.segmenter ?? getSegmenter());
  }

  /** Stores collected items in batches; bad items are reported and the rest land. */
  async ingest(items: AsyncIterable<CollectedItem> | Iterable<CollectedItem>, options: IngestOptions = {}): Promise<IngestReport> {
    const report: IngestReport = { inserted: 0, updated: 0, unchanged: 0, duplicate: 0, empty: 0, ignored: 0, failed: 0, items: [] };
    const batchSize = options.batchSize ?? 200;
    // Outcomes are reported in input order: items that need no store call wait behind pending documents.
    let pending: ({ put: PutItem; title: string } | { outcome: IngestOutcome })[] = [];
    let queued = 0;
    const record = (outcome: IngestOutcome) => {
      report[outcome.status]++;
      report.items.push(outcome);
      options.onProgress?.(report.items.length, outcome);
    };
    const flush = async () => {
      const batch = pending;
      pending = [];
      queued = 0;
      const puts = batch.flatMap((entry) => ('put' in entry ? [entry.put] : []));
      const results = puts.length ? await this.store.putDocuments(puts) : [];
      let next = 0;
      for (const entry of batch) {
        if ('outcome' in entry) {
          record(entry.outcome);
          continue;
        }
        const result = results[next++]!;
        if (isItemFailure(result)) record({ status: 'failed', ...result });
        else record({ item: entry.put.item ?? entry.title, status: result.status, id: result.id, chunks: result.chunks, title: entry.title });
      }
    };
    for await (const collected of items) {
      switch (collected.kind) {
        case 'document':
          pending.push({
            put: prepareDocument(collected.input, { segmenter: this.segmenter, collections: options.collections, item: collected.item }),
            title: collected.input.title,
          });
          if (++queued >= batchSize) await flush();
          break;
        case 'empty':
        case 'ignored':
          pending.push({ outcome: { item: collected.item, status: collected.kind, reason: collected.reason } });
          break;
        case 'failed':
          pending.push({ outcome: { status: 'failed', item: collected.item, code: collected.code, reason: collected.reason } });
          break;
      }
    }
    await flush();
    return report;
  }

  search(query: string, options?: SearchOptions): Promise<SearchResult> {
    return searchLibrary(this.store, this.segmenter, query, options);
  }

  getDocument(id: string): Promise<StoredDocument | null> {
    return this.store.getDocument(id);
  }

  getChunks(id: string): Promise<StoredChunk[]> {
    return this.store.getChunks(id);
  }

  listDocuments(options?: ListOptions): Promise<DocumentSummary[]> {
    return this.store.listDocuments(options);
  }

  stats(): Promise<StoreStats> {
    return this.store.stats();
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
