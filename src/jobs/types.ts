/**
 * @module jobs/types
 * The jobs Zhiku queues, their payloads and their results. Payloads are JSON and self-contained: a
 * worker on another machine has only the database, so files travel as blobs and feeds as their state.
 */
import type { Subscription } from '../collect/feed/subscriptions.js';
import type { FeedUpdateResult } from '../collect/feed/update.js';
import type { IngestReport } from '../library/library.js';
import type { Usage } from '../model/chat.js';
import type { GlossaryEntry, TargetLanguage, TranslationFlag } from '../translate/index.js';

/** Every job kind; each is its own pg-boss queue. */
export const JOB_NAMES = ['ingest-file', 'fetch-url', 'feed-update', 'research', 'digest', 'translate'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobPayloads {
  /** A file uploaded as a blob; `name` is its path on the machine that queued it (reported, and kept as origin). */
  'ingest-file': { blob: string; name: string; collections: string[] };
  'fetch-url': { url: string; collections: string[] };
  /** Feeds with their conditional-GET state; the result carries the state after the update. */
  'feed-update': { feeds: Subscription[] };
  research: { query: string; collections?: string[]; since?: string; format?: 'markdown' | 'html'; cite?: 'source' | 'numeric'; offline?: boolean };
  /** `seenBefore`: URLs and headlines of earlier digests (the queuer's archive), for novelty. */
  digest: { date?: string; since?: string; sources?: string[]; collections?: string[]; items?: number; perSource?: number; dropNonAi?: boolean; offline?: boolean; sourceWeights?: Record<string, number>; seenBefore?: string[] };
  /** A URL or document id, or a file as a blob (`name` is its path where it was queued); the glossary travels inline. */
  translate: { input?: string; blob?: string; name?: string; to?: TargetLanguage; glossary?: GlossaryEntry[]; store?: boolean };
}

export interface JobResults {
  'ingest-file': IngestReport;
  'fetch-url': IngestReport;
  'feed-update': { feeds: Array<Omit<FeedUpdateResult, 'feed'> & { url: string }>; subscriptions: Subscription[]; ingest: IngestReport };
  research: { report: string; format: 'markdown' | 'html'; check: unknown; evidence: unknown; unreadable: { item: string; reason: string }[] };
  digest: { date: string; markdown: string; json: string; items: number; others: number };
  translate: { title: string; blocks: number; markdown: string; documentId: string | null; originalId: string | null; flags: TranslationFlag[]; warnings: string[]; usage: Usage };
}

export type JobHandlers = { [N in JobName]: (data: JobPayloads[N]) => Promise<JobResults[N]> };

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';

export interface JobRecord {
  id: string;
  name: JobName;
  state: JobState;
  data: unknown;
  /** The handler's result when completed; `{ message, code?, item? }` of the last error when failed. */
  output: unknown;
  retryCount: number;
  createdOn: string;
  completedOn: string | null;
}

export function isJobName(value: string): value is JobName {
  return (JOB_NAMES as readonly string[]).includes(value);
}

/** What a job is about: its file, URL, query, feeds or date. */
export function jobItem(job: JobRecord): string {
  const data = (job.data ?? {}) as { name?: string; url?: string; input?: string; query?: string; feeds?: unknown[]; date?: string };
  return data.name ?? data.url ?? data.input ?? data.query ?? (data.feeds ? `${data.feeds.length} feeds` : (data.date ?? ''));
}

/** A failed job's last error as one line, or null. */
export function jobError(job: JobRecord): string | null {
  if (job.state !== 'failed') return null;
  const error = (job.output ?? {}) as { message?: string; code?: string };
  return `${error.message ?? 'no reason recorded'}${error.code ? ` [${error.code}]` : ''}`;
}
