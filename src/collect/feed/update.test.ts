import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchDir, runZhiku, tempDir } from '../../../test/helpers.js';
import { parseOpmlDocument } from './opml.js';
import { updateFeeds } from './update.js';

const DEV = join(benchDir(), 'collect', 'dev');
const FULL_TEXT = '<p>智谱发布新一代旗舰模型 GLM-4.6，上下文窗口从 128K 扩展到 200K。</p>'.repeat(8);

function rss(base: string, title: string, items: { title: string; link: string; content?: string }[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${title}</title><link>${base}/</link>
${items.map((item) => `<item><title>${item.title}</title><link>${item.link}</link><pubDate>Mon, 10 Nov 2025 12:00:10 +0800</pubDate><description>摘要</description>${item.content ? `<content:encoded><![CDATA[${item.content}]]></content:encoded>` : ''}</item>`).join('\n')}
</channel></rss>`;
}

describe('zhiku feed over a loopback server', () => {
  let server: Server;
  let base: string;
  const requests: { path: string; at: number; ifNoneMatch?: string }[] = [];
  const env = { ZHIKU_FETCH_ALLOW_HOSTS: '127.0.0.1' };
  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = req.url ?? '';
      requests.push({ path, at: performance.now(), ifNoneMatch: req.headers['if-none-match'] });
      if (path.startsWith('/dev/')) {
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(readFileSync(join(DEV, path.slice(5), 'feed.xml')));
        return;
      }
      if (path.startsWith('/page/')) {
        res.writeHead(200, { 'content-type': 'text/html' }).end(readFileSync(join(DEV, path.slice(6), 'source.html')));
        return;
      }
      const feeds: Record<string, string> = {
        '/feed.xml': rss(base, '模型观察', [
          { title: 'GLM-4.6 发布', link: `${base}/glm`, content: FULL_TEXT },
          { title: '宇航员在太空中喝酒', link: `${base}/page/news-readability-gmw` },
        ]),
        '/second.xml': rss(base, '第二个源', [{ title: 'DeepMind 新电脑', link: `${base}/page/news-readability-qq-deepmind` }]),
        '/hostile.xml': rss(base, '恶意源', [
          { title: '嵌套', link: `${base}/deep`, content: `${'<div>'.repeat(5000)}深${'</div>'.repeat(5000)}` },
          { title: 'GLM-4.6 发布', link: `${base}/glm`, content: FULL_TEXT },
        ]),
      };
      const body = feeds[path];
      if (!body) return void res.writeHead(404).end();
      const etag = `"${path}-v1"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('follows feeds, stores their entries, and costs a 304 when nothing changed', async () => {
    const home = tempDir();
    const added = await runZhiku(['--home', home, 'feed', 'add', `${base}/feed.xml`, `${base}/second.xml`, `${base}/page/news-readability-gmw`], env);
    expect(added.stdout).toContain(`following ${base}/feed.xml: 模型观察, 2 entries now`);
    expect(added.stderr).toMatch(/news-readability-gmw: .*not a feed|news-readability-gmw: .*E_PARSE/);
    expect(added.code).toBe(1);

    requests.length = 0;
    const first = await runZhiku(['--home', home, 'feed', 'update', '--all', '--delay', '200'], env);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('feeds: 2 updated, 0 not modified, 0 failed');
    expect(first.stdout).toContain('entries: added 3, updated 0, unchanged 0, duplicates 0, empty 0, failed 0');
    // Full content came from the feed; the others' pages were fetched.
    expect(requests.map((r) => r.path).sort()).toEqual(['/feed.xml', '/page/news-readability-gmw', '/page/news-readability-qq-deepmind', '/second.xml']);
    // One host: one request at a time, at least the delay apart.
    const times = requests.map((r) => r.at).sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(190);
    const show = await runZhiku(['--home', home, 'search', 'GLM-4.6', '--json']);
    expect(show.stdout).toContain('GLM-4.6 发布');

    requests.length = 0;
    const second = await runZhiku(['--home', home, 'feed', 'update', '--all', '--delay', '0'], env);
    expect(second.stdout).toContain('feeds: 0 updated, 2 not modified, 0 failed');
    expect(second.stdout).toContain('entries: added 0');
    expect(requests.map((r) => r.ifNoneMatch).sort()).toEqual(['"/feed.xml-v1"', '"/second.xml-v1"']);
  }, 60_000);

  it('fails an entry whose content is nested thousands deep, alone: the feed and its other entries land', async () => {
    const subscription = { url: `${base}/hostile.xml`, title: null, category: null, etag: null, lastModified: null, checkedAt: null, lastResult: null };
    const update = await updateFeeds([subscription], { fetch: { allowHosts: ['127.0.0.1'] } });
    expect(update.results[0]).toMatchObject({ status: 'updated', entries: 2 });
    expect(update.items.map((item) => [item.kind, item.item])).toEqual([
      ['failed', `${base}/deep`],
      ['document', `${base}/glm`],
    ]);
    expect(update.items[0]).toMatchObject({ code: 'E_PARSE', reason: expect.stringMatching(/nested 500\d deep/) });
  });

  it('follows every dev feed from the loopback server, reading its title and every entry', async () => {
    const home = tempDir();
    const folders = ['feed-wechatscholar-jiqizhixin', 'feed-wechatscholar-qbitai', 'feed-wechatfeeds-jiqizhixin-2021'];
    for (const folder of folders) {
      const expected = JSON.parse(readFileSync(join(DEV, folder, 'expected.json'), 'utf8')) as { channel_title: string; item_count: number };
      const added = await runZhiku(['--home', home, 'feed', 'add', `${base}/dev/${folder}`], env);
      expect(added.stdout).toContain(`following ${base}/dev/${folder}: ${expected.channel_title}, ${expected.item_count} entries now`);
    }
  }, 60_000);

  it('imports an OPML file and exports every followed feed', async () => {
    const home = tempDir();
    const opml = join(DEV, 'opml-bestblogs-articles', 'subscriptions.opml');
    const expected = parseOpmlDocument(readFileSync(opml)).feeds.length;
    const imported = await runZhiku(['--home', home, 'feed', 'import', opml]);
    expect(imported.stdout).toContain(`imported ${expected} feeds`);
    const again = await runZhiku(['--home', home, 'feed', 'import', opml]);
    expect(again.stdout).toContain(`imported 0 feeds from ${opml} (${expected} already followed)`);
    const out = join(tempDir(), 'feeds.opml');
    expect((await runZhiku(['--home', home, 'feed', 'export', '-o', out])).code).toBe(0);
    const exported = parseOpmlDocument(readFileSync(out)).feeds;
    expect(exported).toHaveLength(expected);
    expect(new Set(exported.map((feed) => feed.xmlUrl))).toEqual(new Set(parseOpmlDocument(readFileSync(opml)).feeds.map((feed) => feed.xmlUrl)));
  });
});
