/**
 * @module jobs/worker
 * The worker loop: `concurrency` slots, each taking the next job from the selected queues, running its
 * handler and completing or failing it. A slot fetches again at once after a job and sleeps only when
 * every queue is empty (pg-boss's own `work()` waits a polling interval between jobs). On abort, slots
 * finish the job in hand and stop; a worker killed outright leaves its jobs to expire and be retried.
 */
import { isZhikuError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobQueue } from './queue.js';
import type { JobHandlers, JobName } from './types.js';

export interface WorkerOptions {
  queue: JobQueue;
  handlers: JobHandlers;
  /** Queues to take jobs from, in priority order. */
  names: readonly JobName[];
  concurrency: number;
  signal: AbortSignal;
  logger: Logger;
  /** Pause when every queue is empty. Default 500 ms. */
  idleMs?: number;
  /** Called after each job (tests and progress). */
  onJob?: (event: { name: JobName; id: string; ok: boolean }) => void;
}

export interface WorkerSummary {
  completed: number;
  failed: number;
}

/** Runs until `signal` aborts; resolves once every slot has finished its current job. */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  const summary: WorkerSummary = { completed: 0, failed: 0 };
  const slots = Array.from({ length: options.concurrency }, (_, slot) => runSlot(options, slot, summary));
  await Promise.all(slots);
  return summary;
}

// ---------------------------------------------------------------------------

async function runSlot(options: WorkerOptions, slot: number, summary: WorkerSummary): Promise<void> {
  const { queue, handlers, names, signal, logger } = options;
  // Slots start at different queues so that one busy queue does not starve the others.
  const order = names.map((_, i) => names[(i + slot) % names.length]!);
  while (!signal.aborted) {
    let worked = false;
    for (const name of order) {
      if (signal.aborted) break;
      let job;
      try {
        job = await queue.fetch(name);
      } catch (error) {
        logger.err(`zhiku: worker: cannot fetch ${name} jobs: ${(error as Error).message}`);
        break;
      }
      if (!job) continue;
      worked = true;
      const handler = handlers[name] as (data: unknown) => Promise<unknown>;
      try {
        const output = await handler(job.data);
        await queue.complete(name, job.id, output);
        summary.completed++;
        logger.out(`${name} ${job.id} done${describe(output)}`);
        options.onJob?.({ name, id: job.id, ok: true });
      } catch (error) {
        summary.failed++;
        logger.err(`zhiku: ${name} ${job.id}: ${isZhikuError(error) ? error.toLine() : (error as Error).message}`);
        await queue.fail(name, job.id, error).catch((failError: unknown) => logger.err(`zhiku: worker: cannot record the failure of ${job.id}: ${(failError as Error).message}`));
        options.onJob?.({ name, id: job.id, ok: false });
      }
      break;
    }
    if (!worked) await sleep(options.idleMs ?? 500, signal);
  }
}

/** A short note of what an ingest job did, for the worker's log. */
function describe(output: unknown): string {
  const report = output as { inserted?: number; updated?: number; unchanged?: number; duplicate?: number; failed?: number } | null;
  if (!report || typeof report.inserted !== 'number') return '';
  return `: added ${report.inserted}, updated ${report.updated ?? 0}, unchanged ${report.unchanged ?? 0}, duplicates ${report.duplicate ?? 0}, failed ${report.failed ?? 0}`;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
