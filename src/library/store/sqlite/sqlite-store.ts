/**
 * @module library/store/sqlite/sqlite-store
 * Embedded driver: one better-sqlite3 file (WAL, busy timeout), FTS5 with real bm25() over
 * pre-segmented tokens. Every SQL statement of the embedded store lives in this file.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
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
  SearchHit,
  Store,
  StoreDeps,
  StoredChunk,
  StoredDocument,
  TokenQuery,
} from '../store.js';
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
  } catch (error) {
    throw new ZhikuError('E_STORE', `cannot open database: ${(error as Error).message}`, { item: options.path, cause: error });
  }
  db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 10_000}`);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  const store = new SqliteStore(db, options.path, deps);
  try {
    if (options.autoMigrate ?? true) store.migrateSync();
    else store.checkVersion();
  } catch (error) {
    db.close();
    throw error;
  }
  return store;
};

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
  readonly #path: string;
  #statements: ReturnType<typeof prepareStatements> | undefined;

  constructor(db: Database.Database, path: string, _deps: StoreDeps) {
    this.#db = db;
    this.#path = path;
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
    return this.#db.transaction(() => this.#put(item)).immediate();
  }

  async putDocuments(items: readonly PutItem[]): Promise<Array<PutResult | ItemFailure>> {
    const put = this.#db.transaction((item: PutItem) => this.#put(item));
    // One outer transaction for speed; each item runs in its own savepoint so a failure rolls back only that item.
    return this.#db
      .transaction(() =>
        items.map((item, index) => {
          try {
            return put(item);
          } catch (error) {
            return toItemFailure(error, item.item ?? `item ${index + 1}`);
          }
        }),
      )
      .immediate();
  }

  #put({ document, chunks, collections = [] }: PutItem): PutResult {
    const sql = this.#sql;
    const now = new Date().toISOString();
    const byUrl = document.canonicalUrl
      ? (sql.documentByUrl.get(document.canonicalUrl) as { seq: number; id: string; content_hash: string } | undefined)
      : undefined;
    let seq: number;
    let id: string;
    let status: PutResult['status'];
    if (byUrl) {
      seq = byUrl.seq;
      id = byUrl.id;
      if (byUrl.content_hash === document.contentHash) {
        status = 'unchanged';
      } else {
        status = 'updated';
        sql.deleteChunkIndex.run(seq);
        sql.deleteChunks.run(seq);
        sql.updateDocument.run({ ...documentParams(document), seq, updated_at: now });
        this.#insertChunks(seq, document.body, chunks);
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
        this.#insertChunks(seq, document.body, chunks);
      }
    }
    for (const name of new Set(collections)) {
      sql.insertCollection.run(name);
      sql.joinCollection.run({ name, seq });
    }
    const count = (sql.chunkCount.get(seq) as { chunk_count: number }).chunk_count;
    return { id, status, chunks: count };
  }

  #insertChunks(seq: number, body: string, chunks: readonly NewChunk[]): void {
    const sql = this.#sql;
    chunks.forEach((chunk, index) => {
      if (chunk.ordinal !== index || chunk.start < 0 || chunk.end > body.length || body.slice(chunk.start, chunk.end) !== chunk.text) {
        throw new ZhikuError('E_INVALID_CHUNK', `chunk ${index} is not the body slice its offsets name`);
      }
      const info = sql.insertChunk.run(seq, chunk.ordinal, chunk.start, chunk.end, chunk.page, chunk.text);
      sql.insertChunkIndex.run(info.lastInsertRowid, chunk.tokens.join(' '));
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
    const rows = this.#sql.chunksOf.all(id) as {
      id: number;
      ordinal: number;
      start_offset: number;
      end_offset: number;
      page: number | null;
      text: string;
    }[];
    return rows.map((r) => ({ id: r.id, documentId: id, ordinal: r.ordinal, start: r.start_offset, end: r.end_offset, text: r.text, page: r.page }));
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

  async deleteDocument(id: string): Promise<boolean> {
    return this.#db
      .transaction(() => {
        const row = this.#sql.documentById.get(id) as DocumentRow | undefined;
        if (!row) return false;
        this.#sql.deleteChunkIndex.run(row.seq);
        this.#sql.deleteChunks.run(row.seq);
        this.#db.prepare('DELETE FROM documents WHERE seq = ?').run(row.seq);
        return true;
      })
      .immediate();
  }

  async search(query: TokenQuery): Promise<SearchHit[]> {
    const terms = [...new Set(query.terms)].filter((t) => t.length > 0);
    if (terms.length === 0) return [];
    const match = terms.map(quoteFtsTerm).join(query.mode === 'all' ? ' AND ' : ' OR ');
    const conditions: string[] = ['chunk_index MATCH ?'];
    const params: unknown[] = [match];
    const filters = query.filters ?? {};
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
    params.push(query.limit, query.offset ?? 0);
    const rows = this.#db
      .prepare(
        `SELECT c.id AS chunk_id, c.ordinal, c.start_offset, c.end_offset, c.page, c.text,
                d.id AS document_id, d.title, d.source, d.canonical_url, d.published_at,
                bm25(chunk_index) AS score
         FROM chunk_index
         JOIN chunks c ON c.id = chunk_index.rowid
         JOIN documents d ON d.seq = c.document_seq
         WHERE ${conditions.join(' AND ')}
         ORDER BY score, c.id
         LIMIT ? OFFSET ?`,
      )
      .all(...params) as {
      chunk_id: number;
      ordinal: number;
      start_offset: number;
      end_offset: number;
      page: number | null;
      text: string;
      document_id: string;
      title: string;
      source: string | null;
      canonical_url: string | null;
      published_at: string | null;
      score: number;
    }[];
    return rows.map((r) => ({
      chunkId: r.chunk_id,
      documentId: r.document_id,
      ordinal: r.ordinal,
      start: r.start_offset,
      end: r.end_offset,
      page: r.page,
      text: r.text,
      // bm25() is lower-is-better; the interface is higher-is-better.
      score: -r.score,
      title: r.title,
      source: r.source,
      canonicalUrl: r.canonical_url,
      publishedAt: r.published_at,
    }));
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
      bytes = 0;
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
    deleteChunkIndex: db.prepare('DELETE FROM chunk_index WHERE rowid IN (SELECT id FROM chunks WHERE document_seq = ?)'),
    deleteChunks: db.prepare('DELETE FROM chunks WHERE document_seq = ?'),
    insertChunk: db.prepare('INSERT INTO chunks (document_seq, ordinal, start_offset, end_offset, page, text) VALUES (?, ?, ?, ?, ?, ?)'),
    insertChunkIndex: db.prepare('INSERT INTO chunk_index (rowid, tokens) VALUES (?, ?)'),
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
      'SELECT c.id, c.ordinal, c.start_offset, c.end_offset, c.page, c.text FROM chunks c JOIN documents d ON d.seq = c.document_seq WHERE d.id = ? ORDER BY c.ordinal',
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

/** FTS5 string literal: tokens may hold quotes or operators, so every term is quoted. */
function quoteFtsTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}
