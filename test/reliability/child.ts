/**
 * Helpers for tests that run the CLI as a real process: spawn it from sources, measure its peak
 * memory, kill it, and fingerprint what the library holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { tempDir } from '../helpers.js';

const ENTRY = resolve('test/reliability/zhiku-process.ts');

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set of the process, in MiB (worker threads included). */
  peakRssMiB: number;
  seconds: number;
}

export interface SpawnOptions {
  env?: Record<string, string>;
  /** Kill the process (SIGKILL) after this long; the test then fails on the signal. */
  timeoutMs?: number;
}

/** Starts `zhiku <argv>` from sources; stdout and stderr are collected. */
export function spawnZhiku(argv: readonly string[], options: SpawnOptions = {}): { child: ChildProcess; done: Promise<ChildResult> } {
  const rssFile = join(tempDir('zhiku-rss-'), 'rss');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...argv], {
    // CI=1 keeps progress bars off; nothing of the parent's ZHIKU_* settings leaks in.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1', ZHIKU_TEST_RSS_FILE: rssFile, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const done = new Promise<ChildResult>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const peakKiB = existsSync(rssFile) ? Number(readFileSync(rssFile, 'utf8')) : 0;
      rmSync(join(rssFile, '..'), { recursive: true, force: true });
      resolvePromise({ code, signal, stdout, stderr, peakRssMiB: Math.round(peakKiB / 1024), seconds: (performance.now() - started) / 1000 });
    });
  });
  return { child, done };
}

export function runZhikuProcess(argv: readonly string[], options: SpawnOptions = {}): Promise<ChildResult> {
  return spawnZhiku(argv, options).done;
}

export interface LibraryRows {
  documents: Record<string, unknown>[];
  chunks: Record<string, unknown>[];
}

/** Every document and chunk row of a home's embedded store, in a stable order (empty before the first write). */
export function libraryRows(home: string): LibraryRows {
  const path = join(home, 'library.db');
  if (!existsSync(path)) return { documents: [], chunks: [] };
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    const documents = db.prepare('SELECT * FROM documents ORDER BY id').all() as Record<string, unknown>[];
    const chunks = db
      .prepare('SELECT d.id AS document_id, c.ordinal, c.start_offset, c.end_offset, c.page FROM chunks c JOIN documents d ON d.seq = c.document_seq ORDER BY d.id, c.ordinal')
      .all() as Record<string, unknown>[];
    return { documents, chunks };
  } finally {
    db.close();
  }
}

/** sha256 over the sorted document and chunk rows, leaving out the documents `except` selects. */
export function libraryDigest(home: string, except: (document: Record<string, unknown>) => boolean = () => false): string {
  const { documents, chunks } = libraryRows(home);
  const kept = documents.filter((document) => !except(document));
  const ids = new Set(kept.map((document) => document.id));
  return createHash('sha256')
    .update(JSON.stringify(kept))
    .update(JSON.stringify(chunks.filter((chunk) => ids.has(chunk.document_id))))
    .digest('hex');
}
