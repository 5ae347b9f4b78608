/**
 * @module cli/commands/digest
 * `zhiku digest`: the day's AI-industry digest from the library (markdown, JSON or RSS of all digests
 * made so far); `zhiku digest check <file>`: the format validator.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { classify, defaultClassifier } from '../../digest/classify/classifier.js';
import { buildDigest } from '../../digest/build.js';
import { checkDigest, formatIssues } from '../../digest/format/check.js';
import { digestArchiveDir, readDigests, saveDigest } from '../../digest/archive.js';
import { renderDigestJson, renderDigestRss } from '../../digest/format/feed.js';
import { renderDigestMarkdown } from '../../digest/format/markdown.js';
import { type WebhookFormat, pushDigest } from '../../digest/push.js';
import { DIGEST_ITEM_SCHEMA } from '../../digest/model-item.js';
import { describeUsage, openCatalog } from '../../catalog/index.js';
import { type ChatMessage, UsageMeter, chat } from '../../model/chat.js';
import { modelClient } from '../../model/client.js';
import { ZhikuError } from '../../errors.js';
import type { CommandContext } from '../context.js';

export interface DigestCommandOptions {
  date?: string;
  since?: string;
  source: string[];
  collection: string[];
  items?: number;
  perSource?: number;
  dropNonAi?: boolean;
  sourceWeight?: string[];
  format?: string;
  out?: string;
  webhook?: string;
  webhookFormat?: string;
  offline?: boolean;
}

/** How many earlier digests the RSS output carries. */
const FEED_DIGESTS = 30;

export async function digestCommand(context: CommandContext, options: DigestCommandOptions): Promise<number> {
  const format = options.format ?? 'md';
  if (!['md', 'json', 'rss'].includes(format)) throw new ZhikuError('E_USAGE', '--format must be md, json or rss', { item: 'format' });
  if (options.date && options.since) throw new ZhikuError('E_USAGE', 'give --date or --since, not both', { item: 'date' });
  const archive = digestArchiveDir(context.config().home);
  const earlier = readDigests(archive);
  const sourceWeights: Record<string, number> = {};
  for (const entry of options.sourceWeight ?? []) {
    const match = /^(.+)=(\d+(?:\.\d+)?)$/.exec(entry);
    if (!match) throw new ZhikuError('E_USAGE', `--source-weight takes name=weight, got "${entry}"`, { item: 'source-weight' });
    sourceWeights[match[1]!.trim()] = Number(match[2]);
  }
  const model = defaultClassifier();
  const writer = await digestWriter(context, options);
  const digest = await context.withLibrary((library) =>
    buildDigest(library, {
      date: options.date,
      since: options.since,
      sources: options.source,
      collections: options.collection,
      items: options.items,
      perSource: options.perSource,
      dropNonAi: options.dropNonAi,
      sourceWeights,
      // Novelty: a story an earlier digest carried ranks lower.
      seenBefore: new Set(earlier.filter((d) => d.date !== (options.date ?? '')).flatMap((d) => d.items.flatMap((item) => [item.source.url ?? '', item.headline]))),
      classify: (article) => classify(model, article).label,
      ...(writer ? { model: { write: writer.write, onItem: (headline: string, corrected: number) => corrected && context.logger.err(`zhiku: “${headline}”: ${corrected} line(s) of the model's item replaced or dropped (a number not in the article, or malformed)`) } } : {}),
    }).catch((error: unknown) => {
      if (error instanceof Error && !(error instanceof ZhikuError)) throw new ZhikuError('E_USAGE', error.message);
      throw error;
    }),
  );
  if (writer) context.logger.err(describeUsage(writer.catalog, writer.model, writer.meter.total()));
  if (!digest.items.length && !digest.others.length) throw new ZhikuError('E_EMPTY', `no articles published in the window (${digest.date}); collect some first (zhiku add <url>, zhiku feed update --all)`);
  saveDigest(archive, digest);
  const text =
    format === 'json'
      ? renderDigestJson(digest)
      : format === 'rss'
        ? renderDigestRss([digest, ...earlier.filter((d) => d.date !== digest.date)].slice(0, FEED_DIGESTS), { title: 'Zhiku AI行业速递', link: 'https://zhiku.invalid/digest' })
        : renderDigestMarkdown(digest);
  if (options.webhook) {
    const webhookFormat = (options.webhookFormat ?? 'json') as WebhookFormat;
    if (!['json', 'feishu'].includes(webhookFormat)) throw new ZhikuError('E_USAGE', '--webhook-format must be json or feishu', { item: 'webhook-format' });
    const sent = await pushDigest(digest, options.webhook, webhookFormat);
    context.logger.err(`pushed ${digest.date} to the webhook in ${sent} message${sent === 1 ? '' : 's'}`);
  }
  if (options.out) {
    await writeFile(options.out, text);
    context.logger.out(`${options.out}: ${digest.items.length} items, ${digest.others.length} other links (${digest.date})`);
  } else context.logger.out(text.trimEnd());
  return 0;
}

export async function digestCheckCommand(context: CommandContext, file: string): Promise<number> {
  const result = checkDigest(await readFile(file, 'utf8'));
  for (const line of formatIssues(result)) context.logger.out(`${file}: ${line}`);
  context.logger.out(`${file}: ${result.ok ? 'format ok' : 'format violations'} (${result.violations.length} violations, ${result.warnings.length} warnings)`);
  return result.ok ? 0 : 1;
}

/** The model that writes the items, when an endpoint is configured and --offline is not given. */
async function digestWriter(context: CommandContext, options: DigestCommandOptions) {
  const { llm } = context.config();
  if (options.offline || !llm.model) return undefined;
  const catalog = await openCatalog(context.config());
  const meter = new UsageMeter();
  const client = modelClient({ baseUrl: llm.baseUrl, apiKey: llm.apiKey });
  const model = llm.model;
  return { model, meter, catalog, write: (messages: ChatMessage[]) => chat({ client, model, meter, jsonSchema: DIGEST_ITEM_SCHEMA }, messages) };
}
