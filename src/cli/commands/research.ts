/**
 * @module cli/commands/research
 * `zhiku research [task-dir] --out <dir>`: a cited report from a task folder, files and corpora, or
 * the library; writes report.md (or .html), evidence.json and task-report.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Catalog, computeCost, convert, openCatalog, parseTokenCount } from '../../catalog/index.js';
import { EXIT_CODES, ZhikuError } from '../../errors.js';
import { type Budget, UsageMeter, chat, embed } from '../../model/chat.js';
import { modelClient } from '../../model/client.js';
import { type ReplyCache, openReplyCache } from '../../model/reply-cache.js';
import { type RunInvocation, type RunState, createRun, loadRun, runDir, saveRun } from '../../research/run-state.js';
import { startProgress } from '../progress.js';
import { type ModelWriter, research } from '../../research/research.js';
import { CORPUS_SIZES, type CorpusSize, loadTask } from '../../research/task.js';
import { taskReportFor } from '../../research/task-report.js';
import { usageRows } from '../../research/task-model.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';

/** The flags: what a run saves to resume (`RunInvocation`), and how this invocation reports. */
export interface ResearchCommandOptions extends Omit<RunInvocation, 'dir' | 'out'> {
  out?: string;
  json?: boolean;
  offline?: boolean;
  resume?: string;
}

export async function researchCommand(context: CommandContext, dir: string | undefined, options: ResearchCommandOptions): Promise<number> {
  let run: RunState | undefined;
  if (options.resume) {
    if (dir || options.query || options.file.length || options.corpus.length) {
      throw new ZhikuError('E_USAGE', '--resume runs the saved task as it was given; pass only budgets (--max-tokens, --max-cost) and --json with it', { item: 'resume' });
    }
    run = loadRun(context.config().home, options.resume);
    const saved = run.invocation;
    // A larger budget may be given to finish a run a budget stopped; everything else is as saved.
    options = { ...saved, maxTokens: options.maxTokens ?? saved.maxTokens, maxCost: options.maxCost ?? saved.maxCost, json: options.json, resume: options.resume };
    dir = saved.dir ?? undefined;
  }
  if (!options.out) throw new ZhikuError('E_USAGE', '--out is required', { item: 'out' });
  if (options.corpusSize && !(CORPUS_SIZES as readonly string[]).includes(options.corpusSize)) {
    throw new ZhikuError('E_USAGE', `--corpus-size must be one of ${CORPUS_SIZES.join(', ')}`, { item: 'corpus-size' });
  }
  if (options.format && !['md', 'markdown', 'html'].includes(options.format)) throw new ZhikuError('E_USAGE', '--format must be md or html', { item: 'format' });
  if (options.cite && !['source', 'numeric'].includes(options.cite)) throw new ZhikuError('E_USAGE', '--cite must be source or numeric', { item: 'cite' });
  const task = loadTask(dir, { query: options.query, files: options.file, corpora: options.corpus, corpusSize: options.corpusSize as CorpusSize | undefined });
  const config = context.config();
  const out = resolve(options.out);
  const willWrite = !options.offline && !!config.llm.model;
  if (run) {
    if (!willWrite) throw new ZhikuError('E_NEEDS_MODEL', 'resuming a model-backed run needs its model endpoint (ZHIKU_LLM_MODEL)', { item: run.id });
    run.resumed++;
    run.status = 'running';
    saveRun(config.home, run);
  } else if (willWrite) {
    // Only model-backed runs are worth resuming: an offline run is quick and makes no paid calls.
    run = createRun(config.home, {
      dir: dir ? resolve(dir) : null,
      query: options.query,
      file: task.files.filter((file) => !task.dir || !file.startsWith(`${task.dir}/`)),
      corpus: options.corpus.map((file) => resolve(file)),
      corpusSize: options.corpusSize,
      collection: options.collection,
      since: options.since,
      format: options.format,
      cite: options.cite,
      out,
      maxTokens: options.maxTokens,
      maxCost: options.maxCost,
    });
  }
  const cache = run ? openReplyCache(join(runDir(config.home, run.id), 'replies')) : undefined;
  if (run && !options.json) {
    context.logger.out(options.resume ? `resuming research task ${run.id}` : `research task ${run.id} (if it is interrupted: zhiku research --resume ${run.id})`);
  }
  const { writer, meter, catalog, stop } = await modelWriter(context, options, cache);
  let result;
  try {
    result = await context.withLibrary((library) =>
    research({
      library,
      task,
      writer,
      format: options.format ? (options.format === 'html' ? 'html' : 'markdown') : undefined,
      cite: options.cite as 'source' | 'numeric' | undefined,
      collections: options.collection.length ? options.collection : undefined,
      since: options.since,
      maxFileBytes: config.ingest.maxFileBytes,
      threads: config.ingest.threads,
    }),
    );
  } catch (error) {
    if (run) saveRun(config.home, { ...run, status: 'failed', finishedAt: new Date().toISOString(), reason: (error as Error).message });
    throw error;
  } finally {
    stop?.();
  }
  await mkdir(out, { recursive: true });
  const reportFile = join(out, result.check.format.html ? 'report.html' : 'report.md');
  await writeFile(reportFile, result.report);
  await writeFile(join(out, 'evidence.json'), `${JSON.stringify(result.evidence, null, 2)}\n`);
  for (const figure of result.figures) {
    await writeFile(join(out, figure.file), figure.svg);
    await writeFile(join(out, figure.file.replace(/\.svg$/, '.png')), figure.png);
  }
  const usage = meter && catalog ? usageRows(meter, catalog) : undefined;
  const taskReport = taskReportFor(task, result, usage);
  await writeFile(join(out, 'task-report.md'), taskReport);
  const { length, sections, citations } = result.check;
  if (run) saveRun(config.home, { ...run, status: result.model?.stopped ? 'stopped' : 'done', finishedAt: new Date().toISOString(), reason: result.model?.stopped ?? null });
  if (options.json) {
    printJson(context.logger.out, { ...(run ? { task: run.id, replayedReplies: cache!.hits } : {}), report: reportFile, evidence: join(out, 'evidence.json'), taskReport: join(out, 'task-report.md'), check: result.check, ingestSeconds: result.ingestSeconds, seconds: result.seconds });
  } else {
    if (options.resume && cache) context.logger.out(`${cache.hits} model replies replayed from the task's cache`);
    context.logger.out(`report: ${reportFile}`);
    context.logger.out(
      `length ${length.count}${length.min !== null ? ` / ${length.min}–${length.max ?? '∞'}${length.inRange ? '' : ` MISS: ${length.miss}`}` : ''}; sections ${sections.found}/${sections.required}; citations ${citations.resolvable}/${citations.total} resolvable, ${citations.supported} supported; materials ${result.ingestSeconds.toFixed(1)} s, report ${result.seconds.toFixed(2)} s`,
    );
  }
  for (const item of result.unreadable) context.logger.err(`zhiku: ${item.item}: ${item.reason}`);
  if (result.model?.stopped) {
    context.logger.err(`zhiku: research stopped early: ${result.model.stopped}; partial report saved`);
    return EXIT_CODES.E_BUDGET;
  }
  return 0;
}

/** The model writer when an endpoint and model are configured (and not --offline), with its meter and the catalog for prices. */
async function modelWriter(context: CommandContext, options: ResearchCommandOptions, cache?: ReplyCache): Promise<{ writer?: ModelWriter; meter?: UsageMeter; catalog?: Catalog; stop?: () => void }> {
  const { llm } = context.config();
  if (options.offline || !llm.model) {
    if (options.maxTokens || options.maxCost) context.logger.err('zhiku: --max-tokens/--max-cost apply to model-backed writing; no model is configured (ZHIKU_LLM_MODEL), so research runs offline');
    return {};
  }
  const catalog = await openCatalog(context.config());
  const meter = new UsageMeter();
  const budget: Budget = {
    ...(options.maxTokens ? { maxTokens: parseTokenCount(options.maxTokens) } : {}),
    ...(options.maxCost ? { maxCost: parseAmount(options.maxCost, catalog, llm.model) } : {}),
    price: (model, usage) => {
      const entry = catalog.find(model);
      return entry?.price ? computeCost(entry, usage).total : null;
    },
  };
  if (budget.maxCost !== undefined && !catalog.find(llm.model)?.price) {
    throw new ZhikuError('E_USAGE', `--max-cost needs a price for model "${llm.model}", which the catalog does not list; use --max-tokens`, { item: 'max-cost' });
  }
  const client = modelClient({ baseUrl: llm.baseUrl, apiKey: llm.apiKey });
  // Streamed characters of the call in flight, on a terminal only.
  const progress = await startProgress(context.logger, 1, 'characters streamed');
  let calls = 0;
  const writer: ModelWriter = {
    model: llm.model,
    chat: async (messages) => {
      calls++;
      try {
        return await chat({ client, model: llm.model!, meter, budget, cache, onProgress: (n) => { progress.setTotal(Math.max(n, 1)); progress.update(n, `call ${calls}`); } }, messages);
      } finally {
        progress.update(0, `call ${calls} done`);
      }
    },
  };
  if (llm.embedModel) writer.embed = (texts) => embed({ client, model: llm.embedModel!, meter, budget, cache }, texts);
  return { writer, meter, catalog, stop: () => progress.stop() };
}

/** `0.05` in the model's price currency, or `$0.05` / `¥0.3` converted to it. */
function parseAmount(text: string, catalog: Catalog, model: string): number {
  const match = /^\s*([$¥￥]|usd|cny|rmb)?\s*([0-9]+(?:\.[0-9]+)?)\s*(usd|cny|rmb|元)?\s*$/i.exec(text);
  if (!match) throw new ZhikuError('E_USAGE', `expected an amount such as 0.05, $0.05 or ¥0.3, got "${text}"`, { item: 'max-cost' });
  const unit = (match[1] ?? match[3] ?? '').toLowerCase();
  const currency = unit === '$' || unit === 'usd' ? 'USD' : unit ? 'CNY' : null;
  const modelCurrency = catalog.find(model)?.price?.currency ?? 'USD';
  const amount = Number(match[2]);
  return currency ? convert(amount, currency, modelCurrency, catalog.rate) : amount;
}
