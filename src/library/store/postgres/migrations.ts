/**
 * @module library/store/postgres/migrations
 * Versioned schema of the PostgreSQL store, inside its own schema (`search_path` is set per connection).
 * The same tables as the embedded store; the full-text index is a GIN index over a tsvector column.
 */

/** Migration N (1-based) brings the schema from version N-1 to N. Never edit a released step; append. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE documents (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    canonical_url text UNIQUE,
    content_hash text NOT NULL,
    title text NOT NULL,
    source text,
    author text,
    published_at text,
    published_ms bigint,
    fetched_at text,
    lang text,
    frontmatter jsonb NOT NULL DEFAULT '{}',
    body text NOT NULL,
    origin text,
    chunk_count integer NOT NULL DEFAULT 0,
    created_at text NOT NULL,
    updated_at text NOT NULL
  );
  CREATE INDEX documents_content_hash ON documents (content_hash);
  CREATE INDEX documents_source ON documents (source);
  CREATE INDEX documents_published ON documents (published_ms);
  CREATE TABLE collections (
    id serial PRIMARY KEY,
    name text NOT NULL UNIQUE
  );
  CREATE TABLE document_collections (
    collection_id integer NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    document_seq bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    PRIMARY KEY (collection_id, document_seq)
  );
  CREATE INDEX document_collections_document ON document_collections (document_seq);
  -- Chunk text is kept beside the body: PostgreSQL counts offsets in code points, the API in UTF-16
  -- units, so slicing the body in SQL would be wrong for characters outside the BMP.
  -- tokens: each index token once, with positions 1..tf, so ts_rank yields the term frequency (full-text.ts).
  CREATE TABLE chunks (
    id bigserial PRIMARY KEY,
    document_seq bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    ordinal integer NOT NULL,
    start_offset integer NOT NULL,
    end_offset integer NOT NULL,
    page integer,
    text text NOT NULL,
    token_count integer NOT NULL,
    tokens tsvector NOT NULL,
    UNIQUE (document_seq, ordinal)
  );
  CREATE INDEX chunks_tokens ON chunks USING gin (tokens);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
