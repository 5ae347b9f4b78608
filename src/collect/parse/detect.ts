/**
 * @module collect/parse/detect
 * The format of a file from its bytes (magic numbers via file-type), with the extension only as a
 * tie-breaker for text: a `.jpg` that is WebP is an image/webp, a `.docx` that is plain text is refused.
 */
import { extname } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';

export type DetectedFormat =
  | 'pdf'
  | 'docx'
  | 'pptx'
  | 'xlsx'
  | 'csv'
  | 'markdown'
  | 'text'
  | 'json'
  | 'image'
  | 'video'
  | 'unsupported';

export interface Detection {
  format: DetectedFormat;
  /** The MIME type file-type found, or a text type from the extension. */
  mime: string;
}

const OOXML: Record<string, DetectedFormat> = {
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

const TEXT_EXTENSIONS: Record<string, DetectedFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.json': 'json',
  '.csv': 'csv',
  '.tsv': 'csv',
};

export async function detectFormat(bytes: Uint8Array, path: string): Promise<Detection> {
  const found = await fileTypeFromBuffer(bytes);
  if (found) {
    if (found.mime === 'application/pdf') return { format: 'pdf', mime: found.mime };
    if (OOXML[found.mime]) return { format: OOXML[found.mime]!, mime: found.mime };
    if (found.mime.startsWith('image/')) return { format: 'image', mime: found.mime };
    if (found.mime.startsWith('video/')) return { format: 'video', mime: found.mime };
    return { format: 'unsupported', mime: found.mime };
  }
  // No magic number: a text format, named by the extension (text has no signature to read).
  const byExtension = TEXT_EXTENSIONS[extname(path).toLowerCase()];
  return byExtension ? { format: byExtension, mime: `text/${byExtension}` } : { format: 'unsupported', mime: 'application/octet-stream' };
}
