/**
 * @module collect/parse/text
 * Plain text: the body verbatim; the title is the first short line, else the file name.
 */
import { basename, extname } from 'node:path';
import type { DocumentInput } from '../../library/prepare.js';

export function parseText(text: string, path: string): DocumentInput {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/).find((line) => line.trim())?.trim();
  const title = firstLine && firstLine.length <= 100 ? firstLine : basename(path, extname(path));
  return { title, body, origin: path };
}
