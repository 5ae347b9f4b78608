/**
 * @module collect/inspect
 * What ingestion extracts from one file, without storing it: `zhiku inspect`.
 */
import { readFile, stat } from 'node:fs/promises';
import { ZhikuError } from '../errors.js';
import { decodeText } from './parse/decode.js';
import { detectFormat } from './parse/detect.js';
import { parseDocx } from './parse/docx.js';
import { parseMarkdown } from './parse/markdown.js';
import { parsePdf } from './parse/pdf.js';
import { parsePptx } from './parse/pptx.js';
import { parseText } from './parse/text.js';
import { readCsv, readXlsx } from '../data/read.js';
import { summarizeSheet } from '../data/summary.js';

export interface InspectedPage {
  /** 1-based page, slide or sheet number. */
  number: number;
  label: string;
  text: string;
  /** A PDF page without a text layer. */
  needsOcr?: boolean;
}

export interface Inspection {
  path: string;
  format: string;
  mime: string;
  bytes: number;
  title: string;
  encoding: string | null;
  pages: InspectedPage[];
  frontmatter: Record<string, unknown>;
}

export async function inspectFile(path: string, maxFileBytes: number): Promise<Inspection> {
  const info = await stat(path).catch(() => null);
  if (!info?.isFile()) throw new ZhikuError('E_NOT_FOUND', 'no such file', { item: path });
  if (info.size > maxFileBytes) throw new ZhikuError('E_INVALID_INPUT', `file is ${info.size} bytes, above the ${maxFileBytes} limit (ingest.maxFileBytes)`, { item: path });
  const bytes = new Uint8Array(await readFile(path));
  const { format, mime } = await detectFormat(bytes, path);
  const base = { path, format, mime, bytes: bytes.length, encoding: null as string | null };
  if (format === 'pdf') {
    const { input, pages } = await parsePdf(bytes, path);
    return { ...base, title: input.title, frontmatter: input.frontmatter ?? {}, pages: pages.map((p) => ({ number: p.number, label: `第 ${p.number} 页`, text: p.text, needsOcr: p.needsOcr })) };
  }
  if (format === 'pptx') {
    const { input, slides } = parsePptx(bytes, path);
    return {
      ...base,
      title: input.title,
      frontmatter: input.frontmatter ?? {},
      pages: slides.map((s) => ({ number: s.number, label: `幻灯片 ${s.number}${s.title ? `：${s.title}` : ''}`, text: [s.text, s.notes && `备注：${s.notes}`].filter(Boolean).join('\n') })),
    };
  }
  if (format === 'docx') {
    const input = await parseDocx(bytes, path);
    return { ...base, title: input.title, frontmatter: input.frontmatter ?? {}, pages: [{ number: 1, label: '全文', text: input.body }] };
  }
  if (format === 'csv' || format === 'xlsx') {
    const workbook = format === 'csv' ? await readCsv(path) : await readXlsx(path, bytes);
    const file = path.split('/').pop() ?? path;
    return {
      ...base,
      encoding: workbook.encoding,
      title: `${file} 数据概况`,
      frontmatter: { format: 'data', sheets: workbook.sheets.map((s) => ({ name: s.name, rows: s.rows, columns: s.columns.length })) },
      pages: workbook.sheets.map((sheet, index) => ({ number: index + 1, label: `工作表 ${index + 1}：${sheet.name}`, text: summarizeSheet(sheet, file, index + 1, 10) })),
    };
  }
  if (format === 'markdown' || format === 'text') {
    const { text, encoding } = decodeText(bytes, path);
    const input = format === 'markdown' ? parseMarkdown(text, path) : parseText(text, path);
    return { ...base, encoding, title: input.title, frontmatter: input.frontmatter ?? {}, pages: [{ number: 1, label: '全文', text: input.body }] };
  }
  throw new ZhikuError('E_UNSUPPORTED', format === 'image' ? `an image (${mime}): OCR is not available yet` : `cannot inspect ${format} (${mime})`, { item: path });
}
