/**
 * @module research/data
 * What a data attachment (a workbook or CSV) gives a report: the key figures the documents pipeline
 * computed (data/summary), quoted as citable sentences, and its charts (data/chart) as figures with
 * captions. A report on a dataset states the dataset's own numbers, not only what others wrote.
 */
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { chartsForSheet, figureCaption, renderChart } from '../data/chart.js';
import { readCsv, readXlsx } from '../data/read.js';
import type { Library } from '../library/library.js';
import { countUnits } from '../text/measure.js';
import type { Candidate } from './compose.js';
import type { EvidenceChunk, Source } from './evidence.js';

export interface DataFigure {
  /** File name in the output folder (SVG; a PNG of the same stem is written beside it). */
  file: string;
  caption: string;
  svg: string;
  png: Uint8Array;
  evidence: EvidenceChunk;
}

export interface DataEvidence {
  /** Key-figure sentences, best columns first. */
  facts: Candidate[];
  figures: DataFigure[];
}

/** Columns a reader of a price or count series looks at first. */
const PREFERRED_COLUMN = /close|收盘|price|价格|value|数值|total|合计|volume|成交量|count|数量/i;
/** Key-figure lines kept per data file: the preferred columns' range, yearly means and changes. */
const MAX_FACTS = 6;
const MAX_FIGURES = 2;

/**
 * The key figures and charts of the task's data attachments. `path` is the file as the task gave it;
 * `documentId` its library document (whose body holds the computed figures, so they are cited there).
 */
export async function dataEvidence(library: Library, attachments: readonly { path: string; documentId: string }[], options: { maxUnits: number }): Promise<DataEvidence> {
  const facts: Candidate[] = [];
  // The figures share the section with what sources say about them: each file gets an equal part of `maxUnits`.
  const dataFiles = attachments.filter((entry) => /\.(?:csv|tsv|xlsx)$/i.test(entry.path)).length || 1;
  const perFile = options.maxUnits / dataFiles;
  const figures: DataFigure[] = [];
  for (const { path, documentId } of attachments) {
    const document = await library.getDocument(documentId);
    if (!document || document.frontmatter.format !== 'data') continue;
    const chunks = await library.getChunks(documentId);
    const file = basename(path);
    const source: Source = { documentId, title: document.title, kind: 'document', file, url: document.canonicalUrl };
    const evidenceAt = (offset: number): EvidenceChunk => {
      const chunk = chunks.find((c) => c.start <= offset && offset < c.end) ?? chunks[0]!;
      return { chunkId: chunk.id, chunk: chunk.ordinal + 1, page: chunk.page, text: chunk.text, relevance: 1, source };
    };
    const lines = keyFigureLines(document.body);
    const ranked = [...lines].sort((a, b) => Number(PREFERRED_COLUMN.test(b.column)) - Number(PREFERRED_COLUMN.test(a.column)));
    // One column's lines together (range, yearly means, changes), the preferred columns first.
    const columns = [...new Set(ranked.map((line) => line.column))];
    // A column that repeats another's figures (Adj Close beside Close) adds nothing.
    const seen = new Set<string>();
    const distinct = columns.filter((column) => {
      const key = lines.filter((line) => line.column === column).map((line) => line.text.slice(column.length)).join('\n');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    let units = 0;
    const chosen = distinct
      .flatMap((column) => lines.filter((line) => line.column === column))
      .slice(0, MAX_FACTS)
      .filter((line, index) => {
        units += countUnits(line.text);
        return index === 0 || units <= perFile;
      });
    chosen.forEach((line, index) => facts.push({ text: line.text, index, score: 1, evidence: evidenceAt(line.offset) }));

    if (figures.length >= MAX_FIGURES) continue;
    const workbook = extname(path).toLowerCase() === '.xlsx' ? await readXlsx(path, await readFile(path)) : await readCsv(path);
    for (const [index, sheet] of workbook.sheets.entries()) {
      for (const spec of chartsForSheet(sheet, file, index + 1, { prefer: PREFERRED_COLUMN })) {
        if (figures.length >= MAX_FIGURES) break;
        const chart = await renderChart(spec);
        const number = figures.length + 1;
        const at = document.body.indexOf(`## 工作表 ${index + 1}`);
        figures.push({ file: `figure-${number}.svg`, caption: figureCaption(spec, number), svg: chart.svg, png: chart.png, evidence: evidenceAt(Math.max(0, at)) });
      }
    }
  }
  return { facts, figures };
}

/** The `- …` lines under a sheet's `### 关键数字` heading, with the column each is about. */
export function keyFigureLines(body: string): { text: string; column: string; offset: number }[] {
  const out: { text: string; column: string; offset: number }[] = [];
  let inFigures = false;
  let offset = 0;
  for (const line of body.split('\n')) {
    if (line.startsWith('#')) inFigures = line.trim() === '### 关键数字';
    else if (inFigures && line.startsWith('- ')) {
      const text = line.slice(2).trim();
      // `Close*：最高 …`, `Close* 年均值：…`: the column a line is about (a wide sheet's lines have none).
      const label = /^([^：:，,]{1,40}?)(?:\s*年均值[^：:]*)?[：:]/.exec(text)?.[1]?.trim() ?? '';
      out.push({ text, column: label, offset: offset + 2 });
    }
    offset += line.length + 1;
  }
  return out;
}
