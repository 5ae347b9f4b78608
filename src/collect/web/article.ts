/**
 * @module collect/web/article
 * A generic web page → an article: Readability (over linkedom) finds the body, turndown with GFM
 * writes it as markdown (tables kept, `<pre>` as fenced code, images as links with absolute URLs);
 * the title loses its site suffix; author, date, site and canonical URL come from meta tags, JSON-LD
 * and visible bylines. WeChat pages have their own extractor (collect/web/wechat).
 */
import { Readability } from '@mozilla/readability';
import { gfm } from '@joplin/turndown-plugin-gfm';
import { parseHTML } from 'linkedom';
import { assertNesting } from './nesting.js';
import TurndownService from 'turndown';
import type { ExtractedArticle, PageExtraction } from './types.js';

/** Attributes lazy-loading scripts keep the real image URL in. */
const LAZY_IMAGE_ATTRIBUTES = ['data-src', 'data-original', 'data-lazy-src', 'data-actualsrc', 'data-url'];
/** Query parameters that track the visit, not name the page. */
const TRACKING_PARAMETER = /^(?:utm_\w+|spm|from|source|share_token|scene|srcid|ref|fbclid|gclid|wfr|share_from)$/i;

let converter: TurndownService | undefined;

function turndown(): TurndownService {
  if (!converter) {
    converter = new TurndownService({ headingStyle: 'atx', bulletListMarker: '-', codeBlockStyle: 'fenced', emDelimiter: '*' });
    converter.use(gfm);
    converter.remove(['script', 'style', 'noscript', 'iframe', 'form', 'button']);
  }
  return converter;
}

type Document = ReturnType<typeof parseHTML>['document'];

/**
 * An HTML fragment (a feed entry's full content) as markdown: lazy images resolved, links and images
 * made absolute against `baseUrl`, the same converter and nesting guard as whole pages.
 */
export function fragmentMarkdown(html: string, baseUrl?: string): { markdown: string; images: string[] } {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  assertNesting(document, baseUrl);
  useLazyImageSources(document);
  return toMarkdown(document, baseUrl);
}

/** Lazy images keep their URL elsewhere (data-src …); Readability and the converter read only src. */
function useLazyImageSources(document: Document): void {
  for (const image of document.querySelectorAll('img')) {
    const lazy = LAZY_IMAGE_ATTRIBUTES.map((name) => image.getAttribute(name)).find((value) => value && !value.startsWith('data:'));
    if (lazy) image.setAttribute('src', lazy);
  }
}

/** `value` resolved against `base`; null when it cannot be. */
function absoluteUrl(value: string | null | undefined, base: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value.trim(), base).toString();
  } catch {
    return base ? null : value.trim();
  }
}

function toMarkdown(body: Document, base: string | undefined): { markdown: string; images: string[] } {
  const absolute = (value: string | null | undefined) => absoluteUrl(value, base);
  for (const link of body.querySelectorAll('a[href]')) {
    const href = absolute(link.getAttribute('href'));
    if (href) link.setAttribute('href', href);
  }
  const images: string[] = [];
  for (const image of body.querySelectorAll('img')) {
    const src = absolute(image.getAttribute('src'));
    if (!src || src.startsWith('data:')) {
      image.remove();
      continue;
    }
    image.setAttribute('src', src);
    images.push(src);
  }
  const markdown = dropLeadNotes(
    turndown()
      .turndown(body.body.innerHTML)
      .replace(/\n{3,}/g, '\n\n')
      .trim(),
  );
  return { markdown, images };
}

/** `page`: the page as the caller parsed it (it may be changed), so a page is parsed once. */
export function extractArticle(html: string, pageUrl?: string, page: Document = parseHTML(html).document): PageExtraction {
  const document = page;
  const base = document.querySelector('base[href]')?.getAttribute('href') ?? pageUrl;
  useLazyImageSources(document);
  const meta = metadata(document);
  const parsed = new Readability(document.cloneNode(true) as unknown as globalThis.Document, { charThreshold: 100, keepClasses: false }).parse();
  if (!parsed?.content) return { status: 'unavailable', message: 'no article text found on the page' };

  const { document: body } = parseHTML(`<!doctype html><html><body>${parsed.content}</body></html>`);
  const { markdown, images } = toMarkdown(body, base ?? undefined);
  const rawTitle = meta.title ?? parsed.title ?? '';
  const text = parsed.textContent ?? '';
  const article: ExtractedArticle = {
    status: 'ok',
    title: cleanTitle(rawTitle, meta.headline, meta.site),
    url: canonicalUrl(meta.canonical ? absoluteUrl(meta.canonical, base) : null, pageUrl ?? null),
    source: meta.site ?? siteFromTitle(rawTitle),
    author: personName(meta.author) ?? bylineName(parsed.byline) ?? visibleByline(text) ?? visibleByline(document.body?.textContent ?? ''),
    date: publishDate(meta.date, document.body?.textContent ?? ''),
    lang: meta.lang ?? (cjkShare(text) > 0.2 ? 'zh' : 'en'),
    markdown,
    images,
    notes: [],
  };
  return article;
}

interface PageMeta {
  title: string | null;
  headline: string | null;
  site: string | null;
  author: string | null;
  date: string | null;
  canonical: string | null;
  lang: string | null;
  description: string | null;
}

function metadata(document: Document): PageMeta {
  const content = (selector: string) => document.querySelector(selector)?.getAttribute('content')?.trim() || null;
  const jsonLd = readJsonLd(document);
  const h1 = document.querySelector('h1')?.textContent?.replace(/\s+/g, ' ').trim() || null;
  return {
    title: document.querySelector('title')?.textContent?.replace(/\s+/g, ' ').trim() || content('meta[property="og:title"]') || h1,
    headline: content('meta[property="og:title"]') ?? jsonLd.headline ?? h1,
    site: content('meta[property="og:site_name"]') ?? content('meta[name="application-name"]') ?? jsonLd.publisher,
    author:
      content('meta[name="author"]') ??
      content('meta[property="article:author"]') ??
      content('meta[name="byline"]') ??
      jsonLd.author,
    date:
      content('meta[property="article:published_time"]') ??
      content('meta[name="pubdate"]') ??
      content('meta[name="publishdate"]') ??
      content('meta[name="PubDate"]') ??
      content('meta[itemprop="datePublished"]') ??
      jsonLd.datePublished ??
      document.querySelector('time[datetime]')?.getAttribute('datetime') ??
      null,
    canonical: document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? content('meta[property="og:url"]'),
    lang: document.documentElement?.getAttribute('lang')?.split('-')[0]?.toLowerCase() || null,
    description: content('meta[name="description"]') ?? content('meta[property="og:description"]'),
  };
}

function readJsonLd(document: Document): { headline: string | null; author: string | null; datePublished: string | null; publisher: string | null } {
  const found = { headline: null as string | null, author: null as string | null, datePublished: null as string | null, publisher: null as string | null };
  for (const script of document.querySelectorAll('script[type="application/ld+json"]')) {
    let data: unknown;
    try {
      data = JSON.parse(script.textContent ?? '');
    } catch {
      continue;
    }
    for (const item of (Array.isArray(data) ? data : [data]) as Record<string, unknown>[]) {
      if (!item || typeof item !== 'object') continue;
      const name = (value: unknown): string | null =>
        typeof value === 'string' ? value : Array.isArray(value) ? name(value[0]) : value && typeof value === 'object' ? name((value as { name?: unknown }).name) : null;
      found.headline ??= name(item.headline);
      found.author ??= name(item.author);
      found.datePublished ??= name(item.datePublished);
      found.publisher ??= name(item.publisher);
    }
  }
  return found;
}

/**
 * Lines before the article proper that are not its text: a republication note (原标题：…), the
 * page's summary (摘要：…), or a standfirst cut short with "…" that the body then says in full.
 */
function dropLeadNotes(markdown: string): string {
  const squash = (text: string) => text.replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[\s.…。*_#>]+/g, '');
  const paragraphs = markdown.split(/\n\n/);
  while (paragraphs.length > 1) {
    const first = paragraphs[0]!.trim();
    const truncatedRepeat = /(?:\.\.\.|…)$/.test(first) && squash(paragraphs.slice(1).join('')).includes(squash(first));
    if (/^(?:\*\*)?(?:原标题|摘要|导读|导语)\s*[:：]/.test(first) || truncatedRepeat) paragraphs.shift();
    else break;
  }
  return paragraphs.join('\n\n');
}

const TITLE_SEPARATOR = /\s*[_|｜]\s*|\s+[-–—]\s+/;

/**
 * The title without the site's suffix: "X_科技_腾讯网" → "X". The page's own headline wins when the
 * title starts with it; otherwise the first segment, when it is most of the title.
 */
export function cleanTitle(title: string, headline: string | null, site: string | null): string {
  const trimmed = title.replace(/\s+/g, ' ').trim();
  const head = headline?.replace(/\s+/g, ' ').trim();
  if (head && head !== trimmed && trimmed.startsWith(head) && head.length >= 4) return head;
  const parts = trimmed.split(TITLE_SEPARATOR).filter(Boolean);
  if (parts.length > 1 && parts[0]!.length >= 4) return parts[0]!;
  if (site && trimmed.endsWith(site)) return trimmed.slice(0, -site.length).replace(/[\s_|｜\-–—]+$/, '');
  return trimmed;
}

function siteFromTitle(title: string): string | null {
  const parts = title.split(TITLE_SEPARATOR).filter(Boolean);
  return parts.length > 1 ? parts[parts.length - 1]!.trim() : null;
}

/** The canonical URL without tracking parameters or fragment. */
export function canonicalUrl(canonical: string | null, pageUrl: string | null): string | null {
  const value = canonical ?? pageUrl;
  if (!value) return null;
  try {
    const url = new URL(value);
    for (const key of [...url.searchParams.keys()]) if (TRACKING_PARAMETER.test(key)) url.searchParams.delete(key);
    url.hash = '';
    return url.toString();
  } catch {
    return value;
  }
}

/** A meta author that is a person, not an account id (L_104485) or a site (CSDN.NET). */
function personName(value: string | null): string | null {
  if (!value) return null;
  const name = value.trim();
  if (/^[\w.-]+$/.test(name) && /[\d._]/.test(name)) return null;
  return name || null;
}

function bylineName(byline: string | null | undefined): string | null {
  if (!byline) return null;
  const name = byline
    .replace(/^(?:作者|文|记者|撰文|by)[:：\s|]*/i, '')
    .split(/[\s,，|｜]/)[0]
    ?.replace(/\d{4}[-./年].*$/, '')
    .trim();
  return name && name.length <= 30 ? personName(name) : null;
}

/** A byline in the text: 作者：X, 本报记者 X, 文/X. */
function visibleByline(text: string): string | null {
  const match = /(?:作者|记者|撰文|文\s*\/)\s*[:：]?\s*([\p{Script=Han}·]{2,4})(?![\p{Script=Han}])/u.exec(text);
  return match ? match[1]! : null;
}

/** The meta date, made precise by a visible time on the same day (meta 2022-02-13, page 2022年02月13日07:48). */
function publishDate(metaDate: string | null, pageText: string): string | null {
  const declared = normalizeDate(metaDate);
  const visible = normalizeDate(visibleDate(pageText));
  if (!declared) return visible;
  return declared.length === 10 && visible?.startsWith(declared) ? visible : declared;
}

/** A publish time in the text (2022年02月13日07:48, 2014-08-24 21:30). */
function visibleDate(text: string): string | null {
  const match = /(20\d{2}|19\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
  if (!match) return null;
  const [, y, mo, d, h, mi, s] = match;
  const date = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  return h ? `${date}T${h.padStart(2, '0')}:${mi}:${s ?? '00'}+08:00` : date;
}

/**
 * ISO 8601: a time with a zone keeps it; a local time without one is read as Beijing time (+08:00),
 * the zone of the sources this reads; a date alone stays a date.
 */
export function normalizeDate(value: string | null): string | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const local = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (local) {
    const [, y, mo, d, h, mi, s] = local;
    const date = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
    return h ? `${date}T${h.padStart(2, '0')}:${mi}:${s ?? '00'}+08:00` : date;
  }
  if (/(?:Z|[+-]\d{2}:?\d{2})$/.test(text) && !Number.isNaN(Date.parse(text))) return text;
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : new Date(parsed).toISOString();
}

function cjkShare(text: string): number {
  const letters = text.replace(/[\s\p{P}\d]/gu, '');
  if (!letters.length) return 0;
  return (letters.match(/\p{Script=Han}/gu)?.length ?? 0) / letters.length;
}
