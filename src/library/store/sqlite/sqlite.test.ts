import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SILENT_LOGGER } from '../../../logger.js';
import { describeStoreConformance } from '../store.case.test.js';
import { SCHEMA_VERSION } from './migrations.js';
import { openSqliteStore } from './sqlite-store.js';

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
});
