import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CJK_FRAGMENTS, FUZZ_MS, fuzz, textOf } from '../../../test/fuzz.js';
import { isZhikuError } from '../../errors.js';
import { decodeText } from './decode.js';
import { parseMarkdown } from './markdown.js';

const YAML = ['---\n', '---', '\n---\n', 'title: ', 'date: ', '2025-09-30', 'url: https://example.org/a', 'tags: [a, b]', '- x\n', ': ', '"', "'", '{', '}', '[', ']', '&a ', '*a', '!!binary ', '|\n  ', '>\n  ', '# ', '#', '\t', '---\n---\n', '...\n'];
const MARKDOWN = textOf([...CJK_FRAGMENTS, ...YAML], 50);

/** Only expected failures: anything else escaping a parser would end a whole batch. */
function onlyExpected(run: () => void, codes: readonly string[]): void {
  try {
    run();
  } catch (error) {
    if (!isZhikuError(error)) throw error;
    expect(codes).toContain(error.code);
  }
}

describe('frontmatter and text decoding under fuzzing', () => {
  it('markdown with any frontmatter parses to a body the file ends with, or fails with E_PARSE', () => {
    fuzz(
      fc.property(MARKDOWN, (text) => {
        onlyExpected(() => {
          const input = parseMarkdown(text, 'fuzz.md');
          expect(text.replace(/^\uFEFF/, '').endsWith(input.body)).toBe(true);
          expect(JSON.parse(JSON.stringify(input.frontmatter))).toEqual(input.frontmatter);
          expect(typeof input.title).toBe('string');
        }, ['E_PARSE']);
      }),
    );
  }, FUZZ_MS + 30_000);

  it('any bytes decode to text or fail with E_PARSE, and UTF-8 text round-trips', () => {
    fuzz(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), fc.string({ unit: 'grapheme', maxLength: 200 }).map((s) => new TextEncoder().encode(s))), (bytes) => {
        onlyExpected(() => {
          const { text, encoding } = decodeText(bytes, 'fuzz.txt');
          const utf8 = Buffer.from(bytes).toString('utf8');
          if (encoding === 'UTF-8' && Buffer.from(utf8, 'utf8').equals(Buffer.from(bytes))) expect(text).toBe(utf8.replace(/^\uFEFF/, ''));
        }, ['E_PARSE']);
      }),
    );
  }, FUZZ_MS + 30_000);
});
