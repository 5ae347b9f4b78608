/**
 * @module collect/web/page
 * One entry point for a page's HTML: WeChat articles (recognised from the page itself, so saved
 * copies and mirrors work) go to their own extractor, every other page to the generic one.
 */
import { parseHTML } from 'linkedom';
import { ZhikuError } from '../../errors.js';
import { extractArticle } from './article.js';
import { assertNesting } from './nesting.js';
import type { PageExtraction } from './types.js';
import { extractWeChat, isWeChatPage } from './wechat.js';

export function extractPage(html: string, url?: string): PageExtraction {
  if (!/<[a-z!]/i.test(html)) return { status: 'unavailable', message: html.trim() ? 'the response is not HTML' : 'the page is empty' };
  try {
    const { document } = parseHTML(html);
    assertNesting(document, url);
    return isWeChatPage(html) ? extractWeChat(html, url, document) : extractArticle(html, url, document);
  } catch (error) {
    if (error instanceof ZhikuError) throw error;
    // Broken markup fails this page alone, with a reason, instead of ending the batch.
    const reason = error instanceof RangeError ? 'elements nested too deeply to extract' : (error as Error).message.split('\n')[0];
    throw new ZhikuError('E_PARSE', `cannot extract the page: ${reason}`, { item: url, cause: error });
  }
}
