/**
 * @module collect/files
 * Local files and directories (recursively) → collected items. Never touches the store.
 */
import { open, readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { ZhikuError, toItemFailure } from '../errors.js';
import { parseCorpusJson, isCorpus } from './parse/corpus-json.js';
import { decodeText } from './parse/decode.js';
import { type DetectedFormat, detectFormat } from './parse/detect.js';
import { parseDocx } from './parse/docx.js';
import { parseMarkdown } from './parse/markdown.js';
import { parsePdf } from './parse/pdf.js';
import { parsePptx } from './parse/pptx.js';
import { parseText } from './parse/text.js';
import type { CollectedItem } from './types.js';

export interface CollectFilesOptions {
  /** Files larger than this are refused before reading. */
  maxFileBytes: number;
}

/** Formats `add` turns into documents (images wait for OCR). */
const SUPPORTED = new Set<DetectedFormat>(['markdown', 'text', 'json', 'pdf', 'docx', 'pptx']);

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** Expands paths into collected items, in a stable order (directories sorted by name). */
export async function* collectFiles(paths: readonly string[], options: CollectFilesOptions): AsyncGenerator<CollectedItem> {
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message;
      yield { kind: 'failed', item: path, code: 'E_NOT_FOUND', reason };
      continue;
    }
    if (info.isDirectory()) yield* walk(path, options);
    else yield* collectFile(path, options, true);
  }
}

// ---------------------------------------------------------------------------

async function* walk(directory: string, options: CollectFilesOptions): AsyncGenerator<CollectedItem> {
  const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path, options);
    else if (entry.isFile()) yield* collectFile(path, options, false);
  }
}

async function* collectFile(path: string, options: CollectFilesOptions, explicit: boolean): AsyncGenerator<CollectedItem> {
  try {
    const bytes = await readLimited(path, options.maxFileBytes);
    const { format } = await detectFormat(bytes, path);
    if (!SUPPORTED.has(format)) {
      const what = format === 'image' ? 'an image (needs OCR, not available yet)' : format === 'unsupported' ? `unsupported file type "${extname(path) || '(none)'}"` : `${format} (not supported yet)`;
      if (explicit) yield { kind: 'failed', item: path, code: 'E_UNSUPPORTED', reason: what };
      else yield { kind: 'ignored', item: path, reason: what };
      return;
    }
    yield* parseFile(bytes, format, path, explicit);
  } catch (error) {
    yield { kind: 'failed', ...toItemFailure(asExpected(error, path), path) };
  }
}

async function* parseFile(bytes: Uint8Array, format: DetectedFormat, path: string, explicit: boolean): AsyncGenerator<CollectedItem> {
  if (format === 'pdf') {
    yield { kind: 'document', item: path, input: (await parsePdf(bytes, path)).input };
    return;
  }
  if (format === 'docx') {
    yield { kind: 'document', item: path, input: await parseDocx(bytes, path) };
    return;
  }
  if (format === 'pptx') {
    yield { kind: 'document', item: path, input: parsePptx(bytes, path).input };
    return;
  }
  const { text } = decodeText(bytes, path);
  if (format === 'markdown') yield { kind: 'document', item: path, input: parseMarkdown(text, path) };
  else if (format === 'text') yield { kind: 'document', item: path, input: parseText(text, path) };
  else {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ZhikuError('E_PARSE', `invalid JSON: ${(error as Error).message}`, { item: path });
    }
    if (!explicit && !isCorpus(data)) {
      yield { kind: 'ignored', item: path, reason: 'JSON that is not a corpus' };
      return;
    }
    yield* parseCorpusJson(data, path);
  }
}

/** File-system errors (permissions, a path that vanished) are item failures, not crashes. */
function asExpected(error: unknown, path: string): unknown {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string' && errno.startsWith('E') && !(error instanceof ZhikuError)) {
    return new ZhikuError('E_IO', (error as Error).message, { item: path, cause: error });
  }
  return error;
}

async function readLimited(path: string, maxBytes: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) {
      throw new ZhikuError('E_INVALID_INPUT', `file is ${formatBytes(size)}, above the ${formatBytes(maxBytes)} limit (ingest.maxFileBytes)`, {
        item: path,
      });
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
