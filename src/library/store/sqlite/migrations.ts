/**
 * @module library/store/sqlite/migrations
 * Versioned schema of the embedded store; the version lives in `PRAGMA user_version`.
 */

/** FTS5 over pre-segmented tokens: every character class is a token character, so only spaces split. */
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
];

export const SCHEMA_VERSION = MIGRATIONS.length;
