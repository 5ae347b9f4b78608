/**
 * The HTTP API in-process (app.request): search, documents, research tasks with uploads and
 * progress, digests, feeds, models and cost, errors, limits, auth and the scheduler's gate.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { createMemoryLogger } from '../src/logger.js';
import { createApp } from '../src/server/app.js';
import { JobGate } from '../src/server/jobs.js';
import { startScheduler } from '../src/server/scheduler.js';
import { thrownZhikuError } from './helpers.js';
import { type TestServer, EXAMPLE_CORPUS, exampleTaskForm, openTestServer } from './server-fixture.js';

const ARTICLE = (n: number) => `---
title: 阿里云发布通义千问新版本 ${n}
source: 测试来源${n}
date: 2025-10-08
url: https://example.org/qwen-${n}
---
阿里云于10月8日发布通义千问新版本，模型在长文本理解和代码生成方面均有提升。官方表示，新版本上下文窗口扩展到128K，API价格下调30%。分析人士认为，此次更新将加剧国内大模型市场的价格竞争，也让更多中小企业能够负担私有化部署。新版本同时开放了部分权重，开发者可以在本地运行较小规模的模型，并通过云服务调用更大的版本。
`;

let server: TestServer;
let feedServer: Server;
let feedUrl: string;

beforeAll(async () => {
  feedServer = createServer((req, res) => {
    if (req.url === '/feed.xml') {
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
      res.end(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>测试订阅</title><link>http://127.0.0.1/</link>
<item><title>模型推理成本继续下降</title><link>http://127.0.0.1/a1</link><pubDate>Wed, 08 Oct 2025 08:00:00 +0800</pubDate>
<content:encoded><![CDATA[<p>${'多家厂商在十月公布了新的推理价格，长上下文调用的成本较年初下降一半以上。业内认为，价格下降的主要原因是稀疏注意力和混合专家架构的普及，以及推理框架的持续优化。'.repeat(4)}</p>]]></content:encoded></item>
</channel></rss>`);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.xml`;
  server = await openTestServer({
    config: { fetch: { allowHosts: ['127.0.0.1'] } },
    extra: Object.fromEntries([1, 2, 3].map((n) => [`qwen-${n}.md`, ARTICLE(n)])),
  });
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => feedServer?.close(resolve));
});

const json = async (path: string, init?: RequestInit) => {
  const response = await server.app.request(path, init);
  return { status: response.status, body: (await response.json()) as any, headers: response.headers };
};

describe('search and documents', () => {
  it('searches with paging and filters, snippets highlighted', async () => {
    const first = await json('/api/search?q=GLM-4.6%20上下文&limit=1');
    expect(first.status).toBe(200);
    expect(first.body.hits).toHaveLength(1);
    const hit = first.body.hits[0];
    expect(hit).toMatchObject({ rank: 1, title: '智谱发布 GLM-4.6：上下文窗口扩展到 200K', chunk: 1, source: '智库样例' });
    const [start, end] = hit.snippet.highlights[0];
    expect(['glm-4.6', '上下文']).toContain(hit.snippet.text.slice(start, end).toLowerCase());
    const second = await json('/api/search?q=GLM-4.6%20上下文&limit=1&offset=1');
    expect(second.body.hits[0].rank).toBe(2);
    expect(second.body.hits[0].chunkId).not.toBe(hit.chunkId);
    const filtered = await json(`/api/search?q=${encodeURIComponent('模型')}&source=${encodeURIComponent('智庫樣例（繁體）')}&limit=50`);
    expect(filtered.body.hits.length).toBeGreaterThan(0);
    expect(new Set(filtered.body.hits.map((h: { source: string }) => h.source))).toEqual(new Set(['智庫樣例（繁體）']));
    const since = await json(`/api/search?q=${encodeURIComponent('模型')}&since=2025-10-01&limit=50`);
    expect(since.body.hits.every((h: { publishedAt: string }) => h.publishedAt >= '2025-10-01')).toBe(true);
  });

  it('answers bad parameters with a 400 naming the parameter', async () => {
    expect(await json('/api/search?q=GLM&limit=0')).toMatchObject({ status: 400, body: { error: { code: 'E_USAGE', message: 'limit must be an integer from 1 to 100', item: 'limit' } } });
    expect(await json('/api/search')).toMatchObject({ status: 400, body: { error: { code: 'E_USAGE', item: 'q' } } });
    expect(await json('/api/search?q=x&since=yesterday')).toMatchObject({ status: 400, body: { error: { item: 'since' } } });
    expect(await json('/api/nothing-here')).toMatchObject({ status: 404, body: { error: { code: 'E_NOT_FOUND', item: '/api/nothing-here' } } });
  });

  it('serves a document, its chunks and one chunk by number', async () => {
    const { body: search } = await json('/api/search?q=GLM-4.6&limit=1');
    const id = search.hits[0].documentId;
    const document = await json(`/api/documents/${id}`);
    expect(document.body).toMatchObject({ id, title: '智谱发布 GLM-4.6：上下文窗口扩展到 200K', publishedAt: '2025-09-30' });
    const chunks = await json(`/api/documents/${id}/chunks`);
    expect(chunks.body.chunks[0].chunk).toBe(1);
    expect(document.body.body.slice(chunks.body.chunks[0].start, chunks.body.chunks[0].end)).toBe(chunks.body.chunks[0].text);
    expect((await json(`/api/documents/${id}/chunks/1`)).body.text).toBe(chunks.body.chunks[0].text);
    expect(await json(`/api/documents/${id}/chunks/99`)).toMatchObject({ status: 404, body: { error: { item: `${id}#99` } } });
    expect(await json('/api/documents/no-such-id')).toMatchObject({ status: 404, body: { error: { code: 'E_NOT_FOUND', item: 'no-such-id' } } });
    const list = await json('/api/documents?limit=2');
    expect(list.body.documents).toHaveLength(2);
  });
});

describe('research tasks', () => {
  it('runs a task from an uploaded corpus: 202, progress over SSE, report, evidence and citations', async () => {
    const created = await json('/api/research', { method: 'POST', body: exampleTaskForm() });
    expect(created.status).toBe(202);
    expect(created.headers.get('location')).toBe(`/api/research/${created.body.id}`);
    expect(created.body).toMatchObject({ status: 'queued', corpora: [{ name: 'long_context.json', bytes: readFileSync(EXAMPLE_CORPUS).length }] });
    const id = created.body.id as string;
    // The upload landed in the task's folder, byte for byte.
    expect(readFileSync(join(server.home, 'tasks', id, 'corpus', 'long_context.json')).equals(readFileSync(EXAMPLE_CORPUS))).toBe(true);

    const events = await server.app.request(`/api/research/${id}/events`);
    expect(events.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const stream = await events.text();
    const progress = [...stream.matchAll(/event: progress\ndata: (.*)\nid: (\d+)/g)].map((m) => JSON.parse(m[1]!));
    expect(progress.map((e) => e.seq)).toEqual(progress.map((_, i) => i + 1));
    expect(progress.map((e) => e.phase)).toEqual(expect.arrayContaining(['queued', 'materials', 'writing', 'saving', 'done']));
    expect(progress.find((e) => e.total)).toMatchObject({ total: 8 });
    expect(stream).toMatch(/event: end\ndata: \{"id":"[^"]+","status":"done"/);

    const record = await json(`/api/research/${id}`);
    expect(record.body).toMatchObject({ status: 'done', report: 'report.md', check: { sections: { found: 6, required: 6 } } });
    const report = await (await server.app.request(`/api/research/${id}/report`)).text();
    expect(report).toContain('## 长上下文能力进展');
    const evidence = await json(`/api/research/${id}/evidence`);
    expect(evidence.body.length).toBeGreaterThan(3);
    const citations = await json(`/api/research/${id}/citations`);
    expect(citations.body.citations.length).toBe(record.body.check.citations.total);
    expect(citations.body.citations.every((c: { status: string }) => c.status === 'supported')).toBe(true);
    const taskReport = await (await server.app.request(`/api/research/${id}/task-report`)).text();
    expect(taskReport).toMatch(/^# Task Report/);
    for (const file of ['task.json', 'events.jsonl', 'report.md', 'evidence.json', 'task-report.md']) expect(existsSync(join(server.home, 'tasks', id, file))).toBe(true);

    // Replaying from an event id sends only what came after it.
    const replay = await (await server.app.request(`/api/research/${id}/events`, { headers: { 'Last-Event-ID': String(progress.length - 1) } })).text();
    expect([...replay.matchAll(/event: progress/g)]).toHaveLength(1);
    const listed = await json('/api/research');
    expect(listed.body.tasks[0].id).toBe(id);
  });

  it('refuses a task without a query, an upload over the limit, and names outside the task folder', async () => {
    const before = readdirSync(join(server.home, 'tasks')).length;
    const noQuery = new FormData();
    noQuery.set('corpus', new Blob(['[]']), 'c.json');
    expect(await json('/api/research', { method: 'POST', body: noQuery })).toMatchObject({ status: 400, body: { error: { code: 'E_USAGE', item: 'query' } } });
    expect(await json('/api/research', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":""}' })).toMatchObject({ status: 400, body: { error: { item: 'query' } } });
    const limited = createApp({ config: server.config, library: server.library, runner: server.runner, logger: createMemoryLogger(), uploadLimits: { maxFileBytes: 1000 } });
    const big = new FormData();
    big.set('query', '《测试》');
    big.set('file', new Blob([Buffer.alloc(5000)]), 'big.pdf');
    const refused = await limited.request('/api/research', { method: 'POST', body: big });
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({ error: { code: 'E_TOO_LARGE', message: 'over the limit of 1,000 bytes', item: 'big.pdf' } });
    // Refused uploads leave no task folder behind.
    expect(readdirSync(join(server.home, 'tasks'))).toHaveLength(before);
    for (const path of ['/api/research/..%2F..%2Fconfig/report', '/api/research/20250101-00000000', '/api/research/..']) {
      expect((await json(path)).status).toBe(404);
    }
    const { body: tasks } = await json('/api/research');
    const id = tasks.tasks[0].id;
    expect(await json(`/api/research/${id}/files/..%2Ftask.json`)).toMatchObject({ status: 400, body: { error: { code: 'E_INVALID_INPUT', item: '../task.json' } } });
    expect(await json(`/api/research/${id}/files/figure-1.svg`)).toMatchObject({ status: 404 });
    const large = await server.app.request('/api/research', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(large.status).toBe(413);
  });
});

describe('job queue', () => {
  it('says the embedded store has no queue, in the API and on the page', async () => {
    expect(await json('/api/jobs')).toMatchObject({ status: 200, body: { available: false, counts: [], jobs: [] } });
    const page = await server.app.request('/jobs');
    expect(await page.text()).toContain('内嵌存储没有任务队列');
    expect((await json('/api/jobs/00000000-0000-0000-0000-000000000000/retry', { method: 'POST' })).body.error.code).toBe('E_UNSUPPORTED');
  });
});

describe('digests, feeds, models and cost', () => {
  it('builds a digest, lists it and serves it as JSON, markdown and RSS', async () => {
    expect(await json('/api/digests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"date":"2025-10-08","offline":true}' })).toMatchObject({ status: 201, body: { date: '2025-10-08' } });
    expect((await json('/api/digests')).body.dates).toEqual(['2025-10-08']);
    const digest = await json('/api/digests/2025-10-08');
    expect(digest.body.items.length + digest.body.others.length).toBeGreaterThan(0);
    const markdown = await (await server.app.request('/api/digests/2025-10-08?format=md')).text();
    expect(markdown).toMatch(/^# 🤖 AI行业速递 - 2025年10月8日/);
    expect(await (await server.app.request('/api/digests/2025-10-08?format=rss')).text()).toContain('<rss');
    expect(await json('/api/digests/2025-10-09')).toMatchObject({ status: 404, body: { error: { item: '2025-10-09' } } });
    expect(await json('/api/digests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"date":"2020-01-01"}' })).toMatchObject({ status: 422, body: { error: { code: 'E_EMPTY' } } });
    expect(await json('/api/digests', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"items":"ten"}' })).toMatchObject({ status: 400, body: { error: { item: 'items' } } });
  });

  it('follows a feed, updates it into the library and lists it', async () => {
    expect(await json('/api/feeds', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: feedUrl }) })).toMatchObject({ status: 201, body: { added: true, entries: 1 } });
    expect((await json('/api/feeds', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: feedUrl }) })).status).toBe(200);
    // No body at all is an empty request, as `curl -X POST` sends it.
    const update = await json('/api/feeds/update', { method: 'POST' });
    expect(update.body.feeds).toEqual([{ url: feedUrl, status: 'updated', entries: 1, pagesFetched: 0 }]);
    expect(update.body.ingest.inserted).toBe(1);
    expect((await json('/api/feeds')).body.feeds[0]).toMatchObject({ url: feedUrl, title: '测试订阅' });
    expect((await json(`/api/search?q=${encodeURIComponent('推理成本')}`)).body.hits[0].title).toBe('模型推理成本继续下降');
    expect(await json('/api/feeds', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"url":"ftp://x"}' })).toMatchObject({ status: 400, body: { error: { item: 'ftp://x' } } });
    expect(await json('/api/feeds/update', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"urls":["http://127.0.0.1/none"]}' })).toMatchObject({ status: 404 });
  });

  it('lists catalog models and prices usage', async () => {
    const models = await json('/api/models?vendor=deepseek');
    expect(models.body.models.length).toBeGreaterThan(0);
    expect(models.body.models.every((m: { vendor: string }) => m.vendor === 'deepseek')).toBe(true);
    const key = models.body.models.find((m: { price: unknown }) => m.price).key;
    const cost = await json(`/api/cost?model=${encodeURIComponent(key)}&input=1M&output=100k`);
    expect(cost.status).toBe(200);
    expect(cost.body.total).toBeGreaterThan(0);
    expect(await json('/api/cost?model=no-such-model&input=1&output=1')).toMatchObject({ status: 404 });
    expect(await json(`/api/cost?model=${encodeURIComponent(key)}&input=lots&output=1`)).toMatchObject({ status: 400, body: { error: { item: 'input' } } });
  });
});

describe('auth and request origin', () => {
  const token = 'test-token-0123456789abcdef';
  const appWith = (host: string, withToken: boolean) => {
    const config = loadConfig({ flags: { home: server.home }, env: withToken ? { ZHIKU_SERVER_TOKEN: token } : {}, cwd: process.cwd() });
    return createApp({ config, library: server.library, runner: server.runner, logger: createMemoryLogger(), host });
  };

  it('off loopback, requires the token by header, bearer or cookie, and signs a browser in from a link', async () => {
    const app = appWith('0.0.0.0', true);
    const refused = await app.request('http://127.0.0.1/api/stats');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as any).error.code).toBe('E_UNAUTHORIZED');
    expect((await app.request('http://127.0.0.1/api/stats', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await app.request('http://127.0.0.1/api/stats', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await app.request('http://127.0.0.1/api/stats', { headers: { 'x-zhiku-token': token } })).status).toBe(200);
    expect((await app.request('http://127.0.0.1/api/stats', { headers: { cookie: `zhiku_token=${token}` } })).status).toBe(200);
    const signIn = await app.request(`http://127.0.0.1/research?token=${token}`);
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('location')).toBe('/research');
    expect(signIn.headers.get('set-cookie')).toMatch(/^zhiku_token=.*HttpOnly.*SameSite=Strict/i);
    expect((await app.request('http://127.0.0.1/?token=wrong')).status).toBe(401);
    expect(() => appWith('0.0.0.0', false)).toThrow(/requires a token/);
  });

  it('on loopback, refuses foreign Host names and cross-site posts; every response carries the CSP', async () => {
    const app = appWith('127.0.0.1', false);
    const ok = await app.request('http://localhost:5730/api/stats', { headers: { host: 'localhost:5730' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-security-policy')).toContain("script-src 'self'");
    const rebound = await app.request('http://evil.example/api/stats', { headers: { host: 'evil.example' } });
    expect(rebound.status).toBe(403);
    const crossSite = await app.request('http://127.0.0.1/api/research', { method: 'POST', headers: { host: '127.0.0.1', origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{"query":"x"}' });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as any).error.code).toBe('E_FORBIDDEN');
    // Another port on localhost is another site too.
    const sameSite = await app.request('http://127.0.0.1/api/feeds/update', { method: 'POST', headers: { host: '127.0.0.1', 'sec-fetch-site': 'same-site' } });
    expect(sameSite.status).toBe(403);
  });
});

describe('web pages in-process', () => {
  it('speak Chinese by default and English by setting; a missing page is an HTML error page', async () => {
    const zh = await (await server.app.request('/?q=GLM')).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain('检索');
    const config = { ...server.config, server: { ...server.config.server, lang: 'en' as const } };
    const en = createApp({ config, library: server.library, runner: server.runner, logger: createMemoryLogger() });
    const page = await (await en.request('/research')).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('Research tasks');
    const missing = await server.app.request('/documents/no-such-id');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await missing.text()).toContain('no-such-id: no such document <code>[E_NOT_FOUND]</code>');
  });
});

describe('scheduler', () => {
  it('refuses a bad cron expression by its key', () => {
    const error = thrownZhikuError(() => startScheduler({ jobs: { digest: 'every morning' }, timezone: 'Asia/Shanghai', logger: createMemoryLogger(), run: async () => 'x' }));
    expect(error.code).toBe('E_CONFIG');
    expect(error.item).toBe('server.schedule.digest');
  });

  it('never runs two of the same job at once: a tick while it runs is skipped, API runs queue behind', async () => {
    const gate = new JobGate();
    let running = 0;
    let most = 0;
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const job = () =>
      gate.run('digest', async () => {
        running++;
        most = Math.max(most, running);
        await blocked;
        running--;
        return 'built';
      });
    const logger = createMemoryLogger();
    const scheduler = startScheduler({ jobs: { digest: '0 8 * * *', feeds: null }, timezone: 'Asia/Shanghai', logger, run: async (name) => (gate.busy(name) ? null : job()) });
    const first = scheduler.trigger('digest');
    const second = scheduler.trigger('digest');
    const fromApi = job();
    await second;
    expect(scheduler.jobs()[0]).toMatchObject({ name: 'digest', pattern: '0 8 * * *', lastRun: { outcome: 'skipped' } });
    release();
    await Promise.all([first, fromApi]);
    expect(most).toBe(1);
    expect(scheduler.jobs()[0]!.lastRun).toMatchObject({ outcome: 'done', detail: 'built' });
    expect(scheduler.jobs()[0]!.nextRun).toMatch(/T00:00:00/);
    scheduler.stop();
  });
});
