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
import { normalizeText } from '../text/normalize.js';
import { STOPWORDS } from '../text/stopwords.js';
import { contentHash } from './document-id.js';
import { NEAR_DUPLICATE_BITS, hammingDistance, simhash } from './near-duplicate.js';
import type { DocumentInput } from './prepare.js';
import { openStore } from './store/open-store.js';
import { type SearchOptions, type SearchResult, searchLibrary } from './search/search.js';
import { defaultIngestThreads } from '../config/defaults.js';
import { type Preparer, inlinePreparer, workerPreparer } from './ingest/prepare-pool.js';
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
  /** A near-duplicate of a stored story (republished elsewhere): recorded as another source of it. */
  | { item: string; status: 'linked'; id: string; title: string; distance: number }
  | { item: string; status: 'empty' | 'ignored'; reason: string }
  | ({ status: 'failed' } & ItemFailure);

export interface IngestReport {
  inserted: number;
  updated: number;
  unchanged: number;
  duplicate: number;
  linked: number;
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
  /** Worker threads preparing documents (default: one per core); 1 prepares on the calling thread. */
  threads?: number;
}

/** Texts shorter than this (tokens) are not compared as stories: their fingerprints are unreliable. */
const MIN_STORY_TOKENS = 80;

/** Characters of document text gathered before a batch is written, whatever the count. */
const BATCH_CHARS = 4 * 1024 * 1024;

/** Below this many documents, starting workers costs more than it saves. */
const POOL_AFTER_DOCUMENTS = 32;

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
    const segmenter = deps.segmenter ?? getSegmenter();
    const store = await openStore(config.store, { logger: deps.logger, indexText: (text) => segmenter.indexText(text) });
    return new Library(store, segmenter);
  }

  /**
   * Stores collected items in batches; bad items are reported and the rest land. Documents are
   * prepared on worker threads once an ingest proves large, while the previous batch is written.
   */
  async ingest(items: AsyncIterable<CollectedItem> | Iterable<CollectedItem>, options: IngestOptions = {}): Promise<IngestReport> {
    const report: IngestReport = { inserted: 0, updated: 0, unchanged: 0, duplicate: 0, linked: 0, empty: 0, ignored: 0, failed: 0, items: [] };
    const batchSize = options.batchSize ?? 200;
    const threads = options.threads ?? defaultIngestThreads();
    const collections = options.collections ?? [];
    const inline = inlinePreparer(this.segmenter);
    let pool: Preparer | undefined;
    let documents = 0;
    // Outcomes are reported in input order: items that need no store call wait behind pending documents.
    type Entry = { prepared: Promise<PutItem | ItemFailure>; title: string } | { outcome: IngestOutcome };
    let pending: Entry[] = [];
    let queued = 0;
    let queuedChars = 0;
    let writing: Promise<void> = Promise.resolve();
    const record = (outcome: IngestOutcome) => {
      report[outcome.status]++;
      report.items.push(outcome);
      options.onProgress?.(report.items.length, outcome);
    };
    const write = async (batch: Entry[], previous: Promise<void>) => {
      const prepared = await Promise.all(batch.map((entry) => ('prepared' in entry ? entry.prepared : null)));
      const puts = prepared.filter((p): p is PutItem => p !== null && !isItemFailure(p));
      await previous;
      const results = puts.length ? await this.store.putDocuments(puts) : [];
      let next = 0;
      batch.forEach((entry, index) => {
        const ready = prepared[index];
        if ('outcome' in entry) return record(entry.outcome);
        if (!ready || isItemFailure(ready)) return record({ status: 'failed', ...(ready as ItemFailure) });
        const result = results[next++]!;
        if (isItemFailure(result)) record({ status: 'failed', ...result });
        else record({ item: ready.item ?? entry.title, status: result.status, id: result.id, chunks: result.chunks, title: entry.title });
      });
    };
    // Starts writing the gathered batch and waits for the one before it: one batch is written while
    // the next is prepared, and memory holds at most two.
    const flush = async () => {
      const previous = writing;
      writing = write(pending, previous);
      pending = [];
      queued = 0;
      queuedChars = 0;
      await previous;
    };
    try {
      for await (const collected of items) {
        switch (collected.kind) {
          case 'document': {
            // A web article may be a story already stored under another URL: everything before it is
            // written and searchable first, so a feed's own repeats are caught too.
            if (collected.input.frontmatter?.format === 'web') {
              await flush();
              await writing;
              await this.store.refresh();
              const twin = await this.findStory(collected.input);
              if (twin) {
                pending.push({ outcome: { item: collected.item, status: 'linked', id: twin.id, title: collected.input.title, distance: twin.distance } });
                break;
              }
            }
            if (!pool && threads > 1 && ++documents > POOL_AFTER_DOCUMENTS) pool = workerPreparer(threads);
            pending.push({ prepared: (pool ?? inline).prepare(collected.input, collections, collected.item), title: collected.input.title });
            queuedChars += collected.input.body.length;
            // Bounded by size as well as count: a few parts of a huge file are a batch on their own.
            if (++queued >= batchSize || queuedChars >= BATCH_CHARS) await flush();
            break;
          }
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
      await writing;
    } finally {
      // A failed write must not leave workers running or a rejection unobserved.
      await writing.catch(() => undefined);
      await pool?.close();
    }
    await this.store.refresh();
    return report;
  }

  /**
   * The stored story a web article republishes (SimHash within NEAR_DUPLICATE_BITS of a document
   * found by its title and opening), recorded there as another source; null when it is new. The
   * article's fingerprint is kept in its frontmatter for later comparisons.
   */
  private async findStory(input: DocumentInput): Promise<{ id: string; distance: number } | null> {
    const text = (body: string) => body.replace(/!\[[^\]]*\]\([^)]*\)|https?:\/\/\S+/g, ' ');
    const tokens = (body: string) => this.segmenter.tokenizeQuery(normalizeText(text(body))).filter((token) => !STOPWORDS.has(token) && /[\p{L}\p{N}]/u.test(token));
    const mine = tokens(input.body);
    if (mine.length < MIN_STORY_TOKENS) return null;
    const fingerprint = simhash(mine);
    input.frontmatter = { ...input.frontmatter, simhash: fingerprint };
    const opening = text(input.body).replace(/^#.*\n/, '').slice(0, 120);
    const { hits } = await this.search(`${input.title} ${opening}`, { limit: 20 });
    const hash = contentHash(input.body);
    for (const id of [...new Set(hits.map((hit) => hit.documentId))].slice(0, 5)) {
      const stored = await this.store.getDocument(id);
      if (!stored || stored.contentHash === hash || (input.canonicalUrl && stored.canonicalUrl === input.canonicalUrl)) continue;
      const theirs = typeof stored.frontmatter.simhash === 'string' ? stored.frontmatter.simhash : simhash(tokens(stored.body));
      const distance = hammingDistance(fingerprint, theirs);
      if (distance > NEAR_DUPLICATE_BITS) continue;
      await this.store.addSource(id, {
        url: input.canonicalUrl ?? input.origin ?? null,
        title: input.title,
        source: input.source ?? null,
        author: input.author ?? null,
        publishedAt: input.publishedAt ?? null,
        fetchedAt: input.fetchedAt ?? null,
        distance,
      });
      return { id, distance };
    }
    return null;
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
