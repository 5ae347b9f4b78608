/**
 * @module server/context
 * What the routes share: built once by the app factory and passed in, never module state.
 */
import type { ResolvedConfig } from '../config/schema.js';
import type { Library } from '../library/library.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Logger } from '../logger.js';
import type { TaskRunner } from '../research/task-runner.js';
import type { JobDeps } from './jobs.js';
import type { MultipartLimits } from './multipart.js';
import type { Scheduler } from './scheduler.js';

export interface ServerContext {
  config: ResolvedConfig;
  library: Library;
  runner: TaskRunner;
  logger: Logger;
  jobs: JobDeps;
  uploadLimits: MultipartLimits;
  /** The scheduler, when `serve` runs one (its jobs show in /api/schedule). */
  scheduler?: Scheduler;
  /** The job queue on the PostgreSQL store (progress and the dead-letter list); none on the embedded one. */
  queue?: JobQueue;
}
