/**
 * @module cli/commands/translate
 * `zhiku translate <url|file|doc-id>`: needs a model endpoint (checked before anything is read or
 * written); prints checks and warnings, token usage and cost on stderr; writes the file atomically.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { describeUsage, openCatalog } from '../../catalog/index.js';
import { isUrl } from '../../collect/web/collect-urls.js';
import { ZhikuError } from '../../errors.js';
import type { Library } from '../../library/library.js';
import { chat, UsageMeter } from '../../model/chat.js';
import { modelClient } from '../../model/client.js';
import { assertTargetLanguage, type ChatFunction, loadGlossary, type TranslationFlag } from '../../translate/index.js';
import { translateDocument } from '../../translate/pipeline.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';
import { startProgress } from '../progress.js';

export interface TranslateCommandOptions {
  to: string;
  glossary?: string;
  saveImages?: boolean;
  out?: string;
  concurrency: number;
  store: boolean;
  json?: boolean;
}

export async function translateCommand(context: CommandContext, input: string, options: TranslateCommandOptions): Promise<number> {
  const config = context.config();
  const { llm } = config;
  if (!llm.model) {
    throw new ZhikuError('E_NEEDS_MODEL', 'translation needs a model endpoint: set ZHIKU_LLM_BASE_URL and ZHIKU_LLM_MODEL (and ZHIKU_LLM_API_KEY if it needs one), or llm.baseUrl and llm.model in config.json', {
      item: 'llm.model',
    });
  }
  const to = assertTargetLanguage(options.to);
  if (options.saveImages && !options.out) throw new ZhikuError('E_USAGE', '--save-images needs --out: the images are saved next to the output file', { item: '--save-images' });
  const glossary = options.glossary ? await loadGlossary(options.glossary) : [];
  const out = options.out ? resolve(options.out) : undefined;

  const meter = new UsageMeter();
  const client = modelClient({ baseUrl: llm.baseUrl, apiKey: llm.apiKey });
  const model = llm.model;
  const complete: ChatFunction = (messages, jsonSchema) => chat({ client, model, meter, ...(jsonSchema ? { jsonSchema } : {}) }, messages);
  const progress = await startProgress(context.logger, 1, 'blocks');
  // A URL or file translated without storing needs no library (and creates none).
  const needsLibrary = options.store || !(isUrl(input) || existsSync(input));
  const run = (library: Library | null) =>
      translateDocument(library, {
        input,
        chat: complete,
        to,
        glossary,
        concurrency: options.concurrency,
        fetch: { allowHosts: config.fetch.allowHosts },
        maxFileBytes: config.ingest.maxFileBytes,
        saveImagesTo: options.saveImages && out ? dirname(out) : undefined,
        store: options.store,
        onProgress: (done, total) => {
          progress.setTotal(total);
          progress.update(done);
        },
      });
  const outcome = await (needsLibrary ? context.withLibrary(run) : run(null)).finally(() => progress.stop());

  if (out) {
    await mkdir(dirname(out), { recursive: true });
    // Written whole or not at all: a reader never sees half a translation.
    const temporary = `${out}.${process.pid}.tmp`;
    await writeFile(temporary, outcome.file.markdown);
    await rename(temporary, out);
  }
  const catalog = await openCatalog(config);
  const usage = describeUsage(catalog, model, meter.total());
  const { body, stored } = outcome;
  if (options.json) {
    printJson(context.logger.out, {
      out: out ?? null,
      title: outcome.file.title,
      documentId: stored?.translationId ?? null,
      originalId: stored?.originalId ?? null,
      blocks: body.blocks,
      calls: meter.total().requests,
      flags: body.flags,
      warnings: outcome.warnings,
      images: outcome.images ? { saved: outcome.images.saved.length, failed: outcome.images.failed.length } : null,
      usage: meter.total(),
      cost: usage.replace(/^.*; cost: /, ''),
      ...(out ? {} : { markdown: outcome.file.markdown }),
    });
  } else {
    if (!out) context.logger.out(outcome.file.markdown);
    for (const flag of body.flags) context.logger.err(`check: ${describeFlag(flag)}`);
    for (const warning of outcome.warnings) context.logger.err(`warning: ${warning}`);
    const where = [out, stored?.translationId ? `document ${stored.translationId}${stored.originalId ? ` (original ${stored.originalId})` : ''}` : null].filter(Boolean).join(', ');
    context.logger.err(`translated ${body.blocks} blocks in ${meter.total().requests} calls${where ? ` → ${where}` : ''}`);
    context.logger.err(usage);
  }
  return 0;
}

export function describeFlag(flag: TranslationFlag): string {
  switch (flag.kind) {
    case 'kept-original':
      return `block ${flag.block} kept in the original language (${flag.reason}): "${flag.excerpt}"`;
    case 'untranslated':
      return `block ${flag.block} still reads as English: "${flag.excerpt}"`;
    case 'glossary':
      return `block ${flag.block}: "${flag.term}" not rendered as "${flag.rendering}"`;
    case 'name':
      return `block ${flag.block}: name "${flag.name}" not kept as written`;
    case 'shape':
      return `${flag.difference.what}: ${flag.difference.source} in the original, ${flag.difference.translation} in the translation (${flag.difference.detail})`;
  }
}
