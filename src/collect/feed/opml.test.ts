import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { benchDir, thrownZhikuError } from '../../../test/helpers.js';
import { exportOpml, parseOpmlDocument, type OpmlFeed } from './opml.js';

interface OpmlExpectation {
  title: string;
  feed_count: number;
  first_feeds: { text: string; xmlUrl: string }[];
  zh_feed_count: number;
}

const devDir = () => join(benchDir(), 'collect', 'dev');


describe('OPML files in the collect bench', () => {
  it('match expected.json in every opml-* dev folder', () => {
    const folders = readdirSync(devDir()).filter((name) => name.startsWith('opml-'));
    expect(folders.length).toBeGreaterThan(0);
    let checked = 0;
    for (const folder of folders) {
      const dir = join(devDir(), folder);
      const raw = readFileSync(join(dir, 'subscriptions.opml'));
      const opml = parseOpmlDocument(new Uint8Array(raw), folder);
      let expected: OpmlExpectation;
      try {
        expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as OpmlExpectation;
      } catch {
        expect(opml.feeds.length, folder).toBeGreaterThan(0);
        continue;
      }
      expect(opml.title, folder).toBe(expected.title);
      expect(opml.feeds, folder).toHaveLength(expected.feed_count);
      expect(
        opml.feeds.slice(0, expected.first_feeds.length).map((feed) => ({ text: feed.title, xmlUrl: feed.xmlUrl })),
        folder,
      ).toEqual(expected.first_feeds);
      expect(opml.feeds.filter((feed) => /\p{Script=Han}/u.test(feed.title)).length, folder).toBe(expected.zh_feed_count);
      for (const feed of opml.feeds) {
        expect(feed.title, folder).not.toBe('');
        expect(() => new URL(feed.xmlUrl), `${folder}: ${feed.xmlUrl}`).not.toThrow();
      }
      // Every xmlUrl attribute in the file is accounted for.
      expect(opml.feeds.length, folder).toBe((raw.toString('utf8').match(/\sxmlUrl="/g) ?? []).length);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('parseOpmlDocument', () => {
  it('flattens nested outlines, naming each feed by text or title and its category by the parent outline', () => {
    const opml = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>订阅 &amp; 收藏</title></head><body>
  <outline text="AI 媒体">
    <outline title="只有 title" xmlUrl="https://rsshub.example.org/wechat/ce/1?a=1&amp;b=2" htmlUrl="https://a.example.org/"/>
    <outline text="小写属性" xmlurl="https://lower.example.org/feed"/>
    <outline text="子目录"><outline text="深层" type="rss" xmlUrl="https://deep.example.org/rss"/></outline>
    <outline text="不是订阅源"/>
  </outline>
  <outline><outline text="无名目录下" xmlUrl="https://unnamed.example.org/rss"/></outline>
  <outline text="顶层" type="rss" xmlUrl="https://top.example.org/atom.xml"/>
</body></opml>`;
    const parsed = parseOpmlDocument(opml);
    expect(parsed.title).toBe('订阅 & 收藏');
    expect(parsed.feeds).toEqual<OpmlFeed[]>([
      { title: '只有 title', xmlUrl: 'https://rsshub.example.org/wechat/ce/1?a=1&b=2', htmlUrl: 'https://a.example.org/', category: 'AI 媒体' },
      { title: '小写属性', xmlUrl: 'https://lower.example.org/feed', htmlUrl: null, category: 'AI 媒体' },
      { title: '深层', xmlUrl: 'https://deep.example.org/rss', htmlUrl: null, category: '子目录' },
      { title: '无名目录下', xmlUrl: 'https://unnamed.example.org/rss', htmlUrl: null, category: null },
      { title: '顶层', xmlUrl: 'https://top.example.org/atom.xml', htmlUrl: null, category: null },
    ]);
  });

  it('honours a GBK encoding declared in the prolog', () => {
    const opml = `<?xml version="1.0" encoding="GBK"?><opml version="2.0"><head><title>公众号</title></head>
      <body><outline text="新智元" xmlUrl="https://example.org/gh_1.xml"/></body></opml>`;
    const parsed = parseOpmlDocument(new Uint8Array(iconv.encode(opml, 'gbk')));
    expect(parsed.title).toBe('公众号');
    expect(parsed.feeds.map((feed) => feed.title)).toEqual(['新智元']);
  });

  it('reads an OPML without outlines as an empty list', () => {
    expect(parseOpmlDocument('<opml version="2.0"><head/><body/></opml>')).toEqual({ title: null, feeds: [] });
  });

  it('rejects documents that are not OPML with E_PARSE naming what they are', () => {
    const html = thrownZhikuError(() => parseOpmlDocument('<!DOCTYPE html><html><body>订阅</body></html>', 'subs.opml'));
    expect(html.code).toBe('E_PARSE');
    expect(html.message).toBe('not an OPML document (root element <html>)');
    expect(html.item).toBe('subs.opml');
    expect(thrownZhikuError(() => parseOpmlDocument('<rss version="2.0"><channel/></rss>')).message).toMatch(/<rss>/);
    expect(thrownZhikuError(() => parseOpmlDocument('')).message).toMatch(/empty/);
    const unclosed = thrownZhikuError(() => parseOpmlDocument('<opml version="2.0"><head><title>x</head><body/></opml>'));
    expect(unclosed.code).toBe('E_PARSE');
    expect(unclosed.message).toBe('malformed OPML XML');
    // Outlines outside <body> are unreadable, which is not the same as an empty list.
    const misplaced = thrownZhikuError(() => parseOpmlDocument('<opml version="2.0"><outline text="a" xmlUrl="https://a.example.org/"/></opml>'));
    expect(misplaced.code).toBe('E_PARSE');
    expect(misplaced.message).toMatch(/outlines cannot be read/);
  });
});

describe('exportOpml', () => {
  const feeds: OpmlFeed[] = [
    { title: '机器之心', xmlUrl: 'https://example.org/gh_dbc0a5474692.xml', htmlUrl: 'https://www.jiqizhixin.com/', category: '公众号' },
    { title: '量子位 "QbitAI" & <friends>', xmlUrl: 'https://rsshub.example.org/qbitai?limit=20&format=rss', htmlUrl: null, category: '公众号' },
    { title: 'LangChain Blog', xmlUrl: 'https://blog.langchain.dev/rss/', htmlUrl: null, category: 'Vendors' },
    { title: 'Hugging Face Blog', xmlUrl: 'https://huggingface.co/blog/feed.xml', htmlUrl: 'https://huggingface.co/blog', category: null },
  ];

  it('writes OPML 2.0 that reads back to the same feeds and title', () => {
    const xml = exportOpml(feeds, '智库 订阅');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?>/i);
    expect(xml).toContain('<opml version="2.0">');
    // One folder outline per category, not one per feed.
    expect(xml.match(/<outline text="公众号"/g)).toHaveLength(1);
    expect(parseOpmlDocument(xml)).toEqual({ title: '智库 订阅', feeds });
    expect(parseOpmlDocument(new TextEncoder().encode(xml)).feeds).toEqual(feeds);
  });

  it('rejects an empty list and a feed without a URL', () => {
    expect(thrownZhikuError(() => exportOpml([], 'x')).code).toBe('E_EMPTY');
    expect(thrownZhikuError(() => exportOpml([{ title: 'no url', xmlUrl: ' ' }], 'x')).code).toBe('E_INVALID_INPUT');
  });
});
