import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CollectedItem } from '../../collect/types.js';
import { SILENT_LOGGER } from '../../logger.js';
import { getSegmenter } from '../../text/segment.js';
import { tempDir } from '../../../test/helpers.js';
import { Library } from '../library.js';
import { openSqliteStore } from '../store/sqlite/index.js';

const dir = tempDir('zhiku-ingest-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMPANIES = ['智谱', '月之暗面', '深度求索', '阿里云', '百度', '字节跳动', 'MiniMax', '腾讯'];

function corpus(count: number): CollectedItem[] {
  const items: CollectedItem[] = [];
  for (let i = 0; i < count; i++) {
    const company = COMPANIES[i % COMPANIES.length]!;
    const body = `${company}在第${i}期发布会上公布了新模型。${'上下文窗口扩展到200K，价格下调三成。'.repeat(1 + (i % 40))}编号${i}号文档到此结束。`;
    items.push({ kind: 'document', item: `doc-${i}.md`, input: { title: `${company} 第${i}期`, body, canonicalUrl: `https://example.com/${i}` } });
    if (i === 40) items.push({ kind: 'failed', item: 'broken.md', code: 'E_PARSE', reason: 'not UTF-8' });
  }
  return items;
}

async function ingestWith(threads: number, name: string) {
  const store = await openSqliteStore({ path: join(dir, `${name}.db`) }, { logger: SILENT_LOGGER });
  const library = new Library(store, getSegmenter());
  const report = await library.ingest(corpus(120), { threads, batchSize: 16 });
  const chunks = await Promise.all(report.items.filter((o) => 'id' in o).map((o) => library.getChunks((o as { id: string }).id)));
  const hits = await library.search('月之暗面 上下文', { limit: 5 });
  await library.close();
  return { report, chunks, hits };
}

describe('ingest on worker threads', () => {
  it('stores exactly what single-threaded ingest stores, in input order, with failures named', async () => {
    const single = await ingestWith(1, 'single');
    const pooled = await ingestWith(2, 'pooled');
    expect(pooled.report.inserted).toBe(120);
    expect(pooled.report.items.map((o) => o.item)).toEqual(single.report.items.map((o) => o.item));
    expect(pooled.report.items.map((o) => o.status)).toEqual(single.report.items.map((o) => o.status));
    expect(pooled.report.items.find((o) => o.item === 'broken.md')).toMatchObject({ status: 'failed', code: 'E_PARSE' });
    expect(pooled.chunks).toEqual(single.chunks);
    expect(pooled.hits.hits.map((h) => [h.documentId, h.ordinal])).toEqual(single.hits.hits.map((h) => [h.documentId, h.ordinal]));
    expect(pooled.hits.hits[0]?.title).toMatch(/^月之暗面/);
  });
});
