import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { benchDir } from '../../../test/helpers.js';
import { canonicalUrl, cleanTitle, extractArticle, normalizeDate } from './article.js';
import { decodeHtml } from './decode-html.js';
import type { ExtractedArticle } from './types.js';

/** The README's comparison: every kind of whitespace deleted. */
const squash = (text: string) => text.replace(/[\s\u00a0\u3000]+/g, '');
/** The body as text: no image links, no markdown syntax. */
const plain = (markdown: string) => markdown.replace(/!\[[^\]]*\]\([^)]*\)/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[#>*_`|-]/g, '');

const beijingDay = (date: string | null) => (date === null ? null : date.length === 10 ? date : new Date(Date.parse(date) + 8 * 3600_000).toISOString().slice(0, 10));

interface Expected {
  title?: string;
  title_clean?: string;
  author?: string | null;
  publish_time?: string | null;
  url?: string | null;
  body?: { starts_with?: string; ends_with?: string; contains?: string[]; min_chars?: number };
  images?: { count?: number; first?: string[] };
  must_not_contain?: string[];
}

function extract(folder: string): { article: ExtractedArticle; expected: Expected } {
  const dir = join(benchDir(), 'collect', 'dev', folder);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as { url?: string };
  const { html } = decodeHtml(readFileSync(join(dir, 'source.html')));
  const result = extractArticle(html, expected.url ?? meta.url ?? undefined);
  if (result.status !== 'ok') throw new Error(`${folder}: ${result.message}`);
  return { article: result, expected };
}

const GENERIC = ['news-cwced-people-gbk', 'news-newspaper4k-chinadaily', 'news-readability-gmw', 'news-readability-qq-deepmind', 'news-trafilatura-hexinhua-gb2312', 'tech-gne-csdn-zoomeye', 'tech-gne-readhub-5g', 'tech-postlight-qdaily'];

describe('generic article pages of the collect bench', () => {
  for (const folder of GENERIC) {
    it(folder, () => {
      const { article, expected } = extract(folder);
      const body = squash(plain(article.markdown));
      const title = expected.title_clean ?? expected.title;
      if (title) expect(squash(article.title)).toBe(squash(title));
      if (expected.author) expect(article.author).toBe(expected.author);
      if (expected.body?.starts_with) expect(body.startsWith(squash(expected.body.starts_with)), body.slice(0, 80)).toBe(true);
      if (expected.body?.ends_with) expect(body.endsWith(squash(expected.body.ends_with)), body.slice(-80)).toBe(true);
      for (const piece of expected.body?.contains ?? []) expect(body).toContain(squash(piece));
      if (expected.body?.min_chars) expect(body.length).toBeGreaterThanOrEqual(expected.body.min_chars * 0.8);
      for (const piece of expected.must_not_contain ?? []) expect(squash(article.markdown)).not.toContain(squash(piece));
      if (expected.images?.count !== undefined) expect(article.images).toHaveLength(expected.images.count);
      if (expected.images?.first) expect(article.images.slice(0, expected.images.first.length)).toEqual(expected.images.first);
      if (expected.publish_time && /^\d{4}-\d{2}-\d{2}/.test(expected.publish_time)) {
        const wanted = normalizeDate(expected.publish_time)!;
        // A date alone is compared as the Beijing calendar day; a time as the same instant.
        if (wanted.length === 10) expect(beijingDay(article.date)).toBe(wanted);
        else expect(article.date && Date.parse(article.date)).toBe(Date.parse(wanted));
      }
    });
  }
});

describe('page decoding', () => {
  it('reads a Big5 page without any charset declared', () => {
    const html = '<html><head><title>繁體中文測試頁面</title></head><body><p>這是一段用大五碼編碼的繁體中文內容，用來測試字元集偵測是否正確。</p></body></html>';
    const page = decodeHtml(iconv.encode(html, 'big5'));
    expect(page.encoding).toBe('big5');
    expect(page.html).toBe(html);
  });

  it('reads GBK bytes by their meta charset, and UTF-8 bytes as UTF-8 even when gb2312 is declared', () => {
    const gbk = '<html><head><meta charset="gbk"><title>新闻</title></head><body>人工智能产业报告</body></html>';
    expect(decodeHtml(iconv.encode(gbk, 'gbk')).html).toBe(gbk);
    const mislabelled = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>腾讯科技</body></html>';
    expect(decodeHtml(Buffer.from(mislabelled, 'utf8'), 'gb2312')).toMatchObject({ html: mislabelled, encoding: 'utf-8', declared: 'gb2312' });
  });
});

describe('article metadata', () => {
  it('cleans site suffixes from titles', () => {
    expect(cleanTitle('DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶_科技_腾讯网', null, null)).toBe('DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶');
    expect(cleanTitle('Model release notes | Example Blog', 'Model release notes', 'Example Blog')).toBe('Model release notes');
  });

  it('drops tracking parameters from canonical URLs', () => {
    expect(canonicalUrl('https://example.org/a?id=3&utm_source=x&spm=1.2#top', null)).toBe('https://example.org/a?id=3');
  });

  it('writes dates as ISO 8601, local times in +08:00', () => {
    expect(normalizeDate('2022-02-13 07:48')).toBe('2022-02-13T07:48:00+08:00');
    expect(normalizeDate('2023年11月17日')).toBe('2023-11-17');
    expect(normalizeDate('2017-03-01T06:27:02.000Z')).toBe('2017-03-01T06:27:02.000Z');
  });

  it('resolves relative links and keeps <pre> as a code block', () => {
    const html = `<html><head><title>Notes on serving | Blog</title></head><body><article><h1>Notes on serving</h1>
      <p>${'Serving large models needs batching and careful memory planning for the key-value cache. '.repeat(4)}</p>
      <p>See <a href="/docs/serving">the serving guide</a> for details.</p><pre><code>vllm serve model --max-model-len 32768</code></pre>
      <p><img src="img/chart.png" alt="throughput"></p></article></body></html>`;
    const article = extractArticle(html, 'https://example.org/posts/serving.html') as ExtractedArticle;
    expect(article.markdown).toContain('[the serving guide](https://example.org/docs/serving)');
    expect(article.markdown).toContain('```\nvllm serve model --max-model-len 32768\n```');
    expect(article.markdown).toContain('![throughput](https://example.org/posts/img/chart.png)');
    expect(article.title).toBe('Notes on serving');
  });
});
