/**
 * @module server/scheduler
 * The jobs `zhiku serve` runs on its own: the daily digest and feed updates, each by a cron
 * expression from the config. A tick that finds its job still running (scheduled or started through
 * the API) is skipped, never run alongside.
 */
import { Cron } from 'croner';
import { ZhikuError, isZhikuError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { JobName } from './jobs.js';

export interface ScheduleOptions {
  /** Cron expression per job; null leaves the job off. */
  jobs: Partial<Record<JobName, string | null>>;
  timezone: string;
  /** Runs one job; resolves to null when the gate skipped it (already running). */
  run: (name: JobName) => Promise<string | null>;
  /**
   * With several servers on one PostgreSQL store: claims a tick for this server (false when another
   * server has it), so each tick runs once across all of them.
   */
  claim?: (name: JobName, tick: Date) => Promise<boolean>;
  logger: Logger;
}

export interface ScheduledJob {
  name: JobName;
  pattern: string;
  nextRun: string | null;
  lastRun: { at: string; outcome: 'done' | 'skipped' | 'failed'; detail: string } | null;
}

export interface Scheduler {
  jobs(): ScheduledJob[];
  /** Runs a job now, as a tick at `at` would (skipped when it is running or another server has the tick). */
  trigger(name: JobName, at?: Date): Promise<void>;
  stop(): void;
}

/**
 * Validates every expression first (a bad one is an E_CONFIG error naming its key), then starts.
 * @example const scheduler = startScheduler({ jobs: { digest: '0 8 * * *' }, timezone: 'Asia/Shanghai', run, logger })
 */
export function startScheduler(options: ScheduleOptions): Scheduler {
  const entries: { name: JobName; pattern: string }[] = [];
  for (const [name, pattern] of Object.entries(options.jobs) as [JobName, string | null | undefined][]) {
    if (!pattern) continue;
    try {
      new Cron(pattern, { timezone: options.timezone, paused: true }).stop();
    } catch (error) {
      throw new ZhikuError('E_CONFIG', `not a cron expression: ${(error as Error).message}`, { item: `server.schedule.${name}` });
    }
    entries.push({ name, pattern });
  }
  const last = new Map<JobName, ScheduledJob['lastRun']>();
  const tick = async (name: JobName, scheduled: Date) => {
    const at = new Date().toISOString();
    try {
      if (options.claim && !(await options.claim(name, scheduled))) {
        last.set(name, { at, outcome: 'skipped', detail: 'another server ran this tick' });
        return;
      }
      const detail = await options.run(name);
      last.set(name, detail === null ? { at, outcome: 'skipped', detail: 'the previous run was still going' } : { at, outcome: 'done', detail });
      options.logger.err(`zhiku: scheduled ${name}: ${detail ?? 'skipped, the previous run is still going'}`);
    } catch (error) {
      const detail = isZhikuError(error) ? error.toLine() : error instanceof Error ? error.message : String(error);
      last.set(name, { at, outcome: 'failed', detail });
      options.logger.err(`zhiku: scheduled ${name} failed: ${detail}`);
    }
  };
  // protect: croner itself also refuses to start a tick while the previous one runs.
  const crons = entries.map(({ name, pattern }) => ({ name, pattern, cron: new Cron(pattern, { timezone: options.timezone, protect: true }, () => tick(name, tickTime(pattern))) }));
  return {
    jobs: () => crons.map(({ name, pattern, cron }) => ({ name, pattern, nextRun: cron.nextRun()?.toISOString() ?? null, lastRun: last.get(name) ?? null })),
    trigger: (name, at) => tick(name, at ?? new Date()),
    stop: () => {
      for (const { cron } of crons) cron.stop();
    },
  };
}

/**
 * The scheduled time a cron callback stands for, the same on every server: now, floored to the
 * pattern's resolution (the second for six-field patterns, else the minute).
 */
function tickTime(pattern: string): Date {
  const unit = pattern.trim().split(/\s+/).length >= 6 ? 1000 : 60_000;
  return new Date(Math.floor(Date.now() / unit) * unit);
}
