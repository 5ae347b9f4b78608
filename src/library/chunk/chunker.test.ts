import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countUnitsInRange } from '../../text/measure.js';
import { chunkText } from './chunker.js';

const MIXED = [
  '智谱在 2025 年 9 月发布了 GLM-4.6，上下文窗口扩展到 200K。',
  'OpenAI said GPT-4o is faster. It costs less!',
  '“具身智能”成为新热点？答案是肯定的……',
  '\n\n',
  'DeepSeek-V3.2 的价格降到了每百万 tokens 2 元；',
  '月之暗面的 Kimi K2 同样开源。',
  '\n',
];

describe('chunkText', () => {
  it('returns one chunk for a short body, trimmed of surrounding whitespace', () => {
    const body = '\n  大模型正在改变行业。\n';
    const chunks = chunkText(body);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.text).toBe('大模型正在改变行业。');
    expect(body.slice(chunks[0]!.start, chunks[0]!.end)).toBe(chunks[0]!.text);
  });

  it('splits at sentence ends and keeps chunks within the target', () => {
    const body = '第一句话有七个字。第二句话也有字。第三句。第四句话在这里。'.repeat(10);
    const chunks = chunkText(body, { targetUnits: 30, maxOverlapUnits: 0 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.units).toBeLessThanOrEqual(30);
      expect(chunk.text.endsWith('。')).toBe(true);
    }
  });

  it('repeats the previous chunk’s last sentence when it is short', () => {
    const body = 'AAAA句子一。BB句子二。CC句子三。DD句子四。';
    const chunks = chunkText(body, { targetUnits: 12, maxOverlapUnits: 6 });
    expect(chunks.length).toBeGreaterThan(1);
    const lastSentenceOfFirst = chunks[0]!.text.split('。').filter(Boolean).pop()!;
    expect(chunks[1]!.text.startsWith(lastSentenceOfFirst)).toBe(true);
  });

  it('cuts a sentence longer than the target', () => {
    const body = '字'.repeat(1234);
    const chunks = chunkText(body, { targetUnits: 500 });
    expect(chunks.map((c) => c.units)).toEqual([500, 500, 234]);
  });

  it('counts Latin words as one unit each', () => {
    expect(countUnitsInRange('GPT-4o is fast，很快。')).toBe(5);
  });

  it('round-trips offsets: every chunk is the body slice it claims (property)', () => {
    const body = fc.array(fc.constantFrom(...MIXED, 'x', ' ', '。', 'word '), { maxLength: 200 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 40 }), (text, target, overlap) => {
        const chunks = chunkText(text, { targetUnits: target, maxOverlapUnits: overlap });
        let covered = 0;
        for (const [i, chunk] of chunks.entries()) {
          expect(chunk.ordinal).toBe(i);
          expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
          expect(chunk.start).toBeGreaterThanOrEqual(i === 0 ? 0 : chunks[i - 1]!.start + 1);
          covered = Math.max(covered, chunk.end);
        }
        // Nothing but whitespace is left out.
        expect(text.slice(covered).trim()).toBe('');
      }),
      { numRuns: 300 },
    );
  });

  it('covers every non-space character of arbitrary unicode text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), (text) => {
        const chunks = chunkText(text, { targetUnits: 20 });
        const seen = new Uint8Array(text.length);
        for (const chunk of chunks) {
          expect(text.slice(chunk.start, chunk.end)).toBe(chunk.text);
          seen.fill(1, chunk.start, chunk.end);
        }
        for (let i = 0; i < text.length; i++) if (!seen[i]) expect(text[i]).toMatch(/\s/);
      }),
      { numRuns: 300 },
    );
  });
});
