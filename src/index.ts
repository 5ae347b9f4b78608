/**
 * @module zhiku
 * Public library API: configuration, the library over a store, collectors and text primitives.
 */
export { loadConfig, type LoadConfigOptions, type ResolvedConfig, type ZhikuUserConfig } from './config/index.js';
export { ZhikuError, EXIT_CODES, HTTP_STATUS, isZhikuError, type ZhikuErrorCode, type ItemFailure } from './errors.js';
export { createMemoryLogger, createStreamLogger, type Logger } from './logger.js';
export { Library, type IngestOptions, type IngestOutcome, type IngestReport } from './library/library.js';
export { openStore } from './library/store/open-store.js';
export type {
  Store,
  StoreStats,
  StoredDocument,
  StoredChunk,
  SearchHit,
  SearchFilters,
  PutItem,
  PutResult,
  DocumentSummary,
} from './library/store/store.js';
export { prepareDocument, type DocumentInput } from './library/prepare.js';
export { chunkText, type ChunkOptions, type ChunkSpan } from './library/chunk/chunker.js';
export type { SearchOptions, SearchResult, SearchResultHit } from './library/search/search.js';
export type { Snippet } from './library/search/snippet.js';
export { collectFiles } from './collect/files.js';
export type { CollectedItem } from './collect/types.js';
export { countUnits, getSegmenter, normalizeText, toTraditional } from './text/index.js';
