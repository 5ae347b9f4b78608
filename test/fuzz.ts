/**
 * Shared settings of the property-based fuzz files (`*.fuzz.ts`, run by `npm run test:fuzz`): a time
 * budget per property, so the whole set fuzzes for about 60 s, and text built from the fragments the
 * parsers look for, so random input reaches their branches instead of failing at the first check.
 */
import fc from 'fast-check';

/** Properties in the fuzz set; the 60 s budget is shared evenly between them. */
const PROPERTIES = 7;
export const FUZZ_MS = Number(process.env.ZHIKU_FUZZ_SECONDS ?? 60) * 1000 / PROPERTIES;

/**
 * The seed: fixed, so a run in CI explores the same inputs every time and a failure reproduces;
 * `ZHIKU_FUZZ_SEED=random` (or a number) explores further when fuzzing by hand.
 */
const SEED = process.env.ZHIKU_FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.ZHIKU_FUZZ_SEED ?? 20_261_130);

/** Runs `property` until its share of the budget is spent; any counterexample fails with its seed. */
export function fuzz<T>(property: fc.IAsyncPropertyWithHooks<T> | fc.IPropertyWithHooks<T>): Promise<void> | void {
  const settings = { numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: FUZZ_MS, markInterruptAsFailure: false, seed: SEED } as const;
  return 'isAsync' in property && property.isAsync() ? fc.assert(property as fc.IAsyncPropertyWithHooks<T>, settings) : fc.assert(property as fc.IPropertyWithHooks<T>, settings);
}

/** Text made of `fragments`, random strings (full Unicode) and random joins between them. */
export function textOf(fragments: readonly string[], maxPieces = 40): fc.Arbitrary<string> {
  return fc
    .array(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...fragments) }, { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) }), { maxLength: maxPieces })
    .map((pieces) => pieces.join(''));
}

export const CJK_FRAGMENTS = ['智谱', '大模型', '上下文窗口', '价格下调', '。', '，', '：', '（', '）', '《', '》', '\n', '\n\n', ' ', '0', '12', '3.5', '200K', '万', '亿', '%', '\u0000', '\uFEFF', '\r\n'];
