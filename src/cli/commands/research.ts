/**
 * @module cli/commands/research
 * `zhiku research [task-dir] --out <dir>`: a cited report from a task folder, files and corpora, or
 * the library; writes report.md (or .html), evidence.json and task-report.md.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ZhikuError } from '../../errors.js';
import { research } from '../../research/research.js';
import { CORPUS_SIZES, type CorpusSize, loadTask } from '../../research/task.js';
import { renderTaskReport } from '../../research/task-report.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';

export interface ResearchCommandOptions {
  query?: string;
  file: string[];
  corpus: string[];
  corpusSize?: string;
  collection: string[];
  since?: string;
  format?: string;
  cite?: string;
  out: string;
  json?: boolean;
}

export async function researchCommand(context: CommandContext, dir: string | undefined, options: ResearchCommandOptions): Promise<number> {
  if (options.corpusSize && !(CORPUS_SIZES as readonly string[]).includes(options.corpusSize)) {
    throw new ZhikuError('E_USAGE', `--corpus-size must be one of ${CORPUS_SIZES.join(', ')}`, { item: 'corpus-size' });
  }
  if (options.format && !['md', 'markdown', 'html'].includes(options.format)) throw new ZhikuError('E_USAGE', '--format must be md or html', { item: 'format' });
  if (options.cite && !['source', 'numeric'].includes(options.cite)) throw new ZhikuError('E_USAGE', '--cite must be source or numeric', { item: 'cite' });
  const task = loadTask(dir, { query: options.query, files: options.file, corpora: options.corpus, corpusSize: options.corpusSize as CorpusSize | undefined });
  const config = context.config();
  const result = await context.withLibrary((library) =>
    research({
      library,
      task,
      format: options.format ? (options.format === 'html' ? 'html' : 'markdown') : undefined,
      cite: options.cite as 'source' | 'numeric' | undefined,
      collections: options.collection.length ? options.collection : undefined,
      since: options.since,
      maxFileBytes: config.ingest.maxFileBytes,
      threads: config.ingest.threads,
    }),
  );
  const out = resolve(options.out);
  await mkdir(out, { recursive: true });
  const reportFile = join(out, result.check.format.html ? 'report.html' : 'report.md');
  await writeFile(reportFile, result.report);
  await writeFile(join(out, 'evidence.json'), `${JSON.stringify(result.evidence, null, 2)}\n`);
  for (const figure of result.figures) {
    await writeFile(join(out, figure.file), figure.svg);
    await writeFile(join(out, figure.file.replace(/\.svg$/, '.png')), figure.png);
  }
  const taskReport = renderTaskReport({ id: task.id, query: task.query, report: result.report, check: result.check, generatedAt: new Date(), ingestSeconds: result.ingestSeconds, seconds: result.seconds, unreadable: result.unreadable, materials: result.materials });
  await writeFile(join(out, 'task-report.md'), taskReport);
  const { length, sections, citations } = result.check;
  if (options.json) {
    printJson(context.logger.out, { report: reportFile, evidence: join(out, 'evidence.json'), taskReport: join(out, 'task-report.md'), check: result.check, ingestSeconds: result.ingestSeconds, seconds: result.seconds });
  } else {
    context.logger.out(`report: ${reportFile}`);
    context.logger.out(
      `length ${length.count}${length.min !== null ? ` / ${length.min}–${length.max ?? '∞'}${length.inRange ? '' : ` MISS: ${length.miss}`}` : ''}; sections ${sections.found}/${sections.required}; citations ${citations.resolvable}/${citations.total} resolvable, ${citations.supported} supported; materials ${result.ingestSeconds.toFixed(1)} s, report ${result.seconds.toFixed(2)} s`,
    );
  }
  for (const item of result.unreadable) context.logger.err(`zhiku: ${item.item}: ${item.reason}`);
  return 0;
}
