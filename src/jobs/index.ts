export { createJobHandlers, type HandlerDeps } from './handlers.js';
export { enqueueAdd, type EnqueueAddOptions, type EnqueuedAdd } from './enqueue.js';
export { DEFAULT_JOB_SCHEMA, JobQueue, type JobQueueOptions, type QueueCount, type SendOptions } from './queue.js';
export { JOB_NAMES, isJobName, type JobHandlers, type JobName, type JobPayloads, type JobRecord, type JobResults, type JobState } from './types.js';
export { runWorker, type WorkerOptions, type WorkerSummary } from './worker.js';
