/**
 * @module collect/web/collect-urls
 * URLs → library items: each page fetched within the fetch limits, decoded, extracted (WeChat or
 * generic) and handed on as a document; a page that is not an article (deleted, blocked, no text) is a
 * failed item with the page's own words, never an empty document.
 */
import { ZhikuError } from '../../errors.js';
import type { CollectedItem } from '../types.js';
import { articleDocument } from './archive.js';
import { decodeHtml } from './decode-html.js';
import { type FetchOptions, fetchUrl } from './fetch.js';
import { extractPage } from './page.js';
import type { ExtractedArticle } from './types.js';

export const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** Fetches and extracts one page; an unavailable page is an E_EMPTY error naming why. */
export async function fetchArticle(url: string, options: FetchOptions = {}): Promise<{ article: ExtractedArticle; finalUrl: string }> {
  const response = await fetchUrl(url, options);
  const { html } = decodeHtml(response.bytes, response.charset, url);
  const page = extractPage(html, response.url);
  if (page.status !== 'ok') throw new ZhikuError('E_EMPTY', `unavailable (${page.status}): ${page.message}`, { item: url });
  return { article: page, finalUrl: response.url };
}

export async function* collectUrls(urls: readonly string[], options: FetchOptions = {}, now: () => Date = () => new Date()): AsyncGenerator<CollectedItem> {
  for (const url of urls) {
    try {
      const { article, finalUrl } = await fetchArticle(url, options);
      yield { kind: 'document', item: url, input: articleDocument(article, now(), finalUrl) };
    } catch (error) {
      if (!(error instanceof ZhikuError)) throw error;
      yield { kind: 'failed', item: url, code: error.code, reason: error.message };
    }
  }
}
