/**
 * @module server/jobs
 * The work the API and the scheduler share: building the day's digest and updating feeds. Each job
 * runs through a gate, so two runs of the same job never overlap, whichever started them.
 */
import { buildDigest } from '../digest/build.js';
import { classify, defaultClassifier, type ClassifierModel } from '../digest/classify/classifier.js';
import { DIGEST_ITEM_SCHEMA } from '../digest/model-item.js';
import { digestArchiveDir, readDigests, saveDigest } from '../digest/archive.js';
import { parseDigestJson } from '../digest/format/feed.js';
import type { Digest } from '../digest/types.js';
import { parseFeedDocument } from '../collect/feed/parse.js';
import { Subscriptions, type Subscription } from '../collect/feed/subscriptions.js';
import { updateFeeds } from '../collect/feed/update.js';
import { isUrl } from '../collect/web/collect-urls.js';
import { fetchUrl } from '../collect/web/fetch.js';
import type { ResolvedConfig } from '../config/schema.js';
import { EXIT_CODES, ZhikuError, type ZhikuErrorCode } from '../errors.js';
import type { JobQueue } from '../jobs/queue.js';
import type { JobName as QueueJobName, JobPayloads, JobResults } from '../jobs/types.js';
import type { IngestReport, Library } from '../library/library.js';
import type { Logger } from '../logger.js';
import { UsageMeter, chat, type ChatMessage } from '../model/chat.js';
import { modelClient } from '../model/client.js';

export type JobName = 'digest' | 'feeds';

/** Serialises runs per job name: a run starts only after the one before it has finished. */
export class JobGate {
  private readonly tails = new Map<JobName, Promise<unknown>>();
  private readonly pending = new Map<JobName, number>();

  /** True while a run of the job is going or waiting its turn. */
  busy(name: JobName): boolean {
    return (this.pending.get(name) ?? 0) > 0;
  }

  /** Runs `fn` once every earlier run of the same job has finished. */
  run<T>(name: JobName, fn: () => Promise<T>): Promise<T> {
    // Counted at once, not when the run starts, so `busy` is true from this call on.
    this.pending.set(name, (this.pending.get(name) ?? 0) + 1);
    const previous = this.tails.get(name) ?? Promise.resolve();
    const next = previous
      .catch(() => {})
      .then(fn)
      .finally(() => this.pending.set(name, this.pending.get(name)! - 1));
    this.tails.set(name, next);
    return next;
  }

  /** Waits for every run started so far. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.tails.values()]);
  }
}

export interface JobDeps {
  config: ResolvedConfig;
  library: Library;
  logger: Logger;
  gate: JobGate;
  /** On the PostgreSQL store: digests and feed updates run on the workers, through the queue. */
  queue?: JobQueue;
}

export interface DigestBuildOptions {
  date?: string;
  since?: string;
  sources?: string[];
  collections?: string[];
  items?: number;
  perSource?: number;
  dropNonAi?: boolean;
  sourceWeights?: Record<string, number>;
  offline?: boolean;
}

let classifier: ClassifierModel | undefined;

/** Builds a digest from the library and archives it; E_EMPTY when the window has no articles. */
export function runDigestJob(deps: JobDeps, options: DigestBuildOptions = {}): Promise<Digest> {
  return deps.gate.run('digest', async () => {
    if (options.date && options.since) throw new ZhikuError('E_USAGE', 'give date or since, not both', { item: 'date' });
    const archive = digestArchiveDir(deps.config.home);
    const earlier = readDigests(archive);
    classifier ??= defaultClassifier();
    const model = classifier;
    const seenBefore = new Set(earlier.filter((d) => d.date !== (options.date ?? '')).flatMap((d) => d.items.flatMap((item) => [item.source.url ?? '', item.headline])));
    if (deps.queue) {
      const { json } = await runQueued(deps.queue, 'digest', { ...options, seenBefore: [...seenBefore] });
      const digest = parseDigestJson(json);
      saveDigest(archive, digest);
      return digest;
    }
    const writer = options.offline ? undefined : await digestWriter(deps.config);
    const digest = await buildDigest(deps.library, {
      date: options.date,
      since: options.since,
      sources: options.sources,
      collections: options.collections,
      items: options.items,
      perSource: options.perSource,
      dropNonAi: options.dropNonAi,
      sourceWeights: options.sourceWeights,
      seenBefore,
      classify: (article) => classify(model, article).label,
      ...(writer ? { model: { write: writer } } : {}),
    }).catch((error: unknown) => {
      // The window parser throws plain errors for a bad date or since.
      if (error instanceof Error && !(error instanceof ZhikuError)) throw new ZhikuError('E_USAGE', error.message, { item: options.date ?? options.since ?? 'date' });
      throw error;
    });
    if (!digest.items.length && !digest.others.length) throw new ZhikuError('E_EMPTY', `no articles published in the window (${digest.date})`, { item: digest.date });
    saveDigest(archive, digest);
    return digest;
  });
}

/** Follows a feed after fetching it once (a URL that is not a feed is refused now). */
export function addFeed(deps: JobDeps, url: string): Promise<{ added: boolean; feed: Subscription; entries: number }> {
  return deps.gate.run('feeds', async () => {
    if (!isUrl(url)) throw new ZhikuError('E_USAGE', 'expected an http(s) URL', { item: url });
    const response = await fetchUrl(url, { allowHosts: deps.config.fetch.allowHosts });
    const parsed = parseFeedDocument(response.bytes, response.url);
    const subscriptions = Subscriptions.open(deps.config.home);
    const added = subscriptions.add(url, parsed.title);
    subscriptions.save();
    return { added, feed: subscriptions.find(url)!, entries: parsed.items.length };
  });
}

export interface FeedJobResult {
  feeds: { url: string; status: string; entries: number; reason?: string }[];
  ingest: Omit<IngestReport, 'items'> & { failures: { item: string; reason: string }[] };
}

/** Updates the named feeds (all when none are named) and adds their new entries to the library. */
export function runFeedJob(deps: JobDeps, urls: readonly string[] = [], options: { hostDelayMs?: number } = {}): Promise<FeedJobResult> {
  return deps.gate.run('feeds', async () => {
    const subscriptions = Subscriptions.open(deps.config.home);
    const feeds = urls.length
      ? urls.map((url) => subscriptions.find(url) ?? (() => { throw new ZhikuError('E_NOT_FOUND', 'not a followed feed', { item: url }); })())
      : subscriptions.feeds;
    if (deps.queue) {
      const result = await runQueued(deps.queue, 'feed-update', { feeds });
      // The workers' conditional-GET state comes back with the result and is kept here.
      for (const state of result.subscriptions) Object.assign(subscriptions.find(state.url) ?? {}, state);
      subscriptions.save();
      const { items, ...counts } = result.ingest;
      return { feeds: result.feeds, ingest: { ...counts, failures: items.flatMap((item) => (item.status === 'failed' ? [{ item: item.item, reason: item.reason }] : [])) } };
    }
    const update = await updateFeeds(feeds, { fetch: { allowHosts: deps.config.fetch.allowHosts }, hostDelayMs: options.hostDelayMs });
    // The validators are kept even when storing fails, so the next update is still conditional.
    subscriptions.save();
    const { items, ...counts } = await deps.library.ingest(update.items, { threads: deps.config.ingest.threads });
    return {
      feeds: update.results.map(({ feed, ...rest }) => ({ url: feed.url, ...rest })),
      ingest: { ...counts, failures: items.flatMap((item) => (item.status === 'failed' ? [{ item: item.item, reason: item.reason }] : [])) },
    };
  });
}

// ---------------------------------------------------------------------------

/** Queues one job, waits for it, and returns its result or throws its last error. */
async function runQueued<N extends QueueJobName>(queue: JobQueue, name: N, data: JobPayloads[N]): Promise<JobResults[N]> {
  const [record] = await queue.wait([await queue.send(name, data)]);
  if (record!.state === 'completed') return record!.output as JobResults[N];
  const error = (record!.output ?? {}) as { message?: string; code?: string; item?: string };
  const code = (error.code && error.code in EXIT_CODES ? error.code : 'E_STORE') as ZhikuErrorCode;
  throw new ZhikuError(code, `${name} job ${record!.id} ${record!.state}: ${error.message ?? 'no reason recorded'}`, { item: error.item ?? name });
}

async function digestWriter(config: ResolvedConfig): Promise<((messages: ChatMessage[]) => Promise<string>) | undefined> {
  const { llm } = config;
  if (!llm.model) return undefined;
  const meter = new UsageMeter();
  const client = modelClient({ baseUrl: llm.baseUrl, apiKey: llm.apiKey });
  const model = llm.model;
  return (messages) => chat({ client, model, meter, jsonSchema: DIGEST_ITEM_SCHEMA }, messages);
}
