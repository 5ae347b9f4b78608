/**
 * @module library/store/sqlite/chunk-index
 * The embedded driver's full-text index: LanceDB's native inverted index (BM25 with block-max WAND,
 * so a top-10 query does not score every matching chunk) over pre-segmented tokens, in a directory
 * beside the SQLite file. SQLite stays the source of truth; this index can always be rebuilt from it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import { Field, Int32, Schema, Table as ArrowTable, Utf8, vectorFromArray } from 'apache-arrow';
import { ZhikuError } from '../../../errors.js';

export interface IndexRow {
  chunkId: number;
  documentSeq: number;
  /** Index tokens joined by single spaces (tokens never hold whitespace). */
  tokens: string;
}

export interface IndexQuery {
  terms: readonly string[];
  mode: 'all' | 'any';
  limit: number;
  /** Restrict to these documents (resolved from filters by the caller). */
  documentSeqs?: readonly number[];
}

export interface IndexHit {
  chunkId: number;
  score: number;
}

const TABLE = 'chunks';
const COLUMN = 'tokens';
const SCHEMA = new Schema([
  new Field('chunk_id', new Int32(), false),
  new Field('document_seq', new Int32(), false),
  new Field(COLUMN, new Utf8(), false),
]);
// Tokens arrive segmented and normalised: split on whitespace only and change nothing. Lance's
// defaults (punctuation split, stemming, 40-byte cap) would break `gpt-4.5` and long CJK terms.
const FTS_OPTIONS = {
  baseTokenizer: 'whitespace',
  lowercase: false,
  stem: false,
  removeStopWords: false,
  asciiFolding: false,
  withPosition: false,
  maxTokenLength: 1000,
} as const;

export class ChunkIndex {
  readonly #connection: lancedb.Connection;
  readonly #temporary: string | null;
  #table: lancedb.Table | null;
  #hasIndex = false;

  private constructor(connection: lancedb.Connection, table: lancedb.Table | null, temporary: string | null) {
    this.#connection = connection;
    this.#table = table;
    this.#temporary = temporary;
  }

  /** Opens (or starts) the index in `dir`; `null` keeps it in a temporary directory removed on close. */
  static async open(dir: string | null): Promise<ChunkIndex> {
    const temporary = dir === null ? mkdtempSync(join(tmpdir(), 'zhiku-index-')) : null;
    const location = dir ?? temporary!;
    try {
      // Every read checks for versions other processes wrote: writers take turns under SQLite's lock,
      // and each must see the table (and the rows) the one before it left.
      const connection = await lancedb.connect(location, { readConsistencyInterval: 0 });
      const table = (await connection.tableNames()).includes(TABLE) ? await connection.openTable(TABLE) : null;
      const index = new ChunkIndex(connection, table, temporary);
      if (table) index.#hasIndex = (await table.listIndices()).some((i) => i.columns.includes(COLUMN));
      return index;
    } catch (error) {
      if (temporary) rmSync(temporary, { recursive: true, force: true });
      throw new ZhikuError('E_STORE', `cannot open the search index: ${(error as Error).message}`, { item: location, cause: error });
    }
  }

  async add(rows: readonly IndexRow[]): Promise<void> {
    if (rows.length === 0) return;
    // Column vectors built directly: several times faster than letting Arrow infer them from row objects.
    const data = new ArrowTable(SCHEMA, {
      chunk_id: vectorFromArray(Int32Array.from(rows, (r) => r.chunkId)),
      document_seq: vectorFromArray(Int32Array.from(rows, (r) => r.documentSeq)),
      tokens: vectorFromArray(
        rows.map((r) => r.tokens),
        new Utf8(),
      ),
    });
    let table = await this.#opened();
    if (!table) {
      table = this.#table = await this.#connection.createTable(TABLE, data, { schema: SCHEMA });
    } else {
      await table.add(data);
    }
    // Search needs an index to exist; rows added after it are searched exhaustively until `refresh`.
    if (!this.#hasIndex) {
      await table.createIndex(COLUMN, { config: lancedb.Index.fts(FTS_OPTIONS) });
      this.#hasIndex = true;
    }
  }

  async removeChunks(chunkIds: readonly number[]): Promise<void> {
    if (!this.#table || chunkIds.length === 0) return;
    for (let i = 0; i < chunkIds.length; i += 5_000) {
      await this.#table.delete(`chunk_id IN (${chunkIds.slice(i, i + 5_000).join(',')})`);
    }
  }

  /** Removes rows above a chunk id: what a write interrupted before SQLite knew of it may have left. */
  async removeAbove(chunkId: number): Promise<void> {
    if (this.#table) await this.#table.delete(`chunk_id > ${chunkId}`);
  }

  /** Grows with every change to the index, so a writer can tell whether someone else wrote to it. */
  async version(): Promise<number> {
    const table = await this.#opened();
    return table ? table.version() : 0;
  }

  async count(): Promise<number> {
    return this.#table ? this.#table.countRows() : 0;
  }

  /** Folds rows added since the last refresh into the inverted index and compacts small fragments. */
  async refresh(): Promise<void> {
    if (!this.#table) return;
    const stats = await this.#table.indexStats(`${COLUMN}_idx`);
    if (stats && stats.numUnindexedRows === 0) return;
    await this.#table.optimize({ cleanupOlderThan: new Date() });
  }

  async search(query: IndexQuery): Promise<IndexHit[]> {
    const table = await this.#opened();
    if (!table || query.terms.length === 0) return [];
    if (!this.#hasIndex) this.#hasIndex = (await table.listIndices()).some((i) => i.columns.includes(COLUMN));
    if (!this.#hasIndex) return [];
    if (query.documentSeqs && query.documentSeqs.length === 0) return [];
    const match = new lancedb.MatchQuery(query.terms.join(' '), COLUMN, {
      operator: query.mode === 'all' ? lancedb.Operator.And : lancedb.Operator.Or,
    });
    let builder = table.query().fullTextSearch(match, { columns: COLUMN }).select(['chunk_id', '_score']).limit(query.limit);
    if (query.documentSeqs) builder = builder.where(`document_seq IN (${query.documentSeqs.join(',')})`);
    const rows = (await builder.toArray()) as { chunk_id: number; _score: number }[];
    return rows.map((r) => ({ chunkId: r.chunk_id, score: r._score }));
  }

  /** The table, opened here when another process created it after this index was opened. */
  async #opened(): Promise<lancedb.Table | null> {
    if (!this.#table && (await this.#connection.tableNames()).includes(TABLE)) {
      this.#table = await this.#connection.openTable(TABLE);
      this.#hasIndex = (await this.#table.listIndices()).some((i) => i.columns.includes(COLUMN));
    }
    return this.#table;
  }

  async close(): Promise<void> {
    this.#table?.close();
    this.#connection.close();
    if (this.#temporary) rmSync(this.#temporary, { recursive: true, force: true });
  }
}
