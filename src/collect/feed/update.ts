/**
 * @module collect/feed/update
 * One update of followed feeds: each feed fetched with conditional GET (a 304 costs nothing), its
 * entries turned into library documents — from the entry's full content when it carries one, else
 * by fetching the entry's page. Requests to one host go one at a time with a delay between them;
 * different hosts run in parallel up to a limit.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import { ZhikuError } from '../../errors.js';
import type { CollectedItem } from '../types.js';
import { articleDocument } from '../web/archive.js';
import { canonicalUrl, fragmentMarkdown } from '../web/article.js';
import { fetchArticle } from '../web/collect-urls.js';
import { type FetchOptions, type FetchResult, fetchUrl } from '../web/fetch.js';
import type { ExtractedArticle } from '../web/types.js';
import { articleUrl } from '../web/wechat.js';
import { type FeedItem, parseFeedDocument } from './parse.js';
import type { Subscription } from './subscriptions.js';

export interface FeedUpdateOptions {
  fetch?: FetchOptions;
  /** Pause after each request to a host before the next one to it (ms). Default 1000. */
  hostDelayMs?: number;
  /** Hosts fetched at the same time. Default 4. */
  concurrency?: number;
  /** Called after each feed. */
  onFeed?: (done: number, total: number, feed: Subscription) => void;
  now?: () => Date;
}

export interface FeedUpdateResult {
  feed: Subscription;
  status: 'updated' | 'not-modified' | 'failed';
  entries: number;
  /** Entries whose page had to be fetched (no full content in the feed). */
  pagesFetched: number;
  reason?: string;
}

/** An entry's full content counts when it has at least this much text; shorter ones are excerpts. */
const FULL_CONTENT_CHARACTERS = 200;

export async function updateFeeds(feeds: readonly Subscription[], options: FeedUpdateOptions = {}): Promise<{ items: CollectedItem[]; results: FeedUpdateResult[] }> {
  const delay = options.hostDelayMs ?? 1000;
  const now = options.now ?? (() => new Date());
  const all = pLimit(options.concurrency ?? 4);
  const hosts = new Map<string, LimitFunction>();
  // One request at a time per host, then the delay, so a site is never hammered.
  const onHost = <T>(url: string, run: () => Promise<T>): Promise<T> => {
    const host = new URL(url).host;
    let limit = hosts.get(host);
    if (!limit) hosts.set(host, (limit = pLimit(1)));
    return limit(async () => {
      try {
        return await run();
      } finally {
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      }
    });
  };
  const items: CollectedItem[] = [];
  let done = 0;
  const results = await Promise.all(
    feeds.map((feed) =>
      all(async (): Promise<FeedUpdateResult> => {
        const result = await updateOne(feed, options.fetch ?? {}, onHost, now, items);
        options.onFeed?.(++done, feeds.length, feed);
        return result;
      }),
    ),
  );
  return { items, results };
}

async function updateOne(
  feed: Subscription,
  fetchOptions: FetchOptions,
  onHost: <T>(url: string, run: () => Promise<T>) => Promise<T>,
  now: () => Date,
  items: CollectedItem[],
): Promise<FeedUpdateResult> {
  feed.checkedAt = now().toISOString();
  let response: FetchResult;
  let parsed: ReturnType<typeof parseFeedDocument>;
  try {
    response = await onHost(feed.url, () => fetchUrl(feed.url, { ...fetchOptions, etag: feed.etag, lastModified: feed.lastModified }));
    if (response.status === 304) {
      feed.lastResult = 'not modified';
      return { feed, status: 'not-modified', entries: 0, pagesFetched: 0 };
    }
    parsed = parseFeedDocument(response.bytes, response.url);
  } catch (error) {
    if (!(error instanceof ZhikuError)) throw error;
    feed.lastResult = `failed: ${error.message}`;
    return { feed, status: 'failed', entries: 0, pagesFetched: 0, reason: error.message };
  }
  feed.etag = response.etag;
  feed.lastModified = response.lastModified;
  feed.title ??= parsed.title;
  let pagesFetched = 0;
  for (const entry of parsed.items) {
    const item = entry.url ?? entry.guid ?? `${feed.url}#${entry.title ?? ''}`;
    let fromContent: ExtractedArticle | null;
    try {
      fromContent = entryArticle(entry, parsed.title ?? feed.title);
    } catch (error) {
      // A hostile entry fails alone; the feed's other entries still land.
      if (!(error instanceof ZhikuError)) throw error;
      items.push({ kind: 'failed', item, code: error.code, reason: error.message });
      continue;
    }
    if (fromContent) {
      items.push({ kind: 'document', item, input: articleDocument(fromContent, now(), entry.url ?? feed.url) });
      continue;
    }
    if (!entry.url) {
      items.push({ kind: 'empty', item, reason: 'entry has neither full content nor a link' });
      continue;
    }
    pagesFetched++;
    try {
      const { article, finalUrl } = await onHost(entry.url, () => fetchArticle(entry.url!, fetchOptions));
      // The feed knows the account and the time when the page hides them.
      const merged: ExtractedArticle = { ...article, source: article.source ?? parsed.title ?? feed.title, date: article.date ?? entry.published, author: article.author ?? entry.author };
      items.push({ kind: 'document', item, input: articleDocument(merged, now(), finalUrl) });
    } catch (error) {
      if (!(error instanceof ZhikuError)) throw error;
      items.push({ kind: 'failed', item, code: error.code, reason: error.message });
    }
  }
  feed.lastResult = `${parsed.items.length} entries`;
  return { feed, status: 'updated', entries: parsed.items.length, pagesFetched };
}

/** An entry that carries its full text as an article; null when it has only an excerpt. */
export function entryArticle(entry: FeedItem, feedTitle: string | null): ExtractedArticle | null {
  if (!entry.contentHtml) return null;
  const { markdown, images } = fragmentMarkdown(entry.contentHtml, entry.url ?? undefined);
  const text = markdown.replace(/!\[[^\]]*\]\([^)]*\)/g, '').replace(/\s+/g, '');
  if (text.length < FULL_CONTENT_CHARACTERS) return null;
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return {
    status: 'ok',
    title: entry.title ?? markdown.split('\n')[0]!.slice(0, 60),
    url: articleUrl(entry.url) ?? canonicalUrl(null, entry.url),
    source: feedTitle,
    author: entry.author,
    date: entry.published,
    lang: han / Math.max(1, text.length) > 0.2 ? 'zh' : 'en',
    markdown,
    images,
    notes: [],
  };
}
