/**
 * @module cli/commands/translate
 * `zhiku translate <url|file|doc-id>`: needs a model endpoint (checked before anything is read or
 * written); prints checks and warnings, token usage and cost on stderr; writes the file atomically.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { describeUsage, openCatalog } from '../../catalog/index.js';
import { isUrl } from '../../collect/web/collect-urls.js';
import { ZhikuError } from '../../errors.js';
import type { Library } from '../../library/library.js';
import { type Usage, UsageMeter, chat } from '../../model/chat.js';
import { modelClient } from '../../model/client.js';
import type { JobResults } from '../../jobs/types.js';
import { type ChatFunction, type Glossary, type TargetLanguage, type TranslationFlag, assertTargetLanguage, loadGlossary, saveImages } from '../../translate/index.js';
import { translateDocument, translationSummary } from '../../translate/pipeline.js';
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
  const to = assertTargetLanguage(options.to);
  if (options.saveImages && !options.out) throw new ZhikuError('E_USAGE', '--save-images needs --out: the images are saved next to the output file', { item: '--save-images' });
  const glossary = options.glossary ? await loadGlossary(options.glossary) : [];
  const out = options.out ? resolve(options.out) : undefined;
  // On PostgreSQL a worker translates (it holds the model settings); this process waits and writes the file.
  if (config.store.driver === 'postgres') return queuedTranslate(context, input, { ...options, to, entries: glossary, out });
  const { llm } = config;
  if (!llm.model) {
    throw new ZhikuError('E_NEEDS_MODEL', 'translation needs a model endpoint: set ZHIKU_LLM_BASE_URL and ZHIKU_LLM_MODEL (and ZHIKU_LLM_API_KEY if it needs one), or llm.baseUrl and llm.model in config.json', {
      item: 'llm.model',
    });
  }
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
  return finish(context, out, options, {
    ...translationSummary(outcome),
    model,
    usage: meter.total(),
    images: outcome.images ? { saved: outcome.images.saved.length, failed: outcome.images.failed.length } : null,
  });
}

interface Finished {
  title: string;
  /** Translatable blocks of the body. */
  blocks: number;
  markdown: string;
  documentId: string | null;
  originalId: string | null;
  flags: TranslationFlag[];
  warnings: string[];
  model: string | null;
  usage: Usage;
  images: { saved: number; failed: number } | null;
}

/** Writes the file (whole or not at all) and reports checks, warnings, usage and cost. */
async function finish(context: CommandContext, out: string | undefined, options: TranslateCommandOptions, done: Finished): Promise<number> {
  if (out) {
    await mkdir(dirname(out), { recursive: true });
    const temporary = `${out}.${process.pid}.tmp`;
    await writeFile(temporary, done.markdown);
    await rename(temporary, out);
  }
  const usage = done.model ? describeUsage(await openCatalog(context.config()), done.model, done.usage) : `tokens: input ${done.usage.input.toLocaleString('en-US')}, output ${done.usage.output.toLocaleString('en-US')}`;
  if (options.json) {
    printJson(context.logger.out, {
      out: out ?? null,
      title: done.title,
      blocks: done.blocks,
      documentId: done.documentId,
      originalId: done.originalId,
      calls: done.usage.requests,
      flags: done.flags,
      warnings: done.warnings,
      images: done.images,
      usage: done.usage,
      cost: usage.replace(/^.*; cost: /, ''),
      ...(out ? {} : { markdown: done.markdown }),
    });
    return 0;
  }
  if (!out) context.logger.out(done.markdown);
  for (const flag of done.flags) context.logger.err(`check: ${describeFlag(flag)}`);
  for (const warning of done.warnings) context.logger.err(`warning: ${warning}`);
  const where = [out, done.documentId ? `document ${done.documentId}${done.originalId ? ` (original ${done.originalId})` : ''}` : null].filter(Boolean).join(', ');
  context.logger.err(`translated ${done.blocks} blocks in ${done.usage.requests} calls${where ? ` → ${where}` : ''}`);
  context.logger.err(usage);
  return 0;
}

/** The translation as a queued job: a file travels as a blob; images are saved here, next to the output. */
async function queuedTranslate(context: CommandContext, input: string, options: TranslateCommandOptions & { to: TargetLanguage; entries: Glossary; out: string | undefined }): Promise<number> {
  const { withJobQueue } = await import('./jobs.js');
  return withJobQueue(context, async (queue) => {
    const local = !isUrl(input) && existsSync(input);
    const data = local ? { blob: await queue.putBlob(await readFile(input)), name: resolve(input) } : { input };
    const id = await queue.send('translate', { ...data, to: options.to, glossary: [...options.entries], store: options.store });
    const [record] = await queue.wait([id]);
    if (record!.state !== 'completed') {
      const error = (record!.output ?? {}) as { message?: string; code?: string };
      context.logger.err(`zhiku: ${input}: job ${id} ${record!.state}: ${error.message ?? 'no reason recorded'}${error.code ? ` [${error.code}]` : ''}`);
      return 1;
    }
    const result = record!.output as JobResults['translate'];
    let { markdown } = result;
    let images: Finished['images'] = null;
    const warnings = [...result.warnings];
    if (options.saveImages && options.out) {
      const saved = await saveImages(markdown, /^source_url: (\S+)$/m.exec(markdown)?.[1]?.replace(/^'|'$/g, '') ?? null, dirname(options.out), 'images', { allowHosts: context.config().fetch.allowHosts });
      markdown = saved.markdown;
      images = { saved: saved.saved.length, failed: saved.failed.length };
      for (const failure of saved.failed) warnings.push(`image not saved, link kept: ${failure.url}: ${failure.reason}`);
    }
    return finish(context, options.out, options, { ...result, markdown, warnings, images, model: context.config().llm.model ?? null });
  });
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
