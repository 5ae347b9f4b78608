/**
 * @module cli/commands/add
 * `zhiku add <paths or urls...>`: files, directories and web pages into the library; bad items are
 * reported, the rest land.
 */
import { collectFiles } from '../../collect/files.js';
import type { CollectedItem } from '../../collect/types.js';
import { collectUrls, isUrl } from '../../collect/web/collect-urls.js';
import { visionSettings } from '../../image/vision.js';
import { transcribeSettings } from '../../media/transcribe.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';
import { startProgress } from '../progress.js';

export interface AddOptions {
  collection?: string[];
  json?: boolean;
  /** On PostgreSQL: wait for the queued jobs and report their outcome. */
  wait?: boolean;
}

export async function addCommand(context: CommandContext, paths: string[], options: AddOptions): Promise<number> {
  const { logger } = context;
  const config = context.config();
  // On PostgreSQL, workers do the parsing and indexing: the items become jobs.
  if (config.store.driver === 'postgres') return (await import('./jobs.js')).queuedAddCommand(context, paths, options);
  const report = await context.withLibrary(async (library) => {
    const progress = await startProgress(logger, paths.length, 'items');
    try {
      const urls = paths.filter(isUrl);
      const files = paths.filter((path) => !isUrl(path));
      const items = concat(
        collectFiles(files, { maxFileBytes: config.ingest.maxFileBytes, vision: visionSettings(config.llm), transcribe: transcribeSettings(config.llm) }),
        collectUrls(urls, { allowHosts: config.fetch.allowHosts }),
      );
      return await library.ingest(items, {
        collections: options.collection ?? [],
        threads: config.ingest.threads,
        onProgress: (done, outcome) => {
          progress.setTotal(Math.max(done, paths.length));
          progress.update(done, outcome.item);
        },
      });
    } finally {
      progress.stop();
    }
  });
  for (const outcome of report.items) {
    if (outcome.status === 'failed') logger.err(`zhiku: ${outcome.item}: ${outcome.reason} [${outcome.code}]`);
  }
  if (options.json) {
    printJson(logger.out, report);
  } else {
    for (const outcome of report.items) {
      if (outcome.status === 'empty') logger.out(`skipped ${outcome.item}: ${outcome.reason}`);
      if (outcome.status === 'duplicate') logger.out(`skipped ${outcome.item}: same content as ${outcome.id}`);
      if (outcome.status === 'linked') logger.out(`linked ${outcome.item}: the same story as ${outcome.id} (${outcome.distance} bits apart), recorded as another source`);
    }
    const parts = [
      `added ${report.inserted}`,
      `updated ${report.updated}`,
      `unchanged ${report.unchanged}`,
      `duplicates ${report.duplicate}`,
      `empty ${report.empty}`,
      `failed ${report.failed}`,
    ];
    if (report.ignored) parts.push(`ignored ${report.ignored}`);
    if (report.linked) parts.push(`linked as other sources of stored stories ${report.linked}`);
    logger.out(parts.join(', '));
  }
  return report.failed > 0 ? 1 : 0;
}

async function* concat(...sources: AsyncIterable<CollectedItem>[]): AsyncGenerator<CollectedItem> {
  for (const source of sources) yield* source;
}
