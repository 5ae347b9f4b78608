import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countUnits, countUnitsInRange, guessLanguage } from './measure.js';
import { createSegmenter, getSegmenter } from './segment.js';

const segmenter = getSegmenter();

describe('segmenter', () => {
  it.each([
    ['GLM-4.6', 'glm-4.6'],
    ['GPT-4o', 'gpt-4o'],
    ['Qwen3-235B', 'qwen3-235b'],
    ['Qwen3-235B-A22B', 'qwen3-235b-a22b'],
    ['DeepSeek-V3.2', 'deepseek-v3.2'],
    ['Llama-3.1-70B-Instruct', 'llama-3.1-70b-instruct'],
    ['Claude 3.5 Sonnet', '3.5'],
  ])('keeps the model name %s whole in queries and in the index', (name, token) => {
    const sentence = `据报道，${name}在多项评测中领先。`;
    expect(segmenter.tokenizeQuery(sentence)).toContain(token);
    expect(segmenter.tokenizeForIndex(sentence)).toContain(token);
  });

  it('does not let GLM-4.6 and GLM-4.5 share a whole-name token', () => {
    const six = new Set(segmenter.tokenizeForIndex('智谱发布GLM-4.6'));
    expect(segmenter.tokenizeQuery('GLM-4.5').some((t) => six.has(t))).toBe(false);
  });

  it('indexes compound parts so a bare family name still matches', () => {
    const tokens = segmenter.tokenizeForIndex('Qwen3-235B-A22B 发布');
    expect(tokens).toEqual(expect.arrayContaining(['qwen3', 'qwen', '235b']));
  });

  it('uses the AI-term dictionary and drops stop words', () => {
    expect(segmenter.tokenizeQuery('具身智能的发展和月之暗面')).toEqual(['具身智能', '发展', '月之暗面']);
  });

  it('segments Traditional and full-width input to the same tokens as Simplified', () => {
    expect(segmenter.tokenizeQuery('月之暗面開源大模型ＧＬＭ－４．６')).toEqual(segmenter.tokenizeQuery('月之暗面开源大模型GLM-4.6'));
  });
});

describe('sentence-cached index text', () => {
  const pieces = ['智谱发布GLM-4.6', '。', '！', '上下文窗口扩展到200K', '；', '\n', '臺灣的ＧＰＴ－４ｏ', '?', 'Qwen3-235B-A22B', ' ', '深度求索', '!', 'gpt-4.5;', '人工智能', ';'];
  const sorted = (tokens: string[]) => [...tokens].sort();

  it('yields the same tokens as segmenting the whole text, however sentences repeat', () => {
    const small = createSegmenter({ cacheEntries: 4 });
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const whole = segmenter.tokenizeForIndex(text);
        expect(sorted(small.indexText(text).split(' ').filter(Boolean))).toEqual(sorted(whole));
        expect(sorted(segmenter.indexText(text).split(' ').filter(Boolean))).toEqual(sorted(whole));
      }),
      { numRuns: 300 },
    );
  });
});

describe('countUnits', () => {
  it('counts CJK characters and Latin words as the dr3 scorer does', () => {
    expect(countUnits('智谱发布 GLM-4.6 模型, it is fast.')).toBe(4 + 1 + 2 + 3);
    expect(countUnits("don't stop 3.5亿元")).toBe(2 + 1 + 2);
  });

  it('agrees with the fast range counter on ordinary text', () => {
    const text = '智谱发布 GLM-4.6 模型，上下文窗口 200K; OpenAI said GPT-4o is faster. 𠀀字';
    expect(countUnitsInRange(text)).toBe(countUnits(text));
  });
});

describe('guessLanguage', () => {
  it('tags by script mix and returns null when there is nothing to count', () => {
    expect(guessLanguage('智谱发布了新的大模型，上下文窗口达到 200K。')).toBe('zh');
    expect(guessLanguage('OpenAI released GPT-5 with a 400K context window and 智能 routing.')).toBe('en');
    expect(guessLanguage('   —— ！')).toBeNull();
  });

  it('counts an Extension B ideograph as one CJK character', () => {
    expect(guessLanguage('𠀀𠀁 a b c')).toBe('zh');
  });
});

