/**
 * @module library/near-duplicate
 * Near-duplicate articles (one story republished by another account or site, with its own header,
 * footer and small edits): a 64-bit SimHash over the body's jieba tokens, weighted by count; two
 * texts are the same story when their fingerprints differ in at most NEAR_DUPLICATE_BITS bits.
 * The threshold is measured by `npm run bench -- --suite collect` (republished pairs against
 * distinct articles of the same corpus).
 */

/** Fingerprints this close (of 64 bits) are the same story. */
export const NEAR_DUPLICATE_BITS = 12;

/** Two 32-bit FNV-1a hashes with different offsets, as the two halves of a 64-bit token hash. */
function tokenHash(token: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, b >>> 0];
}

/** The SimHash of a token list as 16 hex digits. */
export function simhash(tokens: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  const weights = new Array<number>(64).fill(0);
  for (const [token, count] of counts) {
    const [high, low] = tokenHash(token);
    for (let bit = 0; bit < 32; bit++) {
      weights[bit] = weights[bit]! + ((high >>> bit) & 1 ? count : -count);
      weights[32 + bit] = weights[32 + bit]! + ((low >>> bit) & 1 ? count : -count);
    }
  }
  let high = 0;
  let low = 0;
  for (let bit = 0; bit < 32; bit++) {
    if (weights[bit]! > 0) high |= 1 << bit;
    if (weights[32 + bit]! > 0) low |= 1 << bit;
  }
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/** Bits in which two fingerprints differ. */
export function hammingDistance(a: string, b: string): number {
  let distance = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) {
      x &= x - 1;
      distance++;
    }
  }
  return distance;
}
