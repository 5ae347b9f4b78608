/**
 * @module digest/format/feed.test
 * JSON round-trips the model; the RSS feed parses back with one dated entry per digest.
 */
import { readFileSync } from 'node:fs';
import { parseRssFeed } from 'feedsmith';
import { describe, expect, it } from 'vitest';
import type { Digest } from '../types.js';
import { digestGuid, parseDigestJson, renderDigestHtml, renderDigestJson, renderDigestRss } from './feed.js';
import { parseDigestMarkdown } from './markdown.js';
import { seedFile, zhikuErrorText } from '../../../test/helpers.js';



const seedDigest = parseDigestMarkdown(readFileSync(seedFile('001'), 'utf8'));

/** A second day, built from the seed so it is realistic, with the fields markdown cannot carry filled in. */
const nextDay: Digest = {
  date: '2025-10-11',
  items: seedDigest.items.slice(0, 2).map((item, index) => ({
    ...item,
    publishedAt: `2025-10-11T0${index}:30:00+08:00`,
    documentId: `d_${index}`,
    alsoAt: [{ name: '量子位', url: null }],
  })),
  others: [{ title: '无链接的资讯', url: null, source: '新智元' }],
};

const FEED = { title: 'AI行业速递', link: 'https://zhiku.example/digest', selfUrl: 'https://zhiku.example/digest/rss.xml' };

describe('digest JSON', () => {
  it('is pretty-printed and round-trips every field', () => {
    const text = renderDigestJson(nextDay);
    expect(text.startsWith('{\n  "date": "2025-10-11",\n')).toBe(true);
    expect(parseDigestJson(text)).toEqual(nextDay);
    expect(parseDigestJson(renderDigestJson(seedDigest))).toEqual(seedDigest);
  });

  it('rejects invalid JSON and a wrong shape with E_PARSE naming the field', () => {
    expect(zhikuErrorText(() => parseDigestJson('{'))).toMatch(/^E_PARSE: digest JSON is not valid JSON/u);
    const badCategory = renderDigestJson(seedDigest).replace('"category": "观点洞察"', '"category": "科技"');
    expect(zhikuErrorText(() => parseDigestJson(badCategory))).toMatch(/^E_PARSE: digest JSON is invalid at items\.0\.category/u);
    const badDate = renderDigestJson({ ...seedDigest, date: '2025-02-30' });
    expect(zhikuErrorText(() => parseDigestJson(badDate))).toMatch(/^E_PARSE: digest JSON is invalid at date/u);
  });
});

describe('renderDigestHtml', () => {
  it('renders every item and the other links', () => {
    const html = renderDigestHtml(seedDigest);
    expect(html.match(/<h2>/gu)).toHaveLength(11);
    expect(html).toContain('<h2>Sam Altman 重新定义 OpenAI：从基础模型到 AI 超级系统的战略转型</h2>');
    expect(html).toContain('<strong>来源：</strong><a href="https://mp.weixin.qq.com/s/8xpRmUactK0sHNSOWmF69Q">Founder Park</a>');
    expect(html).toContain('<li><strong>战略转向</strong>：Sam Altman 承认');
    expect(html.match(/<li>/gu)).toHaveLength(50 + 3);
  });

  it('escapes text and drops non-web link targets', () => {
    const [first] = seedDigest.items;
    if (!first) throw new Error('seed has no items');
    const hostile: Digest = {
      ...seedDigest,
      items: [{ ...first, headline: '<script>alert(1)</script>', source: { name: 'x', url: 'javascript:alert(1)' } }],
      others: [],
    };
    const html = renderDigestHtml(hostile);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;');
    expect(html).not.toContain('javascript:');
  });
});

describe('renderDigestRss', () => {
  const xml = renderDigestRss([seedDigest, nextDay], FEED);
  const feed = parseRssFeed(xml);

  it('has one entry per digest, newest first, titled with the title line', () => {
    expect(feed.title).toBe('AI行业速递');
    expect(feed.items?.map((item) => item.title)).toEqual(['🤖 AI行业速递 - 2025年10月11日', '🤖 AI行业速递 - 2025年10月10日']);
  });

  it('dates each entry 08:00 Asia/Shanghai', () => {
    const dates = feed.items?.map((item) => (item.pubDate ? new Date(item.pubDate).toISOString() : null));
    expect(dates).toEqual(['2025-10-11T00:00:00.000Z', '2025-10-10T00:00:00.000Z']);
    expect(feed.lastBuildDate && new Date(feed.lastBuildDate).toISOString()).toBe('2025-10-11T00:00:00.000Z');
  });

  it('carries the digest as HTML in content:encoded and the headlines in description', () => {
    const older = feed.items?.[1];
    expect(older?.content?.encoded).toBe(renderDigestHtml(seedDigest));
    expect(older?.description?.startsWith('本期 10 条：Sam Altman 重新定义 OpenAI')).toBe(true);
    expect(older?.categories?.map((category) => category.name)).toEqual(['观点洞察', '深度行业分析', '产品与商业模式', '市场动态', '非AI']);
  });

  it('gives each day a stable guid and links the feed to itself', () => {
    expect(feed.items?.map((item) => item.guid?.value)).toEqual([digestGuid(FEED.link, '2025-10-11'), digestGuid(FEED.link, '2025-10-10')]);
    expect(feed.items?.[1]?.guid).toEqual({ value: 'https://zhiku.example/digest#digest-2025-10-10', isPermaLink: false });
    expect(renderDigestRss([nextDay, seedDigest], FEED)).toBe(xml);
    expect(feed.atom?.links?.[0]?.href).toBe(FEED.selfUrl);
    expect(parseRssFeed(renderDigestRss([seedDigest], { title: 't', link: 'https://zhiku.example/' })).atom).toBeUndefined();
  });

  it('links entries only when given a page per day', () => {
    expect(feed.items?.[0]?.link).toBeUndefined();
    const linked = parseRssFeed(renderDigestRss([seedDigest], { ...FEED, itemLink: (date) => `https://zhiku.example/digest/${date}` }));
    expect(linked.items?.[0]?.link).toBe('https://zhiku.example/digest/2025-10-10');
  });

  it('rejects two digests for one day', () => {
    expect(zhikuErrorText(() => renderDigestRss([seedDigest, seedDigest], FEED))).toBe('E_INVALID_INPUT: two digests for 2025-10-10 in one feed');
  });
});
