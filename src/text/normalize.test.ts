import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText, normalizeWithOffsets, toOriginalRange, toTraditional } from './normalize.js';

describe('normalizeText', () => {
  it('maps Traditional to Simplified, full-width to half-width, and lower-cases', () => {
    expect(normalizeText('臺灣開發者測試ＧＬＭ－４．６')).toBe('台湾开发者测试glm-4.6');
    expect(normalizeText('ＯｐｅｎＡＩ　發佈')).toBe('openai 发布');
  });

  it('leaves Simplified text alone', () => {
    const text = '智谱发布新一代旗舰模型, 上下文窗口扩展到200k。';
    expect(normalizeText(text)).toBe(text);
  });

  it('round-trips Simplified → Traditional → normalised', () => {
    expect(normalizeText(toTraditional('开源大模型正在改变产业格局'))).toBe('开源大模型正在改变产业格局');
  });

  it('is idempotent (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (text) => {
        const once = normalizeText(text);
        expect(normalizeText(once)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('maps every normalised range back into the original (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), fc.nat(), fc.nat(), (text, a, b) => {
        const normalized = normalizeWithOffsets(text);
        const n = normalized.text.length;
        if (n === 0) return;
        const start = a % n;
        const end = start + 1 + (b % (n - start));
        const [s, e] = toOriginalRange(normalized, start, end);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(e).toBeLessThanOrEqual(text.length);
        expect(s).toBeLessThan(e);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps an exact map when NFKC changes the length', () => {
    const text = 'ﬁne ㎏ 模型';
    const normalized = normalizeWithOffsets(text);
    expect(normalized.text).toBe('fine kg 模型');
    const at = normalized.text.indexOf('模型');
    expect(toOriginalRange(normalized, at, at + 2)).toEqual([text.indexOf('模型'), text.indexOf('模型') + 2]);
  });
});
