/**
 * @module collect/web/page
 * One entry point for a page's HTML: WeChat articles (recognised from the page itself, so saved
 * copies and mirrors work) go to their own extractor, every other page to the generic one.
 */
import { extractArticle } from './article.js';
import type { PageExtraction } from './types.js';
import { extractWeChat, isWeChatPage } from './wechat.js';

export function extractPage(html: string, url?: string): PageExtraction {
  return isWeChatPage(html) ? extractWeChat(html, url) : extractArticle(html, url);
}
