/**
 * @module image/image
 * An image as a library document: its size and format, the text OCR reads (lines with boxes), and a
 * table when the image is a ruled table screenshot. Oversized and broken images are refused before
 * any pixel is decoded.
 */
import { basename } from 'node:path';
import sharp from 'sharp';
import { ZhikuError } from '../errors.js';
import type { DocumentInput } from '../library/prepare.js';
import { type BrandResult, recognizeBrand } from './brand/recognize.js';
import { type OcrLine, recognize } from './ocr.js';
import { type ImageTable, readTable, tableToMarkdown } from './table.js';
import { type ImageDescription, type VisionSettings, describeImage } from './vision.js';

/** 40 megapixels: a phone photo is 12–50; a 20000×20000 image (400 MP, 1.6 GB decoded) is refused. */
export const MAX_IMAGE_PIXELS = 50_000_000;
/** OCR lines below this confidence are noise on photos and paintings. */
const MIN_CONFIDENCE = 0.6;

export interface ImageAnalysis {
  width: number;
  height: number;
  format: string;
  lines: OcrLine[];
  table: ImageTable | null;
  /** The brand whose mark or name the image shows, or "unknown", with the evidence. */
  brand: BrandResult;
  /** The vision model's description, when one is configured. */
  vision?: ImageDescription;
  /** Why the vision model gave no description, when it was asked and failed. */
  visionError?: string;
}

export interface AnalyzeImageOptions {
  vision?: VisionSettings;
}

export async function analyzeImage(bytes: Uint8Array, path: string, options: AnalyzeImageOptions = {}): Promise<ImageAnalysis> {
  const buffer = Buffer.from(bytes);
  let metadata: sharp.Metadata;
  try {
    // The header only (no pixels decoded): the size check below is ours, with a clear message.
    metadata = await sharp(buffer, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ZhikuError('E_PARSE', `not a readable image (${(error as Error).message})`, { item: path, cause: error });
  }
  const { width = 0, height = 0, format = 'unknown' } = metadata;
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ZhikuError('E_INVALID_INPUT', `image is ${width}×${height} (${Math.round((width * height) / 1e6)} megapixels), above the ${MAX_IMAGE_PIXELS / 1e6}-megapixel limit`, { item: path });
  }
  let normalized: Buffer;
  try {
    // Decoding the whole image once, strictly: a truncated or corrupt file fails here, not half-read later.
    normalized = await sharp(buffer, { failOn: 'truncated', limitInputPixels: MAX_IMAGE_PIXELS }).rotate().png().toBuffer();
  } catch (error) {
    throw new ZhikuError('E_PARSE', `corrupt or truncated image (${(error as Error).message})`, { item: path, cause: error });
  }
  const lines = (await recognize(normalized)).filter((line) => line.confidence >= MIN_CONFIDENCE);
  // Only text-rich images can be tables; photos and paintings skip the per-cell OCR.
  const table = lines.length >= 3 ? await readTable(normalized) : null;
  const brand = await recognizeBrand(normalized, { lines });
  const analysis: ImageAnalysis = { width, height, format, lines, table, brand };
  if (options.vision) {
    // The image still becomes a document without the description; the reason is kept with it.
    try {
      analysis.vision = await describeImage(normalized, options.vision, path);
    } catch (error) {
      analysis.visionError = (error as Error).message;
    }
  }
  return analysis;
}

/** What the task that attached an image says about it (`multimodal[].description`). */
export interface ImageContext {
  description?: string;
}

/** The document an image becomes: what the task says, the vision model's description, the brand, the table, the OCR text. */
export function imageDocument(analysis: ImageAnalysis, path: string, context: ImageContext = {}): DocumentInput {
  const file = basename(path);
  const parts = [`# 图片：${file}`, '', `${analysis.format.toUpperCase()}，${analysis.width}×${analysis.height} 像素。引用：[图片: ${file}]`];
  if (context.description) parts.push('', '## 任务给出的图片说明', '', context.description.trim());
  if (analysis.vision) parts.push('', `## 视觉模型描述（${analysis.vision.model}）`, '', analysis.vision.text);
  const { brand } = analysis;
  if (brand.brand !== 'unknown') {
    parts.push('', '## 品牌标识', '', `识别为 ${brand.title ?? brand.brand}（置信度 ${brand.confidence.toFixed(2)}）。依据：${brand.evidence.map((e) => e.detail).join('；')}。`);
  }
  if (analysis.table) parts.push('', '## 表格（按图中表格线读取）', '', tableToMarkdown(analysis.table));
  parts.push('', '## 图中文字（OCR）', '', analysis.lines.length ? analysis.lines.map((line) => line.text).join('\n') : '（未识别到文字）');
  return {
    title: file,
    body: `${parts.join('\n')}\n`,
    origin: path,
    frontmatter: {
      format: 'image',
      width: analysis.width,
      height: analysis.height,
      imageFormat: analysis.format,
      ocrLines: analysis.lines.length,
      table: analysis.table !== null,
      brand: brand.brand,
      ...(brand.brand !== 'unknown' ? { brandConfidence: brand.confidence } : {}),
      ...(context.description ? { taskDescription: true } : {}),
      ...(analysis.vision ? { visionModel: analysis.vision.model, visionTokens: analysis.vision.promptTokens + analysis.vision.completionTokens } : {}),
      ...(analysis.visionError ? { visionError: analysis.visionError } : {}),
    },
  };
}
