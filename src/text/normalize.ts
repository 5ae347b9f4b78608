/**
 * @module text/normalize
 * Search normalisation: NFKC (full-width → half-width), lower case, Traditional → Simplified (OpenCC).
 * Index and query pass through the same function, so 臺灣/台湾 and ＧＰＴ/gpt match each other.
 */
import * as OpenCC from 'opencc-js';

type Convert = (text: string) => string;

let traditionalToSimplified: Convert | undefined;
let simplifiedToTraditional: Convert | undefined;
let convertibleChars: Uint8Array | undefined;

/** Normalised form used for indexing and querying. */
export function normalizeText(text: string): string {
  return toSimplified(text.normalize('NFKC').toLowerCase());
}

export interface NormalizedText {
  text: string;
  /** offsets[i] = index in the original string of normalised code unit i; null when the mapping is 1:1. */
  offsets: Int32Array | null;
}

/**
 * Normalises and keeps a map back to the original string, so highlights found in the normalised
 * text can be reported as ranges of the original.
 */
export function normalizeWithOffsets(text: string): NormalizedText {
  const fast = normalizeText(text);
  if (fast.length === text.length) return { text: fast, offsets: null };
  // Length changed (ligatures, compatibility forms, combining marks): map code point by code point.
  const pieces: string[] = [];
  const offsets: number[] = [];
  let index = 0;
  for (const codePoint of text) {
    const normalized = normalizeText(codePoint);
    pieces.push(normalized);
    for (let k = 0; k < normalized.length; k++) offsets.push(index);
    index += codePoint.length;
  }
  offsets.push(text.length);
  return { text: pieces.join(''), offsets: Int32Array.from(offsets) };
}

/** Maps a [start, end) range of normalised text back to the original string. */
export function toOriginalRange(normalized: NormalizedText, start: number, end: number): [number, number] {
  if (!normalized.offsets) return [start, end];
  const offsets = normalized.offsets;
  const s = offsets[start] ?? offsets[offsets.length - 1]!;
  // The end maps to the start of the code point after the range's last unit.
  const last = offsets[end - 1] ?? s;
  let e = offsets[end] ?? offsets[offsets.length - 1]!;
  if (e <= last) e = last + 1;
  return [s, e];
}

/** Traditional → Simplified; skipped when the text holds no character OpenCC would touch. */
export function toSimplified(text: string): string {
  const table = (convertibleChars ??= buildConvertibleTable());
  let needsConversion = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (table[code] === 1) {
      needsConversion = true;
      break;
    }
  }
  if (!needsConversion) return text;
  const convert = (traditionalToSimplified ??= OpenCC.Converter({ from: 'tw', to: 'cn' }));
  return convert(text);
}

/** Traditional form of Simplified text; used by tests and by cross-script query expansion. */
export function toTraditional(text: string): string {
  const convert = (simplifiedToTraditional ??= OpenCC.Converter({ from: 'cn', to: 'tw' }));
  return convert(text);
}

// ---------------------------------------------------------------------------

/** Marks every UTF-16 unit that starts or appears in a key of the tw→cn dictionaries (surrogates always). */
function buildConvertibleTable(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const groups = [...(OpenCC.Locale.from.tw ?? []), ...(OpenCC.Locale.to.cn ?? [])];
  for (const group of groups) {
    for (const dict of group) {
      if (typeof dict === 'string') {
        for (const entry of dict.split('|')) {
          const key = entry.slice(0, entry.indexOf(' '));
          for (let i = 0; i < key.length; i++) table[key.charCodeAt(i)] = 1;
        }
      } else {
        for (const [key] of dict) for (let i = 0; i < key.length; i++) table[key.charCodeAt(i)] = 1;
      }
    }
  }
  for (let code = 0xd800; code <= 0xdfff; code++) table[code] = 1;
  return table;
}
