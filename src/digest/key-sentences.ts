/**
 * @module digest/key-sentences
 * An article's key sentences for an offline digest item: TextRank over its sentences (similarity =
 * shared jieba tokens, normalised by sentence length, as in the original paper), a short key phrase
 * per sentence for the bullet's label, and the check that every number a digest line states is in
 * the article.
 */
import { chunkSentences } from '../research/compose.js';
import { normalizeText } from '../text/normalize.js';
import { STOPWORDS } from '../text/stopwords.js';

export interface RankedSentence {
  text: string;
  /** Position in the article. */
  index: number;
  score: number;
}

const DAMPING = 0.85;
const ITERATIONS = 30;

/** The article's sentences with their TextRank scores, best first. */
export function rankSentences(body: string, tokens: (text: string) => string[]): RankedSentence[] {
  const sentences = chunkSentences(body.replace(/^#.*$/gm, '').replace(/!\[[^\]]*\]\([^)]*\)/g, ''));
  const sets = sentences.map((sentence) => new Set(tokens(sentence)));
  const n = sentences.length;
  const weights = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = sets[i]!;
      const b = sets[j]!;
      if (a.size < 2 || b.size < 2) continue;
      let shared = 0;
      for (const token of a) if (b.has(token)) shared++;
      const weight = shared / (Math.log(a.size) + Math.log(b.size));
      weights[i]![j] = weight;
      weights[j]![i] = weight;
    }
  }
  const totals = weights.map((row) => row.reduce((sum, w) => sum + w, 0));
  let scores = new Array<number>(n).fill(1);
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    scores = scores.map((_, i) => {
      let sum = 0;
      for (let j = 0; j < n; j++) if (weights[j]![i]! > 0) sum += (weights[j]![i]! / totals[j]!) * scores[j]!;
      return 1 - DAMPING + DAMPING * sum;
    });
  }
  return sentences.map((text, index) => ({ text, index, score: scores[index]! })).sort((a, b) => b.score - a.score);
}

/**
 * A short label for a sentence: its most telling word (longest, rarest across the article, not a
 * stop word), with the next one when both are short — e.g. 基础设施, 融资 规模.
 */
export function keyPhrase(sentence: string, articleTokens: ReadonlyMap<string, number>, tokens: (text: string) => string[]): string {
  const candidates = [...new Set(tokens(sentence))].filter((token) => token.length >= 2 && !/^\d/.test(token) && !STOPWORDS.has(token));
  if (!candidates.length) return normalizeText(sentence).slice(0, 6);
  const score = (token: string) => Math.min(token.length, 6) / Math.log(2 + (articleTokens.get(token) ?? 0));
  const best = candidates.sort((a, b) => score(b) - score(a))[0]!;
  return best.length > 12 ? best.slice(0, 12) : best;
}

const NUMBER = /\d+(?:[.,]\d+)*(?:\s*[%％]|\s*(?:万|亿|千|百))?/g;

/** Numbers a line states that its article does not (digits compared without separators). */
export function unsupportedNumbers(line: string, article: string): string[] {
  const source = normalizeText(article).replace(/[,，\s]/g, '');
  return (normalizeText(line).match(NUMBER) ?? []).map((n) => n.replace(/[,，\s]/g, '')).filter((n) => !source.includes(n));
}
