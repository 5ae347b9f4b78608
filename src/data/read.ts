/**
 * @module data/read
 * Streaming readers: CSV through csv-parse (any encoding chardet recognises), XLSX through exceljs's
 * streaming workbook reader. Rows flow into SheetBuilders; nothing holds the whole file as text.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { legacyEncoding } from '../collect/parse/decode.js';
import { readZip } from '../collect/parse/zip.js';
import { ZhikuError } from '../errors.js';
import { DEFAULT_SHEET_LIMITS, type Sheet, SheetBuilder, type SheetLimits } from './table.js';

export interface Workbook {
  sheets: Sheet[];
  /** The text encoding of a CSV file. */
  encoding: string | null;
}

export async function readCsv(path: string, limits: SheetLimits = DEFAULT_SHEET_LIMITS): Promise<Workbook> {
  const encoding = await sniffEncoding(path);
  const builder = new SheetBuilder(basename(path, extname(path)), path, limits);
  const source = createReadStream(path);
  const text = encoding === 'UTF-8' ? source : source.pipe(iconv.decodeStream(encoding));
  const parser = text.pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, delimiter: extname(path).toLowerCase() === '.tsv' ? '\t' : ',' }),
  );
  try {
    for await (const record of parser as AsyncIterable<string[]>) builder.add(record);
  } catch (error) {
    source.destroy();
    if (error instanceof ZhikuError) throw error;
    throw new ZhikuError('E_PARSE', `not a readable CSV (${(error as Error).message.split('\n')[0]})`, { item: path, cause: error });
  }
  return { sheets: [builder.build()], encoding };
}

export async function readXlsx(path: string, bytes: Uint8Array, limits: SheetLimits = DEFAULT_SHEET_LIMITS): Promise<Workbook> {
  readZip(bytes, path); // size check before exceljs inflates anything
  const sheets: Sheet[] = [];
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(Buffer.from(bytes)), {
      sharedStrings: 'cache',
      styles: 'cache',
      hyperlinks: 'ignore',
      worksheets: 'emit',
      entries: 'emit',
    });
    for await (const worksheet of reader) {
      const name = (worksheet as unknown as { name?: string }).name ?? `Sheet${sheets.length + 1}`;
      const builder = new SheetBuilder(name, path, limits);
      for await (const row of worksheet as unknown as AsyncIterable<{ values: unknown[] }>) builder.add(row.values.slice(1));
      sheets.push(builder.build());
    }
  } catch (error) {
    if (error instanceof ZhikuError) throw error;
    throw new ZhikuError('E_PARSE', `not a readable XLSX (${(error as Error).message.split('\n')[0]})`, { item: path, cause: error });
  }
  return { sheets, encoding: null };
}

/** The encoding of a text file from its first 64 KiB: UTF-8 when it decodes as UTF-8, else chardet's guess. */
async function sniffEncoding(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const sample = head.subarray(0, bytesRead);
    try {
      // A multi-byte character cut at the sample's end is not an error.
      new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, Math.max(0, bytesRead - 4)));
      return 'UTF-8';
    } catch {
      return legacyEncoding(sample, path);
    }
  } finally {
    await handle.close();
  }
}
