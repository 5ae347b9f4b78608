import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../../logger.js';
import { getSegmenter } from '../../../text/segment.js';
import { describeStoreConformance, item } from '../store.case.test.js';
import { ChunkIndex } from './chunk-index.js';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations.js';
import { indexDirFor, openSqliteStore } from './sqlite-store.js';

const segmenter = getSegmenter();
const indexText = (text: string) => segmenter.indexText(text);

const dir = mkdtempSync(join(tmpdir(), 'zhiku-sqlite-'));
let counter = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreConformance({
  name: 'sqlite',
  open: () => openSqliteStore({ path: join(dir, `store-${++counter}.db`) }, { logger: SILENT_LOGGER }),
});

describe('sqlite driver', () => {
  it('creates the schema in an empty file and records its version', async () => {
    const path = join(dir, 'fresh.db');
    const store = await openSqliteStore({ path }, { logger: SILENT_LOGGER });
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a file that is not a database, or a directory, with one E_STORE error naming it', async () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'these are notes, not a database\n'.repeat(200));
    await expect(openSqliteStore({ path }, { logger: SILENT_LOGGER })).rejects.toMatchObject({ code: 'E_STORE', item: path, message: expect.stringMatching(/^cannot open database: file is not a database/) });
    const folder = join(dir, 'folder.db');
    mkdirSync(folder);
    await expect(openSqliteStore({ path: folder }, { logger: SILENT_LOGGER })).rejects.toMatchObject({ code: 'E_STORE', item: folder });
  });

  it('refuses a database written by a newer schema', async () => {
    const path = join(dir, 'newer.db');
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    await expect(openSqliteStore({ path }, { logger: SILENT_LOGGER })).rejects.toMatchObject({ code: 'E_SCHEMA_VERSION' });
  });

  it('does not open an unmigrated file when auto-migration is off, and migrates on request', async () => {
    const path = join(dir, 'manual.db');
    const store = await openSqliteStore({ path, autoMigrate: false }, { logger: SILENT_LOGGER });
    expect(await store.migrate()).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(await store.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    await store.close();
  });

  it('builds the search index for a library written before the index existed (schema 1)', async () => {
    const path = join(dir, 'v1.db');
    const db = new Database(path);
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    const body = '寒武纪发布思元590芯片。英伟达回应出口管制。';
    db.prepare(
      `INSERT INTO documents (seq, id, content_hash, title, body, created_at, updated_at) VALUES (1, 'd1', 'h', 't', ?, '2025-01-01', '2025-01-01')`,
    ).run(body);
    db.prepare(`INSERT INTO chunks (id, document_seq, ordinal, start_offset, end_offset, text) VALUES (7, 1, 0, 0, ?, ?)`).run(body.length, body);
    db.close();
    const store = await openSqliteStore({ path }, { logger: SILENT_LOGGER, indexText });
    const hits = await store.search({ terms: ['思元'], mode: 'any', limit: 5 });
    expect(hits.map((h) => [h.chunkId, h.text])).toEqual([[7, body]]);
    // New chunk ids continue after the migrated ones, never reusing one.
    const added = await store.putDocument(item({ body: '华为发布新款手机。', canonicalUrl: 'https://example.com/n' }));
    expect((await store.getChunks(added.id))[0]!.id).toBeGreaterThan(7);
    expect((await store.search({ terms: segmenter.tokenizeForIndex('华为发布新款手机'), mode: 'all', limit: 5 })).map((h) => h.documentId)).toEqual([added.id]);
    await store.close();
  });

  it('rebuilds a removed index directory from the stored text on open', async () => {
    const path = join(dir, 'rebuild.db');
    let store = await openSqliteStore({ path }, { logger: SILENT_LOGGER, indexText });
    await store.putDocument(item({ body: '月之暗面发布Kimi K2。', canonicalUrl: 'https://example.com/k' }));
    await store.close();
    rmSync(indexDirFor(path), { recursive: true, force: true });
    store = await openSqliteStore({ path }, { logger: SILENT_LOGGER, indexText });
    expect(await store.search({ terms: ['月之暗面'], mode: 'any', limit: 5 })).toHaveLength(1);
    await store.close();
  });

  it('removes the index rows of deleted and replaced chunks, and drops rows left above the mark by an interrupted write', async () => {
    const path = join(dir, 'garbage.db');
    let store = await openSqliteStore({ path }, { logger: SILENT_LOGGER, indexText });
    await store.putDocument(item({ body: '智谱发布GLM-4.6。'.repeat(30), canonicalUrl: 'https://example.com/g' }));
    const replaced = await store.putDocument(item({ body: '智谱发布GLM-4.5。', canonicalUrl: 'https://example.com/g' }));
    expect(replaced.status).toBe('updated');
    const other = await store.putDocument(item({ body: '百度发布文心大模型。', canonicalUrl: 'https://example.com/b' }));
    await store.deleteDocument(other.id);
    await store.close();
    // Simulate a writer that added index rows and died before committing.
    const index = await ChunkIndex.open(indexDirFor(path));
    expect(await index.count()).toBe(1);
    await index.add([{ chunkId: 10_000, documentSeq: 99, tokens: '幽灵' }]);
    await index.close();
    store = await openSqliteStore({ path }, { logger: SILENT_LOGGER, indexText });
    await store.putDocument(item({ body: '阿里发布通义千问。', canonicalUrl: 'https://example.com/q' }));
    await store.close();
    const after = await ChunkIndex.open(indexDirFor(path));
    expect(await after.count()).toBe(2);
    expect(await after.search({ terms: ['幽灵'], mode: 'any', limit: 5 })).toEqual([]);
    await after.close();
  });
});
