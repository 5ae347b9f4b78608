import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { benchDir, thrownZhikuError } from '../../../test/helpers.js';
import { normalizeFeedDate, parseFeedDocument } from './parse.js';

interface FeedExpectation {
  format: string;
  channel_title: string;
  item_count: number;
  first_item: { title: string; link: string; pubDate: string };
  last_item: { title: string; pubDate: string };
  all_links_host: string[];
}

const devDir = () => join(benchDir(), 'collect', 'dev');


/** The expected ISO form of an RFC 822 date with a numeric zone, written out independently of the parser. */
function rfc822WithOffsetToIso(date: string): string {
  const match = /^\w{3}, (\d{2}) (\w{3}) (\d{4}) (\d{2}:\d{2}:\d{2}) ([+-]\d{2})(\d{2})$/.exec(date);
  if (!match) throw new Error(`unexpected pubDate in expected.json: ${date}`);
  const [, day, month, year, time, hours, minutes] = match;
  const monthNumber = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(month!) + 1;
  return `${year}-${String(monthNumber).padStart(2, '0')}-${day}T${time}${hours}:${minutes}`;
}

describe('feeds in the collect bench', () => {
  it('match expected.json in every feed-* dev folder', () => {
    const folders = readdirSync(devDir()).filter((name) => name.startsWith('feed-'));
    expect(folders.length).toBeGreaterThan(0);
    let checked = 0;
    for (const folder of folders) {
      const dir = join(devDir(), folder);
      const raw = readFileSync(join(dir, 'feed.xml'));
      const feed = parseFeedDocument(new Uint8Array(raw));
      let expected: FeedExpectation;
      try {
        expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as FeedExpectation;
      } catch {
        // Folders without expected.json still have to parse into items with the essentials.
        expect(feed.items.length, folder).toBeGreaterThan(0);
        continue;
      }
      expect(feed.format, folder).toBe(expected.format === 'rss2.0' ? 'rss' : expected.format);
      expect(feed.title, folder).toBe(expected.channel_title);
      expect(feed.items, folder).toHaveLength(expected.item_count);

      const first = feed.items[0]!;
      const last = feed.items.at(-1)!;
      expect(first.title, folder).toBe(expected.first_item.title);
      expect(first.url, folder).toBe(expected.first_item.link);
      expect(first.published, folder).toBe(rfc822WithOffsetToIso(expected.first_item.pubDate));
      expect(Date.parse(first.published!), folder).toBe(Date.parse(expected.first_item.pubDate));
      expect(last.title, folder).toBe(expected.last_item.title);
      expect(last.published, folder).toBe(rfc822WithOffsetToIso(expected.last_item.pubDate));

      for (const item of feed.items) {
        expect(item.title, folder).toBeTruthy();
        expect(expected.all_links_host, `${folder}: ${item.url}`).toContain(new URL(item.url!).host);
        expect(item.url, folder).not.toMatch(/&amp;|&#38;/);
        expect(item.published, folder).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$/);
      }
      // Every <content:encoded> in the file shows up as an item body.
      const encodedCount = (raw.toString('utf8').match(/<content:encoded>/g) ?? []).length;
      expect(feed.items.filter((item) => item.contentHtml).length, folder).toBe(encodedCount);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('keeps the HTML excerpt of a Wechat-Scholar item as its summary', () => {
    const raw = readFileSync(join(devDir(), 'feed-wechatscholar-qbitai', 'feed.xml'));
    const [first] = parseFeedDocument(new Uint8Array(raw)).items;
    expect(first!.summary).toMatch(/^<img referrerpolicy="no-referrer" src="https:\/\/mmbiz\.qpic\.cn\//);
    expect(first!.contentHtml).toBeNull();
  });
});

describe('parseFeedDocument', () => {
  it('resolves a relative Atom link against xml:base, reads dates, authors and content', () => {
    const atom = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://example.org/blog/">
  <title type="html">Example &lt;b&gt;AI&lt;/b&gt; &amp;amp; More</title>
  <link href="https://example.org/blog/"/><link rel="self" href="https://example.org/feed.atom"/>
  <author><name>Feed Owner</name></author>
  <id>urn:feed</id><updated>2025-11-10T04:00:10Z</updated>
  <entry>
    <title>Hello</title>
    <link rel="enclosure" href="audio/1.mp3"/><link rel="alternate" type="text/html" href="posts/1?a=1&amp;b=2"/>
    <id>urn:1</id><updated>2025-11-10T12:00:10+08:00</updated><published>2025-11-09T12:00:10.5+08:00</published>
    <author><name>Zhang San</name></author>
    <summary>Short</summary><content type="html">&lt;p&gt;Full text&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Plain</title><link href="/root/2"/><id>urn:2</id><updated>2025-11-10</updated>
    <content type="text">a &lt; b</content>
  </entry>
</feed>`;
    const feed = parseFeedDocument(atom);
    expect(feed.format).toBe('atom');
    expect(feed.title).toBe('Example AI & More');
    expect(feed.siteUrl).toBe('https://example.org/blog/');
    const [first, second] = feed.items;
    expect(first).toEqual({
      title: 'Hello',
      url: 'https://example.org/blog/posts/1?a=1&b=2',
      guid: 'urn:1',
      published: '2025-11-09T12:00:10+08:00',
      author: 'Zhang San',
      summary: 'Short',
      contentHtml: '<p>Full text</p>',
    });
    expect(second!.url).toBe('https://example.org/root/2');
    expect(second!.published).toBe('2025-11-10T00:00:00Z');
    expect(second!.author).toBe('Feed Owner');
    expect(second!.contentHtml).toBe('<p>a &lt; b</p>');
  });

  it('resolves a relative Atom link against the feed URL when there is no xml:base', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><id>t</id><updated>2025-11-10T00:00:00Z</updated>
      <entry><title>E</title><link href="../posts/7.html"/><id>e</id><updated>2025-11-10T00:00:00Z</updated></entry></feed>`;
    const feed = parseFeedDocument(atom, 'https://news.example.cn/feeds/atom.xml');
    expect(feed.items[0]!.url).toBe('https://news.example.cn/posts/7.html');
    expect(parseFeedDocument(atom).items[0]!.url).toBe('../posts/7.html');
  });

  it('reads a JSON Feed from bytes, resolving its relative item URL', () => {
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: '智库 JSON',
      home_page_url: 'https://j.example.org/',
      language: 'zh-CN',
      authors: [{ name: '编辑部' }],
      items: [
        {
          id: 'j1',
          url: '/p/1',
          title: '第一篇',
          content_html: '<p>正文</p>',
          summary: '摘要',
          date_published: '2025-11-10T12:00:10+08:00',
        },
        { id: 'j2', url: 'https://other.example.org/2', content_text: 'line one\n\nline <two>', date_modified: '2025-11-11T01:02:03Z' },
      ],
    });
    const feed = parseFeedDocument(new TextEncoder().encode(json));
    expect(feed.format).toBe('json');
    expect(feed.title).toBe('智库 JSON');
    expect(feed.siteUrl).toBe('https://j.example.org/');
    expect(feed.items[0]).toEqual({
      title: '第一篇',
      url: 'https://j.example.org/p/1',
      guid: 'j1',
      published: '2025-11-10T12:00:10+08:00',
      author: '编辑部',
      summary: '摘要',
      contentHtml: '<p>正文</p>',
    });
    expect(feed.items[1]!.title).toBeNull();
    expect(feed.items[1]!.published).toBe('2025-11-11T01:02:03Z');
    expect(feed.items[1]!.contentHtml).toBe('<p>line one</p>\n<p>line &lt;two&gt;</p>');
  });

  it('reads an RDF (RSS 1.0) feed with Dublin Core dates and creators', () => {
    const rdf = `<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel rdf:about="https://rdf.example.org/"><title>RDF 频道</title><link>https://rdf.example.org/</link><description>d</description></channel>
  <item rdf:about="https://rdf.example.org/a">
    <title>A</title><link>https://rdf.example.org/a?x=1&amp;y=2</link><description>desc</description>
    <dc:date>2025-11-10T12:00:10+08:00</dc:date><dc:creator>李四</dc:creator>
    <content:encoded><![CDATA[<p>body</p>]]></content:encoded>
  </item>
</rdf:RDF>`;
    const feed = parseFeedDocument(rdf);
    expect(feed.format).toBe('rdf');
    expect(feed.title).toBe('RDF 频道');
    expect(feed.siteUrl).toBe('https://rdf.example.org/');
    expect(feed.items).toEqual([
      {
        title: 'A',
        url: 'https://rdf.example.org/a?x=1&y=2',
        guid: 'https://rdf.example.org/a',
        published: '2025-11-10T12:00:10+08:00',
        author: '李四',
        summary: 'desc',
        contentHtml: '<p>body</p>',
      },
    ]);
  });

  it('honours a GBK encoding declared in the XML prolog', () => {
    // Too little Chinese for the byte-statistics detector to guess GBK (it says ISO-8859-1): only the prolog tells.
    const xml = `<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel><title>量子位</title>
<item><title>智能体</title><link>https://www.qbitai.com/1.html</link><pubDate>Mon, 10 Nov 2025 12:00:10 +0800</pubDate></item></channel></rss>`;
    const bytes = new Uint8Array(iconv.encode(xml, 'gbk'));
    // The bytes really are GBK, not UTF-8.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const feed = parseFeedDocument(bytes);
    expect(feed.title).toBe('量子位');
    expect(feed.items[0]!.title).toBe('智能体');
    expect(feed.items[0]!.url).toBe('https://www.qbitai.com/1.html');
    expect(feed.items[0]!.published).toBe('2025-11-10T12:00:10+08:00');
  });

  it('reads UTF-8 bytes that are mislabelled as GB2312 as UTF-8', () => {
    const xml = `<?xml version="1.0" encoding="gb2312"?><rss version="2.0"><channel><title>机器之心</title></channel></rss>`;
    expect(parseFeedDocument(new TextEncoder().encode(xml)).title).toBe('机器之心');
  });

  it('decodes double-escaped links, resolves relative RSS links and names RSS authors', () => {
    const rss = `<rss version="2.0"><channel><title>T</title><link>https://site.example.org/blog/</link>
      <item><title>a</title><link><![CDATA[https://mp.weixin.qq.com/s?__biz=X==&amp;mid=1&amp;idx=1#rd]]></link>
        <author>bob@example.org (Bob)</author></item>
      <item><title>b</title><link>posts/b.html</link></item>
      <item><title>c</title><guid>https://site.example.org/c</guid></item>
      <item><title>d</title><guid isPermaLink="false">https://site.example.org/d</guid></item>
    </channel></rss>`;
    const items = parseFeedDocument(rss).items;
    expect(items.map((item) => item.url)).toEqual([
      'https://mp.weixin.qq.com/s?__biz=X==&mid=1&idx=1#rd',
      'https://site.example.org/blog/posts/b.html',
      'https://site.example.org/c',
      null,
    ]);
    expect(items[0]!.author).toBe('Bob');
    expect(items[3]!.guid).toBe('https://site.example.org/d');
    // The feed URL, when known, is the base instead of the site link.
    expect(parseFeedDocument(rss, 'https://feeds.example.org/x/rss.xml').items[1]!.url).toBe('https://feeds.example.org/x/posts/b.html');
  });

  it('reads CST as China Standard Time only in a Chinese feed', () => {
    const rss = (language: string) =>
      `<rss version="2.0"><channel><title>T</title><language>${language}</language>
        <item><title>a</title><pubDate>Mon, 10 Nov 2025 12:00:10 CST</pubDate></item></channel></rss>`;
    expect(parseFeedDocument(rss('zh-cn')).items[0]!.published).toBe('2025-11-10T12:00:10+08:00');
    expect(parseFeedDocument(rss('en-us')).items[0]!.published).toBe('2025-11-10T12:00:10-06:00');
  });

  it('rejects an HTML page, a non-feed JSON object, broken XML and an empty document with E_PARSE', () => {
    const html = `<!DOCTYPE html><html><head><title>机器之心</title></head><body><p>不是订阅源</p></body></html>`;
    const page = thrownZhikuError(() => parseFeedDocument(new TextEncoder().encode(html), 'https://www.jiqizhixin.com/'));
    expect(page.code).toBe('E_PARSE');
    expect(page.message).toMatch(/HTML page/);
    expect(page.item).toBe('https://www.jiqizhixin.com/');

    const json = thrownZhikuError(() => parseFeedDocument('{"hello": "world"}'));
    expect(json.code).toBe('E_PARSE');
    expect(json.message).toMatch(/not a feed/);

    const svg = thrownZhikuError(() => parseFeedDocument('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'));
    expect(svg.message).toMatch(/<svg>/);

    expect(thrownZhikuError(() => parseFeedDocument('   ')).message).toMatch(/empty/);
  });
});

describe('normalizeFeedDate', () => {
  it.each([
    ['Mon, 10 Nov 2025 12:00:10 +0800', '2025-11-10T12:00:10+08:00'],
    ['Mon, 10 Nov 2025 12:00:10 +0000', '2025-11-10T12:00:10+00:00'],
    ['Mon, 10 Nov 2025 04:00:10 GMT', '2025-11-10T04:00:10Z'],
    ['Mon, 10 Nov 2025 12:00:10', '2025-11-10T12:00:10Z'],
    ['10 Nov 25 12:00 EST', '2025-11-10T12:00:00-05:00'],
    ['Wed, 10 Sept 2025 09:05:00 -0430', '2025-09-10T09:05:00-04:30'],
    ['2025-11-10T12:00:10.123+08:00', '2025-11-10T12:00:10+08:00'],
    ['2025-11-10T12:00:10+0800', '2025-11-10T12:00:10+08:00'],
    ['2025-11-10 12:00:10', '2025-11-10T12:00:10Z'],
    ['2025-11-10', '2025-11-10T00:00:00Z'],
    ['2025/11/10 12:00', '2025-11-10T12:00:00Z'],
    ['2025年11月10日 12:00:10', '2025-11-10T12:00:10Z'],
    ['Mon Nov 10 2025 12:00:10 GMT+0800 (China Standard Time)', '2025-11-10T12:00:10+08:00'],
    ['Mon, 31 Feb 2025 10:00:00 GMT', null],
    ['Mon, 10 Junk 2025 10:00:00 GMT', null],
    ['2025-11-10T25:00:00Z', null],
    ['yesterday', null],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeFeedDate(raw)).toBe(expected);
  });
});
