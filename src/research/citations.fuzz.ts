import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CJK_FRAGMENTS, FUZZ_MS, fuzz, textOf } from '../../test/fuzz.js';
import { parseRequirements } from './requirements.js';
import { selfCheck } from './selfcheck.js';
import { parseDraft } from './writer.js';

const MARKERS = ['[E1]', '[E2, E3]', '[E', ']', '[E99999999999999999999]', '[e4]', '【E5】', '[long_context: "智谱发布", chunk 1]', '[文档: a.pdf, p. 3]', '[1]', '[2][3]', '- ', '* ', '1. ', '# ', '## 引言\n', '<p>', '</p>'];
const DRAFT = textOf([...CJK_FRAGMENTS, ...MARKERS], 60);

describe('citations under fuzzing', () => {
  it('a draft parses into sentences whose ids are all E-numbers, with no marker left in the text', () => {
    fuzz(
      fc.property(DRAFT, (draft) => {
        for (const paragraph of parseDraft(draft)) {
          for (const sentence of paragraph) {
            for (const id of sentence.ids) expect(id).toMatch(/^E\d+$/);
            expect(sentence.text).not.toMatch(/\[E\d+\]/);
          }
        }
      }),
    );
  }, FUZZ_MS + 30_000);

  it('the self-check counts any report without throwing, resolvable and supported within the total', () => {
    const requirements = parseRequirements('请撰写《简报》，包含以下部分：（1）引言；（2）总结。字数在100至400之间。');
    const evidence = [
      { title: '智谱发布', chunk: 1, text: '智谱发布了新的大模型，上下文窗口扩展到200K。', support: 1 },
      { title: 'a.pdf', chunk: 3, text: '价格下调三成。', support: 1 },
    ];
    fuzz(
      fc.property(DRAFT, (report) => {
        const { citations, length, sections } = selfCheck(report, requirements, evidence);
        expect(citations.resolvable).toBeLessThanOrEqual(citations.total);
        expect(citations.supported).toBeLessThanOrEqual(citations.total);
        expect(Number.isInteger(length.count) && length.count >= 0).toBe(true);
        expect(sections.found).toBeLessThanOrEqual(sections.required);
      }),
    );
  }, FUZZ_MS + 30_000);
});
