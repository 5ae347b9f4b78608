/**
 * @module library/store/postgres/full-text
 * BM25 over PostgreSQL's tsvector, on the same pre-segmented tokens as the embedded index.
 *
 * Text-search parsing is bypassed: tsvector and tsquery values are built as literals, so `gpt-4.5` or a
 * long CJK term stays one lexeme (the `simple` parser would split at `-` and `.`). Each lexeme carries
 * positions 1..tf. `ts_rank(v, 'term', 0)` then equals 0.1 · Σ_{j≤tf} 1/j² / (π²/6) (its default
 * weight D and the series in tsrank.c), from which the term frequency is recovered exactly
 * (tf ≈ 1/(π²/6 − Σ) − ½, rounded); ts_rank alone has no idf and cannot stand in for BM25.
 * idf and the average chunk length come from counts taken at query time (cached for a while).
 */

/** BM25 parameters, as in the embedded index (Lucene's defaults). */
export const K1 = 1.2;
export const B = 0.75;

/** tsvector keeps at most 256 positions per lexeme; term frequencies above are counted as 255. */
const MAX_TF = 255;
/** PostgreSQL refuses lexemes longer than 2046 bytes; such a token cannot be indexed. */
const MAX_LEXEME_BYTES = 2046;

export interface IndexedTokens {
  /** tsvector literal: each distinct token quoted, with positions 1..tf. */
  vector: string;
  /** Tokens in the chunk (the BM25 document length). */
  length: number;
}

/** The tsvector literal and length of a chunk's index text (tokens joined by single spaces). */
export function indexedTokens(indexText: string): IndexedTokens {
  const counts = new Map<string, number>();
  let length = 0;
  for (const token of indexText.split(' ')) {
    if (!token) continue;
    length++;
    counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  const parts: string[] = [];
  for (const [token, tf] of counts) {
    if (Buffer.byteLength(token) > MAX_LEXEME_BYTES) continue;
    const positions = Array.from({ length: Math.min(tf, MAX_TF) }, (_, i) => i + 1).join(',');
    parts.push(`${quoteLexeme(token)}:${positions}`);
  }
  return { vector: parts.join(' '), length };
}

/** A tsquery literal matching one token verbatim (operators inside it are plain text). */
export function termQuery(term: string): string {
  return quoteLexeme(term);
}

/** A tsquery literal matching chunks that hold every (`all`) or any (`any`) of the terms. */
export function matchQuery(terms: readonly string[], mode: 'all' | 'any'): string {
  return terms.map(quoteLexeme).join(mode === 'all' ? ' & ' : ' | ');
}

/** Lucene's BM25 idf: never negative, so a term in most chunks still counts a little. */
export function idf(documentFrequency: number, chunks: number): number {
  return Math.log(1 + (chunks - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * SQL for the term frequency of the term in parameter `$param` (a tsquery) in `c.tokens`.
 * 1.6449340668 = π²/6; 16.449340668 = π²/6 ÷ 0.1 (ts_rank's weight for unlabelled lexemes).
 */
export function termFrequencySql(param: number): string {
  return `round(1 / (1.6449340668 - ts_rank(c.tokens, $${param}::tsquery, 0)::float8 * 16.449340668) - 0.5)`;
}

/** SQL summing BM25 over the terms whose frequencies are `t.tf0…` and idfs are `$idfParam[i]`. */
export function bm25Sql(terms: number, idfParam: number, avgdlParam: number): string {
  const norm = `(${K1} * (1 - ${B} + ${B} * c.token_count / $${avgdlParam}::float8))`;
  const parts = Array.from({ length: terms }, (_, i) => `($${idfParam}::float8[])[${i + 1}] * t.tf${i} * ${K1 + 1} / (t.tf${i} + ${norm})`);
  return parts.join(' + ');
}

// ---------------------------------------------------------------------------

/** Quotes a lexeme for tsvector/tsquery input: inner quotes and backslashes doubled. */
function quoteLexeme(token: string): string {
  return `'${token.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
