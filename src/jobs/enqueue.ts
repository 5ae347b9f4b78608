/**
 * @module jobs/enqueue
 * `add` on a queue: URLs become fetch jobs; files (directories walked) are uploaded as blobs, since a
 * worker on another machine cannot read this one's paths, and become ingest jobs. Parsing happens on
 * the workers; what fails here (a missing path, a file over the size limit) is reported at once.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isUrl } from '../collect/web/collect-urls.js';
import type { ItemFailure } from '../errors.js';
import type { JobQueue, SendOptions } from './queue.js';
import type { JobName, JobPayloads } from './types.js';

export interface EnqueueAddOptions extends SendOptions {
  collections: readonly string[];
  /** Files larger than this are refused before upload. */
  maxFileBytes: number;
}

export interface EnqueuedAdd {
  /** One entry per queued job, in input order: the path or URL it stands for. */
  jobs: { id: string; name: JobName; item: string }[];
  failed: ItemFailure[];
}

const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git']);

export async function enqueueAdd(queue: JobQueue, paths: readonly string[], options: EnqueueAddOptions): Promise<EnqueuedAdd> {
  const collections = [...options.collections];
  const planned: { name: JobName; data: JobPayloads[JobName]; item: string }[] = [];
  const failed: ItemFailure[] = [];
  for (const path of paths) {
    if (isUrl(path)) {
      planned.push({ name: 'fetch-url', data: { url: path, collections }, item: path });
      continue;
    }
    for await (const file of expand(path, failed)) {
      const info = await stat(file);
      if (info.size > options.maxFileBytes) {
        failed.push({ item: file, code: 'E_INVALID_INPUT', reason: `file is ${info.size} bytes, above the ${options.maxFileBytes} limit (ingest.maxFileBytes)` });
        continue;
      }
      const blob = await queue.putBlob(await readFile(file));
      planned.push({ name: 'ingest-file', data: { blob, name: file, collections }, item: file });
    }
  }
  const ids = await queue.sendMany(planned, options);
  return { jobs: planned.map((job, i) => ({ id: ids[i]!, name: job.name, item: job.item })), failed };
}

// ---------------------------------------------------------------------------

/** A path's files: itself, or a directory's files recursively in name order (hidden entries skipped). */
async function* expand(path: string, failed: ItemFailure[]): AsyncGenerator<string> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message;
    failed.push({ item: path, code: 'E_NOT_FOUND', reason });
    return;
  }
  if (!info.isDirectory()) {
    yield path;
    return;
  }
  const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRECTORIES.has(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) yield* expand(child, failed);
    else if (entry.isFile()) yield child;
  }
}
