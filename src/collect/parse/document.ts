/**
 * @module collect/parse/document
 * One file of a single-document format → the document `add` stores and the pages `inspect` shows.
 * Both commands go through here, so what inspect prints is what add stores.
 */
import { basename } from 'node:path';
import { readCsv, readXlsx } from '../../data/read.js';
import { summarizeSheet, summarizeWorkbook } from '../../data/summary.js';
import type { Sheet } from '../../data/table.js';
import { ZhikuError } from '../../errors.js';
import { type ImageAnalysis, analyzeImage, imageDocument } from '../../image/image.js';
import type { TranscribeSettings } from '../../media/transcribe.js';
import { analyzeVideo, videoDocument } from '../../media/video.js';
import type { VisionSettings } from '../../image/vision.js';
import type { DocumentInput } from '../../library/prepare.js';
import { decodeText } from './decode.js';
import type { DetectedFormat } from './detect.js';
import { parseDocx } from './docx.js';
import { parseMarkdown } from './markdown.js';
import { parsePdf } from './pdf.js';
import { parsePptx } from './pptx.js';
import { parseText } from './text.js';

export interface DocumentPage {
  /** 1-based page, slide or sheet number. */
  number: number;
  label: string;
  text: string;
  /** A scanned PDF page whose text came from OCR. */
  ocr?: boolean;
}

export interface ParsedDocument {
  input: DocumentInput;
  pages: DocumentPage[];
  /** The text encoding, for text formats. */
  encoding: string | null;
  /** OCR lines with boxes and the table, for images. */
  image?: ImageAnalysis;
  /** The parsed sheets, for data files (charts are drawn from them). */
  sheets?: Sheet[];
}

export type DocumentFormat = Extract<DetectedFormat, 'pdf' | 'docx' | 'pptx' | 'csv' | 'xlsx' | 'markdown' | 'text' | 'image' | 'video'>;

export const DOCUMENT_FORMATS: ReadonlySet<DetectedFormat> = new Set<DocumentFormat>(['pdf', 'docx', 'pptx', 'csv', 'xlsx', 'markdown', 'text', 'image', 'video']);

/**
 * Parses a file. `readBytes` is called for every format but CSV, which streams from `path` because a
 * CSV can be far larger than the memory its summary needs.
 */
export interface ParseOptions {
  /** A vision model that describes images, when configured. */
  vision?: VisionSettings;
  /** A speech-to-text model for the audio of videos, when configured. */
  transcribe?: TranscribeSettings;
  /** What the task that attached this file says about it (query.json `multimodal[].description`). */
  description?: string;
}

export async function parseDocumentFile(path: string, format: DocumentFormat, readBytes: () => Promise<Uint8Array>, options: ParseOptions = {}): Promise<ParsedDocument> {
  switch (format) {
    case 'pdf': {
      const { input, pages } = await parsePdf(await readBytes(), path);
      return { input, encoding: null, pages: pages.map((p) => ({ number: p.number, label: `第 ${p.number} 页`, text: p.text, ocr: p.scanned })) };
    }
    case 'pptx': {
      const { input, slides } = parsePptx(await readBytes(), path);
      const pages = slides.map((s) => ({
        number: s.number,
        label: `幻灯片 ${s.number}${s.title ? `：${s.title}` : ''}`,
        text: [s.text, s.notes && `备注：${s.notes}`].filter(Boolean).join('\n'),
      }));
      return { input, encoding: null, pages };
    }
    case 'docx': {
      const input = await parseDocx(await readBytes(), path);
      return { input, encoding: null, pages: [{ number: 1, label: '全文', text: input.body }] };
    }
    case 'csv':
    case 'xlsx': {
      const workbook = format === 'csv' ? await readCsv(path) : await readXlsx(path, await readBytes());
      const input = summarizeWorkbook(workbook.sheets, { path, encoding: workbook.encoding });
      const file = basename(path);
      const pages = workbook.sheets.map((sheet, index) => ({ number: index + 1, label: `工作表 ${index + 1}：${sheet.name}`, text: summarizeSheet(sheet, file, index + 1, 10) }));
      return { input, encoding: workbook.encoding, pages, sheets: workbook.sheets };
    }
    case 'image': {
      const image = await analyzeImage(await readBytes(), path, { vision: options.vision });
      const input = imageDocument(image, path, { description: options.description });
      return { input, encoding: null, image, pages: [{ number: 1, label: '图片', text: input.body }] };
    }
    case 'video': {
      const input = videoDocument(await analyzeVideo(path, { transcribe: options.transcribe }), path, { description: options.description });
      return { input, encoding: null, pages: [{ number: 1, label: '视频', text: input.body }] };
    }
    case 'markdown':
    case 'text': {
      const { text, encoding } = decodeText(await readBytes(), path);
      const input = format === 'markdown' ? parseMarkdown(text, path) : parseText(text, path);
      return { input, encoding, pages: [{ number: 1, label: '全文', text: input.body }] };
    }
    default:
      throw new ZhikuError('E_UNSUPPORTED', `cannot parse ${format as string}`, { item: path });
  }
}
