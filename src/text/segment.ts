/**
 * @module text/segment
 * Turns normalised text into search tokens. Chinese runs go through jieba (with the AI-term user
 * dictionary); Latin letter/number compounds such as `glm-4.6` or `qwen3-235b-a22b` are kept whole
 * by our own pattern, because jieba splits them (`glm-4 | . | 6`).
 */
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { AI_TERMS } from './ai-terms.js';
import { normalizeText } from './normalize.js';
import { STOPWORDS } from './stopwords.js';

const IDEOGRAPHIC = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** A compound: letter/number runs joined by - _ . + ' (a trailing dot is not part of it). */
const WORD_CHAR = String.raw`[[\p{L}\p{N}\p{M}]--[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]]`;
const COMPOUND = new RegExp(String.raw`${WORD_CHAR}+(?:[\-_.+'’]${WORD_CHAR}+)*`, 'gv');
const COMPOUND_SEPARATOR = /[\-_.+'’]/;
const LETTER_DIGIT_RUNS = /\p{L}+|\p{N}+/gu;
/**
 * Sentence ends where text may be cut without changing its tokens: jieba and the compound pattern
 * both treat these as separators, and normalisation maps them to characters that still are.
 */
const SENTENCE_END = new Uint8Array(0x10000);
for (const c of '。！？；!?;\n') SENTENCE_END[c.charCodeAt(0)] = 1;

export interface Segmenter {
  /**
   * Tokens to index: jieba search mode (whole words plus their dictionary sub-words) and Latin
   * compounds with their parts, so `qwen` finds `qwen3-235b` while `glm-4.6` never finds `glm-4.5`.
   */
  indexTokens(normalized: string): string[];
  /** Tokens of a query in text order: jieba precise mode and whole compounds, stop words dropped, each once. */
  queryTokens(normalized: string): string[];
  /** Normalise then segment for the index (the usual entry for raw text). */
  tokenizeForIndex(raw: string): string[];
  /**
   * Index tokens of raw text joined by single spaces, segmented sentence by sentence through a
   * bounded cache: reposted articles, boilerplate and near-duplicates repeat whole sentences.
   * Equal to `tokenizeForIndex(raw).join(' ')` up to token order.
   */
  indexText(raw: string): string;
  /** Normalise then segment a query. */
  tokenizeQuery(raw: string): string[];
}

let shared: Segmenter | undefined;

/** The process-wide segmenter: loading jieba's dictionary takes ~0.3 s, and the result is immutable. */
export function getSegmenter(): Segmenter {
  return (shared ??= createSegmenter());
}

export interface SegmenterOptions {
  /** Sentences whose tokens are kept for reuse by `indexText`. Default 200,000 (about 100 MB). */
  cacheEntries?: number;
}

export function createSegmenter(options: SegmenterOptions = {}): Segmenter {
  const cacheEntries = options.cacheEntries ?? 200_000;
  const sentenceCache = new Map<string, string>();
  const jieba = Jieba.withDict(dict);
  jieba.loadDict(Buffer.from(AI_TERMS.map((term) => `${term.toLowerCase()} 50000 n`).join('\n')));

  const collectIndex = (normalized: string): string[] => {
    const out: string[] = [];
    for (const word of jieba.cutForSearch(normalized, true)) {
      if (IDEOGRAPHIC.test(word) && !STOPWORDS.has(word)) out.push(word);
    }
    for (const match of normalized.matchAll(COMPOUND)) {
      const whole = match[0];
      if (!STOPWORDS.has(whole)) out.push(whole);
      pushCompoundParts(whole, out);
    }
    return out;
  };

  // Query tokens keep text order (precise-mode words tile the input), so callers can relax a query
  // by dropping its edge words.
  const collectQuery = (normalized: string): string[] => {
    const positioned: [number, string][] = [];
    let at = 0;
    for (const word of jieba.cut(normalized, true)) {
      if (IDEOGRAPHIC.test(word) && !STOPWORDS.has(word)) positioned.push([at, word]);
      at += word.length;
    }
    for (const match of normalized.matchAll(COMPOUND)) {
      if (!STOPWORDS.has(match[0])) positioned.push([match.index, match[0]]);
    }
    positioned.sort((a, b) => a[0] - b[0]);
    return [...new Set(positioned.map(([, word]) => word))];
  };

  const indexSentence = (sentence: string): string => {
    let tokens = sentenceCache.get(sentence);
    if (tokens === undefined) {
      tokens = collectIndex(normalizeText(sentence)).join(' ');
      // Evict the oldest quarter at once: cheaper than exact LRU and good enough for reuse.
      if (sentenceCache.size >= cacheEntries) {
        let drop = Math.ceil(cacheEntries / 4);
        for (const key of sentenceCache.keys()) {
          sentenceCache.delete(key);
          if (--drop === 0) break;
        }
      }
      sentenceCache.set(sentence, tokens);
    }
    return tokens;
  };

  const indexText = (raw: string): string => {
    let out = '';
    let start = 0;
    for (let i = 0; i < raw.length; i++) {
      if (SENTENCE_END[raw.charCodeAt(i)] === 1) {
        const tokens = indexSentence(raw.slice(start, i + 1));
        if (tokens) out = out ? `${out} ${tokens}` : tokens;
        start = i + 1;
      }
    }
    if (start < raw.length) {
      const tokens = indexSentence(raw.slice(start));
      if (tokens) out = out ? `${out} ${tokens}` : tokens;
    }
    return out;
  };

  const segmenter: Segmenter = {
    indexTokens: collectIndex,
    queryTokens: collectQuery,
    indexText,
    tokenizeForIndex: (raw) => segmenter.indexTokens(normalizeText(raw)),
    tokenizeQuery: (raw) => segmenter.queryTokens(normalizeText(raw)),
  };
  return segmenter;
}

// ---------------------------------------------------------------------------

/** Adds the parts of `gpt-4o` (gpt, 4o) and the letter/digit runs of `qwen3-235b` (qwen, 235); one-character pieces are noise. */
function pushCompoundParts(whole: string, out: string[]): void {
  const parts = COMPOUND_SEPARATOR.test(whole) ? whole.split(COMPOUND_SEPARATOR).filter(Boolean) : [whole];
  for (const part of parts) {
    if (part !== whole && part.length > 1 && !STOPWORDS.has(part)) out.push(part);
    const runs = part.match(LETTER_DIGIT_RUNS);
    if (runs && runs.length > 1) {
      for (const run of runs) if (run.length > 1 && !STOPWORDS.has(run)) out.push(run);
    }
  }
}
