/**
 * @module collect/web/nesting
 * The guard every untrusted HTML passes before extraction or conversion: element nesting beyond
 * what real pages use is refused, since extraction time grows steeply with depth (500 levels take
 * 1.5 s, 5,000 several minutes) and deeper still overflows the stack.
 */
import type { parseHTML } from 'linkedom';
import { ZhikuError } from '../../errors.js';

/** Deepest element nesting a page may have. Real pages stay under ~60. */
export const MAX_NESTING_DEPTH = 256;

/** Refuses a parsed page or fragment nested deeper than {@link MAX_NESTING_DEPTH}. */
export function assertNesting(document: ReturnType<typeof parseHTML>['document'], item?: string): void {
  const depth = nestingDepth(document);
  if (depth > MAX_NESTING_DEPTH) throw new ZhikuError('E_PARSE', `cannot extract the page: elements nested ${depth} deep, beyond the ${MAX_NESTING_DEPTH} a page may have`, { item });
}

/** The deepest element nesting, walked without recursion (the walk itself must not overflow). */
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
