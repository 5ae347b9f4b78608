/**
 * @module collect/web/page
 * One entry point for a page's HTML: WeChat articles (recognised from the page itself, so saved
 * copies and mirrors work) go to their own extractor, every other page to the generic one.
 */
import { parseHTML } from 'linkedom';
import { ZhikuError } from '../../errors.js';
import { extractArticle } from './article.js';
import type { PageExtraction } from './types.js';
import { extractWeChat, isWeChatPage } from './wechat.js';

/**
 * Deepest element nesting a page may have. Real pages stay under ~60; extraction time grows
 * steeply with depth (500 levels take 1.5 s, 5,000 several minutes), so a hostile page is refused.
 */
export const MAX_NESTING_DEPTH = 256;

export function extractPage(html: string, url?: string): PageExtraction {
  if (!/<[a-z!]/i.test(html)) return { status: 'unavailable', message: html.trim() ? 'the response is not HTML' : 'the page is empty' };
  try {
    const { document } = parseHTML(html);
    const depth = nestingDepth(document);
    if (depth > MAX_NESTING_DEPTH) throw tooDeep(depth, url);
    return isWeChatPage(html) ? extractWeChat(html, url, document) : extractArticle(html, url, document);
  } catch (error) {
    if (error instanceof ZhikuError) throw error;
    // Broken markup fails this page alone, with a reason, instead of ending the batch.
    const reason = error instanceof RangeError ? 'elements nested too deeply to extract' : (error as Error).message.split('\n')[0];
    throw new ZhikuError('E_PARSE', `cannot extract the page: ${reason}`, { item: url, cause: error });
  }
}

/** Refuses HTML (a page or a feed entry's content) nested deeper than {@link MAX_NESTING_DEPTH}. */
export function checkNesting(html: string, item?: string): void {
  const depth = nestingDepth(parseHTML(html).document);
  if (depth > MAX_NESTING_DEPTH) throw tooDeep(depth, item);
}

function tooDeep(depth: number, item: string | undefined): ZhikuError {
  return new ZhikuError('E_PARSE', `cannot extract the page: elements nested ${depth} deep, beyond the ${MAX_NESTING_DEPTH} a page may have`, { item });
}

// ---------------------------------------------------------------------------

/** The deepest element nesting of the parsed page, walked without recursion (the walk itself must not overflow). */
function nestingDepth(document: ReturnType<typeof parseHTML>['document']): number {
  let deepest = 0;
  const stack: [Element, number][] = document.documentElement ? [[document.documentElement as unknown as Element, 1]] : [];
  while (stack.length) {
    const [element, depth] = stack.pop()!;
    if (depth > deepest) deepest = depth;
    for (let child = element.firstElementChild; child; child = child.nextElementSibling) stack.push([child, depth + 1]);
  }
  return deepest;
}
