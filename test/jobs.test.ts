/**
 * The job queue in one process: `zhiku add --wait` on PostgreSQL, a worker loop, retries and the
 * dead-letter list.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import type { ResolvedConfig } from '../src/config/schema.js';
import { TaskRunner } from '../src/research/task-runner.js';
import { createApp } from '../src/server/app.js';
import { JobQueue, createJobHandlers, runWorker } from '../src/jobs/index.js';
import { Library } from '../src/library/library.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { startScheduler } from '../src/server/scheduler.js';
import { runZhiku, tempDir } from './helpers.js';
import { type FakeOpenAi, startFakeOpenAi } from './fake-openai.js';
import { fakeTranslator } from './fake-translator.js';
import { type PgCluster, startPgCluster } from './pg-cluster.js';

let cluster: PgCluster;
let config: ResolvedConfig;
let model: FakeOpenAi;
let env: Record<string, string>;
let home: string;
let queue: JobQueue;
let library: Library;
const stop = new AbortController();
let worker: Promise<unknown>;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('zhiku_jobs_test');
  home = tempDir('zhiku-jobs-');
  model = await startFakeOpenAi(fakeTranslator());
  env = { ZHIKU_DATABASE_URL: url, ZHIKU_LLM_BASE_URL: model.baseUrl, ZHIKU_LLM_MODEL: 'gpt-4o', ZHIKU_FETCH_ALLOW_HOSTS: '127.0.0.1' };
  config = loadConfig({ flags: { home }, env });
  queue = await JobQueue.open({ url, retryDelaySeconds: 1 }, { logger: SILENT_LOGGER });
  library = await Library.open(config, { logger: SILENT_LOGGER });
  const handlers = createJobHandlers({ library, config, queue });
  worker = runWorker({ queue, handlers, names: ['ingest-file', 'fetch-url', 'translate', 'feed-update', 'digest', 'research'], concurrency: 2, signal: stop.signal, logger: SILENT_LOGGER, idleMs: 100 });
});

afterAll(async () => {
  stop.abort();
  await worker;
  await library?.close();
  await queue?.close();
  await cluster?.stop();
  await model?.close();
});

describe('job queue', () => {
  it('add --wait uploads files as blobs, waits for the workers and reports outcomes under the original paths', async () => {
    const dir = join(home, 'notes');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.md'), '# 智谱发布GLM-4.6\n\n智谱在九月发布了GLM-4.6，上下文窗口扩展到200K。\n');
    writeFileSync(join(dir, 'sub', 'b.txt'), '深度求索发布DeepSeek-V3.2，主打稀疏注意力，推理成本下降。\n');
    writeFileSync(join(dir, 'sub', 'copy.md'), '# 智谱发布GLM-4.6\n\n智谱在九月发布了GLM-4.6，上下文窗口扩展到200K。\n');
    const missing = join(home, 'missing.md');
    const result = await runZhiku(['--home', home, 'add', dir, missing, '--collection', 'queued', '--wait', '--json'], env);
    expect(result.stderr).toBe(`zhiku: ${missing}: no such file or directory [E_NOT_FOUND]\n`);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect({ inserted: report.inserted, duplicate: report.duplicate, failed: report.failed }).toEqual({ inserted: 2, duplicate: 1, failed: 0 });
    expect(report.items.map((i: { item: string }) => i.item).sort()).toEqual([join(dir, 'a.md'), join(dir, 'sub', 'b.txt'), join(dir, 'sub', 'copy.md')]);
    expect(report.jobs.every((j: { state: string }) => j.state === 'completed')).toBe(true);
    const search = JSON.parse((await runZhiku(['--home', home, 'search', '稀疏注意力', '-c', 'queued', '--json'], env)).stdout);
    expect(search.hits[0].title).toBe('深度求索发布DeepSeek-V3.2，主打稀疏注意力，推理成本下降。');
    const shown = JSON.parse((await runZhiku(['--home', home, 'show', search.hits[0].documentId, '--json'], env)).stdout);
    expect(shown.origin).toBe(join(dir, 'sub', 'b.txt'));
    // Queued again: the same files are recognised, nothing is stored twice (idempotent effects).
    const again = JSON.parse((await runZhiku(['--home', home, 'add', dir, '--wait', '--json'], env)).stdout);
    expect(again.inserted).toBe(0);
    expect(again.duplicate).toBe(3);
    expect((await library.stats()).documents).toBe(2);
  });

  it('retries a failing job with backoff, then lists it as failed (dead letter) until retried', async () => {
    const id = await queue.send('ingest-file', { blob: 'f'.repeat(64), name: '/elsewhere/gone.md', collections: [] }, { retryLimit: 1 });
    const [record] = await queue.wait([id], { pollMs: 100 });
    expect(record).toMatchObject({ id, state: 'failed', retryCount: 1, output: { code: 'E_NOT_FOUND', item: `blob ${'f'.repeat(64)}` } });
    const listed = await runZhiku(['--home', home, 'jobs', 'ls', '--failed'], env);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(id));
    expect(line).toContain('/elsewhere/gone.md: the file of this job is no longer stored [E_NOT_FOUND]');
    expect(listed.stdout).toMatch(/^queue\s+created\s+retry\s+active\s+completed\s+cancelled\s+failed\ningest-file\s+0\s+0\s+0\s+\d+\s+0\s+1$/m);
    const retried = await runZhiku(['--home', home, 'jobs', 'retry', id, '00000000-0000-0000-0000-000000000000'], env);
    expect(retried.stdout).toBe(`queued ingest-file ${id} again\n`);
    expect(retried.stderr).toBe('zhiku: 00000000-0000-0000-0000-000000000000: no such job [E_NOT_FOUND]\n');
    expect(retried.code).toBe(1);
    const [again] = await queue.wait([id], { pollMs: 100 });
    expect(again!.state).toBe('failed');

    // The same dead-letter list in the API and the web UI, with a button that queues the job again.
    const app = createApp({ config, library, runner: TaskRunner.open({ home, library, config, logger: SILENT_LOGGER }), logger: SILENT_LOGGER, queue });
    const listing = await (await app.request('/api/jobs?state=failed')).json();
    expect(listing.available).toBe(true);
    expect(listing.jobs).toContainEqual(expect.objectContaining({ id, name: 'ingest-file', state: 'failed', item: '/elsewhere/gone.md', error: 'the file of this job is no longer stored [E_NOT_FOUND]' }));
    expect(listing.counts).toContainEqual({ name: 'ingest-file', counts: expect.objectContaining({ failed: 1 }) });
    const page = await (await app.request('/jobs')).text();
    expect(page).toContain(`data-job="${id}"`);
    expect(page).toContain(`action="/jobs/${id}/retry"`);
    const retriedInUi = await app.request(`/jobs/${id}/retry`, { method: 'POST', headers: { origin: 'http://127.0.0.1:5730', host: '127.0.0.1:5730' } });
    expect(retriedInUi.status).toBe(303);
    expect((await queue.wait([id], { pollMs: 100 }))[0]!.retryCount).toBeGreaterThanOrEqual(1);
    expect((await app.request('/api/jobs/00000000-0000-0000-0000-000000000001/retry', { method: 'POST', headers: { origin: 'http://127.0.0.1:5730', host: '127.0.0.1:5730' } })).status).toBe(404);
  });

  it('translate on PostgreSQL: the file travels as a blob, a worker translates and stores it, the CLI writes the result', async () => {
    const input = join(home, 'post.md');
    writeFileSync(input, '---\ntitle: Notes on batching\nurl: https://example.com/notes\n---\n\n# Notes on batching\n\nContinuous batching adds new requests to a [running batch](https://example.com/batch), so the hardware never waits.\n');
    const out = join(home, 'post.zh.md');
    const result = await runZhiku(['--home', home, 'translate', input, '--out', out, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout);
    const file = readFileSync(out, 'utf8');
    expect(file).toMatch(/^---\ntitle: /);
    expect(file).toContain('](https://example.com/batch)');
    expect(file).toContain('原文链接：[Notes on batching](https://example.com/notes)');
    const stored = await library.getDocument(outcome.documentId);
    expect(stored?.frontmatter.translation_of).toBe(outcome.originalId);
    expect((await library.getDocument(outcome.originalId))?.canonicalUrl).toBe('https://example.com/notes');
  });

  it('runs feed updates, the digest and research as jobs: entries stored, a digest of them, a cited report', async () => {
    const now = new Date();
    const entries = [
      ['智谱发布GLM-4.6，上下文窗口扩展到200K', '智谱在今天发布了GLM-4.6大模型，上下文窗口从128K扩展到200K，代码能力在多项基准测试中明显提升，开发者可以通过开放平台调用，价格与上一代相同。'],
      ['深度求索发布DeepSeek-V3.2，主打稀疏注意力', '深度求索今天发布DeepSeek-V3.2大模型，采用稀疏注意力机制，长文本推理成本下降一半以上，模型权重在Hugging Face开源，API价格同步下调。'],
      ['月之暗面更新Kimi K2模型', '月之暗面今天更新Kimi K2大模型，工具调用与智能体任务表现提升，上下文窗口达到256K，面向开发者的API同步开放，价格保持不变。'],
    ];
    const feed = createServer((req, res) => {
      const page = /^\/news\/(\d)$/.exec(req.url ?? '');
      if (page) {
        const [title, body] = entries[Number(page[1])]!;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!doctype html><html lang="zh"><head><title>${title}</title></head><body><article><h1>${title}</h1><p>${body}</p><p>${body}</p><p>${body}</p></article></body></html>`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>AI快讯</title><link>http://127.0.0.1/</link><description>AI</description>${entries
        .map(([title, body], i) => `<item><title>${title}</title><link>${base()}/news/${i}</link><guid>news-${i}</guid><pubDate>${now.toUTCString()}</pubDate><description><![CDATA[<p>${body}</p><p>${body}</p>]]></description></item>`)
        .join('')}</channel></rss>`);
    });
    const base = () => `http://127.0.0.1:${(feed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
    try {
      const url = `${base()}/feed.xml`;
      const subscription = { url, title: null, category: null, etag: null, lastModified: null, checkedAt: null, lastResult: null };
      const [updated] = await queue.wait([await queue.send('feed-update', { feeds: [subscription] })], { pollMs: 100 });
      expect(updated).toMatchObject({ state: 'completed', output: { ingest: { inserted: 3 } } });
      const today = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
      const [digest] = await queue.wait([await queue.send('digest', { date: today, offline: true })], { pollMs: 100 });
      expect(digest!.state).toBe('completed');
      const built = digest!.output as { items: number; others: number; markdown: string };
      // Short wire items may be listed under 其他相关资讯 rather than written up; every one is in the digest.
      expect(built.items + built.others).toBe(3);
      for (const [title] of entries) expect(built.markdown).toContain(title);
      const [report] = await queue.wait([await queue.send('research', { query: '请撰写《国产大模型发布动态简报》，介绍近期模型发布、上下文窗口与价格变化，字数在300至500之间。', offline: true })], { pollMs: 100 });
      expect(report!.state).toBe('completed');
      const written = report!.output as { report: string; check: { citations: { total: number; resolvable: number } } };
      expect(written.report).toContain('国产大模型发布动态简报');
      expect(written.check.citations.total).toBeGreaterThan(0);
      expect(written.check.citations.resolvable).toBe(written.check.citations.total);

      // `serve` on PostgreSQL queues feed updates and digests for the workers and keeps their results.
      const served = tempDir('zhiku-jobs-serve-');
      const serveConfig = loadConfig({ flags: { home: served }, env });
      const app = createApp({ config: serveConfig, library, runner: TaskRunner.open({ home: served, library, config: serveConfig, logger: SILENT_LOGGER }), logger: SILENT_LOGGER, queue });
      const post = (path: string, body: unknown) => app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://127.0.0.1:5730', host: '127.0.0.1:5730' }, body: JSON.stringify(body) });
      expect((await post('/api/feeds', { url })).status).toBe(201);
      const before = (await queue.list({ names: ['feed-update'], limit: 100 })).length;
      const feedUpdate = await (await post('/api/feeds/update', {})).json();
      expect(feedUpdate.feeds).toEqual([expect.objectContaining({ url, entries: 3 })]);
      expect((await queue.list({ names: ['feed-update'], limit: 100 })).length).toBe(before + 1);
      expect(JSON.parse(readFileSync(join(served, 'feeds.json'), 'utf8')).feeds[0].checkedAt).not.toBeNull();
      const servedDigest = await post('/api/digests', { date: today, offline: true });
      expect(servedDigest.status).toBe(201);
      expect((await servedDigest.json()).date).toBe(today);
      expect(readFileSync(join(served, 'digests', `${today}.json`), 'utf8')).toContain(entries[0]![0]);
    } finally {
      await new Promise((resolve) => feed.close(resolve));
    }
  });

  it('two servers on one store run each scheduled tick once: the tick is claimed through the queue', async () => {
    const other = await JobQueue.open({ url: env.ZHIKU_DATABASE_URL! }, { logger: SILENT_LOGGER });
    const runs: string[] = [];
    const servers = [queue, other].map((q, i) =>
      startScheduler({
        jobs: { digest: '0 8 * * *' },
        timezone: 'Asia/Shanghai',
        logger: SILENT_LOGGER,
        claim: (name, tick) => q.claimTick(name, tick),
        run: async (name) => (runs.push(`${name} on server ${i}`), 'done'),
      }),
    );
    try {
      const tick = new Date('2026-11-30T00:00:00Z');
      await Promise.all(servers.map((server) => server.trigger('digest', tick)));
      expect(runs).toHaveLength(1);
      await Promise.all(servers.map((server) => server.trigger('digest', new Date('2026-12-01T00:00:00Z'))));
      expect(runs).toHaveLength(2);
      const skipped = servers.map((server) => server.jobs()[0]!.lastRun!.outcome).sort();
      expect(skipped).toEqual(['done', 'skipped']);
    } finally {
      for (const server of servers) server.stop();
      await other.close();
    }
  });

  it('refuses worker and jobs commands on the embedded store with one line', async () => {
    const embedded = tempDir('zhiku-jobs-embedded-');
    for (const argv of [['worker'], ['jobs', 'ls']]) {
      const result = await runZhiku(['--home', embedded, ...argv]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^zhiku: store\.driver: .* needs? the PostgreSQL store: set ZHIKU_DATABASE_URL.* \[E_CONFIG\]\n$/);
    }
  });
});
