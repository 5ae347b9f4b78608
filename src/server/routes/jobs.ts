/**
 * @module server/routes/jobs
 * GET /api/jobs (?state, ?queue, ?limit): jobs per queue and state and the latest jobs — with
 * `state=failed` the dead-letter list; POST /api/jobs/:id/retry queues a failed job again. On the
 * embedded store there is no queue (work runs inline) and the listing says so.
 */
import { Hono } from 'hono';
import { ZhikuError } from '../../errors.js';
import type { JobQueue } from '../../jobs/queue.js';
import { type JobRecord, type JobState, isJobName, jobError, jobItem } from '../../jobs/types.js';
import type { ServerContext } from '../context.js';
import { intParam } from '../params.js';

const STATES: readonly JobState[] = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'];

export interface JobsListing {
  /** False on the embedded store, which runs everything inline. */
  available: boolean;
  counts: { name: string; counts: Record<JobState, number> }[];
  jobs: (Pick<JobRecord, 'id' | 'name' | 'state' | 'retryCount' | 'createdOn' | 'completedOn'> & { item: string; error: string | null })[];
}

/** The listing the API and the page share. */
export async function listJobs(queue: JobQueue | undefined, query: { state?: string; queue?: string; limit?: number }): Promise<JobsListing> {
  if (!queue) return { available: false, counts: [], jobs: [] };
  if (query.state && !(STATES as readonly string[]).includes(query.state)) throw new ZhikuError('E_USAGE', `state must be one of ${STATES.join(', ')}`, { item: query.state });
  if (query.queue && !isJobName(query.queue)) throw new ZhikuError('E_USAGE', 'no such queue', { item: query.queue });
  const jobs = await queue.list({ state: query.state as JobState | undefined, names: query.queue && isJobName(query.queue) ? [query.queue] : undefined, limit: query.limit ?? 50 });
  const counts = new Map<string, Record<JobState, number>>();
  for (const row of await queue.counts()) {
    const entry = counts.get(row.name) ?? (Object.fromEntries(STATES.map((state) => [state, 0])) as Record<JobState, number>);
    entry[row.state] = row.count;
    counts.set(row.name, entry);
  }
  return {
    available: true,
    counts: [...counts].map(([name, byState]) => ({ name, counts: byState })),
    jobs: jobs.map((job) => ({ id: job.id, name: job.name, state: job.state, retryCount: job.retryCount, createdOn: job.createdOn, completedOn: job.completedOn, item: jobItem(job), error: jobError(job) })),
  };
}

/** Queues a failed job again; E_NOT_FOUND for an unknown id. */
export async function retryJob(queue: JobQueue | undefined, id: string): Promise<JobRecord> {
  if (!queue) throw new ZhikuError('E_UNSUPPORTED', 'the job queue needs the PostgreSQL store (ZHIKU_DATABASE_URL)', { item: 'store.driver' });
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new ZhikuError('E_INVALID_INPUT', 'not a job id', { item: id });
  const [job] = await queue.status([id]);
  if (!job) throw new ZhikuError('E_NOT_FOUND', 'no such job', { item: id });
  await queue.retry(job.name, id);
  return job;
}

export function jobRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  app.get('/jobs', async (c) => c.json(await listJobs(ctx.queue, { state: c.req.query('state'), queue: c.req.query('queue'), limit: intParam(c.req.query('limit'), 'limit', { min: 1, max: 500, fallback: 50 }) })));
  app.post('/jobs/:id/retry', async (c) => {
    const job = await retryJob(ctx.queue, c.req.param('id'));
    return c.json({ id: job.id, name: job.name, state: 'retry' });
  });
  return app;
}
