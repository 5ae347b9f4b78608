import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CJK_FRAGMENTS, FUZZ_MS, fuzz, textOf } from '../../test/fuzz.js';
import { parseRequirements } from './requirements.js';

const QUERY = textOf([...CJK_FRAGMENTS, '字数', '字', '词', '之间', '至', '到', '-', '~', '不少于', '不超过', '左右', '约', '包括以下部分', '包含', '（1）', '(2)', '一、', '第一部分', '引言', '总结', '参考资料', 'html', 'HTML', '格式', 'words', 'between', 'and', '英文', '中文', '不要使用列表', '语言风格：', '图表']);

describe('query requirements under fuzzing', () => {
  it('parse any query without throwing, into a sane length range and section list', () => {
    fuzz(
      fc.property(QUERY, (query) => {
        const requirements = parseRequirements(query);
        const { length } = requirements;
        if (length) {
          expect(Number.isFinite(length.min) && length.min >= 0).toBe(true);
          if (length.max !== null) expect(length.max).toBeGreaterThanOrEqual(length.min);
        }
        for (const section of requirements.sections) expect(section.name.trim()).not.toBe('');
        expect(['markdown', 'html']).toContain(requirements.format);
      }),
    );
  }, FUZZ_MS + 30_000);
});
