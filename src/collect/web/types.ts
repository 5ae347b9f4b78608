/**
 * @module collect/web/types
 * What page extraction gives the collector: an article in the archive's fields, or a page that is
 * not an article (deleted, blocked) and must never be stored as an empty one.
 */

export interface ExtractedArticle {
  status: 'ok';
  /** Clean title: no site suffix (_科技_腾讯网), no account name. */
  title: string;
  /** Canonical URL (tracking parameters removed); null when the page gives none and none was fetched. */
  url: string | null;
  /** The WeChat account (nickname) or the site's name. */
  source: string | null;
  /** The person who wrote it, kept apart from the account. */
  author: string | null;
  /** Publish time, ISO 8601 with offset (+08:00 for WeChat), or null when the page does not say. */
  date: string | null;
  /** BCP 47 language of the body (zh, en), or null. */
  lang: string | null;
  /** The body as markdown: paragraphs in order, `<pre>` as code blocks, images as `![alt](url)`, GFM tables. */
  markdown: string;
  /** Content image URLs in body order (the real URL: data-src, cdn_url, background-image). */
  images: string[];
  /** Facts about the page a reader should know (an audio clip that was not transcribed, …). */
  notes: string[];
}

export interface UnavailablePage {
  status: 'deleted' | 'violation' | 'blocked' | 'unavailable';
  /** The page's own words (该内容已被发布者删除, 环境异常). */
  message: string;
}

export type PageExtraction = ExtractedArticle | UnavailablePage;
