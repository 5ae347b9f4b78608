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

/** A coarse language tag from the script mix: `zh` when CJK characters are at least a fifth of the units. */
export function guessLanguage(text: string): 'zh' | 'en' | null {
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text;
  const total = countUnits(sample);
  if (total === 0) return null;
  let cjk = 0;
  for (const _ of sample.matchAll(CJK_GLOBAL)) cjk++;
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
    const code = text.charCodeAt(i);
    if (isAlnumCode(code)) {
      if (!inWord) units++;
      inWord = true;
    } else if (inWord && isJoinerCode(code) && i + 1 < end && isAlnumCode(text.charCodeAt(i + 1))) {
      // A joiner between two alphanumerics keeps the word going: gpt-4o, 3.5, don't.
    } else {
      inWord = false;
      if (isCjkCode(code)) units++;
      else if (code >= 0xd840 && code <= 0xd8bf) {
        // High surrogate of a CJK Extension B–G ideograph (U+20000–U+2FFFF).
        units++;
        i++;
      }
    }
  }
  return units;
}

function isAlnumCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    (code >= 0xff10 && code <= 0xff19) ||
    (code >= 0xff21 && code <= 0xff3a) ||
    (code >= 0xff41 && code <= 0xff5a)
  );
}

function isJoinerCode(code: number): boolean {
  return code === 39 || code === 0x2019 || code === 46 || code === 45 || code === 95;
}

function isCjkCode(code: number): boolean {
  return (code >= 0x3400 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0x9fff) || (code >= 0xf900 && code <= 0xfaff);
}
