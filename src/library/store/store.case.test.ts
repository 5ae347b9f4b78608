/**
 * The store conformance suite. Every driver's test file calls `describeStoreConformance`; a driver
 * that cannot support a case names the capability or reason in `skip`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isZhikuError } from '../../errors.js';
import { getSegmenter } from '../../text/segment.js';
import { type DocumentInput, prepareDocument } from '../prepare.js';
import { type PutItem, type Store, isItemFailure } from './store.js';

export interface StoreConformanceOptions {
  name: string;
  /** Opens a fresh, empty store for one test. */
  open: () => Promise<Store>;
  skip?: { reason: string; tests: string[] }[];
}

const segmenter = getSegmenter();

export function item(input: Partial<DocumentInput> & { body: string }, collections: string[] = []): PutItem {
  return prepareDocument({ title: input.title ?? input.body.slice(0, 12), ...input }, { segmenter, collections, targetUnits: 40 });
}

const ARTICLE =
  '智谱在九月发布了GLM-4.6，上下文窗口扩展到200K。新模型在代码任务上明显进步。\n\n' +
  '开发者可以通过开放平台调用，价格与上一代相同。深度求索随后发布DeepSeek-V3.2，主打稀疏注意力。\n\n' +
  '两家公司都把开源作为重要策略，社区反响热烈。';

export function describeStoreConformance(options: StoreConformanceOptions): void {
  const skipped = new Set(options.skip?.flatMap((s) => s.tests) ?? []);
  const test = (name: string, fn: () => Promise<void>) => it.skipIf(skipped.has(name))(name, fn);

  describe(`store conformance: ${options.name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await options.open();
    });
    afterEach(async () => {
      await store.close();
    });

    test('starts empty at the newest schema version and migrates idempotently', async () => {
      const stats = await store.stats();
      expect(stats.documents).toBe(0);
      expect(stats.chunks).toBe(0);
      const again = await store.migrate();
      expect(again.from).toBe(again.to);
      expect(again.to).toBe(stats.schemaVersion);
    });

    test('puts and gets a document with its chunks verbatim', async () => {
      const body = `${ARTICLE}\r\n  trailing  `;
      const put = await store.putDocument(
        item(
          { body, title: 'GLM-4.6 发布', canonicalUrl: 'https://example.com/a', source: '极客公园', author: '黎诗韵', publishedAt: '2025-09-30', frontmatter: { tags: ['AI'] } },
          ['news'],
        ),
      );
      expect(put.status).toBe('inserted');
      expect(put.chunks).toBeGreaterThan(1);
      const doc = await store.getDocument(put.id);
      expect(doc).not.toBeNull();
      expect(doc!.body).toBe(body);
      expect(doc!.title).toBe('GLM-4.6 发布');
      expect(doc!.source).toBe('极客公园');
      expect(doc!.author).toBe('黎诗韵');
      expect(doc!.publishedAt).toBe('2025-09-30');
      expect(doc!.frontmatter).toEqual({ tags: ['AI'] });
      expect(doc!.collections).toEqual(['news']);
      expect(doc!.chunkCount).toBe(put.chunks);
      const chunks = await store.getChunks(put.id);
      expect(chunks.map((c) => c.ordinal)).toEqual([...Array(put.chunks).keys()]);
      for (const chunk of chunks) expect(body.slice(chunk.start, chunk.end)).toBe(chunk.text);
      expect(await store.getDocument('dmissing')).toBeNull();
    });

    test('updates in place on the same canonical URL, keeping the id', async () => {
      const first = await store.putDocument(item({ body: ARTICLE, canonicalUrl: 'https://example.com/a' }));
      const same = await store.putDocument(item({ body: ARTICLE, canonicalUrl: 'https://example.com/a' }));
      expect(same).toMatchObject({ id: first.id, status: 'unchanged' });
      const updated = await store.putDocument(item({ body: '月之暗面发布Kimi K2，采用混合专家架构。', canonicalUrl: 'https://example.com/a' }));
      expect(updated).toMatchObject({ id: first.id, status: 'updated', chunks: 1 });
      expect((await store.stats()).documents).toBe(1);
      expect((await store.stats()).chunks).toBe(1);
      expect(await store.search({ terms: ['glm-4.6'], mode: 'any', limit: 10 })).toHaveLength(0);
      const hits = await store.search({ terms: ['kimi'], mode: 'any', limit: 10 });
      expect(hits.map((h) => h.documentId)).toEqual([first.id]);
    });

    test('skips the same content as a duplicate but joins the new collection', async () => {
      const first = await store.putDocument(item({ body: ARTICLE }, ['a']));
      const again = await store.putDocument(item({ body: ARTICLE.normalize('NFD'), title: 'other title' }, ['b']));
      expect(again).toMatchObject({ id: first.id, status: 'duplicate' });
      const doc = await store.getDocument(first.id);
      expect(doc!.collections).toEqual(['a', 'b']);
      expect((await store.stats()).documents).toBe(1);
    });

    test('records another source of a stored story once, keeping the document', async () => {
      const first = await store.putDocument(item({ body: ARTICLE, canonicalUrl: 'https://example.com/story', frontmatter: { format: 'web' } }));
      const source = { url: 'https://mirror.example.org/copy', title: '转载', source: '另一个号', author: null, publishedAt: '2025-11-11', fetchedAt: null, distance: 4 };
      expect(await store.addSource(first.id, source)).toBe(true);
      expect(await store.addSource(first.id, source)).toBe(false);
      expect(await store.addSource('dmissing', source)).toBe(false);
      const doc = await store.getDocument(first.id);
      expect(doc!.frontmatter).toEqual({ format: 'web', sources: [source] });
      expect(doc!.body).toBe(ARTICLE);
      expect((await store.stats()).documents).toBe(1);
    });

    test('rolls back a document whose chunks fail, leaving the store unchanged', async () => {
      await store.putDocument(item({ body: ARTICLE, canonicalUrl: 'https://example.com/keep' }));
      const before = await store.stats();
      const bad = item({ body: '英伟达发布新一代GPU。寒武纪股价上涨。华为昇腾扩产。'.repeat(5), canonicalUrl: 'https://example.com/bad' }, ['x']);
      const chunks = bad.chunks.map((c, i) => (i === 1 ? { ...c, text: `${c.text}!` } : c));
      expect(chunks.length).toBeGreaterThan(1);
      const error = await store.putDocument({ ...bad, chunks }).catch((e: unknown) => e);
      expect(isZhikuError(error) && error.code).toBe('E_INVALID_CHUNK');
      // Content is unchanged; the size on disk may move (a write-ahead log grows).
      expect({ ...(await store.stats()), bytes: null }).toEqual({ ...before, bytes: null });
      expect(await store.search({ terms: ['英伟达'], mode: 'any', limit: 5 })).toHaveLength(0);
      // A failing item in a batch rolls back alone; the others land.
      const results = await store.putDocuments([
        item({ body: '第一篇：百川智能发布新模型。' }),
        { ...bad, chunks },
        item({ body: '第三篇：零一万物调整战略。' }),
      ]);
      expect(results.map((r) => (isItemFailure(r) ? r.code : r.status))).toEqual(['inserted', 'E_INVALID_CHUNK', 'inserted']);
      expect((await store.stats()).documents).toBe(before.documents + 2);
      expect(await store.search({ terms: ['英伟达'], mode: 'any', limit: 5 })).toHaveLength(0);
    });

    test('scopes search and listing to collections', async () => {
      const a = await store.putDocument(item({ body: '腾讯混元发布新版本，强化多模态理解。' }, ['tencent']));
      const b = await store.putDocument(item({ body: '阿里通义千问发布新版本，强化多模态理解。' }, ['alibaba']));
      await store.putDocument(item({ body: '阿里通义千问发布新版本，强化多模态理解。' }, ['both']));
      const all = await store.search({ terms: ['多模态'], mode: 'all', limit: 10 });
      expect(new Set(all.map((h) => h.documentId))).toEqual(new Set([a.id, b.id]));
      const scoped = await store.search({ terms: ['多模态'], mode: 'all', limit: 10, filters: { collections: ['tencent'] } });
      expect(scoped.map((h) => h.documentId)).toEqual([a.id]);
      const listed = await store.listDocuments({ collection: 'both' });
      expect(listed.map((d) => d.id)).toEqual([b.id]);
      expect(listed[0]!.collections).toEqual(['alibaba', 'both']);
      const stats = await store.stats();
      expect(stats.collections).toEqual([
        { name: 'alibaba', documents: 1 },
        { name: 'both', documents: 1 },
        { name: 'tencent', documents: 1 },
      ]);
    });

    test('ranks by BM25 and filters by source, date and document', async () => {
      const rare = await store.putDocument(item({ body: '稀宇科技发布MiniMax-M2，稀宇科技称其代码能力领先。', source: 'A', publishedAt: '2025-10-27' }));
      const common = await store.putDocument(item({ body: '多家公司发布新模型，其中包括稀宇科技的产品和其他公司的大量产品更新。', source: 'B', publishedAt: '2024-01-05T10:00:00+08:00' }));
      const hits = await store.search({ terms: ['稀宇科技'], mode: 'any', limit: 10 });
      expect(hits.map((h) => h.documentId)).toEqual([rare.id, common.id]);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      const bySource = await store.search({ terms: ['稀宇科技'], mode: 'any', limit: 10, filters: { sources: ['B'] } });
      expect(bySource.map((h) => h.documentId)).toEqual([common.id]);
      const recent = await store.search({ terms: ['稀宇科技'], mode: 'any', limit: 10, filters: { since: '2025-01-01' } });
      expect(recent.map((h) => h.documentId)).toEqual([rare.id]);
      const old = await store.search({ terms: ['稀宇科技'], mode: 'any', limit: 10, filters: { until: '2025-01-01' } });
      expect(old.map((h) => h.documentId)).toEqual([common.id]);
      const byDoc = await store.search({ terms: ['稀宇科技'], mode: 'any', limit: 10, filters: { documentIds: [common.id] } });
      expect(byDoc.map((h) => h.documentId)).toEqual([common.id]);
      const both = await store.search({ terms: ['minimax-m2', '稀宇科技'], mode: 'all', limit: 10 });
      expect(both.map((h) => h.documentId)).toEqual([rare.id]);
    });

    test('keeps model-name tokens whole: glm-4.6 never matches glm-4.5', async () => {
      const six = await store.putDocument(item({ body: '智谱发布GLM-4.6。' }));
      const five = await store.putDocument(item({ body: '智谱发布GLM-4.5。' }));
      expect((await store.search({ terms: ['glm-4.6'], mode: 'any', limit: 10 })).map((h) => h.documentId)).toEqual([six.id]);
      const glm = await store.search({ terms: ['glm'], mode: 'any', limit: 10 });
      expect(new Set(glm.map((h) => h.documentId))).toEqual(new Set([six.id, five.id]));
    });

    test('treats query operators in terms as plain text', async () => {
      await store.putDocument(item({ body: 'C++ and "quotes" AND NOT near' }));
      expect(await store.search({ terms: ['"', 'and', 'not', '*', 'near('], mode: 'any', limit: 5 })).toEqual(expect.any(Array));
    });

    test('deletes a document with its chunks and index entries', async () => {
      const put = await store.putDocument(item({ body: ARTICLE }, ['c']));
      expect(await store.deleteDocument(put.id)).toBe(true);
      expect(await store.deleteDocument(put.id)).toBe(false);
      expect(await store.getDocument(put.id)).toBeNull();
      expect((await store.stats()).chunks).toBe(0);
      expect(await store.search({ terms: ['glm-4.6'], mode: 'any', limit: 5 })).toHaveLength(0);
    });
  });
}
