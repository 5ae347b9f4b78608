/**
 * @module server/multipart
 * A streaming `multipart/form-data` reader over busboy: file parts go straight to disk as they
 * arrive (never whole in memory), text fields are kept; the request, each file, each field and the
 * part count have limits, and a request over a limit is refused with the limit named.
 */
import { createWriteStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Busboy } from '@fastify/busboy';
import { ZhikuError } from '../errors.js';

export interface MultipartLimits {
  /** The whole body. */
  maxBytes: number;
  /** One file part. */
  maxFileBytes: number;
  /** One text field. */
  maxFieldBytes: number;
  /** Parts of any kind. */
  maxParts: number;
}

export interface UploadedFile {
  field: string;
  /** The client's file name, reduced to a safe base name. */
  name: string;
  path: string;
  bytes: number;
}

export interface MultipartResult {
  fields: Map<string, string[]>;
  files: UploadedFile[];
}

export interface MultipartOptions {
  limits: MultipartLimits;
  /** The folder a file field's uploads go to, or null to refuse the field. */
  folderFor: (field: string) => string | null;
}

/** The boundary of a multipart/form-data content type, or null when it is not one. */
export function multipartBoundary(contentType: string | null | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

/**
 * Reads a multipart body; on any failure the files written so far are removed.
 * @example const { fields, files } = await receiveMultipart(c.req.raw, { limits, folderFor: () => dir })
 */
export async function receiveMultipart(request: Request, options: MultipartOptions): Promise<MultipartResult> {
  const contentType = request.headers.get('content-type');
  if (!multipartBoundary(contentType)) throw new ZhikuError('E_UNSUPPORTED', 'expected multipart/form-data with a boundary', { item: 'content-type' });
  const { limits } = options;
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limits.maxBytes) throw tooLarge('request', limits.maxBytes);
  if (!request.body) throw new ZhikuError('E_USAGE', 'the request has no body', { item: 'body' });

  const fields = new Map<string, string[]>();
  const files: UploadedFile[] = [];
  const written: string[] = [];
  const names = new Set<string>();
  const writes: Promise<void>[] = [];
  const streams: Readable[] = [];
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
  };
  const parser = Busboy({
    headers: { 'content-type': contentType! },
    // One byte over each limit is what tells "at the limit" from "over it".
    limits: { fileSize: limits.maxFileBytes, fieldSize: limits.maxFieldBytes, parts: limits.maxParts, headerSize: 8 * 1024 },
  });
  parser.on('field', (field, value, _nameTruncated, valueTruncated) => {
    if (valueTruncated) return fail(tooLarge(field, limits.maxFieldBytes));
    fields.set(field, [...(fields.get(field) ?? []), value]);
  });
  parser.on('file', (field, stream, filename) => {
    const folder = options.folderFor(field);
    if (!folder) {
      stream.resume();
      return fail(new ZhikuError('E_USAGE', 'this field does not take files', { item: field }));
    }
    const name = uniqueName(safeFileName(filename ?? ''), names);
    const path = join(folder, name);
    written.push(path);
    streams.push(stream);
    stream.on('limit', () => fail(tooLarge(name, limits.maxFileBytes)));
    writes.push(
      pipeline(stream, createWriteStream(path, { flags: 'wx' })).then(
        () => void files.push({ field, name, path, bytes: stream.bytesRead }),
        (error: Error) => fail(error),
      ),
    );
  });
  parser.on('partsLimit', () => fail(tooLarge('parts', limits.maxParts, 'parts')));
  const finished = new Promise<void>((resolve, reject) => {
    parser.on('finish', resolve);
    parser.on('error', reject);
  });
  // Unhandled until awaited below; a rejection before then must not crash the process.
  finished.catch(() => {});

  const reader = request.body.getReader();
  try {
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limits.maxBytes) throw tooLarge('request', limits.maxBytes);
      if (failure) throw failure;
      if (!parser.write(Buffer.from(value.buffer, value.byteOffset, value.byteLength))) await new Promise((resolve) => parser.once('drain', resolve));
    }
    parser.end();
    await finished.catch((error: Error) => {
      throw new ZhikuError('E_PARSE', /unexpected end/i.test(error.message) ? 'the multipart body ended early' : `malformed multipart body: ${error.message}`, { item: 'body' });
    });
    await Promise.all(writes);
    if (failure) throw failure;
    // Files in the order their parts came, whatever order their writes finished in.
    return { fields, files: written.map((path) => files.find((file) => file.path === path)!).filter(Boolean) };
  } catch (error) {
    await reader.cancel().catch(() => {});
    parser.destroy();
    // A part cut off mid-file never ends on its own: end its copy so the write settles.
    for (const stream of streams) stream.destroy();
    await Promise.allSettled(writes);
    for (const path of written) rmSync(path, { force: true });
    throw error;
  }
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) {
    const dot = name.lastIndexOf('.');
    candidate = dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
  }
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * The base name of a client's file name with path parts, control characters and leading dots
 * removed, so no upload can name a path outside its folder.
 */
export function safeFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_').replace(/^[.\s]+/, '').trim().slice(0, 200);
  return cleaned || 'upload';
}

function tooLarge(item: string, limit: number, unit = 'bytes'): ZhikuError {
  return new ZhikuError('E_TOO_LARGE', `over the limit of ${limit.toLocaleString('en-US')} ${unit}`, { item });
}
