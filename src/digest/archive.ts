/**
 * @module digest/archive
 * Digests made so far, kept as `<home>/digests/YYYY-MM-DD.json` (the JSON format), newest first.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZhikuError } from '../errors.js';
import { parseDigestJson, renderDigestJson } from './format/feed.js';
import type { Digest } from './types.js';

const DIGEST_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

export function digestArchiveDir(home: string): string {
  return join(home, 'digests');
}

/** Dates of the archived digests, newest first. */
export function listDigestDates(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .map((name) => DIGEST_FILE.exec(name)?.[1])
    .filter((date): date is string => date !== undefined)
    .sort()
    .reverse();
}

/** Digests made before, newest first; a damaged file is skipped. */
export function readDigests(directory: string): Digest[] {
  const digests: Digest[] = [];
  for (const date of listDigestDates(directory)) {
    try {
      digests.push(parseDigestJson(readFileSync(join(directory, `${date}.json`), 'utf8')));
    } catch {
      // A digest that no longer parses is not worth failing the others for.
    }
  }
  return digests;
}

/** One archived digest by its date (YYYY-MM-DD). */
export function readDigest(directory: string, date: string): Digest {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new ZhikuError('E_USAGE', 'a digest date is YYYY-MM-DD', { item: date });
  const path = join(directory, `${date}.json`);
  if (!existsSync(path)) throw new ZhikuError('E_NOT_FOUND', 'no digest for this date', { item: date });
  try {
    return parseDigestJson(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ZhikuError('E_PARSE', (error as Error).message, { item: path });
  }
}

/** Writes a digest atomically, replacing that day's earlier one. */
export function saveDigest(directory: string, digest: Digest): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, `${digest.date}.json`);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, renderDigestJson(digest));
  renameSync(temporary, path);
  return path;
}
