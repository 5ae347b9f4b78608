import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { benchDir } from '../../../test/helpers.js';
import { REDRAWN_BRANDS, markSamples, negativeSamples, photoSamples } from '../../../test/brand-set.js';
import { markSvg } from './gallery.js';
import { recognizeBrand } from './recognize.js';

/** A mark from one package as a JPEG on a ground, recognised against the other package's marks. */
async function jpeg(svg: string, ground = '#ffffff', width = 240): Promise<Buffer> {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: width }, background: ground, font: { loadSystemFonts: false } }).render().asPng();
  return sharp(Buffer.from(png)).extend({ top: 30, bottom: 30, left: 30, right: 30, background: ground }).jpeg({ quality: 70 }).toBuffer();
}

function typeset(text: string): Buffer {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${text.length * 40 + 40}" height="80"><rect width="100%" height="100%" fill="#fff"/><text x="20" y="56" font-size="44" font-family="Noto Sans CJK SC">${text}</text></svg>`;
  return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' } }).render().asPng());
}

describe('brand marks', () => {
  it('recognises the seed task logo: Hugging Face drawn by simple-icons, known only from lobehub marks, and its emoji-like colour mascot', async () => {
    const mono = await recognizeBrand(await jpeg(markSvg('simple-icons', 'huggingface.svg').replace('<svg', '<svg fill="#FFD21E"'), '#1e1e1e'), { sources: ['lobehub'], lines: [] });
    expect(mono.brand).toBe('huggingface');
    expect(mono.title).toBe('HuggingFace');
    expect(mono.evidence[0]).toMatchObject({ kind: 'shape', brand: 'huggingface' });
    const mascot = await recognizeBrand(await jpeg(markSvg('lobehub', 'huggingface-color.svg')), { sources: ['simple-icons'], lines: [] });
    expect(mascot.brand).toBe('huggingface');
    expect(mascot.confidence).toBeGreaterThan(0.5);
  });

  it('recognises marks across packages: lobehub references, simple-icons images', async () => {
    const samples = (await markSamples('simple-icons', 1, 3)).filter((sample) => !(sample.expected! in REDRAWN_BRANDS));
    let right = 0;
    const misses: string[] = [];
    for (const sample of samples) {
      const result = await recognizeBrand(sample.image, { sources: ['lobehub'], lines: [] });
      if (result.brand === sample.expected) right++;
      else misses.push(`${sample.label} → ${result.brand}`);
    }
    // A regression guard on a small set; the full set, both directions and 600 negatives, is measured by `npm run bench -- --suite brands`.
    expect(right / samples.length, misses.join('; ')).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('says "unknown" for marks of unsupported brands and for photographs, almost always', async () => {
    const negatives = [...(await negativeSamples(300, 5, 0.25)), ...photoSamples(benchDir())];
    const claimed: string[] = [];
    for (const sample of negatives) {
      const result = await recognizeBrand(sample.image, { sources: ['lobehub'], lines: [] });
      if (result.brand !== 'unknown') claimed.push(`${sample.label} → ${result.brand}`);
    }
    expect(claimed.length / negatives.length, claimed.join('; ')).toBeLessThanOrEqual(0.04);
    expect(claimed.filter((label) => !label.startsWith('simple-icons/'))).toEqual([]);
  }, 60_000);

  it('reads wordmarks: typeset names, Chinese names and a lobehub name file', async () => {
    expect((await recognizeBrand(typeset('DeepSeek'))).brand).toBe('deepseek');
    expect((await recognizeBrand(typeset('通义千问'))).brand).toBe('qwen');
    const wordmark = await recognizeBrand(await jpeg(markSvg('lobehub', 'anthropic-text.svg'), '#ffffff', 400), { sources: ['simple-icons'] });
    expect(wordmark.brand).toBe('anthropic');
    expect(wordmark.evidence.find((e) => e.kind === 'wordmark')?.detail).toMatch(/OCR reads "ANTHROPIC"/i);
  }, 60_000);

  it('never names a brand for a plain disc or an empty image', async () => {
    const disc = Buffer.from(new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><circle cx="100" cy="100" r="80" fill="#111"/></svg>', { background: '#fff' }).render().asPng());
    expect((await recognizeBrand(disc, { lines: [] })).brand).toBe('unknown');
    const blank = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer();
    expect(await recognizeBrand(blank, { lines: [] })).toEqual({ brand: 'unknown', confidence: 0, evidence: [] });
  });
});
