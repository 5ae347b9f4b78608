import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from 'docx';
import { zipSync } from 'fflate';
import pptxgen from 'pptxgenjs';
import { describe, expect, it } from 'vitest';
import { benchDir } from '../../../test/helpers.js';
import { isZhikuError } from '../../errors.js';
import { detectFormat } from './detect.js';
import { parseDocx } from './docx.js';
import { parsePdf, renderPdfPage } from './pdf.js';
import { parsePptx } from './pptx.js';

const dr3 = (...parts: string[]) => join(benchDir(), 'dr3', ...parts);
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

async function failure(promise: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (isZhikuError(error)) return error;
    throw error;
  }
  throw new Error('expected a ZhikuError');
}

function pageOf(pages: { number: number; text: string }[], sentence: string): number | undefined {
  return pages.find((page) => page.text.includes(sentence))?.number;
}

describe('PDF', () => {
  it('reads the 006 paper in order, paragraphs joined, running headers dropped', async () => {
    const path = dr3('006', '齐白石花鸟画的笔墨意趣表达研究_高倩.pdf');
    const { input, pages } = await parsePdf(bytesOf(path), path);
    expect(input.title).toBe('齐白石花鸟画的笔墨意趣表达研究');
    expect(pages).toHaveLength(3);
    expect(pageOf(pages, '飞白技法源于书法艺术，齐白石却将其巧妙运用于对梅干的表现中')).toBe(3);
    expect(pageOf(pages, '齐白石（1864 － 1957）是 20 世纪中国画大师，其花鸟画享誉国际艺坛。')).toBe(1);
    // The journal footer and page numbers repeat in the margins; they are not text of the article.
    for (const page of pages) expect(page.text).not.toMatch(/FINE ARTS LITERATURE|总第 228 期/);
    expect(input.pageStarts).toHaveLength(3);
  });

  it('finds known sentences on their pages in both 002 PDFs and marks the page without a text layer', async () => {
    const law = dr3('002', '互联网视阈下网络平台的网络监管.pdf');
    const lawPages = (await parsePdf(bytesOf(law), law)).pages;
    expect(pageOf(lawPages, '网络直播产业发展迅速，对网络直播平台行为的合规整治和合法监管势在必行')).toBe(6);
    expect(pageOf(lawPages, '4.1. 健全监管相关的行政法规')).toBe(5);
    const report = dr3('002', '直播电商高质量发展.pdf');
    const parsed = await parsePdf(bytesOf(report), report);
    expect(pageOf(parsed.pages, '中国连续 12 年成为全球最大网络零售市场。2024 年，全国网上零售额增长 7.2%')).toBe(3);
    // Page 2 is blank (no text, no image): nothing to OCR.
    expect(parsed.pages[1]!.text).toBe('');
    expect(parsed.pages.filter((p) => p.scanned).map((p) => p.number)).toEqual([]);
  });

  it('reads a scanned page (an image, no text layer) by OCR, and renders pages', async () => {
    const report = dr3('002', '直播电商高质量发展.pdf');
    const cover = await renderPdfPage(bytesOf(report), 1);
    expect([...cover.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
    expect(cover.length).toBeGreaterThan(50_000);
    // A PDF whose one page is a picture of text: pdf.js sees no text layer, only an image.
    const lines = ['直播电商高质量发展报告', '中国国际电子商务中心研究院'];
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="240"><rect width="100%" height="100%" fill="white"/>${lines.map((line, i) => `<text x="40" y="${90 + i * 80}" font-size="44" font-family="Noto Sans CJK SC">${line}</text>`).join('')}</svg>`;
    const { Resvg } = await import('@resvg/resvg-js');
    const picture = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' } }).render().asPng();
    const { PDFDocument } = await import('pdf-lib');
    const doc = await PDFDocument.create();
    doc.addPage([400, 120]).drawImage(await doc.embedPng(picture), { x: 0, y: 0, width: 400, height: 120 });
    const scan = await parsePdf(await doc.save(), 'scan.pdf');
    expect(scan.pages[0]!.scanned).toBe(true);
    expect(scan.pages[0]!.text).toContain('直播电商高质量发展报告');
    expect(scan.input.frontmatter).toMatchObject({ ocrPages: [1] });
  }, 30_000);

  it('refuses an encrypted and a truncated PDF with a one-line reason', async () => {
    const encrypted = Buffer.from(
      [
        '%PDF-1.4',
        '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
        '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj',
        '3 0 obj << /Filter /Standard /V 1 /R 2 /O <' + 'ab'.repeat(32) + '> /U <' + 'cd'.repeat(32) + '> /P -4 >> endobj',
        'trailer << /Root 1 0 R /Encrypt 3 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>',
        '%%EOF',
      ].join('\n'),
    );
    const locked = await failure(parsePdf(new Uint8Array(encrypted), 'locked.pdf'));
    expect(locked.code).toBe('E_PARSE');
    expect(locked.message).toMatch(/encrypted|password/);
    const whole = bytesOf(dr3('006', '齐白石花鸟画的笔墨意趣表达研究_高倩.pdf'));
    const cut = await failure(parsePdf(whole.subarray(0, Math.floor(whole.length / 2)), 'cut.pdf'));
    expect(cut.code).toBe('E_PARSE');
    expect(cut.message).toContain('truncated');
  });
});

describe('PPTX', () => {
  it('reads the 002 deck: 23 slides in order with their titles', () => {
    const path = dr3('002', '006law.pptx');
    const { slides, input } = parsePptx(bytesOf(path), path);
    expect(slides).toHaveLength(23);
    expect(slides[3]!.title).toBe('定义与核心机制');
    expect(slides[3]!.text).toContain('核心机制为“通知+移除”程序');
    expect(input.pageStarts).toHaveLength(23);
    expect(input.body.slice(input.pageStarts![3]!)).toMatch(/^## 幻灯片 4：定义与核心机制/);
  });

  it('round-trips a generated deck with speaker notes, slide number as the page', async () => {
    // pptxgenjs is CommonJS whose types declare an ES default export: take the class from either shape.
    type Deck = { addSlide(): { addText(text: string, options: object): void; addNotes(text: string): void }; write(options: { outputType: 'nodebuffer' }): Promise<unknown> };
    const PptxGenJS = ((pptxgen as unknown as { default?: unknown }).default ?? pptxgen) as new () => Deck;
    const deck = new PptxGenJS();
    const first = deck.addSlide();
    first.addText('第一页标题', { x: 0.5, y: 0.5, w: 8, h: 1 });
    first.addNotes('讲者备注：先介绍背景。');
    const second = deck.addSlide();
    second.addText('第二页：大模型价格下降了 80%', { x: 0.5, y: 0.5, w: 8, h: 1 });
    second.addNotes('这里强调 DeepSeek 的降价。');
    const bytes = new Uint8Array((await deck.write({ outputType: 'nodebuffer' })) as Buffer);
    expect((await detectFormat(bytes, 'deck.bin')).format).toBe('pptx');
    const { slides } = parsePptx(bytes, 'deck.pptx');
    expect(slides.map((s) => [s.number, s.text, s.notes])).toEqual([
      [1, '第一页标题', '讲者备注：先介绍背景。'],
      [2, '第二页：大模型价格下降了 80%', '这里强调 DeepSeek 的降价。'],
    ]);
  });
});

describe('DOCX', () => {
  it('reads the 010 dataset description', async () => {
    const path = dr3('010', 'About_Dataset.docx');
    const input = await parseDocx(bytesOf(path), path);
    expect(input.body).toContain('It spans from April 1, 2018 to March 31, 2023, and contains 1257 rows and 7 columns.');
    expect(input.body).toContain('yahoo_finance_dataset(2018-2023)');
  });

  it('round-trips a generated document: heading, paragraph and a table as a markdown table', async () => {
    const cell = (text: string) => new TableCell({ children: [new Paragraph(text)] });
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph({ text: '大模型价格对比', heading: HeadingLevel.HEADING_1 }),
            new Paragraph({ children: [new TextRun('下表列出三个模型的输入价格。')], alignment: AlignmentType.LEFT }),
            new Table({
              rows: [
                new TableRow({ children: [cell('模型'), cell('输入价格')] }),
                new TableRow({ children: [cell('GLM-4.6'), cell('¥2')] }),
                new TableRow({ children: [cell('DeepSeek-V3.2'), cell('¥2')] }),
              ],
            }),
          ],
        },
      ],
    });
    const bytes = new Uint8Array(await Packer.toBuffer(doc));
    const input = await parseDocx(bytes, 'prices.docx');
    expect(input.title).toBe('大模型价格对比');
    expect(input.body).toMatch(/^# 大模型价格对比/);
    expect(input.body).toContain('下表列出三个模型的输入价格。');
    const rows = input.body.split('\n').filter((line) => line.startsWith('|')).map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
    expect(rows).toEqual([
      ['模型', '输入价格'],
      [expect.stringMatching(/^-+$/), expect.stringMatching(/^-+$/)],
      ['GLM-4.6', '¥2'],
      ['DeepSeek-V3.2', '¥2'],
    ]);
  });

  it('refuses a zip bomb before inflating it', async () => {
    const bomb = zipSync({ '[Content_Types].xml': new TextEncoder().encode('<Types/>'), 'word/document.xml': new Uint8Array(64 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const error = await failure(parseDocx(bomb, 'bomb.docx'));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toContain('zip bomb');
  });
});

describe('format detection', () => {
  it('goes by content, not by the extension', async () => {
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0, 0, 0]), Buffer.from('WEBPVP8 '), Buffer.alloc(32)]);
    expect(await detectFormat(new Uint8Array(webp), 'photo.jpg')).toEqual({ format: 'image', mime: 'image/webp' });
    expect((await detectFormat(bytesOf(dr3('002', '006law.pptx')), 'slides.pdf')).format).toBe('pptx');
    expect((await detectFormat(new TextEncoder().encode('# 标题'), 'note.md')).format).toBe('markdown');
  });
});
