/**
 * @module cli/commands/feed
 * `zhiku feed add|import|export|ls|update`: the feeds a library follows (feeds.json in its home) and
 * their updates into the library.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { exportOpml, parseOpmlDocument } from '../../collect/feed/opml.js';
import { parseFeedDocument } from '../../collect/feed/parse.js';
import { Subscriptions } from '../../collect/feed/subscriptions.js';
import { updateFeeds } from '../../collect/feed/update.js';
import { fetchUrl } from '../../collect/web/fetch.js';
import { isUrl } from '../../collect/web/collect-urls.js';
import { ZhikuError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';
import { startProgress } from '../progress.js';

export async function feedAddCommand(context: CommandContext, urls: string[]): Promise<number> {
  const config = context.config();
  const subscriptions = Subscriptions.open(config.home);
  let failed = 0;
  for (const url of urls) {
    try {
      if (!isUrl(url)) throw new ZhikuError('E_USAGE', 'expected an http(s) URL', { item: url });
      // Fetched once, so a URL that is not a feed is refused now rather than at every update.
      const response = await fetchUrl(url, { allowHosts: config.fetch.allowHosts });
      const feed = parseFeedDocument(response.bytes, response.url);
      const added = subscriptions.add(url, feed.title);
      context.logger.out(added ? `following ${url}: ${feed.title ?? '(untitled)'}, ${feed.items.length} entries now` : `already following ${url}`);
    } catch (error) {
      if (!(error instanceof ZhikuError)) throw error;
      failed++;
      context.logger.err(`zhiku: ${url}: ${error.message} [${error.code}]`);
    }
  }
  subscriptions.save();
  return failed ? 1 : 0;
}

export async function feedImportCommand(context: CommandContext, file: string): Promise<number> {
  const subscriptions = Subscriptions.open(context.config().home);
  const opml = parseOpmlDocument(await readFile(file), file);
  let added = 0;
  for (const feed of opml.feeds) if (subscriptions.add(feed.xmlUrl, feed.title, feed.category)) added++;
  subscriptions.save();
  context.logger.out(`imported ${added} feeds from ${file} (${opml.feeds.length - added} already followed); following ${subscriptions.feeds.length}`);
  return 0;
}

export async function feedExportCommand(context: CommandContext, options: { out?: string }): Promise<number> {
  const subscriptions = Subscriptions.open(context.config().home);
  if (!subscriptions.feeds.length) throw new ZhikuError('E_EMPTY', 'no feeds are followed yet (zhiku feed add <url>)');
  const opml = exportOpml(
    subscriptions.feeds.map((feed) => ({ title: feed.title ?? feed.url, xmlUrl: feed.url, category: feed.category })),
    'Zhiku feeds',
  );
  if (options.out) await writeFile(options.out, opml);
  else context.logger.out(opml.trimEnd());
  return 0;
}

export async function feedListCommand(context: CommandContext, options: { json?: boolean }): Promise<number> {
  const { feeds } = Subscriptions.open(context.config().home);
  if (options.json) printJson(context.logger.out, feeds);
  else for (const feed of feeds) context.logger.out(`${feed.url}\t${feed.title ?? ''}\t${feed.checkedAt ?? 'never updated'}\t${feed.lastResult ?? ''}`);
  return 0;
}

export async function feedUpdateCommand(context: CommandContext, urls: string[], options: { all?: boolean; delay?: number; concurrency?: number; json?: boolean }): Promise<number> {
  const config = context.config();
  const subscriptions = Subscriptions.open(config.home);
  if (!urls.length && !options.all) throw new ZhikuError('E_USAGE', 'name the feeds to update, or --all');
  const feeds = urls.length
    ? urls.map((url) => subscriptions.find(url) ?? (() => { throw new ZhikuError('E_NOT_FOUND', 'not a followed feed (zhiku feed add <url>)', { item: url }); })())
    : subscriptions.feeds;
  const progress = await startProgress(context.logger, feeds.length, 'feeds');
  let update: Awaited<ReturnType<typeof updateFeeds>>;
  try {
    update = await updateFeeds(feeds, {
      fetch: { allowHosts: config.fetch.allowHosts },
      hostDelayMs: options.delay,
      concurrency: options.concurrency,
      onFeed: (done, _total, feed) => progress.update(done, feed.title ?? feed.url),
    });
  } finally {
    progress.stop();
  }
  // The validators are kept even when storing fails, so the next update is still conditional.
  subscriptions.save();
  const report = await context.withLibrary((library) => library.ingest(update.items, { threads: config.ingest.threads }));
  for (const result of update.results) if (result.status === 'failed') context.logger.err(`zhiku: ${result.feed.url}: ${result.reason}`);
  for (const outcome of report.items) if (outcome.status === 'failed') context.logger.err(`zhiku: ${outcome.item}: ${outcome.reason} [${outcome.code}]`);
  const count = (status: string) => update.results.filter((result) => result.status === status).length;
  if (options.json) printJson(context.logger.out, { feeds: update.results.map(({ feed, ...rest }) => ({ url: feed.url, ...rest })), ingest: report });
  else {
    context.logger.out(`feeds: ${count('updated')} updated, ${count('not-modified')} not modified, ${count('failed')} failed`);
    context.logger.out(`entries: added ${report.inserted}, updated ${report.updated}, unchanged ${report.unchanged}, duplicates ${report.duplicate}, empty ${report.empty}, failed ${report.failed}${report.linked ? `, linked as other sources ${report.linked}` : ''}`);
  }
  return count('failed') || report.failed ? 1 : 0;
}
