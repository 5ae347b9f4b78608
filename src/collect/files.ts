/**
 * @module collect/files
 * Local files and directories (recursively) → collected items. Never touches the store.
 */
import { createReadStream } from 'node:fs';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { isUtf8 } from 'node:buffer';
import { basename, dirname, extname, join } from 'node:path';
import type { VisionSettings } from '../image/vision.js';
import type { TranscribeSettings } from '../media/transcribe.js';
import { ZhikuError, toItemFailure } from '../errors.js';
import { parseCorpusJson, isCorpus } from './parse/corpus-json.js';
import { decodeText } from './parse/decode.js';
import { detectFormat } from './parse/detect.js';
import { DOCUMENT_FORMATS, type DocumentFormat, parseDocumentFile } from './parse/document.js';
import type { CollectedItem } from './types.js';

export interface CollectFilesOptions {
  /** Files larger than this are refused before reading. */
  maxFileBytes: number;
  /** Plain text larger than this (bytes, default 16 MiB) is read as a stream, in parts of at most this many characters (and 4 Mi). */
  streamTextBytes?: number;
  /** A vision model that describes images, when configured. */
  vision?: VisionSettings;
  /** A speech-to-text model for the audio of videos, when configured. */
  transcribe?: TranscribeSettings;
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

/** Expands paths into collected items, in a stable order (directories sorted by name). */
export async function* collectFiles(paths: readonly string[], options: CollectFilesOptions): AsyncGenerator<CollectedItem> {
  for (const path of paths) {
    let info;
    try {
      info = await stat(path);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? missingReason(path) : (error as Error).message;
      yield { kind: 'failed', item: path, code: 'E_NOT_FOUND', reason };
      continue;
    }
    if (info.isDirectory()) yield* walk(path, options);
    else yield* collectFile(path, options, true);
  }
}

// ---------------------------------------------------------------------------

async function* walk(directory: string, options: CollectFilesOptions): AsyncGenerator<CollectedItem> {
  // Names as bytes: a name that is not UTF-8 would otherwise be decoded lossily and then not found.
  const entries = (await readdir(directory, { withFileTypes: true, encoding: 'buffer' })).sort((a, b) => Buffer.compare(a.name, b.name));
  for (const entry of entries) {
    const name = entry.name.toString('utf8');
    if (name.startsWith('.') || SKIPPED_DIRECTORIES.has(name)) continue;
    const path = join(directory, name);
    if (!isUtf8(entry.name)) {
      yield { kind: 'failed', item: path, code: 'E_INVALID_INPUT', reason: 'the file name is not valid UTF-8 (shown with U+FFFD); rename the file to add it' };
    } else if (entry.isDirectory()) yield* walk(path, options);
    else if (entry.isFile()) yield* collectFile(path, options, false);
  }
}

async function* collectFile(path: string, options: CollectFilesOptions, explicit: boolean): AsyncGenerator<CollectedItem> {
  try {
    const head = await readLimited(path, options.maxFileBytes, HEAD_BYTES);
    if (head.length === 0) throw new ZhikuError('E_EMPTY', 'the file is empty', { item: path });
    const { format, mime } = await detectFormat(head, path);
    if (format === 'json') {
      yield* parseJson(decodeText(await readLimited(path, options.maxFileBytes), path).text, path, explicit);
      return;
    }
    const claimed = BINARY_EXTENSIONS[extname(path).toLowerCase()];
    if (claimed && format !== claimed) {
      // A .pdf or .docx whose bytes say otherwise is a damaged or disguised file, not an unsupported type.
      const found = format === 'unsupported' && mime === 'application/octet-stream' ? 'its bytes match no known format' : `its content is ${mime}`;
      throw new ZhikuError('E_PARSE', `not a ${claimed.toUpperCase()} file: ${found}`, { item: path });
    }
    if (!DOCUMENT_FORMATS.has(format)) {
      const what = `unsupported file type "${extname(path) || '(none)'}"`;
      if (explicit) yield { kind: 'failed', item: path, code: 'E_UNSUPPORTED', reason: what };
      else yield { kind: 'ignored', item: path, reason: what };
      return;
    }
    if (format === 'text' && (await stat(path)).size > (options.streamTextBytes ?? STREAM_TEXT_BYTES)) {
      yield* streamTextParts(path, head, Math.min(options.streamTextBytes ?? STREAM_TEXT_BYTES, STREAM_PART_CHARS));
      return;
    }
    const description = await attachmentDescription(path);
    const { input } = await parseDocumentFile(path, format as DocumentFormat, () => readLimited(path, options.maxFileBytes), { vision: options.vision, transcribe: options.transcribe, description });
    if (!input.body.trim()) throw new ZhikuError('E_EMPTY', 'the document has no text', { item: path });
    yield { kind: 'document', item: path, input };
  } catch (error) {
    yield { kind: 'failed', ...toItemFailure(asExpected(error, path), path) };
  }
}

async function* parseJson(text: string, path: string, explicit: boolean): AsyncGenerator<CollectedItem> {
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

/** Plain text above this size is stored in parts, read as a stream, so memory stays bounded whatever the file's size. */
const STREAM_TEXT_BYTES = 16 * 1024 * 1024;
/** Characters per part of a streamed file: a part, its chunks and their index text stay in tens of megabytes. */
const STREAM_PART_CHARS = 4 * 1024 * 1024;

/**
 * A large text file as documents of about `partBytes` each, cut at a paragraph (or line) break,
 * decoded as they are read: the encoding is decided from the head, as for a small file.
 */
async function* streamTextParts(path: string, head: Uint8Array, partBytes: number): AsyncGenerator<CollectedItem> {
  const { encoding } = decodeText(head, path);
  const decoder = iconv.getDecoder(encoding === 'UTF-16LE' || encoding === 'UTF-16BE' ? encoding.toLowerCase() : encoding);
  const name = basename(path, extname(path));
  let pending = '';
  let part = 0;
  const emit = (text: string): CollectedItem => {
    part++;
    const item = `${path}#part-${part}`;
    return { kind: 'document', item, input: { title: `${name} (${part})`, body: text, origin: item, frontmatter: { format: 'text', part } } };
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    pending += decoder.write(chunk as Buffer);
    if (pending.includes('\u0000')) throw new ZhikuError('E_PARSE', 'binary data, not text', { item: path });
    while (pending.length >= partBytes) {
      const cut = breakBefore(pending, partBytes);
      yield emit(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
  }
  pending += decoder.end() ?? '';
  if (pending.trim() || part === 0) yield emit(pending.replace(/^\uFEFF/, ''));
}

/** Where to cut text near `at`: after the last blank line, else the last line break, else at `at`. */
function breakBefore(text: string, at: number): number {
  const paragraph = text.lastIndexOf('\n\n', at);
  if (paragraph > at / 2) return paragraph + 2;
  const line = text.lastIndexOf('\n', at);
  return line > at / 2 ? line + 1 : at;
}

/** Extensions that promise a binary format; text formats have no signature to contradict them. */
const BINARY_EXTENSIONS: Record<string, DocumentFormat> = { '.pdf': 'pdf', '.docx': 'docx', '.pptx': 'pptx', '.xlsx': 'xlsx' };

/** A path that does not exist; one given with bytes that are not UTF-8 arrives here already mangled. */
function missingReason(path: string): string {
  return path.includes('\uFFFD') ? 'no such file or directory (the name given is not valid UTF-8, so it cannot be opened as written)' : 'no such file or directory';
}

/** File-system errors (permissions, a path that vanished) are item failures, not crashes. */
function asExpected(error: unknown, path: string): unknown {
  const errno = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno === 'string' && errno.startsWith('E') && !(error instanceof ZhikuError)) {
    return new ZhikuError('E_IO', (error as Error).message, { item: path, cause: error });
  }
  return error;
}

/**
 * A task folder's query.json describes its attachments (`multimodal: [{name, description}]`); the
 * description travels with the file into the library. Read once per folder.
 */
const attachmentCache = new Map<string, Promise<Map<string, string>>>();

/** The description a task folder's query.json gives this file, if any. */
export async function attachmentDescription(path: string): Promise<string | undefined> {
  return (await taskAttachments(dirname(path))).get(basename(path));
}

function taskAttachments(directory: string): Promise<Map<string, string>> {
  let found = attachmentCache.get(directory);
  if (!found) {
    found = readFile(join(directory, 'query.json'), 'utf8')
      .then((text) => {
        const multimodal = (JSON.parse(text) as { multimodal?: unknown }).multimodal;
        const entries = Array.isArray(multimodal) ? (multimodal as { name?: unknown; description?: unknown }[]) : [];
        return new Map(entries.filter((e) => typeof e.name === 'string' && typeof e.description === 'string' && e.description.trim()).map((e) => [e.name as string, e.description as string]));
      })
      .catch(() => new Map<string, string>());
    attachmentCache.set(directory, found);
  }
  return found;
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
