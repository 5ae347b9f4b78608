import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { distance } from 'fastest-levenshtein';
import { describe, expect, it } from 'vitest';
import { startFakeOpenAi } from '../../test/fake-openai.js';
import { benchDir } from '../../test/helpers.js';
import { isZhikuError } from '../errors.js';
import { analyzeImage, imageDocument } from './image.js';

const dr3 = (...parts: string[]) => join(benchDir(), 'dr3', ...parts);

const PARAGRAPH = [
  '智谱于九月三十日发布新一代旗舰模型，',
  '上下文窗口从十二万八千扩展到二十万，',
  '可以一次处理更长的代码库和文档。',
  '分析人士认为，开源模型正在缩小差距。',
];

function renderParagraph(lines: string[]): Uint8Array {
  const text = lines.map((line, i) => `<text x="24" y="${56 + i * 52}" font-size="32" font-family="Noto Sans CJK SC">${line}</text>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="${lines.length * 52 + 48}"><rect width="100%" height="100%" fill="white"/>${text}</svg>`;
  return new Uint8Array(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' } }).render().asPng());
}

/** A PNG whose header claims `width`×`height`; its pixel data is a few bytes (never decodable). */
function pngHeader(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return new Uint8Array(
    Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(16))), chunk('IEND', Buffer.alloc(0))]),
  );
}

async function refusal(bytes: Uint8Array, path: string) {
  try {
    await analyzeImage(bytes, path);
  } catch (error) {
    if (isZhikuError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('OCR', () => {
  it('reads a rendered Chinese paragraph with at least 95 % character accuracy', async () => {
    const analysis = await analyzeImage(renderParagraph(PARAGRAPH), 'paragraph.png');
    const truth = PARAGRAPH.join('');
    const read = analysis.lines.map((line) => line.text).join('').replace(/\s+/g, '');
    const accuracy = 1 - distance(read, truth) / truth.length;
    expect(accuracy, `read: ${read}`).toBeGreaterThanOrEqual(0.95);
    expect(analysis.lines).toHaveLength(4);
    expect(analysis.lines[0]!.box.top).toBeLessThan(analysis.lines[1]!.box.top);
  });

  it('reads the 001 screenshot as a table: the header row is its 9 columns in order', async () => {
    const path = dr3('001', 'image0.png');
    const analysis = await analyzeImage(new Uint8Array(readFileSync(path)), path);
    expect(analysis.table?.rows[0]).toEqual(['论文名称', '领域 (场景)', 'query数量', '任务', '输入', '类型', '评价指标', '数据集example', '其他']);
    expect(analysis.table!.rows[1]!.slice(0, 3)).toEqual(['drbench', '办公 (企业)', '15个']);
    const body = imageDocument(analysis, path).body;
    expect(body).toContain('| 论文名称 | 领域 (场景) | query数量 |');
  }, 30_000);

  it('finds no table in a painting', async () => {
    const path = dr3('006', '花.jpg');
    expect((await analyzeImage(new Uint8Array(readFileSync(path)), path)).table).toBeNull();
  }, 30_000);
});

describe('bad images', () => {
  it('refuses a truncated PNG, a 20000×20000 image from its header alone, and bytes that are no image', async () => {
    const png = readFileSync(dr3('001', 'image0.png'));
    const truncated = await refusal(new Uint8Array(png.subarray(0, Math.floor(png.length / 2))), 'cut.png');
    expect(truncated.code).toBe('E_PARSE');
    expect(truncated.message).toMatch(/corrupt or truncated image/);
    const huge = await refusal(pngHeader(20_000, 20_000), 'huge.png');
    expect(huge.code).toBe('E_INVALID_INPUT');
    expect(huge.message).toBe('image is 20000×20000 (400 megapixels), above the 50-megapixel limit');
    const garbage = await refusal(new TextEncoder().encode('not an image at all'), 'fake.jpg');
    expect(garbage.code).toBe('E_PARSE');
  });
});

describe('image documents', () => {
  it('carry the brand, the task\'s description and the citation form; the vision model only when configured', async () => {
    const logo = new Resvg(readFileSync(join('node_modules', 'simple-icons', 'icons', 'huggingface.svg'), 'utf8').replace('<svg', '<svg fill="#FFD21E"'), { fitTo: { mode: 'width', value: 256 }, background: '#ffffff' }).render().asPng();
    const offline = await analyzeImage(new Uint8Array(logo), 'logo.png');
    expect(offline.brand.brand).toBe('huggingface');
    expect(offline.vision).toBeUndefined();
    const doc = imageDocument(offline, '/task/logo.png', { description: '一个黄色笑脸标志' });
    expect(doc.body).toContain('引用：[图片: logo.png]');
    expect(doc.body).toContain('## 任务给出的图片说明\n\n一个黄色笑脸标志');
    expect(doc.body).toMatch(/## 品牌标识\n\n识别为 HuggingFace（置信度 0\.\d+）。依据：mark correlates/);
    expect(doc.frontmatter).toMatchObject({ brand: 'huggingface', taskDescription: true });

    const server = await startFakeOpenAi((request) => ({ content: `一个黄色的拥抱表情标志（${String(request.body.model)}）`, promptTokens: 812, completionTokens: 40 }));
    try {
      const described = await analyzeImage(new Uint8Array(logo), 'logo.png', { vision: { model: 'fake-vl', baseUrl: server.baseUrl, apiKey: 'k' } });
      expect(described.vision).toEqual({ text: '一个黄色的拥抱表情标志（fake-vl）', model: 'fake-vl', promptTokens: 812, completionTokens: 40 });
      const sent = server.requests[0]!.body as { model: string; messages: { content: { type: string; image_url?: { url: string } }[] }[] };
      expect(sent.model).toBe('fake-vl');
      expect(sent.messages[0]!.content[1]!.image_url!.url).toMatch(/^data:image\/jpeg;base64,\/9j\//);
      const body = imageDocument(described, 'logo.png').body;
      expect(body).toContain('## 视觉模型描述（fake-vl）\n\n一个黄色的拥抱表情标志（fake-vl）');
      expect(imageDocument(described, 'logo.png').frontmatter).toMatchObject({ visionModel: 'fake-vl', visionTokens: 852 });
    } finally {
      await server.close();
    }
  }, 30_000);

  it('still become documents when the vision endpoint fails, with the reason kept', async () => {
    const server = await startFakeOpenAi(() => ({ status: 400, content: 'model does not accept images' }));
    try {
      const analysis = await analyzeImage(renderParagraph(PARAGRAPH.slice(0, 1)), 'p.png', { vision: { model: 'text-only', baseUrl: server.baseUrl } });
      expect(analysis.vision).toBeUndefined();
      expect(analysis.visionError).toMatch(/^vision model text-only failed: 400 model does not accept images/);
      expect(imageDocument(analysis, 'p.png').frontmatter).toMatchObject({ visionError: analysis.visionError });
    } finally {
      await server.close();
    }
  }, 30_000);
});
