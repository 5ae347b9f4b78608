import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgCluster, startPgCluster } from '../../../../test/pg-cluster.js';
import { SILENT_LOGGER } from '../../../logger.js';
import { getSegmenter } from '../../../text/segment.js';
import { openSqliteStore } from '../sqlite/index.js';
import { describeStoreConformance, item } from '../store.case.test.js';
import type { Store } from '../store.js';
import { indexedTokens, matchQuery } from './full-text.js';
import { SCHEMA_VERSION } from './migrations.js';
import { openPostgresStore } from './postgres-store.js';

let cluster: PgCluster;
let url: string;
let counter = 0;
const deps = { logger: SILENT_LOGGER };
const segmenter = getSegmenter();

beforeAll(async () => {
  cluster = await startPgCluster();
  url = await cluster.createDatabase('zhiku_store_test');
});
afterAll(async () => {
  await cluster?.stop();
});

/** Each test gets its own schema: a fresh, empty store without a new database. */
const freshSchema = () => `t${process.pid}_${++counter}`;

describeStoreConformance({
  name: 'postgres',
  open: () => openPostgresStore({ url, schema: freshSchema(), poolSize: 4 }, deps),
});

describe('postgres driver', () => {
  it('records its schema version, refuses a newer one, and migrates only on request when asked', async () => {
    const schema = freshSchema();
    const manual = await openPostgresStore({ url, schema, autoMigrate: false }, deps);
    expect(await manual.migrate()).toEqual({ from: 0, to: SCHEMA_VERSION });
    expect(await manual.migrate()).toEqual({ from: SCHEMA_VERSION, to: SCHEMA_VERSION });
    await manual.close();
    const client = new pg.Client(url);
    await client.connect();
    await client.query(`UPDATE ${schema}.schema_meta SET value = $1 WHERE key = 'version'`, [String(SCHEMA_VERSION + 1)]);
    await client.end();
    await expect(openPostgresStore({ url, schema }, deps)).rejects.toMatchObject({ code: 'E_SCHEMA_VERSION' });
  });

  it('names the server, password masked, when it cannot connect, and refuses a schema name that is not an identifier', async () => {
    const closed = new URL(url);
    closed.port = '1';
    closed.password = 'secret';
    const error = await openPostgresStore({ url: closed.toString() }, deps).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'E_STORE', item: expect.stringContaining('***') });
    expect(String((error as { item: string }).item)).not.toContain('secret');
    await expect(openPostgresStore({ url, schema: 'x; DROP TABLE y' }, deps)).rejects.toMatchObject({ code: 'E_CONFIG', item: 'x; DROP TABLE y' });
  });

  it('runs without pgvector, declaring no vector support', async () => {
    const store = await openPostgresStore({ url, schema: freshSchema() }, deps);
    expect(store.capabilities).toEqual({ vectors: false, concurrentWriters: true });
    await store.close();
  });

  it('keeps term frequency in the tsvector and quotes operators and quotes in tokens', async () => {
    const client = new pg.Client(url);
    await client.connect();
    try {
      const { vector, length } = indexedTokens("glm-4.6 智谱 glm-4.6 joe's a\\b glm-4.6");
      expect(length).toBe(6);
      const row = (
        await client.query(`SELECT $1::tsvector @@ $2::tsquery AS all, $1::tsvector @@ $3::tsquery AS quoted, length($1::tsvector) AS lexemes`, [
          vector,
          matchQuery(['glm-4.6', '智谱'], 'all'),
          matchQuery(["joe's", 'a\\b'], 'all'),
        ])
      ).rows[0];
      expect(row).toEqual({ all: true, quoted: true, lexemes: 4 });
    } finally {
      await client.end();
    }
  });

  it('lets two stores write the same documents at once without duplicates', async () => {
    const schema = freshSchema();
    const first = await openPostgresStore({ url, schema }, deps);
    const second = await openPostgresStore({ url, schema }, deps);
    const bodies = Array.from({ length: 40 }, (_, i) => `第${i}篇：寒武纪与英伟达在推理芯片上竞争，编号${i}。`);
    const batch = (offset: number) =>
      bodies.map((_, i) => bodies[(i + offset) % bodies.length]!).map((body, i) => item({ body, canonicalUrl: i % 2 ? `https://example.com/${body.length}-${body}` : null }, ['chips']));
    const [a, b] = await Promise.all([first.putDocuments(batch(0)), second.putDocuments(batch(7))]);
    expect([...a, ...b].every((r) => 'status' in r)).toBe(true);
    const stats = await first.stats();
    expect(stats.documents).toBe(40);
    expect(stats.chunks).toBe(40);
    expect(stats.collections).toEqual([{ name: 'chips', documents: 40 }]);
    await Promise.all([first.close(), second.close()]);
  });

  it('ranks like the embedded driver: the same top hit for the same queries', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhiku-pg-vs-sqlite-'));
    const sqlite = await openSqliteStore({ path: join(dir, 'lib.db') }, deps);
    const postgres = await openPostgresStore({ url, schema: freshSchema() }, deps);
    const bodies = [
      '智谱发布GLM-4.6，上下文窗口扩展到200K，代码能力明显进步。',
      '深度求索发布DeepSeek-V3.2，主打稀疏注意力，推理成本下降。',
      '月之暗面发布Kimi K2，采用混合专家架构，开源权重。',
      '阿里通义千问发布Qwen3，覆盖多种参数规模，支持思考模式。',
      '寒武纪发布思元590芯片，面向大模型训练，英伟达回应出口管制。',
      '百度文心大模型更新，搜索与文心一言整合，强调多模态能力。',
      '稀宇科技发布MiniMax-M2，稀宇科技称其代码与智能体能力领先。',
      '多家公司发布新模型，其中包括稀宇科技与智谱的产品更新和开源计划。',
    ];
    const stores: Store[] = [sqlite, postgres];
    try {
      for (const store of stores) {
        await store.putDocuments(bodies.map((body, i) => item({ body, canonicalUrl: `https://example.com/${i}` })));
        await store.refresh();
      }
      for (const text of ['稀宇科技 代码', '智谱 开源', '芯片 出口管制', '多模态', 'deepseek-v3.2 推理']) {
        const terms = segmenter.tokenizeQuery(text);
        const [embedded, scaled] = await Promise.all(stores.map((store) => store.search({ terms, mode: 'any', limit: 3 })));
        expect(scaled!.map((h) => h.canonicalUrl)[0], text).toBe(embedded!.map((h) => h.canonicalUrl)[0]);
      }
    } finally {
      await Promise.all(stores.map((store) => store.close()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
