/**
 * @module collect/inspect
 * What ingestion extracts from one file, without storing it: `zhiku inspect`.
 */
import { open, readFile } from 'node:fs/promises';
import { ZhikuError } from '../errors.js';
import { detectFormat } from './parse/detect.js';
import type { Sheet } from '../data/table.js';
import type { ImageAnalysis } from '../image/image.js';
import { attachmentDescription } from './files.js';
import { DOCUMENT_FORMATS, type DocumentFormat, type DocumentPage, type ParseOptions, parseDocumentFile } from './parse/document.js';

export interface Inspection {
  path: string;
  format: string;
  mime: string;
  bytes: number;
  title: string;
  encoding: string | null;
  pages: DocumentPage[];
  frontmatter: Record<string, unknown>;
  /** For images: OCR lines with boxes and confidence, and the table read from ruling lines. */
  image?: ImageAnalysis;
  /** For data files: the parsed sheets (not printed; charts are drawn from them). */
  sheets?: Sheet[];
}

export async function inspectFile(path: string, maxFileBytes: number, options: Pick<ParseOptions, 'vision' | 'transcribe'> = {}): Promise<Inspection> {
  let size: number;
  const head = new Uint8Array(4100);
  let headLength: number;
  try {
    const handle = await open(path, 'r');
    try {
      size = (await handle.stat()).size;
      headLength = (await handle.read(head, 0, head.length, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch {
    throw new ZhikuError('E_NOT_FOUND', 'no such file', { item: path });
  }
  if (size > maxFileBytes) throw new ZhikuError('E_INVALID_INPUT', `file is ${size} bytes, above the ${maxFileBytes} limit (ingest.maxFileBytes)`, { item: path });
  const { format, mime } = await detectFormat(head.subarray(0, headLength), path);
  if (!DOCUMENT_FORMATS.has(format)) {
    throw new ZhikuError('E_UNSUPPORTED', `cannot inspect ${format} (${mime})`, { item: path });
  }
  const { input, pages, encoding, image, sheets } = await parseDocumentFile(path, format as DocumentFormat, async () => new Uint8Array(await readFile(path)), { vision: options.vision, transcribe: options.transcribe, description: await attachmentDescription(path) });
  return { path, format, mime, bytes: size, title: input.title, encoding, pages, frontmatter: input.frontmatter ?? {}, ...(image ? { image } : {}), ...(sheets ? { sheets } : {}) };
}
