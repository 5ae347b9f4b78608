/**
 * @module digest/format/feed
 * The digest for other programs: JSON of the model (read back with validation), simple HTML, and an
 * RSS 2.0 feed with one entry per day.
 *
 * Feed entries carry the day's digest as HTML in `content:encoded`, because feed readers display HTML
 * and would show markdown's `**` and `>` as text; `description` holds a plain-text list of the headlines
 * for readers that show only a summary.
 */
import { generateRssFeed } from 'feedsmith';
import { z } from 'zod';
import { ZhikuError } from '../../errors.js';
import { CATEGORIES, type Category, type Digest, type DigestSource } from '../types.js';
import { OTHERS_HEADING, digestTitle, isValidDate } from './markdown.js';

/** Pretty JSON of the model: every field, including the ones the markdown has no place for. */
export function renderDigestJson(digest: Digest): string {
  return `${JSON.stringify(digest, null, 2)}\n`;
}

const sourceSchema = z.object({ name: z.string(), url: z.string().nullable() });
const digestSchema = z.object({
  date: z.string().refine(isValidDate, 'not a YYYY-MM-DD date'),
  items: z.array(
    z.object({
      headline: z.string(),
      category: z.enum(CATEGORIES),
      source: sourceSchema,
      alsoAt: z.array(sourceSchema),
      insight: z.string(),
      bullets: z.array(z.object({ label: z.string(), detail: z.string() })),
      publishedAt: z.string().nullable(),
      documentId: z.string().optional(),
    }),
  ),
  others: z.array(z.object({ title: z.string(), url: z.string().nullable(), source: z.string().nullable() })),
});

/** Reads {@link renderDigestJson}'s output back, checking its shape; E_PARSE names the first bad field. */
export function parseDigestJson(text: string): Digest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ZhikuError('E_PARSE', `digest JSON is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = digestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ZhikuError('E_PARSE', `digest JSON is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/gu, (char) => `&#${char.charCodeAt(0)};`);
}

/** Only web and mail links become anchors: a `javascript:` URL from a scraped page must not run in a reader. */
function safeHref(url: string | null): string | null {
  if (!url) return null;
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:' || protocol === 'mailto:' ? url : null;
  } catch {
    return null;
  }
}

function linkHtml(text: string, url: string | null): string {
  const href = safeHref(url);
  return href ? `<a href="${escapeHtml(href)}">${escapeHtml(text)}</a>` : escapeHtml(text);
}

function sourceHtml(source: DigestSource): string {
  return linkHtml(source.name, source.url);
}

/** The digest as simple HTML (headings, quote, paragraphs, lists), without the title, which the feed entry carries. */
export function renderDigestHtml(digest: Digest): string {
  const parts: string[] = [];
  for (const item of digest.items) {
    const alsoAt = item.alsoAt.length > 0 ? `（另见：${item.alsoAt.map(sourceHtml).join('、')}）` : '';
    parts.push(
      `<h2>${escapeHtml(item.headline)}</h2>`,
      `<blockquote><p><strong>分类：</strong>${escapeHtml(item.category)}<br><strong>来源：</strong>${sourceHtml(item.source)}${alsoAt}</p></blockquote>`,
      `<p><strong>核心洞察：</strong>${escapeHtml(item.insight)}</p>`,
      '<p><strong>内容简介：</strong></p>',
      `<ul>${item.bullets.map((bullet) => `<li><strong>${escapeHtml(bullet.label)}</strong>：${escapeHtml(bullet.detail)}</li>`).join('')}</ul>`,
      '<hr>',
    );
  }
  if (digest.others.length > 0) {
    const links = digest.others.map((link) => `<li>${linkHtml(link.title, link.url)}${link.source ? `（来源：${escapeHtml(link.source)}）` : ''}</li>`);
    parts.push(`<h2>${OTHERS_HEADING}</h2>`, `<ul>${links.join('')}</ul>`);
  }
  return parts.join('\n');
}

export interface DigestFeedOptions {
  /** The channel's title. */
  title: string;
  /** The site the feed belongs to. */
  link: string;
  /** Where the feed itself is served; written as `atom:link rel="self"` so readers can find it again. */
  selfUrl?: string;
  /** The channel's description; the title when absent. */
  description?: string;
  /** The page of one day's digest; without it entries have no link of their own. */
  itemLink?: (date: string) => string;
}

/** Digests are dated in Asia/Shanghai and published at 08:00 there (+08:00, no daylight saving). */
export function digestPublishedAt(date: string): Date {
  if (!isValidDate(date)) throw new ZhikuError('E_INVALID_INPUT', `digest date “${date}” is not a YYYY-MM-DD date`);
  return new Date(`${date}T08:00:00+08:00`);
}

/** One id per feed and day, so a re-rendered digest updates its entry instead of adding a second one. */
export function digestGuid(feedLink: string, date: string): string {
  return `${feedLink.replace(/#.*$/u, '')}#digest-${date}`;
}

/** An RSS 2.0 feed with one entry per digest, newest first. Two digests for the same day are an error. */
export function renderDigestRss(digests: Digest[], options: DigestFeedOptions): string {
  const seen = new Set<string>();
  for (const digest of digests) {
    if (seen.has(digest.date)) throw new ZhikuError('E_INVALID_INPUT', `two digests for ${digest.date} in one feed`);
    seen.add(digest.date);
  }
  const newestFirst = [...digests].sort((a, b) => b.date.localeCompare(a.date));
  const items = newestFirst.map((digest) => {
    const categories = [...new Set<Category>(digest.items.map((item) => item.category))];
    const headlines = digest.items.map((item) => item.headline);
    return {
      title: digestTitle(digest.date),
      ...(options.itemLink ? { link: options.itemLink(digest.date) } : {}),
      guid: { value: digestGuid(options.link, digest.date), isPermaLink: false },
      pubDate: digestPublishedAt(digest.date),
      description: headlines.length > 0 ? `本期 ${headlines.length} 条：${headlines.join('；')}` : '本期无条目',
      categories: categories.map((name) => ({ name })),
      content: { encoded: renderDigestHtml(digest) },
    };
  });
  const newest = newestFirst[0];
  return generateRssFeed({
    title: options.title,
    link: options.link,
    description: options.description ?? options.title,
    language: 'zh-CN',
    generator: 'Zhiku',
    // The newest entry's time, not the clock: the same digests give the same bytes.
    ...(newest ? { lastBuildDate: digestPublishedAt(newest.date) } : {}),
    ...(options.selfUrl ? { atom: { links: [{ href: options.selfUrl, rel: 'self', type: 'application/rss+xml' }] } } : {}),
    items,
  });
}
