/**
 * @module library/store/sqlite/migrations
 * Versioned schema of the embedded store; the version lives in `PRAGMA user_version`.
 */

/** Schema 1's FTS5 tokenizer over pre-segmented tokens (kept so migration 1 stays as released). */
export const FTS_TOKENIZER = `unicode61 remove_diacritics 0 categories 'L* N* Co M* P* S*'`;

/** Migration N (1-based) brings the schema from version N-1 to N. Never edit a released step; append. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE documents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    canonical_url TEXT UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT,
    author TEXT,
    published_at TEXT,
    published_ms INTEGER,
    fetched_at TEXT,
    lang TEXT,
    frontmatter TEXT NOT NULL DEFAULT '{}',
    body TEXT NOT NULL,
    origin TEXT,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX documents_content_hash ON documents(content_hash);
  CREATE INDEX documents_source ON documents(source);
  CREATE INDEX documents_published ON documents(published_ms);
  CREATE TABLE collections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE document_collections (
    collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
    document_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, document_seq)
  ) WITHOUT ROWID;
  CREATE INDEX document_collections_document ON document_collections(document_seq);
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    document_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    page INTEGER,
    text TEXT NOT NULL,
    UNIQUE (document_seq, ordinal)
  );
  CREATE VIRTUAL TABLE chunk_index USING fts5(tokens, content='', contentless_delete=1, tokenize="${FTS_TOKENIZER}");
  `,
  // 2: the full-text index moves to the LanceDB directory beside the file (see chunk-index.ts); chunk
  // text is read from the body by offsets instead of being stored twice; chunk ids never repeat, so a
  // stale index row can never name a newer chunk.
  `
  DROP TABLE chunk_index;
  CREATE TABLE chunks_v2 (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_seq INTEGER NOT NULL REFERENCES documents(seq) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    start_offset INTEGER NOT NULL,
    end_offset INTEGER NOT NULL,
    page INTEGER,
    UNIQUE (document_seq, ordinal)
  );
  INSERT INTO chunks_v2 (id, document_seq, ordinal, start_offset, end_offset, page)
    SELECT id, document_seq, ordinal, start_offset, end_offset, page FROM chunks;
  DROP TABLE chunks;
  ALTER TABLE chunks_v2 RENAME TO chunks;
  -- indexed_through: every chunk id up to it is in the index; higher ones are indexed on the next write.
  CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  -- index_version: the index version this file last saw; another version means a writer changed the
  -- index and died before committing here.
  INSERT INTO store_meta (key, value) VALUES ('indexed_through', '0'), ('index_version', '-1');
  -- Chunk ids deleted from SQLite whose index rows are still to be removed.
  CREATE TABLE index_garbage (chunk_id INTEGER PRIMARY KEY);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
