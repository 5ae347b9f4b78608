/**
 * @module cli/commands/worker
 * `zhiku worker [--concurrency N] [--queues …]`: takes jobs from the PostgreSQL queue until SIGINT or
 * SIGTERM, then finishes the jobs in hand. Start as many as you like, on any machine that reaches the database.
 */
import { ZhikuError } from '../../errors.js';
import type { CommandContext } from '../context.js';

export interface WorkerCommandOptions {
  concurrency?: number;
  queues?: string;
}

/** Blobs of finished jobs are removed once a day old; checked this often. */
const PRUNE_EVERY_MS = 3600_000;

export async function workerCommand(context: CommandContext, options: WorkerCommandOptions, signal?: AbortSignal): Promise<number> {
  const config = context.config();
  if (config.store.driver !== 'postgres') {
    throw new ZhikuError('E_CONFIG', 'workers need the PostgreSQL store: set ZHIKU_DATABASE_URL (on the embedded store, commands run inline)', { item: 'store.driver' });
  }
  const { JOB_NAMES, JobQueue, createJobHandlers, isJobName, runWorker } = await import('../../jobs/index.js');
  const names = options.queues ? options.queues.split(',').map((name) => name.trim()).filter(Boolean) : [...JOB_NAMES];
  for (const name of names) if (!isJobName(name)) throw new ZhikuError('E_USAGE', `unknown queue; queues are ${JOB_NAMES.join(', ')}`, { item: name });
  const concurrency = options.concurrency ?? 2;
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  signal?.addEventListener('abort', onSignal, { once: true });
  const queue = await JobQueue.open({ url: config.store.url }, { logger: context.logger });
  try {
    return await context.withLibrary(async (library) => {
      const handlers = createJobHandlers({ library, config, queue });
      const prune = () => queue.pruneBlobs().catch((error: unknown) => context.logger.err(`zhiku: worker: pruning blobs: ${(error as Error).message}`));
      await prune();
      const pruning = setInterval(prune, PRUNE_EVERY_MS);
      context.logger.err(`worker ${process.pid}: ${concurrency} slot${concurrency === 1 ? '' : 's'} on ${names.join(', ')}; SIGINT/SIGTERM stops after the jobs in hand`);
      try {
        const summary = await runWorker({ queue, handlers, names: names.filter(isJobName), concurrency, signal: stop.signal, logger: context.logger });
        context.logger.err(`worker ${process.pid}: stopped after ${summary.completed} completed and ${summary.failed} failed jobs`);
        return 0;
      } finally {
        clearInterval(pruning);
      }
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await queue.close();
  }
}
