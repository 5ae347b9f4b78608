/**
 * @module library/store/sqlite/sqlite-store
 * Embedded driver: one better-sqlite3 file (WAL, busy timeout) holds documents and chunks; the
 * full-text index lives beside it (chunk-index.ts). Every SQL statement of the embedded store lives here.
 *
 * Writes keep the two consistent without a shared transaction: a writer holds SQLite's write lock
 * while it adds index rows, and only then moves `indexed_through`; index rows of deleted chunks are
 * queued in `index_garbage` and removed after commit. A crash leaves at worst rows above the mark
 * (dropped and re-added by the next writer) or stale rows (never returned, since hits join chunks).
 */
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { type ItemFailure, ZhikuError, toItemFailure } from '../../../errors.js';
import { documentIdFor } from '../../document-id.js';
import { parseTime, requireTime } from '../../time.js';
import type {
  DocumentSummary,
  ListOptions,
  MigrationResult,
  NewChunk,
  NewDocument,
  OpenStore,
  PutItem,
  PutResult,
  SearchFilters,
  SearchHit,
  Store,
  StoreDeps,
  StoredChunk,
  StoredDocument,
  StorySource,
  TokenQuery,
} from '../store.js';
import { isItemFailure } from '../store.js';
import { ChunkIndex, type IndexRow } from './chunk-index.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export const DRIVER_NAME = 'sqlite';

export interface SqliteStoreOptions {
  /** Database file, or `:memory:`. */
  path: string;
  /** Milliseconds a writer waits for another writer's lock. Default 10 s. */
  busyTimeoutMs?: number;
  /** Run migrations on open (the embedded default). Default true. */
  autoMigrate?: boolean;
}

export const openSqliteStore: OpenStore<SqliteStoreOptions> = async (options, deps) => {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(options.path);
    // The first statements read the file: a file that is not a database, or a full disk, fails here.
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
  } catch (error) {
    throw new ZhikuError('E_STORE', `cannot open database: ${(error as Error).message}`, { item: options.path, cause: error });
  }
  let index: ChunkIndex | undefined;
  try {
    index = await ChunkIndex.open(options.path === ':memory:' ? null : indexDirFor(options.path));
    const store = new SqliteStore(db, index, options.path, deps);
    if (options.autoMigrate ?? true) store.migrateSync();
    else store.checkVersion();
    if (deps.indexText) await store.catchUpIndex();
    return store;
  } catch (error) {
    await index?.close();
    db.close();
    if (error instanceof ZhikuError) throw error;
    throw new ZhikuError('E_STORE', `cannot open database: ${(error as Error).message}`, { item: options.path, cause: error });
  }
};

/** The index directory that belongs to a database file. */
export function indexDirFor(path: string): string {
  return `${path}.index`;
}

interface DocumentRow {
  seq: number;
  id: string;
  canonical_url: string | null;
  content_hash: string;
  title: string;
  source: string | null;
  author: string | null;
  published_at: string | null;
  fetched_at: string | null;
  lang: string | null;
  frontmatter: string;
  body: string;
  origin: string | null;
  chunk_count: number;
  created_at: string;
  updated_at: string;
}

class SqliteStore implements Store {
  readonly name = DRIVER_NAME;
  readonly capabilities = { vectors: false, concurrentWriters: false };
  readonly #db: Database.Database;
  readonly #index: ChunkIndex;
  readonly #path: string;
  readonly #deps: StoreDeps;
  #statements: ReturnType<typeof prepareStatements> | undefined;
  /** Serialises this connection's writers: a write spans awaits while it holds the SQLite lock. */
  #writing: Promise<unknown> = Promise.resolve();

  constructor(db: Database.Database, index: ChunkIndex, path: string, deps: StoreDeps) {
    this.#db = db;
    this.#index = index;
    this.#path = path;
    this.#deps = deps;
  }

  checkVersion(): number {
    const version = this.#db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new ZhikuError(
        'E_SCHEMA_VERSION',
        `database schema version ${version} is newer than this build supports (${SCHEMA_VERSION}); upgrade zhiku`,
        { item: this.#path },
      );
    }
    return version;
  }

  migrateSync(): MigrationResult {
    const from = this.checkVersion();
    if (from < SCHEMA_VERSION) {
      this.#db.transaction(() => {
        for (let version = from; version < SCHEMA_VERSION; version++) this.#db.exec(MIGRATIONS[version]!);
        this.#db.pragma(`user_version = ${SCHEMA_VERSION}`);
      }).immediate();
    }
    return { from, to: SCHEMA_VERSION };
  }

  async migrate(): Promise<MigrationResult> {
    return this.migrateSync();
  }

  get #sql() {
    return (this.#statements ??= prepareStatements(this.#db));
  }

  async putDocument(item: PutItem): Promise<PutResult> {
    const [result] = await this.putDocuments([item]);
    if (isItemFailure(result!)) throw new ZhikuError(result.code, result.reason, { item: result.item });
    return result!;
  }

  async putDocuments(items: readonly PutItem[]): Promise<Array<PutResult | ItemFailure>> {
    return this.#write(async (added) => {
      const put = this.#db.transaction((item: PutItem) => this.#put(item, added));
      // Each item runs in its own savepoint, so a failure rolls back only that item.
      return items.map((item, index) => {
        try {
          return put(item);
        } catch (error) {
          return toItemFailure(error, item.item ?? `item ${index + 1}`);
        }
      });
    });
  }

  async deleteDocument(id: string): Promise<boolean> {
    return this.#write(async () => {
      const row = this.#sql.documentById.get(id) as DocumentRow | undefined;
      if (!row) return false;
      this.#dropChunks(row.seq);
      this.#db.prepare('DELETE FROM documents WHERE seq = ?').run(row.seq);
      return true;
    });
  }

  async addSource(id: string, source: StorySource): Promise<boolean> {
    return this.#write(async () => {
      const row = this.#sql.documentById.get(id) as DocumentRow | undefined;
      if (!row) return false;
      const frontmatter = JSON.parse(row.frontmatter) as Record<string, unknown>;
      const sources = Array.isArray(frontmatter.sources) ? (frontmatter.sources as StorySource[]) : [];
      if (source.url && sources.some((known) => known.url === source.url)) return false;
      frontmatter.sources = [...sources, source];
      this.#db.prepare('UPDATE documents SET frontmatter = ?, updated_at = ? WHERE seq = ?').run(JSON.stringify(frontmatter), new Date().toISOString(), row.seq);
      return true;
    });
  }

  /** Indexes chunks the index lacks (after the migration that introduced it); a no-op when current. */
  async catchUpIndex(): Promise<void> {
    if (this.checkVersion() < SCHEMA_VERSION) return;
    // An index directory removed by hand is rebuilt from scratch.
    if ((await this.#index.count()) === 0) this.#sql.setIndexedThrough.run('0');
    if (this.#maxChunkId() > Number(this.#sql.indexedThrough.get() ?? 0)) await this.#write(async () => undefined);
  }

  async refresh(): Promise<void> {
    await this.#write(async () => this.#index.refresh());
  }

  /**
   * Runs a write under SQLite's write lock: repairs the index first, lets `body` change SQLite and
   * collect the index rows to add, adds them, moves the mark, commits, and only then removes the
   * index rows of deleted chunks.
   */
  async #write<T>(body: (added: IndexRow[]) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      try {
        this.#db.exec('BEGIN IMMEDIATE');
      } catch (error) {
        throw storeError(error, this.#path, 'nothing was written');
      }
      let committed = false;
      try {
        await this.#repairIndex();
        const added: IndexRow[] = [];
        const result = await body(added);
        if (added.length > 0) {
          await this.#index.add(added);
          this.#sql.setIndexedThrough.run(String(this.#maxChunkId()));
        }
        this.#sql.setIndexVersion.run(String(await this.#index.version()));
        this.#db.exec('COMMIT');
        committed = true;
        await this.#collectGarbage();
        return result;
      } catch (error) {
        throw storeError(error, this.#path, committed ? 'the write was saved; removing stale index rows is left to the next write' : 'the write was rolled back');
      } finally {
        if (!committed && this.#db.inTransaction) this.#db.exec('ROLLBACK');
      }
    };
    const next = this.#writing.then(run, run);
    this.#writing = next.catch(() => undefined);
    return next;
  }

  /** Brings the index up to `chunks` after an interrupted write or a migration (inside the write lock). */
  async #repairIndex(): Promise<void> {
    const through = Number(this.#sql.indexedThrough.get() ?? 0);
    if (String(await this.#index.version()) !== this.#sql.indexVersion.get()) await this.#index.removeAbove(through);
    if (this.#maxChunkId() <= through) return;
    const indexText = this.#deps.indexText;
    if (!indexText) throw new ZhikuError('E_STORE', 'the search index is behind the database and this opener cannot segment text to rebuild it', { item: this.#path });
    const rows = this.#sql.chunksAbove.iterate(through) as Iterable<{ id: number; document_seq: number; start_offset: number; end_offset: number }>;
    let batch: IndexRow[] = [];
    const bodies = new Map<number, string>();
    for (const row of rows) {
      let body = bodies.get(row.document_seq);
      if (body === undefined) {
        if (bodies.size > 64) bodies.clear();
        body = this.#sql.bodyOf.get(row.document_seq) as string;
        bodies.set(row.document_seq, body);
      }
      batch.push({ chunkId: row.id, documentSeq: row.document_seq, tokens: indexText(body.slice(row.start_offset, row.end_offset)) });
      if (batch.length >= 5_000) {
        await this.#index.add(batch);
        batch = [];
      }
    }
    await this.#index.add(batch);
    await this.#index.refresh();
    this.#sql.setIndexedThrough.run(String(this.#maxChunkId()));
  }

  async #collectGarbage(): Promise<void> {
    const ids = this.#sql.garbage.all() as number[];
    if (ids.length === 0) return;
    await this.#index.removeChunks(ids);
    const version = String(await this.#index.version());
    this.#db
      .transaction(() => {
        for (const id of ids) this.#sql.clearGarbage.run(id);
        this.#sql.setIndexVersion.run(version);
      })
      .immediate();
  }

  #maxChunkId(): number {
    return Number(this.#sql.maxChunkId.get() ?? 0);
  }

  #put({ document, chunks, collections = [] }: PutItem, added: IndexRow[]): PutResult {
    const sql = this.#sql;
    const now = new Date().toISOString();
    const byUrl = document.canonicalUrl
      ? (sql.documentByUrl.get(document.canonicalUrl) as { seq: number; id: string; content_hash: string } | undefined)
      : undefined;
    let seq: number;
    let id: string;
    let status: PutResult['status'];
    const addedBefore = added.length;
    try {
      if (byUrl) {
        seq = byUrl.seq;
        id = byUrl.id;
        if (byUrl.content_hash === document.contentHash) {
          status = 'unchanged';
        } else {
          status = 'updated';
          this.#dropChunks(seq);
          sql.updateDocument.run({ ...documentParams(document), seq, updated_at: now });
          this.#insertChunks(seq, document.body, chunks, added);
        }
      } else {
        const byHash = sql.documentByHash.get(document.contentHash) as { seq: number; id: string } | undefined;
        if (byHash) {
          seq = byHash.seq;
          id = byHash.id;
          status = 'duplicate';
        } else {
          id = documentIdFor(document.canonicalUrl, document.contentHash);
          const info = sql.insertDocument.run({ ...documentParams(document), id, created_at: now, updated_at: now });
          seq = Number(info.lastInsertRowid);
          status = 'inserted';
          this.#insertChunks(seq, document.body, chunks, added);
        }
      }
      for (const name of new Set(collections)) {
        sql.insertCollection.run(name);
        sql.joinCollection.run({ name, seq });
      }
    } catch (error) {
      // The savepoint rolls back this item's rows (garbage included); its index rows must go too.
      added.length = addedBefore;
      throw error;
    }
    const count = (sql.chunkCount.get(seq) as { chunk_count: number }).chunk_count;
    return { id, status, chunks: count };
  }

  #dropChunks(seq: number): void {
    this.#sql.queueGarbage.run(seq);
    this.#sql.deleteChunks.run(seq);
  }

  #insertChunks(seq: number, body: string, chunks: readonly NewChunk[], added: IndexRow[]): void {
    const sql = this.#sql;
    chunks.forEach((chunk, index) => {
      if (chunk.ordinal !== index || chunk.start < 0 || chunk.end > body.length || body.slice(chunk.start, chunk.end) !== chunk.text) {
        throw new ZhikuError('E_INVALID_CHUNK', `chunk ${index} is not the body slice its offsets name`);
      }
      const info = sql.insertChunk.run(seq, chunk.ordinal, chunk.start, chunk.end, chunk.page);
      added.push({ chunkId: Number(info.lastInsertRowid), documentSeq: seq, tokens: chunk.indexText });
    });
    sql.setChunkCount.run(chunks.length, seq);
  }

  async getDocument(id: string): Promise<StoredDocument | null> {
    const row = this.#sql.documentById.get(id) as DocumentRow | undefined;
    if (!row) return null;
    const collections = (this.#sql.collectionsOf.all(row.seq) as { name: string }[]).map((r) => r.name);
    return {
      id: row.id,
      canonicalUrl: row.canonical_url,
      title: row.title,
      source: row.source,
      author: row.author,
      publishedAt: row.published_at,
      fetchedAt: row.fetched_at,
      lang: row.lang,
      contentHash: row.content_hash,
      frontmatter: JSON.parse(row.frontmatter) as Record<string, unknown>,
      body: row.body,
      origin: row.origin,
      collections,
      chunkCount: row.chunk_count,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async getChunks(id: string): Promise<StoredChunk[]> {
    const body = this.#sql.bodyById.get(id) as string | undefined;
    if (body === undefined) return [];
    const rows = this.#sql.chunksOf.all(id) as { id: number; ordinal: number; start_offset: number; end_offset: number; page: number | null }[];
    return rows.map((r) => ({
      id: r.id,
      documentId: id,
      ordinal: r.ordinal,
      start: r.start_offset,
      end: r.end_offset,
      text: body.slice(r.start_offset, r.end_offset),
      page: r.page,
    }));
  }

  async listDocuments(options: ListOptions = {}): Promise<DocumentSummary[]> {
    const params: unknown[] = [];
    let where = '';
    if (options.collection) {
      where = `WHERE d.seq IN (SELECT dc.document_seq FROM document_collections dc JOIN collections c ON c.id = dc.collection_id WHERE c.name = ?)`;
      params.push(options.collection);
    }
    params.push(options.limit ?? 100, options.offset ?? 0);
    const rows = this.#db
      .prepare(
        `SELECT d.seq, d.id, d.title, d.source, d.published_at, d.chunk_count, d.updated_at,
                (SELECT group_concat(c.name, char(31)) FROM document_collections dc JOIN collections c ON c.id = dc.collection_id WHERE dc.document_seq = d.seq) AS collections
         FROM documents d ${where} ORDER BY d.seq LIMIT ? OFFSET ?`,
      )
      .all(...params) as (Pick<DocumentRow, 'seq' | 'id' | 'title' | 'source' | 'published_at' | 'chunk_count' | 'updated_at'> & {
      collections: string | null;
    })[];
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      source: r.source,
      publishedAt: r.published_at,
      chunkCount: r.chunk_count,
      collections: r.collections ? r.collections.split('\u001f').sort() : [],
      updatedAt: r.updated_at,
    }));
  }

  async search(query: TokenQuery): Promise<SearchHit[]> {
    const terms = [...new Set(query.terms)].filter((t) => t.length > 0);
    if (terms.length === 0) return [];
    const offset = query.offset ?? 0;
    const documentSeqs = this.#filteredDocuments(query.filters ?? {});
    // A few extra in case some hits are stale rows of chunks deleted a moment ago.
    const found = await this.#index.search({ terms, mode: query.mode, limit: offset + query.limit + 8, documentSeqs });
    if (found.length === 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT c.id AS chunk_id, c.ordinal, c.start_offset, c.end_offset, c.page, c.document_seq,
                d.id AS document_id, d.title, d.source, d.canonical_url, d.published_at
         FROM chunks c JOIN documents d ON d.seq = c.document_seq
         WHERE c.id IN (SELECT value FROM json_each(?))`,
      )
      .all(JSON.stringify(found.map((f) => f.chunkId))) as {
      chunk_id: number;
      ordinal: number;
      start_offset: number;
      end_offset: number;
      page: number | null;
      document_seq: number;
      document_id: string;
      title: string;
      source: string | null;
      canonical_url: string | null;
      published_at: string | null;
    }[];
    const byId = new Map(rows.map((r) => [r.chunk_id, r]));
    const bodies = new Map<number, string>();
    const hits: SearchHit[] = [];
    for (const { chunkId, score } of found) {
      const r = byId.get(chunkId);
      if (!r) continue;
      let body = bodies.get(r.document_seq);
      if (body === undefined) {
        body = this.#sql.bodyOf.get(r.document_seq) as string;
        bodies.set(r.document_seq, body);
      }
      hits.push({
        chunkId,
        documentId: r.document_id,
        ordinal: r.ordinal,
        start: r.start_offset,
        end: r.end_offset,
        page: r.page,
        text: body.slice(r.start_offset, r.end_offset),
        score,
        title: r.title,
        source: r.source,
        canonicalUrl: r.canonical_url,
        publishedAt: r.published_at,
      });
    }
    // Equal scores keep insertion order, so results are stable across runs.
    hits.sort((x, y) => y.score - x.score || x.chunkId - y.chunkId);
    return hits.slice(offset, offset + query.limit);
  }

  /** Document seqs passing the filters, or undefined when there are none. */
  #filteredDocuments(filters: SearchFilters): number[] | undefined {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (filters.collections?.length) {
      conditions.push(
        `d.seq IN (SELECT dc.document_seq FROM document_collections dc JOIN collections col ON col.id = dc.collection_id WHERE col.name IN (${placeholders(filters.collections)}))`,
      );
      params.push(...filters.collections);
    }
    if (filters.sources?.length) {
      conditions.push(`d.source IN (${placeholders(filters.sources)})`);
      params.push(...filters.sources);
    }
    if (filters.documentIds?.length) {
      conditions.push(`d.id IN (${placeholders(filters.documentIds)})`);
      params.push(...filters.documentIds);
    }
    if (filters.since) {
      conditions.push('d.published_ms >= ?');
      params.push(requireTime(filters.since, 'since'));
    }
    if (filters.until) {
      conditions.push('d.published_ms < ?');
      params.push(requireTime(filters.until, 'until'));
    }
    if (conditions.length === 0) return undefined;
    return this.#db.prepare(`SELECT d.seq FROM documents d WHERE ${conditions.join(' AND ')}`).pluck().all(...params) as number[];
  }

  async stats() {
    const counts = this.#db.prepare('SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM chunks) AS chunks').get() as {
      documents: number;
      chunks: number;
    };
    const collections = this.#db
      .prepare(
        `SELECT c.name, count(dc.document_seq) AS documents FROM collections c
         LEFT JOIN document_collections dc ON dc.collection_id = c.id GROUP BY c.id ORDER BY c.name`,
      )
      .all() as { name: string; documents: number }[];
    let bytes: number | null = null;
    if (this.#path !== ':memory:') {
      bytes = directoryBytes(indexDirFor(this.#path));
      for (const suffix of ['', '-wal']) {
        try {
          bytes += statSync(this.#path + suffix).size;
        } catch {
          // The WAL file exists only while the database is in use.
        }
      }
    }
    return { ...counts, collections, bytes, schemaVersion: this.checkVersion() };
  }

  async close(): Promise<void> {
    await this.#writing;
    await this.#index.close();
    if (this.#db.open) this.#db.close();
  }
}

// ---------------------------------------------------------------------------

function prepareStatements(db: Database.Database) {
  return {
    documentByUrl: db.prepare('SELECT seq, id, content_hash FROM documents WHERE canonical_url = ?'),
    documentByHash: db.prepare('SELECT seq, id FROM documents WHERE content_hash = ? ORDER BY seq LIMIT 1'),
    documentById: db.prepare('SELECT * FROM documents WHERE id = ?'),
    insertDocument: db.prepare(
      `INSERT INTO documents (id, canonical_url, content_hash, title, source, author, published_at, published_ms, fetched_at, lang, frontmatter, body, origin, created_at, updated_at)
       VALUES (@id, @canonical_url, @content_hash, @title, @source, @author, @published_at, @published_ms, @fetched_at, @lang, @frontmatter, @body, @origin, @created_at, @updated_at)`,
    ),
    updateDocument: db.prepare(
      `UPDATE documents SET content_hash = @content_hash, title = @title, source = @source, author = @author,
         published_at = @published_at, published_ms = @published_ms, fetched_at = @fetched_at, lang = @lang,
         frontmatter = @frontmatter, body = @body, origin = @origin, updated_at = @updated_at, canonical_url = @canonical_url
       WHERE seq = @seq`,
    ),
    deleteChunks: db.prepare('DELETE FROM chunks WHERE document_seq = ?'),
    insertChunk: db.prepare('INSERT INTO chunks (document_seq, ordinal, start_offset, end_offset, page) VALUES (?, ?, ?, ?, ?)'),
    queueGarbage: db.prepare('INSERT OR IGNORE INTO index_garbage (chunk_id) SELECT id FROM chunks WHERE document_seq = ?'),
    garbage: db.prepare('SELECT chunk_id FROM index_garbage').pluck(),
    clearGarbage: db.prepare('DELETE FROM index_garbage WHERE chunk_id = ?'),
    indexedThrough: db.prepare("SELECT value FROM store_meta WHERE key = 'indexed_through'").pluck(),
    setIndexedThrough: db.prepare("UPDATE store_meta SET value = ? WHERE key = 'indexed_through'"),
    indexVersion: db.prepare("SELECT value FROM store_meta WHERE key = 'index_version'").pluck(),
    setIndexVersion: db.prepare("UPDATE store_meta SET value = ? WHERE key = 'index_version'"),
    maxChunkId: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'chunks'").pluck(),
    chunksAbove: db.prepare('SELECT id, document_seq, start_offset, end_offset FROM chunks WHERE id > ? ORDER BY id'),
    bodyOf: db.prepare('SELECT body FROM documents WHERE seq = ?').pluck(),
    bodyById: db.prepare('SELECT body FROM documents WHERE id = ?').pluck(),
    setChunkCount: db.prepare('UPDATE documents SET chunk_count = ? WHERE seq = ?'),
    chunkCount: db.prepare('SELECT chunk_count FROM documents WHERE seq = ?'),
    insertCollection: db.prepare('INSERT OR IGNORE INTO collections (name) VALUES (?)'),
    joinCollection: db.prepare(
      'INSERT OR IGNORE INTO document_collections (collection_id, document_seq) SELECT id, @seq FROM collections WHERE name = @name',
    ),
    collectionsOf: db.prepare(
      'SELECT c.name FROM document_collections dc JOIN collections c ON c.id = dc.collection_id WHERE dc.document_seq = ? ORDER BY c.name',
    ),
    chunksOf: db.prepare(
      'SELECT c.id, c.ordinal, c.start_offset, c.end_offset, c.page FROM chunks c JOIN documents d ON d.seq = c.document_seq WHERE d.id = ? ORDER BY c.ordinal',
    ),
  };
}

function documentParams(document: NewDocument) {
  return {
    canonical_url: document.canonicalUrl,
    content_hash: document.contentHash,
    title: document.title,
    source: document.source,
    author: document.author,
    published_at: document.publishedAt,
    published_ms: document.publishedAt ? parseTime(document.publishedAt) : null,
    fetched_at: document.fetchedAt,
    lang: document.lang,
    frontmatter: JSON.stringify(document.frontmatter),
    body: document.body,
    origin: document.origin,
  };
}

/** Bytes under a directory (the index), 0 when it does not exist yet. */
function directoryBytes(dir: string): number {
  let total = 0;
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
    }
  } catch {
    return 0;
  }
  return total;
}

/**
 * A failed write as one line: a full disk (SQLITE_FULL from SQLite, ENOSPC from the index) and a
 * writer locked out past the busy timeout are named; the store is consistent either way (`outcome`).
 */
function storeError(error: unknown, path: string, outcome: string): unknown {
  if (error instanceof ZhikuError) return error;
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  const message = (error as Error | null)?.message ?? String(error);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || /no space left on device|disk is full/i.test(message)) {
    return new ZhikuError('E_STORE', `the disk is full; ${outcome}`, { item: path, cause: error });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new ZhikuError('E_STORE', `another process kept the database locked past the busy timeout; ${outcome}`, { item: path, cause: error });
  }
  if (code.startsWith('SQLITE_')) return new ZhikuError('E_STORE', `${message.split('\n')[0]} (${code}); ${outcome}`, { item: path, cause: error });
  return error;
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
