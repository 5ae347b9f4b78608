/**
 * What a test may assert about an embedded library after a crash: no document twice, chunk rows that
 * agree with their documents, and a search index that agrees with the chunks.
 */
import { join } from 'node:path';
import * as lancedb from '@lancedb/lancedb';
import Database from 'better-sqlite3';
import { indexDirFor } from '../../src/library/store/sqlite/sqlite-store.js';

export interface LibraryCheck {
  documents: number;
  chunks: number;
  /** Documents whose content or origin another document already has. */
  duplicates: number;
  /** Documents whose chunk_count, ordinals or offsets disagree with their chunk rows. */
  badDocuments: string[];
  /** Chunk ids the index lacks. */
  unindexed: number[];
  /** Index rows naming no chunk (left for the next write to remove; never returned by search). */
  stale: number;
}

export async function checkLibrary(home: string): Promise<LibraryCheck> {
  const path = join(home, 'library.db');
  const db = new Database(path, { readonly: true, fileMustExist: true });
  let documents: { id: string; body: string; chunk_count: number; content_hash: string; origin: string | null; seq: number }[];
  let chunks: { id: number; document_seq: number; ordinal: number; start_offset: number; end_offset: number }[];
  try {
    db.pragma('busy_timeout = 10000');
    documents = db.prepare('SELECT seq, id, body, chunk_count, content_hash, origin FROM documents').all() as typeof documents;
    chunks = db.prepare('SELECT id, document_seq, ordinal, start_offset, end_offset FROM chunks ORDER BY document_seq, ordinal').all() as typeof chunks;
  } finally {
    db.close();
  }
  const hashes = new Set(documents.map((d) => d.content_hash));
  const origins = new Set(documents.map((d) => d.origin));
  const bySeq = new Map<number, typeof chunks>();
  for (const chunk of chunks) bySeq.set(chunk.document_seq, [...(bySeq.get(chunk.document_seq) ?? []), chunk]);
  const badDocuments = documents
    .filter((d) => {
      const own = bySeq.get(d.seq) ?? [];
      return own.length !== d.chunk_count || own.length === 0 || own.some((c, i) => c.ordinal !== i || c.start_offset < 0 || c.end_offset > d.body.length || c.start_offset >= c.end_offset);
    })
    .map((d) => d.id);
  const indexed = new Set(await indexChunkIds(indexDirFor(path)));
  const ids = new Set(chunks.map((c) => c.id));
  return {
    documents: documents.length,
    chunks: chunks.length,
    duplicates: documents.length - Math.min(hashes.size, origins.size),
    badDocuments,
    unindexed: chunks.filter((c) => !indexed.has(c.id)).map((c) => c.id),
    stale: [...indexed].filter((id) => !ids.has(id)).length,
  };
}

async function indexChunkIds(dir: string): Promise<number[]> {
  const connection = await lancedb.connect(dir);
  try {
    if (!(await connection.tableNames()).includes('chunks')) return [];
    const table = await connection.openTable('chunks');
    try {
      const rows = (await table.query().select(['chunk_id']).toArray()) as { chunk_id: number }[];
      return rows.map((row) => row.chunk_id);
    } finally {
      table.close();
    }
  } finally {
    connection.close();
  }
}
