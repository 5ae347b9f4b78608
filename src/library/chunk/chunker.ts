/**
 * @module library/chunk/chunker
 * Chinese-aware chunking: sentences end at 。！？；… (and Latin .!?; before a space), paragraphs at
 * newlines; sentences are packed up to a target size in units (CJK characters + Latin words), and
 * each chunk repeats the previous chunk's last sentence when it is short. Every chunk is an exact
 * slice of the body: `body.slice(start, end) === text`.
 */
import { countUnitsInRange } from '../../text/measure.js';

export interface ChunkOptions {
  /** Target size in units; a chunk exceeds it only when one sentence alone does. Default 500. */
  targetUnits?: number;
  /** Largest sentence repeated at the start of the next chunk. Default 80. */
  maxOverlapUnits?: number;
}

export interface ChunkSpan {
  ordinal: number;
  start: number;
  end: number;
  text: string;
  units: number;
}

export const DEFAULT_TARGET_UNITS = 500;
export const DEFAULT_MAX_OVERLAP_UNITS = 80;

/**
 * @example chunkText('第一句。第二句！', { targetUnits: 3 }) // two chunks, each an exact slice
 */
export function chunkText(body: string, options: ChunkOptions = {}): ChunkSpan[] {
  const target = options.targetUnits ?? DEFAULT_TARGET_UNITS;
  const maxOverlap = options.maxOverlapUnits ?? DEFAULT_MAX_OVERLAP_UNITS;
  if (target < 1) throw new RangeError('targetUnits must be at least 1');
  const sentences = splitOversized(body, splitSentences(body), target);
  const chunks: ChunkSpan[] = [];
  let first = 0;
  while (first < sentences.length) {
    let last = first;
    let units = sentences[first]!.units;
    while (last + 1 < sentences.length && units + sentences[last + 1]!.units <= target) {
      last++;
      units += sentences[last]!.units;
    }
    pushChunk(body, sentences[first]!.start, sentences[last]!.end, chunks);
    if (last + 1 >= sentences.length) break;
    // Overlap: start the next chunk with this chunk's last sentence when that is short and not the whole chunk.
    const lastSentence = sentences[last]!;
    const overlap =
      last > first &&
      lastSentence.units > 0 &&
      lastSentence.units <= maxOverlap &&
      lastSentence.units + sentences[last + 1]!.units <= target;
    first = overlap ? last : last + 1;
  }
  return chunks;
}

// ---------------------------------------------------------------------------

interface Sentence {
  start: number;
  end: number;
  units: number;
}

const NEWLINE = 10;
const PERIOD = 46;
// Flags per UTF-16 code unit: splitSentences looks at every body character.
const SENTENCE_END = 1;
const CLOSER = 2;
const SPACE = 4;
const CHAR_CLASS = buildCharClasses();

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  for (const c of '。！？；…!?;') table[c.charCodeAt(0)]! |= SENTENCE_END;
  for (const c of '”’"\'」』）)】》〉]') table[c.charCodeAt(0)]! |= CLOSER;
  // Exactly the characters `\s` matches.
  for (let code = 0; code < 0x10000; code++) if (/\s/.test(String.fromCharCode(code))) table[code]! |= SPACE;
  return table;
}

function isSpaceCode(code: number): boolean {
  return (CHAR_CLASS[code]! & SPACE) !== 0;
}

function isDigitCode(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Splits into sentences that tile the body: each sentence keeps its trailing whitespace. */
function splitSentences(body: string): Sentence[] {
  const sentences: Sentence[] = [];
  let start = 0;
  let i = 0;
  const n = body.length;
  const close = (end: number) => {
    if (end > start) sentences.push({ start, end, units: countUnitsInRange(body, start, end) });
    start = end;
  };
  while (i < n) {
    const code = body.charCodeAt(i);
    if (code === NEWLINE) {
      i++;
      while (i < n && isSpaceCode(body.charCodeAt(i))) i++;
      close(i);
      continue;
    }
    const latinStop =
      code === PERIOD && (i + 1 >= n || isSpaceCode(body.charCodeAt(i + 1))) && i > 0 && !isDigitCode(body.charCodeAt(i - 1));
    if (CHAR_CLASS[code]! & SENTENCE_END || latinStop) {
      i++;
      while (i < n) {
        const next = body.charCodeAt(i);
        if (!(CHAR_CLASS[next]! & (SENTENCE_END | CLOSER) || next === PERIOD)) break;
        i++;
      }
      while (i < n && body.charCodeAt(i) !== NEWLINE && isSpaceCode(body.charCodeAt(i))) i++;
      close(i);
      continue;
    }
    i++;
  }
  close(n);
  return sentences;
}

/** Cuts any sentence longer than the target into pieces of at most `target` units, at spaces when possible. */
function splitOversized(body: string, sentences: Sentence[], target: number): Sentence[] {
  const out: Sentence[] = [];
  for (const sentence of sentences) {
    if (sentence.units <= target) {
      out.push(sentence);
      continue;
    }
    let pieceStart = sentence.start;
    let units = 0;
    let lastSpace = -1;
    let inWord = false;
    for (let i = sentence.start; i < sentence.end; i++) {
      const unitsHere = countUnitsInRange(body, i, i + 1);
      const startsWord = unitsHere > 0 && !(inWord && /[A-Za-z0-9]/.test(body[i]!));
      inWord = /[A-Za-z0-9]/.test(body[i]!);
      if (/\s/.test(body[i]!)) lastSpace = i + 1;
      if (startsWord) {
        if (units + 1 > target) {
          const cut = lastSpace > pieceStart && lastSpace <= i ? lastSpace : i;
          out.push({ start: pieceStart, end: cut, units: countUnitsInRange(body, pieceStart, cut) });
          pieceStart = cut;
          units = countUnitsInRange(body, pieceStart, i);
        }
        units++;
      }
    }
    if (pieceStart < sentence.end) {
      out.push({ start: pieceStart, end: sentence.end, units: countUnitsInRange(body, pieceStart, sentence.end) });
    }
  }
  return out;
}

/** Trims surrounding whitespace by moving the offsets, so chunk text stays an exact body slice. */
function pushChunk(body: string, start: number, end: number, chunks: ChunkSpan[]): void {
  while (start < end && isSpaceCode(body.charCodeAt(start))) start++;
  while (end > start && isSpaceCode(body.charCodeAt(end - 1))) end--;
  if (end <= start) return;
  chunks.push({ ordinal: chunks.length, start, end, text: body.slice(start, end), units: countUnitsInRange(body, start, end) });
}
