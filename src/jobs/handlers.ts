/**
 * @module jobs/handlers
 * What a worker does for each job kind, through the same library code the CLI runs inline. Every
 * effect is idempotent, since a job may run twice (at-least-once delivery): documents deduplicate by
 * canonical URL and content hash, and research and digests only read.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { collectFiles } from '../collect/files.js';
import { updateFeeds } from '../collect/feed/update.js';
import type { CollectedItem } from '../collect/types.js';
import { collectUrls } from '../collect/web/collect-urls.js';
import type { ResolvedConfig } from '../config/schema.js';
import { classify, defaultClassifier } from '../digest/classify/classifier.js';
import { buildDigest } from '../digest/build.js';
import { renderDigestJson } from '../digest/format/feed.js';
import { renderDigestMarkdown } from '../digest/format/markdown.js';
import { DIGEST_ITEM_SCHEMA } from '../digest/model-item.js';
import { ZhikuError } from '../errors.js';
import { visionSettings } from '../image/vision.js';
import type { Library } from '../library/library.js';
import { transcribeSettings } from '../media/transcribe.js';
import { type ChatMessage, type ChatOptions, UsageMeter, chat } from '../model/chat.js';
import { modelClient } from '../model/client.js';
import { research } from '../research/research.js';
import { loadTask } from '../research/task.js';
import { translateDocument, translationSummary } from '../translate/pipeline.js';
import type { JobQueue } from './queue.js';
import type { JobHandlers } from './types.js';

export interface HandlerDeps {
  library: Library;
  config: ResolvedConfig;
  queue: JobQueue;
}

export function createJobHandlers({ library, config, queue }: HandlerDeps): JobHandlers {
  // Parallelism comes from worker slots, so each job prepares documents on its own thread.
  const ingest = (items: AsyncIterable<CollectedItem> | Iterable<CollectedItem>, collections: readonly string[]) => library.ingest(items, { collections, threads: 1 });
  return {
    async 'ingest-file'({ blob, name, collections }) {
      const bytes = await queue.getBlob(blob);
      // Parsers detect formats by name and bytes: the file is recreated under its own name.
      const dir = await mkdtemp(join(tmpdir(), 'zhiku-job-'));
      const path = join(dir, basename(name));
      try {
        await writeFile(path, bytes);
        const items = collectFiles([path], { maxFileBytes: config.ingest.maxFileBytes, vision: visionSettings(config.llm), transcribe: transcribeSettings(config.llm) });
        return await ingest(renamed(items, path, name), collections);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async 'fetch-url'({ url, collections }) {
      return ingest(collectUrls([url], { allowHosts: config.fetch.allowHosts }), collections);
    },

    async 'feed-update'({ feeds }) {
      const update = await updateFeeds(feeds, { fetch: { allowHosts: config.fetch.allowHosts } });
      const report = await ingest(update.items, []);
      return {
        feeds: update.results.map(({ feed, ...rest }) => ({ url: feed.url, ...rest })),
        subscriptions: update.results.map((result) => result.feed),
        ingest: report,
      };
    },

    async research({ query, collections, since, format, cite, offline }) {
      const writer = offline ? undefined : modelWriter(config);
      const result = await research({
        library,
        task: loadTask(undefined, { query }),
        ...(writer ? { writer } : {}),
        format,
        cite,
        collections,
        since,
        maxFileBytes: config.ingest.maxFileBytes,
        threads: 1,
      });
      return {
        report: result.report,
        format: result.check.format.html ? 'html' : 'markdown',
        check: result.check,
        evidence: result.evidence,
        unreadable: result.unreadable,
      };
    },

    async translate({ input, blob, name, to, glossary, store }) {
      const { llm } = config;
      if (!llm.model) throw new ZhikuError('E_NEEDS_MODEL', 'translation needs a model endpoint: set ZHIKU_LLM_BASE_URL and ZHIKU_LLM_MODEL on the workers', { item: 'llm.model' });
      const client = modelClient({ baseUrl: llm.baseUrl, apiKey: llm.apiKey });
      const meter = new UsageMeter();
      const model = llm.model;
      // A file travels as a blob and is recreated under its own name, as for ingest.
      const dir = blob ? await mkdtemp(join(tmpdir(), 'zhiku-job-')) : null;
      try {
        const path = dir ? join(dir, basename(name ?? 'article.md')) : null;
        if (path) await writeFile(path, await queue.getBlob(blob!));
        const outcome = await translateDocument(library, {
          input: path ?? input ?? '',
          chat: (messages, jsonSchema) => chat({ client, model, meter, ...(jsonSchema ? { jsonSchema } : {}) }, messages),
          to,
          glossary: glossary ?? [],
          fetch: { allowHosts: config.fetch.allowHosts },
          maxFileBytes: config.ingest.maxFileBytes,
          store,
        });
        return { ...translationSummary(outcome), usage: meter.total() };
      } finally {
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },

    async digest({ offline, seenBefore, ...options }) {
      const model = defaultClassifier();
      const writer = offline ? undefined : modelWriter(config, DIGEST_ITEM_SCHEMA);
      const digest = await buildDigest(library, {
        ...options,
        ...(seenBefore ? { seenBefore: new Set(seenBefore) } : {}),
        classify: (article) => classify(model, article).label,
        ...(writer ? { model: { write: writer.chat } } : {}),
      });
      if (!digest.items.length && !digest.others.length) throw new ZhikuError('E_EMPTY', `no articles published in the window (${digest.date})`);
      return { date: digest.date, markdown: renderDigestMarkdown(digest), json: renderDigestJson(digest), items: digest.items.length, others: digest.others.length };
    },
  };
}

// ---------------------------------------------------------------------------

/** Items named by the path on the machine that queued the file, not the worker's temporary copy. */
async function* renamed(items: AsyncIterable<CollectedItem>, path: string, name: string): AsyncGenerator<CollectedItem> {
  const rename = (value: string) => (value.startsWith(path) ? name + value.slice(path.length) : value);
  for await (const item of items) {
    if (item.kind === 'document') yield { ...item, item: rename(item.item), input: { ...item.input, origin: item.input.origin ? rename(item.input.origin) : item.input.origin } };
    else yield { ...item, item: rename(item.item) };
  }
}

/** The configured chat model as a writer, or undefined when none is configured. */
function modelWriter(config: ResolvedConfig, jsonSchema?: ChatOptions['jsonSchema']): { model: string; chat: (messages: ChatMessage[]) => Promise<string> } | undefined {
  const { llm } = config;
  if (!llm.model) return undefined;
  const client = modelClient({ baseUrl: llm.baseUrl, apiKey: llm.apiKey });
  const meter = new UsageMeter();
  const model = llm.model;
  return { model, chat: (messages) => chat({ client, model, meter, jsonSchema }, messages) };
}
