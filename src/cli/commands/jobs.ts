/**
 * @module cli/commands/jobs
 * The job queue from the command line: `zhiku add` on PostgreSQL (queue, and with --wait follow the jobs
 * to their outcome), `zhiku jobs ls` (progress per queue, the dead-letter list with --failed) and
 * `zhiku jobs retry`.
 */
import { ZhikuError } from '../../errors.js';
import type { IngestReport } from '../../library/library.js';
import type { JobQueue, JobRecord, JobState } from '../../jobs/index.js';
import { jobError, jobItem } from '../../jobs/types.js';
import type { CommandContext } from '../context.js';
import { printJson, renderTable } from '../format.js';
import { startProgress } from '../progress.js';

export interface QueuedAddOptions {
  collection?: string[];
  json?: boolean;
  wait?: boolean;
}

/** `zhiku add` with ZHIKU_DATABASE_URL: files and URLs become jobs; --wait reports their outcome like an inline add. */
export async function queuedAddCommand(context: CommandContext, paths: string[], options: QueuedAddOptions): Promise<number> {
  const { logger } = context;
  const config = context.config();
  return withJobQueue(context, async (queue) => {
    const { enqueueAdd } = await import('../../jobs/index.js');
    const queued = await enqueueAdd(queue, paths, { collections: options.collection ?? [], maxFileBytes: config.ingest.maxFileBytes });
    for (const failure of queued.failed) logger.err(`zhiku: ${failure.item}: ${failure.reason} [${failure.code}]`);
    if (!options.wait) {
      if (options.json) printJson(logger.out, queued);
      else logger.out(`queued ${queued.jobs.length} job${queued.jobs.length === 1 ? '' : 's'}; workers (zhiku worker) take them, zhiku jobs ls shows progress`);
      return queued.failed.length ? 1 : 0;
    }
    const progress = await startProgress(logger, queued.jobs.length, 'jobs');
    let records: JobRecord[];
    try {
      records = await queue.wait(
        queued.jobs.map((job) => job.id),
        { onProgress: (finished, total) => (progress.setTotal(total), progress.update(finished.length)) },
      );
    } finally {
      progress.stop();
    }
    const report = mergeReports(records.filter((r) => r.state === 'completed').map((r) => r.output as IngestReport));
    const deadJobs = records.filter((r) => r.state !== 'completed');
    for (const [index, record] of records.entries()) {
      if (record.state === 'completed') continue;
      const error = record.output as { message?: string; code?: string } | null;
      logger.err(`zhiku: ${queued.jobs[index]!.item}: job ${record.id} ${record.state}: ${error?.message ?? 'no reason recorded'}${error?.code ? ` [${error.code}]` : ''}`);
    }
    for (const outcome of report.items) if (outcome.status === 'failed') logger.err(`zhiku: ${outcome.item}: ${outcome.reason} [${outcome.code}]`);
    if (options.json) {
      printJson(logger.out, { ...report, jobs: records.map(({ id, name, state, retryCount }) => ({ id, name, state, retryCount })), refused: queued.failed });
    } else {
      const parts = [`added ${report.inserted}`, `updated ${report.updated}`, `unchanged ${report.unchanged}`, `duplicates ${report.duplicate}`, `empty ${report.empty}`, `failed ${report.failed}`];
      if (report.ignored) parts.push(`ignored ${report.ignored}`);
      if (report.linked) parts.push(`linked as other sources of stored stories ${report.linked}`);
      if (deadJobs.length) parts.push(`jobs failed ${deadJobs.length}`);
      logger.out(parts.join(', '));
    }
    return report.failed || deadJobs.length || queued.failed.length ? 1 : 0;
  });
}

export interface JobsListOptions {
  failed?: boolean;
  state?: string;
  queue?: string;
  limit?: number;
  json?: boolean;
}

const STATES: readonly JobState[] = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'];

/** `zhiku jobs ls`: jobs per queue and state, then the latest jobs (with --failed, the dead-letter list). */
export async function jobsListCommand(context: CommandContext, options: JobsListOptions): Promise<number> {
  const state = options.failed ? 'failed' : options.state;
  if (state && !(STATES as readonly string[]).includes(state)) throw new ZhikuError('E_USAGE', `--state must be one of ${STATES.join(', ')}`, { item: state });
  return withJobQueue(context, async (queue) => {
    const { isJobName } = await import('../../jobs/index.js');
    if (options.queue && !isJobName(options.queue)) throw new ZhikuError('E_USAGE', 'no such queue', { item: options.queue });
    const counts = await queue.counts();
    const jobs = await queue.list({ state: state as JobState | undefined, names: options.queue && isJobName(options.queue) ? [options.queue] : undefined, limit: options.limit ?? 20 });
    if (options.json) {
      printJson(context.logger.out, { counts, jobs });
      return 0;
    }
    const byQueue = new Map<string, Record<string, number>>();
    for (const { name, state: s, count } of counts) byQueue.set(name, { ...byQueue.get(name), [s]: count });
    for (const line of renderTable(['queue', ...STATES], [...byQueue].map(([name, c]) => [name, ...STATES.map((s) => String(c[s] ?? 0))]))) context.logger.out(line);
    context.logger.out('');
    const rows = jobs.map((job) => [job.id, job.name, job.state, String(job.retryCount), job.completedOn ?? job.createdOn, describeJob(job)]);
    for (const line of renderTable(['id', 'queue', 'state', 'retries', 'when', state === 'failed' ? 'item: last error' : 'item'], rows, 80)) context.logger.out(line);
    return 0;
  });
}

/** `zhiku jobs retry <id...>`: queues failed jobs again. */
export async function jobsRetryCommand(context: CommandContext, ids: string[]): Promise<number> {
  return withJobQueue(context, async (queue) => {
    const found = new Map((await queue.status(ids)).map((job) => [job.id, job]));
    let failed = 0;
    for (const id of ids) {
      const job = found.get(id);
      if (!job) {
        failed++;
        context.logger.err(`zhiku: ${id}: no such job [E_NOT_FOUND]`);
        continue;
      }
      await queue.retry(job.name, id);
      context.logger.out(`queued ${job.name} ${id} again`);
    }
    return failed ? 1 : 0;
  });
}

// ---------------------------------------------------------------------------

/** Runs `fn` with the PostgreSQL job queue open; the embedded store has none. */
export async function withJobQueue(context: CommandContext, fn: (queue: JobQueue) => Promise<number>): Promise<number> {
  const config = context.config();
  if (config.store.driver !== 'postgres') throw new ZhikuError('E_CONFIG', 'the job queue needs the PostgreSQL store: set ZHIKU_DATABASE_URL', { item: 'store.driver' });
  const { JobQueue } = await import('../../jobs/index.js');
  const queue = await JobQueue.open({ url: config.store.url }, { logger: context.logger });
  try {
    return await fn(queue);
  } finally {
    await queue.close();
  }
}

/** What a job is about, and for a failed one its last error. */
function describeJob(job: JobRecord): string {
  const error = jobError(job);
  return error ? `${jobItem(job)}: ${error}` : jobItem(job);
}

function mergeReports(reports: readonly IngestReport[]): IngestReport {
  const total: IngestReport = { inserted: 0, updated: 0, unchanged: 0, duplicate: 0, linked: 0, empty: 0, ignored: 0, failed: 0, items: [] };
  for (const report of reports) {
    for (const key of ['inserted', 'updated', 'unchanged', 'duplicate', 'linked', 'empty', 'ignored', 'failed'] as const) total[key] += report[key] ?? 0;
    total.items.push(...(report.items ?? []));
  }
  return total;
}
