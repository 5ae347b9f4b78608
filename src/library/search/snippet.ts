/**
 * @module library/search/snippet
 * Snippets are substrings of the original chunk text; highlights are ranges inside the snippet,
 * found in the normalised text and mapped back, so 臺灣 in the text lights up for a query 台湾.
 */
import { type NormalizedText, normalizeWithOffsets, toOriginalRange } from '../../text/normalize.js';

export interface Snippet {
  text: string;
  /** Offsets of the snippet in the document body. */
  start: number;
  end: number;
  /** [start, end) ranges inside `text`. */
  highlights: [number, number][];
}

const ASCII_WORD = /^[a-z0-9]/;
const ASCII_WORD_END = /[a-z0-9]$/;
const ALNUM = /[a-z0-9]/;

/**
 * @param text the chunk text
 * @param bodyOffset where the chunk starts in the body
 * @param terms normalised query terms
 */
export function makeSnippet(text: string, bodyOffset: number, terms: readonly string[], width = 160): Snippet {
  const normalized = normalizeWithOffsets(text);
  const ranges = mergeRanges(findTermRanges(normalized, terms));
  let start = 0;
  let end = text.length;
  if (text.length > width) {
    start = snapToBoundary(text, bestWindowStart(ranges, text.length, width));
    end = Math.min(text.length, start + width);
    start = avoidSurrogateSplit(text, start);
    end = avoidSurrogateSplit(text, end);
  }
  const highlights = ranges
    .filter(([s, e]) => s >= start && e <= end)
    .map(([s, e]) => [s - start, e - start] as [number, number]);
  return { text: text.slice(start, end), start: bodyOffset + start, end: bodyOffset + end, highlights };
}

// ---------------------------------------------------------------------------

function findTermRanges(normalized: NormalizedText, terms: readonly string[]): [number, number][] {
  const ranges: [number, number][] = [];
  const haystack = normalized.text;
  for (const term of terms) {
    if (!term) continue;
    let from = 0;
    for (;;) {
      const at = haystack.indexOf(term, from);
      if (at < 0) break;
      from = at + term.length;
      // Latin terms match whole words only: "ai" must not light up inside "said".
      if (ASCII_WORD.test(term) && at > 0 && ALNUM.test(haystack[at - 1]!)) continue;
      if (ASCII_WORD_END.test(term) && from < haystack.length && ALNUM.test(haystack[from]!)) continue;
      ranges.push(toOriginalRange(normalized, at, from));
    }
  }
  return ranges;
}

function mergeRanges(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: [number, number][] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range[0] < last[1]) last[1] = Math.max(last[1], range[1]);
    else out.push([range[0], range[1]]);
  }
  return out;
}

/** The window start that covers the most highlights, with a little context before the first one. */
function bestWindowStart(ranges: [number, number][], length: number, width: number): number {
  if (ranges.length === 0) return 0;
  let best = 0;
  let bestCount = -1;
  for (const [s] of ranges) {
    const candidate = Math.max(0, Math.min(s - Math.floor(width / 4), length - width));
    const count = ranges.filter(([rs, re]) => rs >= candidate && re <= candidate + width).length;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}

/** Moves a window start back (at most 30 characters) to just after a space or punctuation mark. */
function snapToBoundary(text: string, start: number): number {
  for (let i = start; i > 0 && i > start - 30; i--) {
    if (/[\s。！？；，、,.!?;:：]/.test(text[i - 1]!)) return i;
  }
  return start;
}

function avoidSurrogateSplit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff && index > 0 ? index - 1 : index;
}
