/**
 * @module jobs/queue
 * The job queue on PostgreSQL: pg-boss for delivery (at least once, retries with exponential backoff,
 * expiry of jobs whose worker died), plus a blob table for the files jobs carry. One schema holds both.
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { ZhikuError } from '../errors.js';
import type { Logger } from '../logger.js';
import { redactUrl } from '../library/store/postgres/index.js';
import { JOB_NAMES, type JobName, type JobPayloads, type JobRecord, type JobState, isJobName } from './types.js';

export interface JobQueueOptions {
  /** PostgreSQL connection string (the library's own database). */
  url: string;
  /** Schema of the queue tables and blobs. Default `zhiku_jobs`. */
  schema?: string;
  /** Retries after the first failure. Default 3. */
  retryLimit?: number;
  /** Seconds before the first retry; doubles with every retry. Default 5. */
  retryDelaySeconds?: number;
  /** A job running longer than this is taken as lost (its worker died) and retried. Default 900. */
  expireInSeconds?: number;
  /** How often this process checks for expired jobs (one process does it at a time). Default 60. */
  maintenanceIntervalSeconds?: number;
}

export interface SendOptions {
  expireInSeconds?: number;
  retryLimit?: number;
}

export interface QueuedJob<N extends JobName = JobName> {
  id: string;
  name: N;
  data: JobPayloads[N];
}

export interface QueueCount {
  name: JobName;
  state: JobState;
  count: number;
}

export const DEFAULT_JOB_SCHEMA = 'zhiku_jobs';
/** Ticks of `zhiku serve`'s schedule claimed by one server each (never worked by `zhiku worker`). */
export const TICK_QUEUE = 'schedule-tick';
const TERMINAL: ReadonlySet<JobState> = new Set(['completed', 'failed', 'cancelled']);
/** Rows per insert when queuing many jobs. */
const SEND_BATCH = 500;

export class JobQueue {
  readonly #boss: PgBoss;
  readonly #pool: pg.Pool;
  readonly #schema: string;
  readonly #options: JobQueueOptions;

  private constructor(boss: PgBoss, pool: pg.Pool, schema: string, options: JobQueueOptions) {
    this.#boss = boss;
    this.#pool = pool;
    this.#schema = schema;
    this.#options = options;
  }

  /**
   * Connects, installs or migrates the queue schema, and creates the queues.
   * @example const queue = await JobQueue.open({ url: config.store.url }, { logger })
   */
  static async open(options: JobQueueOptions, deps: { logger: Logger }): Promise<JobQueue> {
    const schema = options.schema ?? DEFAULT_JOB_SCHEMA;
    if (!/^[a-z_][a-z0-9_]{0,49}$/.test(schema)) throw new ZhikuError('E_CONFIG', 'queue schema must be a lower-case SQL identifier', { item: schema });
    const boss = new PgBoss({
      connectionString: options.url,
      schema,
      max: 4,
      supervise: true,
      schedule: false,
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
      // Finished jobs stay queryable for a week (outcomes of `add --wait`, the dead-letter list).
      archiveCompletedAfterSeconds: 7 * 24 * 3600,
    });
    boss.on('error', (error) => deps.logger.err(`zhiku: job queue: ${error.message}`));
    const pool = new pg.Pool({ connectionString: options.url, max: 4 });
    pool.on('error', () => undefined);
    try {
      await boss.start();
      for (const name of [...JOB_NAMES, TICK_QUEUE]) {
        if (!(await boss.getQueue(name))) await boss.createQueue(name, { name, policy: 'standard' }).catch(() => undefined);
      }
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${schema}.blobs`]);
        await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.blobs (id text PRIMARY KEY, bytes bytea NOT NULL, created_on timestamptz NOT NULL DEFAULT now())`);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    } catch (error) {
      await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
      await pool.end();
      if (error instanceof ZhikuError) throw error;
      throw new ZhikuError('E_STORE', `cannot open the job queue: ${(error as Error).message}`, { item: redactUrl(options.url), cause: error });
    }
    return new JobQueue(boss, pool, schema, options);
  }

  /** Queues one job; returns its id. */
  async send<N extends JobName>(name: N, data: JobPayloads[N], options: SendOptions = {}): Promise<string> {
    const [id] = await this.sendMany([{ name, data }], options);
    return id!;
  }

  /** Queues many jobs in few round trips; returns their ids in order. */
  async sendMany(jobs: ReadonlyArray<{ name: JobName; data: JobPayloads[JobName] }>, options: SendOptions = {}): Promise<string[]> {
    const rows = jobs.map(({ name, data }) => ({
      id: randomUUID(),
      name,
      data: data as object,
      retryLimit: options.retryLimit ?? this.#options.retryLimit ?? 3,
      retryDelay: this.#options.retryDelaySeconds ?? 5,
      retryBackoff: true,
      expireInSeconds: options.expireInSeconds ?? this.#options.expireInSeconds ?? 900,
    }));
    for (let i = 0; i < rows.length; i += SEND_BATCH) await this.#boss.insert(rows.slice(i, i + SEND_BATCH));
    return rows.map((row) => row.id);
  }

  /**
   * Claims one tick of a scheduled job for this process: true for exactly one of the servers that ask
   * for the same job and tick. The claim is a pg-boss job with an id derived from both (pg-boss inserts
   * with ON CONFLICT DO NOTHING), completed at once and kept as the record of that run.
   */
  async claimTick(job: string, tick: Date): Promise<boolean> {
    const digest = createHash('sha256').update(`${job}@${tick.toISOString()}`).digest('hex');
    const id = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-4${digest.slice(13, 16)}-a${digest.slice(17, 20)}-${digest.slice(20, 32)}`;
    const sent = await this.#boss.send(TICK_QUEUE, { job, tick: tick.toISOString() }, { id, retryLimit: 0 });
    if (sent === null) return false;
    await this.#boss.complete(TICK_QUEUE, id, { claimedBy: `${hostname()}:${process.pid}` });
    return true;
  }

  /** Takes the next job of a queue (marking it active), or null when there is none. */
  async fetch<N extends JobName>(name: N): Promise<QueuedJob<N> | null> {
    const [job] = await this.#boss.fetch<JobPayloads[N]>(name, { batchSize: 1 });
    return job ? { id: job.id, name, data: job.data } : null;
  }

  async complete(name: JobName, id: string, output: unknown): Promise<void> {
    await this.#boss.complete(name, id, toOutput(output));
  }

  /** Fails a job: it is retried after a backoff while retries remain, else it stays failed (dead letter). */
  async fail(name: JobName, id: string, error: unknown): Promise<void> {
    await this.#boss.fail(name, id, errorOutput(error));
  }

  /** Current records of these jobs (finished ones included). */
  async status(ids: readonly string[]): Promise<JobRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.#pool.query<JobRow>(
      `SELECT ${JOB_COLUMNS} FROM ${this.#schema}.job WHERE id = ANY($1::uuid[])
       UNION ALL SELECT ${JOB_COLUMNS} FROM ${this.#schema}.archive WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(toRecord);
  }

  /** Waits until every job has finished (completed, failed after its retries, or cancelled). */
  async wait(ids: readonly string[], options: { pollMs?: number; onProgress?: (finished: JobRecord[], total: number) => void; signal?: AbortSignal } = {}): Promise<JobRecord[]> {
    const done = new Map<string, JobRecord>();
    let pending = [...ids];
    while (pending.length) {
      for (let i = 0; i < pending.length; i += 5_000) {
        for (const record of await this.status(pending.slice(i, i + 5_000))) if (TERMINAL.has(record.state)) done.set(record.id, record);
      }
      const before = pending.length;
      pending = pending.filter((id) => !done.has(id));
      if (pending.length !== before) options.onProgress?.([...done.values()], ids.length);
      if (!pending.length) break;
      if (options.signal?.aborted) throw new ZhikuError('E_USAGE', `stopped waiting with ${pending.length} of ${ids.length} jobs unfinished (they keep running)`);
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
    }
    return ids.map((id) => done.get(id)!);
  }

  /** Jobs in a state, newest first: `failed` is the dead-letter list. */
  async list(options: { state?: JobState; names?: readonly JobName[]; limit?: number } = {}): Promise<JobRecord[]> {
    const params: unknown[] = [options.names?.length ? options.names : JOB_NAMES, options.limit ?? 50];
    const state = options.state ? `AND state = $${params.push(options.state)}::${this.#schema}.job_state` : '';
    const { rows } = await this.#pool.query<JobRow>(
      `SELECT * FROM (
         SELECT ${JOB_COLUMNS} FROM ${this.#schema}.job WHERE name = ANY($1::text[]) ${state}
         UNION ALL SELECT ${JOB_COLUMNS} FROM ${this.#schema}.archive WHERE name = ANY($1::text[]) ${state}
       ) AS j ORDER BY coalesce(completed_on, created_on) DESC LIMIT $2`,
      params,
    );
    return rows.map(toRecord);
  }

  /** Jobs per queue and state, archived ones included (the progress view). */
  async counts(): Promise<QueueCount[]> {
    const { rows } = await this.#pool.query<{ name: string; state: JobState; count: number }>(
      `SELECT name, state::text AS state, count(*)::int AS count FROM (
         SELECT name, state FROM ${this.#schema}.job UNION ALL SELECT name, state FROM ${this.#schema}.archive
       ) AS j WHERE name = ANY($1::text[]) GROUP BY name, state ORDER BY name, state`,
      [JOB_NAMES],
    );
    return rows.filter((row) => isJobName(row.name)) as QueueCount[];
  }

  /** Queues a failed job again (its retries start over). */
  async retry(name: JobName, id: string): Promise<void> {
    await this.#boss.retry(name, id);
  }

  /** Stores file bytes once (keyed by their sha256) and returns the key. */
  async putBlob(bytes: Uint8Array): Promise<string> {
    const id = createHash('sha256').update(bytes).digest('hex');
    await this.#pool.query(`INSERT INTO ${this.#schema}.blobs (id, bytes) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [id, Buffer.from(bytes)]);
    return id;
  }

  async getBlob(id: string): Promise<Buffer> {
    const { rows } = await this.#pool.query<{ bytes: Buffer }>(`SELECT bytes FROM ${this.#schema}.blobs WHERE id = $1`, [id]);
    if (!rows[0]) throw new ZhikuError('E_NOT_FOUND', 'the file of this job is no longer stored', { item: `blob ${id}` });
    return rows[0].bytes;
  }

  /** Removes blobs older than `hours` that no unfinished job names. Returns how many went. */
  async pruneBlobs(hours = 24): Promise<number> {
    const { rowCount } = await this.#pool.query(
      `DELETE FROM ${this.#schema}.blobs b WHERE b.created_on < now() - make_interval(hours => $1)
       AND NOT EXISTS (SELECT 1 FROM ${this.#schema}.job j WHERE j.name = 'ingest-file' AND j.state < 'completed' AND j.data->>'blob' = b.id)`,
      [hours],
    );
    return rowCount ?? 0;
  }

  async close(): Promise<void> {
    await this.#boss.stop({ graceful: false, wait: true, timeout: 5_000 });
    await this.#pool.end();
  }
}

// ---------------------------------------------------------------------------

interface JobRow {
  id: string;
  name: string;
  state: JobState;
  data: unknown;
  output: unknown;
  retry_count: number;
  created_on: Date;
  completed_on: Date | null;
}

const JOB_COLUMNS = 'id::text AS id, name, state::text AS state, data, output, retry_count, created_on, completed_on';

function toRecord(row: JobRow): JobRecord {
  return {
    id: row.id,
    name: row.name as JobName,
    state: row.state,
    data: row.data,
    output: row.output,
    retryCount: row.retry_count,
    createdOn: row.created_on.toISOString(),
    completedOn: row.completed_on ? row.completed_on.toISOString() : null,
  };
}

/** pg-boss stores a handler's result as its output only when it is an object. */
function toOutput(output: unknown): object {
  return output !== null && typeof output === 'object' ? output : { value: output ?? null };
}

function errorOutput(error: unknown): object {
  if (error instanceof ZhikuError) return { message: error.message, code: error.code, item: error.item ?? null };
  if (error instanceof Error) return { message: error.message, stack: error.stack ?? null };
  return { message: String(error) };
}
