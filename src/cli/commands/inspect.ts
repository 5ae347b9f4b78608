/**
 * @module cli/commands/inspect
 * `zhiku inspect <file>`: the text per page/slide/sheet that `add` would store, without storing it.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { inspectFile } from '../../collect/inspect.js';
import type { Sheet } from '../../data/table.js';
import { ZhikuError } from '../../errors.js';
import { visionSettings } from '../../image/vision.js';
import { transcribeSettings } from '../../media/transcribe.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';

export async function inspectCommand(context: CommandContext, path: string, options: { json?: boolean; charts?: string }): Promise<number> {
  const { sheets, ...inspection } = await inspectFile(path, context.config().ingest.maxFileBytes, { vision: visionSettings(context.config().llm), transcribe: transcribeSettings(context.config().llm) });
  const { out } = context.logger;
  if (options.charts && !sheets) throw new ZhikuError('E_USAGE', `--charts needs a CSV or XLSX file, not ${inspection.format}`, { item: path });
  const figures = options.charts && sheets ? await writeCharts(path, sheets, options.charts) : [];
  if (options.json) {
    printJson(out, options.charts ? { ...inspection, figures } : inspection);
    return 0;
  }
  out(`${inspection.path}: ${inspection.format} (${inspection.mime}), ${inspection.bytes.toLocaleString('en-US')} bytes${inspection.encoding ? `, ${inspection.encoding}` : ''}`);
  out(`title: ${inspection.title}`);
  out(`pages: ${inspection.pages.length}`);
  for (const page of inspection.pages) {
    out('');
    out(`── ${page.label}${page.ocr ? '（扫描页，文字经 OCR 识别）' : ''} ──`);
    if (page.text) out(page.text.trimEnd());
  }
  if (figures.length) out('');
  for (const figure of figures) out(`${figure.caption}\n  ${figure.svg}\n  ${figure.png}`);
  return 0;
}

interface WrittenFigure {
  caption: string;
  svg: string;
  png: string;
}

/** Renders the default charts of each sheet of a data file into `directory`. */
async function writeCharts(path: string, sheets: Sheet[], directory: string): Promise<WrittenFigure[]> {
  const { chartsForSheet, figureCaption, renderChart } = await import('../../data/chart.js');
  await mkdir(directory, { recursive: true });
  const stem = basename(path, extname(path));
  const figures: WrittenFigure[] = [];
  for (const [index, sheet] of sheets.entries()) {
    for (const spec of chartsForSheet(sheet, basename(path), index + 1)) {
      const chart = await renderChart(spec);
      const file = join(directory, `${stem}-${index + 1}-${spec.id}`);
      await writeFile(`${file}.svg`, chart.svg);
      await writeFile(`${file}.png`, chart.png);
      figures.push({ caption: figureCaption(spec, figures.length + 1), svg: `${file}.svg`, png: `${file}.png` });
    }
  }
  return figures;
}
