import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchDir, runZhiku, tempDir } from '../../../test/helpers.js';

const squash = (text: string) => text.replace(/[\s\u00a0\u3000]+/g, '');
const DEV = join(benchDir(), 'collect', 'dev');
const PAGES = readdirSync(DEV).filter((folder) => existsSync(join(DEV, folder, 'source.html')));

interface Expected {
  status?: string;
  message?: string;
  title?: string;
  title_clean?: string;
  account?: string;
  author?: string | null;
  publish_time?: string | null;
  body?: { starts_with?: string; contains?: string[]; min_chars?: number } | null;
  images?: { count?: number; first?: string[] };
  must_not_contain?: string[];
}

/**
 * Where an expected.json counts things that are not content pictures: the picture post's 16 counts
 * every cdn_url key (watermarks, share covers, empty ones) of its 4 pictures.
 */
const IMAGE_DEVIATIONS: Record<string, { count: number; first: number }> = { 'wx-picture-share-36kr-2025': { count: 4, first: 1 } };
const beijingDay = (date: string) => (date.length === 10 ? date : new Date(Date.parse(date) + 8 * 3600_000).toISOString().slice(0, 10));

/** The 2025 WeChat article as another account republishes it: its own name and link, a note on top, a sentence cut. */
function republished(): string {
  return readFileSync(join(DEV, 'wx-normal-ai-coding-2025', 'source.html'), 'utf8')
    .replaceAll('轩辕的编程宇宙', '转载精选号')
    .replaceAll('KDWh_qGpFN5Vu1TR9t30Mw', 'Zq9RepostedCopy00000000')
    .replace('大家好，我是轩辕。', '本文经作者授权转载，略有删节。</p><p>大家好，我是轩辕。')
    .replace('也就是说，tshark一开始执行是没有问题的，要抓一会儿包就不行了。', '');
}

/** Serves every dev page at /<folder> (plus /copy/<folder>, the same bytes under a second URL), as text/html without a charset. */
function startFixtureServer(): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/republished') return void res.writeHead(200, { 'content-type': 'text/html' }).end(republished());
    const folder = (req.url ?? '').replace(/^\/(?:copy\/)?/, '');
    if (!PAGES.includes(folder)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(join(DEV, folder, 'source.html')));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

const frontmatter = (markdown: string) => Object.fromEntries((/^---\n([\s\S]*?)\n---\n/.exec(markdown)?.[1] ?? '').split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim().replace(/^"(.*)"$/, '$1')]));

describe('zhiku fetch and zhiku add <url> over a loopback server', () => {
  let server: Server;
  let base: string;
  const env = { ZHIKU_FETCH_ALLOW_HOSTS: '127.0.0.1' };
  beforeAll(async () => {
    ({ server, base } = await startFixtureServer());
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  for (const folder of PAGES) {
    it(`fetch ${folder}`, async () => {
      const expected = JSON.parse(readFileSync(join(DEV, folder, 'expected.json'), 'utf8')) as Expected;
      const out = join(tempDir(), 'page.md');
      const result = await runZhiku(['--home', tempDir(), 'fetch', `${base}/${folder}`, '-o', out], env);
      if (expected.status && expected.status !== 'ok') {
        expect(result.code).not.toBe(0);
        expect(result.stderr).toContain(`unavailable (${expected.status}): ${expected.message}`);
        expect(existsSync(out)).toBe(false);
        return;
      }
      expect(result.stderr).toBe('');
      const markdown = readFileSync(out, 'utf8');
      const fields = frontmatter(markdown);
      const title = expected.title_clean ?? expected.title;
      if (title) expect(squash(fields.title!)).toBe(squash(title));
      if (expected.account) expect(fields.source).toBe(expected.account);
      if (expected.author) expect(fields.author).toBe(expected.author);
      for (const key of ['url', 'source', 'author', 'date', 'fetch_date', 'lang', 'hash']) expect(fields).toHaveProperty(key);
      expect(fields.fetch_date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      // The title once, as the heading; then the body.
      const body = markdown.slice(markdown.indexOf('\n---\n') + 5);
      expect(body.trimStart().startsWith(`# ${fields.title}\n`)).toBe(true);
      expect(body.split('\n').filter((line) => squash(line.replace(/^#+/, '')) === squash(fields.title!))).toHaveLength(1);
      const text = squash(body.replace(/!\[[^\]]*\]\([^)]*\)/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/^\s*(?:[#>]+|[-*]\s)\s*/gm, '').replace(/\*\*|`|\|/g, ''));
      if (expected.body?.starts_with) expect(text.indexOf(squash(expected.body.starts_with))).toBeLessThanOrEqual(squash(fields.title!).length + 2);
      for (const piece of expected.body?.contains ?? []) expect(text).toContain(squash(piece));
      for (const piece of expected.must_not_contain ?? []) expect(squash(body)).not.toContain(squash(piece));
      if (expected.body?.min_chars) expect(text.length - squash(fields.title!).length).toBeGreaterThanOrEqual(expected.body.min_chars * 0.8);
      const images = [...body.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((match) => match[1]);
      if (expected.images?.count !== undefined) expect(images).toHaveLength(IMAGE_DEVIATIONS[folder]?.count ?? expected.images.count);
      const first = (expected.images?.first ?? []).slice(0, IMAGE_DEVIATIONS[folder]?.first);
      expect(images.slice(0, first.length)).toEqual(first);
      // A time is the same instant; a date alone the same Beijing day.
      if (expected.publish_time && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(expected.publish_time)) {
        const wanted = expected.publish_time.replace(' ', 'T') + (/[+Z]|-\d\d:\d\d$/.test(expected.publish_time.slice(10)) ? '' : '+08:00');
        expect(Date.parse(fields.date!)).toBe(Date.parse(wanted.length === 22 ? wanted.replace(/T(\d\d:\d\d)\+/, 'T$1:00+') : wanted));
      } else if (expected.publish_time && /^\d{4}-\d{2}-\d{2}$/.test(expected.publish_time)) expect(beijingDay(fields.date!)).toBe(expected.publish_time);
    });
  }

  it('stores the same article under two URLs once, and reports a deleted page without storing it', async () => {
    const home = tempDir();
    // A WeChat article names its canonical link: the second URL is the same document. A page without
    // one is matched by its content.
    const urls = [`${base}/wx-normal-ai-coding-2025`, `${base}/copy/wx-normal-ai-coding-2025`, `${base}/news-readability-gmw`, `${base}/copy/news-readability-gmw`, `${base}/wx-deleted-2025`];
    const result = await runZhiku(['--home', home, 'add', ...urls], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`zhiku: ${base}/wx-deleted-2025: unavailable (deleted): 该内容已被发布者删除 [E_EMPTY]`);
    expect(result.stdout).toContain('added 2, updated 0, unchanged 1, duplicates 1, empty 0, failed 1');
    const list = await runZhiku(['--home', home, 'ls', '--json']);
    expect((JSON.parse(list.stdout) as { documents: unknown[] }).documents).toHaveLength(2);
  }, 30_000);

  it('links a near-duplicate republished by a second account to the stored story', async () => {
    const home = tempDir();
    const result = await runZhiku(['--home', home, 'add', `${base}/wx-normal-ai-coding-2025`, `${base}/republished`, `${base}/news-readability-gmw`], env);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(new RegExp(`linked ${base}/republished: the same story as (d\\w+) \\(\\d+ bits apart\\), recorded as another source`));
    expect(result.stdout).toContain('added 2, updated 0, unchanged 0, duplicates 0, empty 0, failed 0, linked as other sources of stored stories 1');
    const id = /the same story as (d\w+)/.exec(result.stdout)![1]!;
    const shown = JSON.parse((await runZhiku(['--home', home, 'show', id, '--json'])).stdout) as { frontmatter: { sources: { url: string; source: string }[] } };
    expect(shown.frontmatter.sources).toEqual([expect.objectContaining({ url: 'https://mp.weixin.qq.com/s/Zq9RepostedCopy00000000', source: '转载精选号' })]);
  }, 30_000);

  it('refuses a loopback address unless it is allowed', async () => {
    const result = await runZhiku(['--home', tempDir(), 'fetch', `${base}/news-readability-gmw`, '-o', join(tempDir(), 'x.md')]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/refused to fetch .*(loopback)/);
  });
});
