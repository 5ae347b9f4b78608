/**
 * @module library/store/postgres/postgres-store
 * Scale-out driver: node-postgres over one schema of a PostgreSQL database. Every SQL statement of the
 * PostgreSQL store lives in this folder. Writers on many machines may run at once: a batch takes
 * transaction-level advisory locks on the canonical URLs and content hashes it writes (in sorted
 * order, so two batches never deadlock), which makes deduplication exact under concurrency.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
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
  StoreStats,
  StoredChunk,
  StoredDocument,
  StorySource,
  TokenQuery,
} from '../store.js';
import { isItemFailure } from '../store.js';
import { K1, bm25Sql, idf, indexedTokens, matchQuery, termFrequencySql, termQuery } from './full-text.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';

export const DRIVER_NAME = 'postgres';

export interface PostgresStoreOptions {
  /** Connection string, e.g. `postgresql://user:pass@host:5432/zhiku`. */
  url: string;
  /** Schema holding the tables. Default `zhiku`. */
  schema?: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Run migrations on open. Default true; `zhiku db migrate` opens without. */
  autoMigrate?: boolean;
  /** How long corpus statistics (chunk count, average length, term document frequencies) are reused. Default 60 s. */
  statsTtlMs?: number;
}

export const DEFAULT_SCHEMA = 'zhiku';

export const openPostgresStore: OpenStore<PostgresStoreOptions> = async (options) => {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new ZhikuError('E_CONFIG', 'schema must be a lower-case SQL identifier (letters, digits, _)', { item: schema });
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // search_path per connection: every statement of the driver names tables unqualified.
    options: `-c search_path=${schema}`,
    types: { getTypeParser: typeParser },
  });
  // An idle connection dropped by the server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const store = new PostgresStore(pool, schema, options);
  try {
    await store.connect();
    if (options.autoMigrate ?? true) await store.migrate();
    else await store.checkVersion();
    return store;
  } catch (error) {
    await pool.end();
    throw error;
  }
};

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'store.url';
  }
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
  frontmatter: Record<string, unknown>;
  body: string;
  origin: string | null;
  chunk_count: number;
  created_at: string;
  updated_at: string;
}

interface CorpusStats {
  chunks: number;
  avgLength: number;
  at: number;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

/** Postings scored in the first MaxScore round: the rarest terms up to this many chunks together. */
const ESSENTIAL_POSTINGS = 2_000;
/** The second round leaves out the most common terms once the others' postings reach this share of all chunks. */
const COMMON_TERM_SHARE = 0.03;

/** Advisory lock key of migrations (any constant shared by every build). */
const MIGRATION_LOCK = 0x7a68696b75;

class PostgresStore implements Store {
  readonly name = DRIVER_NAME;
  readonly capabilities = { vectors: false, concurrentWriters: true };
  /** Whether the server offers pgvector (`CREATE EXTENSION vector`); detected on open. */
  pgvectorAvailable = false;
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #url: string;
  readonly #statsTtlMs: number;
  #corpus: CorpusStats | null = null;
  readonly #frequencies = new Map<string, { df: number; at: number }>();

  constructor(pool: pg.Pool, schema: string, options: PostgresStoreOptions) {
    this.#pool = pool;
    this.#schema = schema;
    this.#url = options.url;
    this.#statsTtlMs = options.statsTtlMs ?? 60_000;
  }

  async connect(): Promise<void> {
    try {
      const { rows } = await this.#pool.query<{ available: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') AS available`);
      this.pgvectorAvailable = rows[0]!.available;
    } catch (error) {
      throw new ZhikuError('E_STORE', `cannot connect to PostgreSQL: ${(error as Error).message}`, { item: redactUrl(this.#url), cause: error });
    }
  }

  async checkVersion(client: Queryable = this.#pool): Promise<number> {
    const { rows } = await client.query<{ exists: boolean }>('SELECT to_regclass($1) IS NOT NULL AS exists', [`${this.#schema}.schema_meta`]);
    const version = rows[0]!.exists ? await this.#storedVersion(client) : 0;
    if (version > SCHEMA_VERSION) {
      throw new ZhikuError('E_SCHEMA_VERSION', `database schema version ${version} is newer than this build supports (${SCHEMA_VERSION}); upgrade zhiku`, {
        item: `${redactUrl(this.#url)} (schema ${this.#schema})`,
      });
    }
    return version;
  }

  async migrate(): Promise<MigrationResult> {
    return this.#transaction(async (client) => {
      // Several workers may start at once: one migrates, the others wait and find it done.
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const from = await this.checkVersion(client);
      if (from < SCHEMA_VERSION) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
        await client.query(`CREATE TABLE IF NOT EXISTS schema_meta (key text PRIMARY KEY, value text NOT NULL)`);
        for (let version = from; version < SCHEMA_VERSION; version++) await client.query(MIGRATIONS[version]!);
        await client.query(
          `INSERT INTO schema_meta (key, value) VALUES ('version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(SCHEMA_VERSION)],
        );
      }
      return { from, to: SCHEMA_VERSION };
    });
  }

  async putDocument(item: PutItem): Promise<PutResult> {
    const [result] = await this.putDocuments([item]);
    if (isItemFailure(result!)) throw new ZhikuError(result.code, result.reason, { item: result.item });
    return result!;
  }

  async putDocuments(items: readonly PutItem[]): Promise<Array<PutResult | ItemFailure>> {
    if (items.length === 0) return [];
    const results = await this.#transaction(async (client) => {
      const keys = new Set<string>();
      for (const { document } of items) {
        if (document.canonicalUrl) keys.add(lockKey(`url:${document.canonicalUrl}`));
        keys.add(lockKey(`hash:${document.contentHash}`));
      }
      await client.query(
        'SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT k FROM unnest($1::bigint[]) AS k ORDER BY k) AS sorted',
        [[...keys].sort(compareBigIntStrings)],
      );
      const out: Array<PutResult | ItemFailure> = [];
      for (const [index, item] of items.entries()) {
        // Each item in its own savepoint, so a failure rolls back only that item.
        await client.query('SAVEPOINT item');
        try {
          out.push(await this.#put(client, item));
          await client.query('RELEASE SAVEPOINT item');
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT item');
          out.push(toItemFailure(asStoreError(error), item.item ?? `item ${index + 1}`));
        }
      }
      return out;
    });
    this.#invalidateStats();
    return results;
  }

  async #put(client: Queryable, { document, chunks, collections = [] }: PutItem): Promise<PutResult> {
    validateChunks(document.body, chunks);
    const now = new Date().toISOString();
    let seq: number;
    let id: string;
    let status: PutResult['status'];
    const byUrl = document.canonicalUrl
      ? (await client.query<{ seq: number; id: string; content_hash: string }>('SELECT seq, id, content_hash FROM documents WHERE canonical_url = $1', [document.canonicalUrl])).rows[0]
      : undefined;
    if (byUrl) {
      ({ seq, id } = byUrl);
      if (byUrl.content_hash === document.contentHash) {
        status = 'unchanged';
      } else {
        status = 'updated';
        await client.query('DELETE FROM chunks WHERE document_seq = $1', [seq]);
        await client.query(
          `UPDATE documents SET canonical_url = $2, content_hash = $3, title = $4, source = $5, author = $6, published_at = $7,
             published_ms = $8, fetched_at = $9, lang = $10, frontmatter = $11, body = $12, origin = $13, updated_at = $14
           WHERE seq = $1`,
          [seq, ...documentParams(document), now],
        );
        await insertChunks(client, seq, chunks);
      }
    } else {
      const byHash = (await client.query<{ seq: number; id: string }>('SELECT seq, id FROM documents WHERE content_hash = $1 ORDER BY seq LIMIT 1', [document.contentHash])).rows[0];
      if (byHash) {
        ({ seq, id } = byHash);
        status = 'duplicate';
      } else {
        id = documentIdFor(document.canonicalUrl, document.contentHash);
        const inserted = await client.query<{ seq: number }>(
          `INSERT INTO documents (canonical_url, content_hash, title, source, author, published_at, published_ms, fetched_at, lang, frontmatter, body, origin, created_at, updated_at, id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) RETURNING seq`,
          [...documentParams(document), now, id],
        );
        seq = inserted.rows[0]!.seq;
        status = 'inserted';
        await insertChunks(client, seq, chunks);
      }
    }
    const names = [...new Set(collections)];
    if (names.length) {
      await client.query('INSERT INTO collections (name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING', [names]);
      await client.query(
        `INSERT INTO document_collections (collection_id, document_seq) SELECT id, $2 FROM collections WHERE name = ANY($1::text[])
         ON CONFLICT DO NOTHING`,
        [names, seq],
      );
    }
    const count = (await client.query<{ chunk_count: number }>('SELECT chunk_count FROM documents WHERE seq = $1', [seq])).rows[0]!.chunk_count;
    return { id, status, chunks: count };
  }

  async getDocument(id: string): Promise<StoredDocument | null> {
    const row = (
      await this.#query<DocumentRow & { collections: string[] }>(
        `SELECT d.*, coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM document_collections dc JOIN collections c ON c.id = dc.collection_id
                               WHERE dc.document_seq = d.seq), '{}') AS collections
         FROM documents d WHERE d.id = $1`,
        [id],
      )
    )[0];
    if (!row) return null;
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
      frontmatter: row.frontmatter,
      body: row.body,
      origin: row.origin,
      collections: row.collections,
      chunkCount: row.chunk_count,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async getChunks(id: string): Promise<StoredChunk[]> {
    const rows = await this.#query<{ id: number; ordinal: number; start_offset: number; end_offset: number; page: number | null; text: string }>(
      `SELECT c.id, c.ordinal, c.start_offset, c.end_offset, c.page, c.text FROM chunks c JOIN documents d ON d.seq = c.document_seq
       WHERE d.id = $1 ORDER BY c.ordinal`,
      [id],
    );
    return rows.map((r) => ({ id: r.id, documentId: id, ordinal: r.ordinal, start: r.start_offset, end: r.end_offset, text: r.text, page: r.page }));
  }

  async listDocuments(options: ListOptions = {}): Promise<DocumentSummary[]> {
    const params: unknown[] = [options.limit ?? 100, options.offset ?? 0];
    let where = '';
    if (options.collection) {
      params.push(options.collection);
      where = `WHERE d.seq IN (SELECT dc.document_seq FROM document_collections dc JOIN collections c ON c.id = dc.collection_id WHERE c.name = $3)`;
    }
    const rows = await this.#query<{
      id: string;
      title: string;
      source: string | null;
      published_at: string | null;
      chunk_count: number;
      updated_at: string;
      collections: string[];
    }>(
      `SELECT d.id, d.title, d.source, d.published_at, d.chunk_count, d.updated_at,
              coalesce((SELECT array_agg(c.name ORDER BY c.name) FROM document_collections dc JOIN collections c ON c.id = dc.collection_id
                        WHERE dc.document_seq = d.seq), '{}') AS collections
       FROM documents d ${where} ORDER BY d.seq LIMIT $1 OFFSET $2`,
      params,
    );
    return rows.map((r) => ({
      id: r.id,
      title: r.title,
      source: r.source,
      publishedAt: r.published_at,
      chunkCount: r.chunk_count,
      collections: r.collections,
      updatedAt: r.updated_at,
    }));
  }

  async deleteDocument(id: string): Promise<boolean> {
    const { rowCount } = await this.#pool.query('DELETE FROM documents WHERE id = $1', [id]);
    this.#invalidateStats();
    return (rowCount ?? 0) > 0;
  }

  async addSource(id: string, source: StorySource): Promise<boolean> {
    return this.#transaction(async (client) => {
      const row = (await client.query<{ seq: number; frontmatter: Record<string, unknown> }>('SELECT seq, frontmatter FROM documents WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!row) return false;
      const sources = Array.isArray(row.frontmatter.sources) ? (row.frontmatter.sources as StorySource[]) : [];
      if (source.url && sources.some((known) => known.url === source.url)) return false;
      const frontmatter = { ...row.frontmatter, sources: [...sources, source] };
      await client.query('UPDATE documents SET frontmatter = $2, updated_at = $3 WHERE seq = $1', [row.seq, JSON.stringify(frontmatter), new Date().toISOString()]);
      return true;
    });
  }

  /**
   * BM25 top-k with MaxScore pruning: only chunks holding one of the rarer ("essential") terms are
   * scored; the rest could score at most Σ idf·(k1+1) of the common terms, so once the k-th scored hit
   * beats that bound the answer is exact. Otherwise every chunk holding any term is scored.
   * Title-like queries mix rare and very common words; scoring every chunk with a common word is what
   * makes a naive `ORDER BY ts_rank` slow.
   */
  async search(query: TokenQuery): Promise<SearchHit[]> {
    const terms = [...new Set(query.terms)].filter((t) => t.length > 0 && !/\s/.test(t));
    if (terms.length === 0) return [];
    const corpus = await this.#corpusStats();
    if (corpus.chunks === 0) return [];
    const frequencies = await this.#documentFrequencies(terms);
    const idfs = frequencies.map((df) => idf(df, corpus.chunks));
    const wanted = query.limit + (query.offset ?? 0);
    if (query.mode === 'all') return (await this.#score(terms, idfs, corpus, matchQuery(terms, 'all'), wanted, query.filters)).slice(query.offset ?? 0);
    const byRarity = terms.map((_, i) => i).sort((a, b) => frequencies[a]! - frequencies[b]! || a - b);
    // Start with the rarest terms whose postings together stay small.
    let essential = 1;
    for (let seen = frequencies[byRarity[0]!]!; essential < terms.length && seen + frequencies[byRarity[essential]!]! <= ESSENTIAL_POSTINGS; essential++) {
      seen += frequencies[byRarity[essential]!]!;
    }
    const chosen = byRarity.slice(0, essential).map((i) => terms[i]!);
    const bound = byRarity.slice(essential).reduce((sum, i) => sum + idfs[i]! * (K1 + 1), 0);
    const hits = await this.#score(terms, idfs, corpus, matchQuery(chosen, 'any'), wanted, query.filters);
    if (essential === terms.length || (hits.length >= wanted && hits[wanted - 1]!.score > bound)) return hits.slice(query.offset ?? 0);
    // The bound did not prove the ranking. Scoring every chunk with a common word costs seconds at 100k
    // chunks, so the second round scores the chunks holding any term outside the most common ones: a chunk
    // with only very common words cannot compete with one holding a rarer term of a multi-term query.
    let wide = essential;
    for (let seen = 0; wide < terms.length && (wide < 2 || seen + frequencies[byRarity[wide]!]! <= corpus.chunks * COMMON_TERM_SHARE); wide++) seen += frequencies[byRarity[wide]!]!;
    const widened = byRarity.slice(0, Math.max(wide, essential + 1)).map((i) => terms[i]!);
    return (await this.#score(terms, idfs, corpus, matchQuery(widened, 'any'), wanted, query.filters)).slice(query.offset ?? 0);
  }

  /** The `limit` best chunks matching `match`, scored by BM25 over every term. */
  async #score(terms: readonly string[], idfs: readonly number[], corpus: CorpusStats, match: string, limit: number, filterOptions: SearchFilters = {}): Promise<SearchHit[]> {
    const params: unknown[] = [match, limit, idfs, corpus.avgLength];
    const termParams = terms.map((term) => params.push(termQuery(term)));
    const filters = this.#filterSql(filterOptions, params);
    // OFFSET 0 keeps the subquery from being flattened, so each ts_rank runs once per chunk.
    const rows = await this.#query<{
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
    }>(
      `SELECT c.id AS chunk_id, c.ordinal, c.start_offset, c.end_offset, c.page, c.text,
              d.id AS document_id, d.title, d.source, d.canonical_url, d.published_at,
              ${bm25Sql(terms.length, 3, 4)} AS score
       FROM chunks c
       JOIN documents d ON d.seq = c.document_seq
       CROSS JOIN LATERAL (SELECT ${termParams.map((param, i) => `${termFrequencySql(param)} AS tf${i}`).join(', ')} OFFSET 0) AS t
       WHERE c.tokens @@ $1::tsquery ${filters.map((f) => `AND ${f}`).join(' ')}
       ORDER BY score DESC, c.id
       LIMIT $2`,
      params,
    );
    return rows.map((r) => ({
      chunkId: r.chunk_id,
      documentId: r.document_id,
      ordinal: r.ordinal,
      start: r.start_offset,
      end: r.end_offset,
      page: r.page,
      text: r.text,
      score: r.score,
      title: r.title,
      source: r.source,
      canonicalUrl: r.canonical_url,
      publishedAt: r.published_at,
    }));
  }

  /**
   * Folds the GIN pending list (recent rows, searched linearly) into the index. Planner statistics are
   * left to autovacuum: every ingest ends with a refresh, and workers would otherwise ANALYZE per job.
   */
  async refresh(): Promise<void> {
    await this.#pool.query(`SELECT gin_clean_pending_list('chunks_tokens'::regclass)`);
    this.#invalidateStats();
  }

  async stats(): Promise<StoreStats> {
    const counts = (await this.#query<{ documents: number; chunks: number; bytes: number }>(
      `SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM chunks) AS chunks,
              (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')) AS bytes`,
      [this.#schema],
    ))[0]!;
    const collections = await this.#query<{ name: string; documents: number }>(
      `SELECT c.name, count(dc.document_seq) AS documents FROM collections c
       LEFT JOIN document_collections dc ON dc.collection_id = c.id GROUP BY c.id, c.name ORDER BY c.name`,
    );
    return { documents: counts.documents, chunks: counts.chunks, collections, bytes: counts.bytes, schemaVersion: await this.checkVersion() };
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }

  /** Search conditions on `d` (documents) for the filters, adding their parameters. */
  #filterSql(filters: SearchFilters, params: unknown[]): string[] {
    const conditions: string[] = [];
    const add = (value: unknown) => `$${params.push(value)}`;
    if (filters.collections?.length) {
      conditions.push(
        `d.seq IN (SELECT dc.document_seq FROM document_collections dc JOIN collections col ON col.id = dc.collection_id WHERE col.name = ANY(${add(filters.collections)}::text[]))`,
      );
    }
    if (filters.sources?.length) conditions.push(`d.source = ANY(${add(filters.sources)}::text[])`);
    if (filters.documentIds?.length) conditions.push(`d.id = ANY(${add(filters.documentIds)}::text[])`);
    if (filters.since) conditions.push(`d.published_ms >= ${add(requireTime(filters.since, 'since'))}`);
    if (filters.until) conditions.push(`d.published_ms < ${add(requireTime(filters.until, 'until'))}`);
    return conditions;
  }

  async #corpusStats(): Promise<CorpusStats> {
    if (this.#corpus && Date.now() - this.#corpus.at < this.#statsTtlMs) return this.#corpus;
    const row = (await this.#query<{ chunks: number; avg: number | null }>('SELECT count(*) AS chunks, avg(token_count)::float8 AS avg FROM chunks'))[0]!;
    this.#corpus = { chunks: row.chunks, avgLength: Math.max(1, row.avg ?? 1), at: Date.now() };
    return this.#corpus;
  }

  /** Chunks holding each term (GIN counts, one round trip for the terms not cached). */
  async #documentFrequencies(terms: readonly string[]): Promise<number[]> {
    const now = Date.now();
    const missing = terms.filter((term) => {
      const known = this.#frequencies.get(term);
      return !known || now - known.at >= this.#statsTtlMs;
    });
    if (missing.length) {
      const columns = missing.map((_, i) => `(SELECT count(*) FROM chunks WHERE tokens @@ $${i + 1}::tsquery) AS f${i}`);
      const row = (await this.#query<Record<string, number>>(`SELECT ${columns.join(', ')}`, missing.map(termQuery)))[0]!;
      if (this.#frequencies.size > 100_000) this.#frequencies.clear();
      missing.forEach((term, i) => this.#frequencies.set(term, { df: row[`f${i}`]!, at: now }));
    }
    return terms.map((term) => this.#frequencies.get(term)!.df);
  }

  #invalidateStats(): void {
    this.#corpus = null;
    this.#frequencies.clear();
  }

  async #storedVersion(client: Queryable): Promise<number> {
    const { rows } = await client.query<{ value: string }>(`SELECT value FROM ${this.#schema}.schema_meta WHERE key = 'version'`);
    return rows[0] ? Number(rows[0].value) : 0;
  }

  async #query<R extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<R[]> {
    return (await this.#pool.query<R>(text, params)).rows;
  }

  async #transaction<T>(body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

// ---------------------------------------------------------------------------

/** int8 and numeric counts as numbers: ids and counts stay far below 2^53. */
function typeParser(oid: number, format?: 'text' | 'binary'): (value: string) => unknown {
  if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
  return pg.types.getTypeParser(oid, format ?? 'text') as (value: string) => unknown;
}

function documentParams(document: NewDocument): unknown[] {
  return [
    document.canonicalUrl,
    document.contentHash,
    document.title,
    document.source,
    document.author,
    document.publishedAt,
    document.publishedAt ? parseTime(document.publishedAt) : null,
    document.fetchedAt,
    document.lang,
    JSON.stringify(document.frontmatter),
    document.body,
    document.origin,
  ];
}

function validateChunks(body: string, chunks: readonly NewChunk[]): void {
  chunks.forEach((chunk, index) => {
    if (chunk.ordinal !== index || chunk.start < 0 || chunk.end > body.length || body.slice(chunk.start, chunk.end) !== chunk.text) {
      throw new ZhikuError('E_INVALID_CHUNK', `chunk ${index} is not the body slice its offsets name`);
    }
  });
}

async function insertChunks(client: Queryable, seq: number, chunks: readonly NewChunk[]): Promise<void> {
  if (chunks.length) {
    const indexed = chunks.map((chunk) => indexedTokens(chunk.indexText));
    await client.query(
      `INSERT INTO chunks (document_seq, ordinal, start_offset, end_offset, page, text, token_count, tokens)
       SELECT $1, o, s, e, p, t, n, v::tsvector FROM unnest($2::int[], $3::int[], $4::int[], $5::int[], $6::text[], $7::int[], $8::text[]) AS u(o, s, e, p, t, n, v)`,
      [
        seq,
        chunks.map((c) => c.ordinal),
        chunks.map((c) => c.start),
        chunks.map((c) => c.end),
        chunks.map((c) => c.page),
        chunks.map((c) => c.text),
        indexed.map((i) => i.length),
        indexed.map((i) => i.vector),
      ],
    );
  }
  await client.query('UPDATE documents SET chunk_count = $2 WHERE seq = $1', [seq, chunks.length]);
}

/** A signed 64-bit advisory lock key from a string (as text, since JS numbers cannot hold it). */
function lockKey(text: string): string {
  return createHash('sha256').update(text).digest().readBigInt64BE(0).toString();
}

function compareBigIntStrings(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A database error while writing one item (a value PostgreSQL refuses) fails that item only. */
function asStoreError(error: unknown): unknown {
  if (error instanceof pg.DatabaseError) return new ZhikuError('E_STORE', error.message, { cause: error });
  return error;
}
