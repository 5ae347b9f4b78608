import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isZhikuError } from '../errors.js';
import { receiveMultipart, safeFileName } from './multipart.js';

const BOUNDARY = '----zhikuBoundary7MA4YWxk';
const LIMITS = { maxBytes: 1 << 20, maxFileBytes: 1 << 16, maxFieldBytes: 1024, maxParts: 10 };

function body(parts: { name: string; filename?: string; content: Buffer | string }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}\r\n${part.filename !== undefined ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`));
    chunks.push(Buffer.isBuffer(part.content) ? part.content : Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

/** A request whose body arrives in the given pieces, as a slow client would send it. */
function request(bytes: Buffer, cuts: number[] = []): Request {
  const points = [...new Set(cuts.filter((c) => c > 0 && c < bytes.length))].sort((a, b) => a - b);
  const pieces = [0, ...points, bytes.length].slice(1).map((end, i, all) => bytes.subarray(i === 0 ? 0 : all[i - 1]!, end));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(new Uint8Array(piece));
      controller.close();
    },
  });
  return new Request('http://127.0.0.1/upload', { method: 'POST', body: stream, headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` }, duplex: 'half' } as RequestInit);
}

async function failure(run: Promise<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    if (isZhikuError(error)) return `${error.code} ${error.item}: ${error.message}`;
    throw error;
  }
  return 'no error';
}

describe('receiveMultipart', () => {
  it('writes files to disk byte for byte and keeps text fields, however the body is split', async () => {
    // Binary content that holds CR, LF and dashes, the bytes a delimiter search could trip on.
    const file = Buffer.from(Array.from({ length: 3000 }, (_, i) => [13, 10, 45, (i * 7) % 256][i % 4]!));
    const bytes = body([
      { name: 'query', content: '请撰写《开源模型简报》\r\n--不是分隔符' },
      { name: 'file', filename: '报告 v2.pdf', content: file },
      { name: 'corpus', filename: 'long_context.json', content: '[{"title":"t","content":"c"}]' },
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 12 }), async (cuts) => {
        const dir = mkdtempSync(join(tmpdir(), 'zhiku-mp-'));
        const result = await receiveMultipart(request(bytes, cuts), { limits: LIMITS, folderFor: () => dir });
        expect(result.fields.get('query')).toEqual(['请撰写《开源模型简报》\r\n--不是分隔符']);
        expect(result.files.map((f) => [f.field, f.name, f.bytes])).toEqual([
          ['file', '报告 v2.pdf', 3000],
          ['corpus', 'long_context.json', 29],
        ]);
        expect(readFileSync(join(dir, '报告 v2.pdf')).equals(file)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a file over its limit, names it, and removes what was written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhiku-mp-'));
    const bytes = body([{ name: 'file', filename: 'big.bin', content: Buffer.alloc(LIMITS.maxFileBytes + 1) }]);
    expect(await failure(receiveMultipart(request(bytes, [100, 5000]), { limits: LIMITS, folderFor: () => dir }))).toBe('E_TOO_LARGE big.bin: over the limit of 65,536 bytes');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a request over the total limit, a long field, too many parts and a field that takes no files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhiku-mp-'));
    const options = { limits: { ...LIMITS, maxBytes: 500 }, folderFor: () => dir };
    expect(await failure(receiveMultipart(request(body([{ name: 'query', content: 'x'.repeat(600) }])), options))).toMatch(/^E_TOO_LARGE request: over the limit of 500 bytes/);
    expect(await failure(receiveMultipart(request(body([{ name: 'query', content: 'x'.repeat(2000) }])), { limits: LIMITS, folderFor: () => dir }))).toBe('E_TOO_LARGE query: over the limit of 1,024 bytes');
    const many = body(Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, content: 'x' })));
    expect(await failure(receiveMultipart(request(many), { limits: LIMITS, folderFor: () => dir }))).toBe('E_TOO_LARGE parts: over the limit of 10 parts');
    expect(await failure(receiveMultipart(request(body([{ name: 'query', filename: 'a.txt', content: 'x' }])), { limits: LIMITS, folderFor: () => null }))).toBe('E_USAGE query: this field does not take files');
  });

  it('keeps uploads inside their folder whatever the client names them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhiku-mp-'));
    const bytes = body([
      { name: 'file', filename: '../../etc/passwd', content: 'a' },
      { name: 'file', filename: '..\\..\\boot.ini', content: 'b' },
      { name: 'file', filename: '..', content: 'c' },
      { name: 'file', filename: 'passwd', content: 'd' },
    ]);
    const result = await receiveMultipart(request(bytes), { limits: LIMITS, folderFor: () => dir });
    expect(result.files.map((f) => f.name)).toEqual(['passwd', 'boot.ini', 'upload', 'passwd-2']);
    expect(readdirSync(dir).sort()).toEqual(['boot.ini', 'passwd', 'passwd-2', 'upload']);
    expect(existsSync(join(dir, '..', 'etc'))).toBe(false);
    expect(safeFileName('.hidden\u0000name')).toBe('hidden_name');
  });

  it('reports a body cut short as a parse error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zhiku-mp-'));
    const bytes = body([{ name: 'file', filename: 'a.txt', content: 'hello' }]);
    expect(await failure(receiveMultipart(request(bytes.subarray(0, bytes.length - 20)), { limits: LIMITS, folderFor: () => dir }))).toBe('E_PARSE body: the multipart body ended early');
    expect(readdirSync(dir)).toEqual([]);
  });
});
