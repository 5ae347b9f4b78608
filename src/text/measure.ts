/**
 * @module text/measure
 * Length in units = CJK characters + Latin/number words, counted as the dr3 scorer counts them.
 */

export const CJK_CHAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}]/u;
const CJK_GLOBAL = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}]/gu;
const WORD_GLOBAL = /[A-Za-z0-9]+(?:['’.\-_][A-Za-z0-9]+)*/g;

/** Units of a text: each CJK character counts one, each Latin/number word counts one. */
export function countUnits(text: string): number {
  const t = text.normalize('NFKC');
  let cjk = 0;
  const latin = t.replace(CJK_GLOBAL, () => {
    cjk++;
    return ' ';
  });
  let words = 0;
  for (const _ of latin.matchAll(WORD_GLOBAL)) words++;
  return cjk + words;
}

/** True when the string contains a CJK ideograph. */
export function hasCjk(text: string): boolean {
  return CJK_CHAR.test(text);
}

/**
 * A coarse language tag from the script mix of the first 4,000 characters: `zh` when CJK characters
 * are at least a fifth of the units. One pass over char codes: it runs on every ingested document.
 */
export function guessLanguage(text: string): 'zh' | 'en' | null {
  const end = Math.min(text.length, 4_000);
  const total = countUnitsInRange(text, 0, end);
  if (total === 0) return null;
  let cjk = 0;
  for (let i = 0; i < end; i++) {
    const cls = CHAR_CLASS[text.charCodeAt(i)]!;
    if (cls & CJK) cjk++;
    else if (cls & CJK_HIGH_SURROGATE) {
      cjk++;
      i++;
    }
  }
  return cjk / total >= 0.2 ? 'zh' : 'en';
}

/**
 * Fast unit count over `text[start, end)` without allocating; equals `countUnits` for text that NFKC
 * leaves alone and also reads full-width letters and digits as Latin. Used on hot paths (chunking).
 */
export function countUnitsInRange(text: string, start = 0, end = text.length): number {
  let units = 0;
  let inWord = false;
  for (let i = start; i < end; i++) {
    const cls = CHAR_CLASS[text.charCodeAt(i)]!;
    if (cls & ALNUM) {
      if (!inWord) units++;
      inWord = true;
    } else if (inWord && cls & JOINER && i + 1 < end && CHAR_CLASS[text.charCodeAt(i + 1)]! & ALNUM) {
      // A joiner between two alphanumerics keeps the word going: gpt-4o, 3.5, don't.
    } else {
      inWord = false;
      if (cls & CJK) units++;
      else if (cls & CJK_HIGH_SURROGATE) {
        units++;
        i++;
      }
    }
  }
  return units;
}

// One lookup per UTF-16 code unit instead of range comparisons: these loops see every ingested character.
const ALNUM = 1;
const JOINER = 2;
const CJK = 4;
/** High surrogate of a CJK Extension B–G ideograph (U+20000–U+2FFFF). */
const CJK_HIGH_SURROGATE = 8;
const CHAR_CLASS = buildCharClasses();

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const mark = (from: number, to: number, flag: number) => {
    for (let code = from; code <= to; code++) table[code]! |= flag;
  };
  mark(48, 57, ALNUM);
  mark(65, 90, ALNUM);
  mark(97, 122, ALNUM);
  mark(0xff10, 0xff19, ALNUM);
  mark(0xff21, 0xff3a, ALNUM);
  mark(0xff41, 0xff5a, ALNUM);
  for (const code of [39, 0x2019, 46, 45, 95]) table[code]! |= JOINER;
  mark(0x3400, 0x4dbf, CJK);
  mark(0x4e00, 0x9fff, CJK);
  mark(0xf900, 0xfaff, CJK);
  mark(0xd840, 0xd8bf, CJK_HIGH_SURROGATE);
  return table;
}
