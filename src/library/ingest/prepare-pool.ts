/**
 * @module library/ingest/prepare-pool
 * Prepares documents (chunking, normalising, segmenting: the bulk of ingest time) on worker threads,
 * while the main thread writes finished batches to the store.
 */
import { Worker } from 'node:worker_threads';
import { type ItemFailure, ZhikuError, toItemFailure } from '../../errors.js';
import type { Segmenter } from '../../text/segment.js';
import { type DocumentInput, prepareDocument } from '../prepare.js';
import type { PutItem } from '../store/store.js';

export interface PrepareRequest {
  id: number;
  input: DocumentInput;
  collections: readonly string[];
  item: string;
}

export type PrepareResponse = { id: number; put: PutItem } | { id: number; failure: ItemFailure };

/**
 * A prepared item as a worker sends it back: without the body and chunk texts, which the main thread
 * already holds (the input) and rebuilds as slices; copying them across threads was a fifth of ingest.
 */
export function withoutText(put: PutItem): PutItem {
  return { ...put, document: { ...put.document, body: '' }, chunks: put.chunks.map((chunk) => ({ ...chunk, text: '' })) };
}

function withText(put: PutItem, body: string): PutItem {
  return {
    ...put,
    document: { ...put.document, body },
    chunks: put.chunks.map((chunk) => ({ ...chunk, text: body.slice(chunk.start, chunk.end) })),
  };
}

export interface Preparer {
  /** Resolves to the prepared item, or to a failure naming the item; never rejects for bad input. */
  prepare(input: DocumentInput, collections: readonly string[], item: string): Promise<PutItem | ItemFailure>;
  close(): Promise<void>;
}

/** Prepares on the calling thread: for small ingests, where starting workers costs more than it saves. */
export function inlinePreparer(segmenter: Segmenter): Preparer {
  return {
    async prepare(input, collections, item) {
      try {
        return prepareDocument(input, { segmenter, collections, item });
      } catch (error) {
        return toItemFailure(error, item);
      }
    },
    async close() {},
  };
}

/** A fixed set of worker threads, each given the next request in turn. */
export function workerPreparer(threads: number): Preparer {
  const workers = Array.from({ length: threads }, () => startWorker());
  const waiting = new Map<
    number,
    { resolve: (value: PutItem | ItemFailure) => void; reject: (error: unknown) => void; worker: Worker; body: string }
  >();
  let nextId = 0;
  let closed = false;
  for (const worker of workers) {
    worker.on('message', (response: PrepareResponse) => {
      const entry = waiting.get(response.id);
      if (!entry) return;
      waiting.delete(response.id);
      entry.resolve('put' in response ? withText(response.put, entry.body) : response.failure);
    });
    worker.on('error', (error) => failAll(worker, error));
    worker.on('exit', (code) => {
      if (!closed) failAll(worker, new ZhikuError('E_IO', `a prepare worker exited with code ${code}`));
    });
  }
  const failAll = (worker: Worker, error: unknown) => {
    for (const [id, entry] of waiting) {
      if (entry.worker !== worker) continue;
      waiting.delete(id);
      entry.reject(error);
    }
  };
  return {
    prepare(input, collections, item) {
      if (closed) return Promise.reject(new ZhikuError('E_USAGE', 'the prepare pool is closed'));
      const id = nextId++;
      const worker = workers[id % workers.length]!;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject, worker, body: input.body });
        worker.postMessage({ id, input, collections, item } satisfies PrepareRequest);
      });
    },
    async close() {
      closed = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

// ---------------------------------------------------------------------------

function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./prepare-worker.js', here));
  // Running from sources (tests, benchmarks): the worker registers tsx itself, since a loader given
  // in a worker's execArgv does not apply to its entry module on Node 20.
  const worker = new URL('./prepare-worker.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(worker)}); })`, { eval: true });
}
