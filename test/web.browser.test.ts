/**
 * The web UI in Debian's Chromium (playwright-core, no browser download): search to a document, a
 * research task from the form to its report and a cited passage, a flagged citation, an article
 * full of script payloads that runs nothing, and no horizontal overflow at 375 px. Screenshots go
 * to test-artifacts/.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvidenceRecord } from '../src/research/selfcheck.js';
import { EXAMPLE_CORPUS, EXAMPLE_QUERY, type TestServer, openTestServer } from './server-fixture.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const CHROMIUM = '/usr/bin/chromium';

let server: TestServer;
let listener: ServerType;
let base: string;
let browser: Browser;
let beacon: Server;
const beaconHits: string[] = [];

/** An article whose every payload, if it ran, would call the beacon or retitle the page. */
function hostileArticle(beaconUrl: string): string {
  return `---
title: 含有脚本的测试文章
source: 安全测试
date: 2025-10-05
---
这篇文章用于检查页面不会执行文章里的任何脚本，包括内联脚本、事件处理属性和 javascript 链接。

<script>fetch('${beaconUrl}/script');document.title='pwned-script'</script>

<img src="/nowhere.png" onerror="fetch('${beaconUrl}/onerror');document.title='pwned-onerror'">

[点击这里阅读更多](javascript:fetch('${beaconUrl}/md-link'))

<a href="javascript:fetch('${beaconUrl}/a-link');document.title='pwned-link'">另一个链接</a>

<svg onload="fetch('${beaconUrl}/svg')"></svg>
`;
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  beacon = createServer((req, res) => {
    beaconHits.push(req.url ?? '');
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
  const beaconUrl = `http://127.0.0.1:${(beacon.address() as AddressInfo).port}`;
  server = await openTestServer({ extra: { 'hostile.md': hostileArticle(beaconUrl) } });
  listener = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: server.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => listener?.close(resolve));
  await server?.close();
  await new Promise((resolve) => beacon?.close(resolve));
});

async function mobilePage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, deviceScaleFactor: 1 });
  return context.newPage();
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('web UI in Chromium', () => {
  it('searches, shows highlighted snippets and opens a document at the hit', async () => {
    const page = await mobilePage();
    await page.goto(`${base}/`);
    await page.fill('input[name=q]', 'GLM-4.6 上下文窗口');
    await page.click('button[type=submit]');
    await page.waitForSelector('ol.hits li');
    expect(await page.locator('ol.hits li').first().locator('mark').count()).toBeGreaterThan(0);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'search-375.png'), fullPage: true });
    const title = await page.locator('a.hit-title').first().textContent();
    await page.locator('a.hit-title').first().click();
    await page.waitForSelector('article.article > h1');
    expect(await page.locator('article.article > h1').textContent()).toBe(title);
    expect(await page.locator('section.chunk.hl').count()).toBe(1);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'document-375.png'), fullPage: true });
    await page.context().close();
  });

  it('starts a research task from the form, follows it to the report, and a citation opens its passage highlighted', async () => {
    const page = await mobilePage();
    await page.goto(`${base}/research`);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.fill('textarea[name=query]', EXAMPLE_QUERY);
    await page.setInputFiles('input[name=corpus]', EXAMPLE_CORPUS);
    await page.screenshot({ path: join(ARTIFACTS, 'research-form-375.png'), fullPage: true });
    await page.click('button[type=submit]');
    await page.waitForURL(/\/research\/\d{8}-[0-9a-f]{8}$/);
    const id = page.url().split('/').pop()!;
    // The progress page reloads into the report when the task ends.
    await page.waitForSelector('article.report a.cite', { timeout: 30_000 });
    expect(await page.locator('article.report h3, article.report h2').allTextContents()).toEqual(
      expect.arrayContaining(['《开源大模型长上下文与开放策略简报》', '引言', '长上下文能力进展', '总结']),
    );
    expect(await page.locator('a.cite.flag').count()).toBe(0);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'report-375.png'), fullPage: true });

    const evidence = JSON.parse(readFileSync(join(server.home, 'tasks', id, 'evidence.json'), 'utf8')) as EvidenceRecord[];
    const citations = (await (await fetch(`${base}/api/research/${id}/citations`)).json()) as { citations: { index: number; evidence: number }[] };
    const third = page.locator('a.cite').nth(2);
    const raw = await third.textContent();
    await third.click();
    await page.waitForSelector('mark#support');
    const highlighted = await page.locator('mark#support').textContent();
    const record = evidence[citations.citations[2]!.evidence]!;
    expect(highlighted).toBe(record.text);
    expect(raw).toContain(record.title.slice(0, 8));
    expect(await page.locator('#verdict').getAttribute('data-status')).toBe('supported');
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'citation-375.png'), fullPage: true });
    await page.context().close();
  });

  it('flags the one citation whose sentence its passage does not support', async () => {
    // A finished task written by hand: two citations of one chunk, the second under a sentence the chunk does not hold.
    const id = '20250101-0000f1a9';
    const dir = join(server.home, 'tasks', id);
    mkdirSync(dir, { recursive: true });
    const chunk = '智谱发布 GLM-4.6，上下文窗口从 128K 扩展到 200K，代码能力明显提升。';
    const evidence: EvidenceRecord[] = [{ title: '智谱发布 GLM-4.6', chunk: 1, text: chunk, support: 1 }];
    writeFileSync(join(dir, 'evidence.json'), JSON.stringify(evidence));
    writeFileSync(
      join(dir, 'report.md'),
      `# 《旗标测试》\n\n## 正文\n\n智谱发布 GLM-4.6，上下文窗口从 128K 扩展到 200K。[long_context: "智谱发布 GLM-4.6", chunk 1]苹果公司宣布将在明年推出折叠屏手机并进入汽车市场。[long_context: "智谱发布 GLM-4.6", chunk 1]\n`,
    );
    const now = new Date().toISOString();
    writeFileSync(
      join(dir, 'task.json'),
      JSON.stringify({ id, query: '《旗标测试》', status: 'done', createdAt: now, startedAt: now, finishedAt: now, files: [], corpora: [], collections: [], since: null, format: null, cite: 'source', offline: true, maxTokens: null, report: 'report.md', check: null, unreadable: [], cost: null, stopped: null, error: null, owner: 0 }),
    );
    const page = await mobilePage();
    await page.goto(`${base}/research/${id}`);
    expect(await page.locator('a.cite').count()).toBe(2);
    expect(await page.locator('a.cite.flag').count()).toBe(1);
    expect(await page.locator('a.cite').nth(1).getAttribute('class')).toContain('flag');
    expect(await page.locator('.flag-label').textContent()).toBe('⚠ 支撑不足');
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'flagged-375.png'), fullPage: true });
    await page.locator('a.cite.flag').click();
    expect(await page.locator('#verdict').getAttribute('data-status')).toBe('unsupported');
    await page.context().close();
  });

  it('renders an article with script, onerror and javascript: payloads without running any of them', async () => {
    const page = await mobilePage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${base}/?q=${encodeURIComponent('脚本 测试文章')}`);
    await page.locator('a.hit-title', { hasText: '含有脚本的测试文章' }).click();
    await page.waitForSelector('article.article');
    // The links are still there as text; clicking them must do nothing.
    for (const text of ['点击这里阅读更多', '另一个链接']) {
      const link = page.getByText(text);
      if (await link.count()) await link.first().click();
    }
    await page.waitForTimeout(300);
    expect(beaconHits).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await page.title()).toBe('含有脚本的测试文章 · 智库');
    const dom = await page.locator('article.article').innerHTML();
    expect(dom).not.toMatch(/<script|onerror|onload|javascript:/i);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'hostile-article-375.png'), fullPage: true });
    await page.context().close();
  });

  it('shows a digest, an article with payloads among its items, without running them or overflowing at 375 px', async () => {
    const built = await fetch(`${base}/api/digests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"date":"2025-10-05","offline":true}' });
    expect(built.status).toBe(201);
    const page = await mobilePage();
    await page.goto(`${base}/digests`);
    expect(await page.locator('main h1').textContent()).toBe('🤖 AI行业速递 - 2025年10月5日');
    expect(await page.locator('.digest').textContent()).toContain('含有脚本的测试文章');
    await page.waitForTimeout(200);
    expect(beaconHits).toEqual([]);
    expect(await horizontalOverflow(page)).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'digest-375.png'), fullPage: true });
    await page.context().close();
  });
});
