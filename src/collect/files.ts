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
import { readCsv, readXlsx } from '../data/read.js';
import { summarizeWorkbook } from '../data/summary.js';
import type { CollectedItem } from './types.js';

export interface CollectFilesOptions {
  /** Files larger than this are refused before reading. */
  maxFileBytes: number;
}

/** Formats `add` turns into documents (images wait for OCR). */
const SUPPORTED = new Set<DetectedFormat>(['markdown', 'text', 'json', 'pdf', 'docx', 'pptx', 'csv', 'xlsx']);

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
    const head = await readLimited(path, options.maxFileBytes, HEAD_BYTES);
    const { format } = await detectFormat(head, path);
    if (!SUPPORTED.has(format)) {
      const what = format === 'image' ? 'an image (needs OCR, not available yet)' : format === 'unsupported' ? `unsupported file type "${extname(path) || '(none)'}"` : `${format} (not supported yet)`;
      if (explicit) yield { kind: 'failed', item: path, code: 'E_UNSUPPORTED', reason: what };
      else yield { kind: 'ignored', item: path, reason: what };
      return;
    }
    if (format === 'csv') {
      // Streamed from disk: a CSV can be far larger than the memory its summary needs.
      const workbook = await readCsv(path);
      yield { kind: 'document', item: path, input: summarizeWorkbook(workbook.sheets, { path, encoding: workbook.encoding }) };
      return;
    }
    const bytes = await readLimited(path, options.maxFileBytes);
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
  if (format === 'xlsx') {
    const workbook = await readXlsx(path, bytes);
    yield { kind: 'document', item: path, input: summarizeWorkbook(workbook.sheets, { path }) };
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

/** Enough bytes for every magic number file-type knows. */
const HEAD_BYTES = 4100;

/** The file's bytes (or its first `headBytes`), refusing files above the size limit before reading. */
async function readLimited(path: string, maxBytes: number, headBytes?: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) {
      throw new ZhikuError('E_INVALID_INPUT', `file is ${formatBytes(size)}, above the ${formatBytes(maxBytes)} limit (ingest.maxFileBytes)`, {
        item: path,
      });
    }
    if (headBytes !== undefined) {
      const head = new Uint8Array(Math.min(size, headBytes));
      await handle.read(head, 0, head.length, 0);
      return head;
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
