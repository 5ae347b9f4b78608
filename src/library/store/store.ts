/**
 * @module library/store/store
 * The storage contract every driver implements. Inputs are already segmented and normalised, so all
 * drivers index the same tokens; drivers declare differences in `capabilities`, never by name checks.
 */
import type { ItemFailure } from '../../errors.js';
import type { Logger } from '../../logger.js';

export type DocumentId = string;

export interface NewDocument {
  /** Canonical URL; null when the document has none (identity then falls back to the content hash). */
  canonicalUrl: string | null;
  title: string;
  source: string | null;
  author: string | null;
  /** ISO 8601 publish time (date-only allowed). */
  publishedAt: string | null;
  fetchedAt: string | null;
  lang: string | null;
  /** sha256 of the NFC-normalised body, hex. */
  contentHash: string;
  frontmatter: Record<string, unknown>;
  /** Stored verbatim: chunk offsets index into it. */
  body: string;
  /** Where the document came from (file path, corpus entry, URL). */
  origin: string | null;
}

export interface NewChunk {
  ordinal: number;
  /** UTF-16 offsets into the body; `body.slice(start, end) === text`. */
  start: number;
  end: number;
  text: string;
  page: number | null;
  /** Normalised, segmented index tokens joined by single spaces (tokens never hold whitespace). */
  indexText: string;
}

export interface StoredDocument extends NewDocument {
  id: DocumentId;
  collections: string[];
  chunkCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface StoredChunk {
  id: number;
  documentId: DocumentId;
  ordinal: number;
  start: number;
  end: number;
  text: string;
  page: number | null;
}

/** inserted: new; updated: same canonical URL, new content; unchanged: same URL and content; duplicate: same content as another document. */
export type PutStatus = 'inserted' | 'updated' | 'unchanged' | 'duplicate';

export interface PutResult {
  id: DocumentId;
  status: PutStatus;
  chunks: number;
}

export interface PutItem {
  document: NewDocument;
  chunks: readonly NewChunk[];
  /** Collections the document joins, also when its content is skipped as a duplicate. */
  collections?: readonly string[];
  /** Names the item in a batch failure (path, URL, corpus entry). */
  item?: string;
}

export interface SearchFilters {
  collections?: readonly string[];
  sources?: readonly string[];
  documentIds?: readonly DocumentId[];
  /** Inclusive lower bound on the publish time (ISO 8601). */
  since?: string;
  /** Exclusive upper bound on the publish time (ISO 8601). */
  until?: string;
}

export interface TokenQuery {
  /** Normalised query tokens. */
  terms: readonly string[];
  /** `all`: every term must occur in the chunk; `any`: at least one. */
  mode: 'all' | 'any';
  filters?: SearchFilters;
  limit: number;
  offset?: number;
}

export interface SearchHit {
  chunkId: number;
  documentId: DocumentId;
  ordinal: number;
  start: number;
  end: number;
  page: number | null;
  text: string;
  /** Higher is better (drivers flip signs where their native score is lower-is-better). */
  score: number;
  title: string;
  source: string | null;
  canonicalUrl: string | null;
  publishedAt: string | null;
}

export interface ListOptions {
  collection?: string;
  limit?: number;
  offset?: number;
}

export interface DocumentSummary {
  id: DocumentId;
  title: string;
  source: string | null;
  publishedAt: string | null;
  chunkCount: number;
  collections: string[];
  updatedAt: string;
}

export interface StoreStats {
  documents: number;
  chunks: number;
  collections: { name: string; documents: number }[];
  /** Size on disk, when the driver can tell. */
  bytes: number | null;
  schemaVersion: number;
}

export interface MigrationResult {
  from: number;
  to: number;
}

/** Where else a story was published: kept on the document instead of storing a second copy. */
export interface StorySource {
  url: string | null;
  title: string;
  source: string | null;
  author: string | null;
  publishedAt: string | null;
  fetchedAt: string | null;
  /** SimHash bits in which this copy differs from the stored one. */
  distance: number;
}

export interface StoreCapabilities {
  vectors: boolean;
  concurrentWriters: boolean;
}

export interface Store {
  readonly name: 'sqlite' | 'postgres';
  readonly capabilities: StoreCapabilities;
  /** Brings the schema to the newest version; refuses a newer schema than this build knows. */
  migrate(): Promise<MigrationResult>;
  /** Stores one document with its chunks in one transaction (dedup by canonical URL, then content hash). */
  putDocument(item: PutItem): Promise<PutResult>;
  /** Stores many; each item is atomic on its own and a failing item does not stop the rest. */
  putDocuments(items: readonly PutItem[]): Promise<Array<PutResult | ItemFailure>>;
  getDocument(id: DocumentId): Promise<StoredDocument | null>;
  getChunks(id: DocumentId): Promise<StoredChunk[]>;
  listDocuments(options?: ListOptions): Promise<DocumentSummary[]>;
  deleteDocument(id: DocumentId): Promise<boolean>;
  /**
   * Records another place the same story appeared (a near-duplicate republished elsewhere) in the
   * document's `sources` frontmatter; false when the document is missing or already lists that URL.
   */
  addSource(id: DocumentId, source: StorySource): Promise<boolean>;
  search(query: TokenQuery): Promise<SearchHit[]>;
  /** Makes everything written so far fast to search (the embedded index folds recent rows in). */
  refresh(): Promise<void>;
  stats(): Promise<StoreStats>;
  close(): Promise<void>;
}

export interface StoreDeps {
  logger: Logger;
  /** Index text of raw text (as `Segmenter.indexText`); lets a driver rebuild its index from stored text. */
  indexText?: (text: string) => string;
}

export type OpenStore<O> = (options: O, deps: StoreDeps) => Promise<Store>;

export function isItemFailure<T extends object>(value: T | ItemFailure): value is ItemFailure {
  return 'code' in value && 'reason' in value;
}
