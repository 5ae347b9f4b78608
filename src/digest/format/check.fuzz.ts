import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CJK_FRAGMENTS, FUZZ_MS, fuzz, textOf } from '../../../test/fuzz.js';
import { checkDigest, formatIssues } from './check.js';

const DIGEST = ['# AI 日报', '# ', '## ', '### ', '\n', '\n\n', '- ', '* ', '1. ', '**', '[', '](', 'https://example.org/a', ')', '> ', '---', '|', '来源：', '原文', '2025-09-30', '星期二', '非AI', '`', '```'];

describe('the digest validator under fuzzing', () => {
  it('checks any text without throwing, ok exactly when there are no violations', () => {
    fuzz(
      fc.property(textOf([...CJK_FRAGMENTS, ...DIGEST], 80), (text) => {
        const result = checkDigest(text);
        expect(result.ok).toBe(result.violations.length === 0);
        expect(formatIssues(result).length).toBe(result.violations.length + result.warnings.length);
      }),
    );
  }, FUZZ_MS + 30_000);
});
