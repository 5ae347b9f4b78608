/**
 * @module research/render
 * A composed report as markdown or HTML, with citations in the forms readers of these reports know:
 * `[long_context: "<title>", chunk N]` for background documents, `[文档: <file>, p. N]` for attached
 * documents, `[图片: <file>]` and `[视频: <file>]` for media; or numbered `[n]` with a reference list.
 */
import { type ComposedSection, citedSources } from './compose.js';
import type { EvidenceChunk, Source } from './evidence.js';

export type CitationStyle = 'source' | 'numeric';

export interface RenderOptions {
  title: string | null;
  format: 'markdown' | 'html';
  cite: CitationStyle;
  language: 'zh' | 'en';
}

export function citationMarker(evidence: EvidenceChunk, numbers: ReadonlyMap<string, number> | null): string {
  if (numbers) return `[${numbers.get(evidence.source.documentId)}]`;
  const { source } = evidence;
  switch (source.kind) {
    case 'document':
      return evidence.page ? `[文档: ${source.file}, p. ${evidence.page}]` : `[文档: ${source.file}]`;
    case 'image':
      return `[图片: ${source.file}]`;
    case 'video':
      return `[视频: ${source.file}]`;
    case 'corpus':
      // A closing quote inside the title would end it early for every reader of the marker; the
      // single-quote forms read the same once quotes are ignored, as title matching does.
      return `[long_context: "${source.title.replace(/"/g, "'").replace(/”/g, '’').replace(/」/g, '』')}", chunk ${evidence.chunk}]`;
  }
}

function referenceLine(source: Source, chunks: number[], language: 'zh' | 'en'): string {
  const what =
    source.kind === 'corpus'
      ? language === 'en'
        ? `background document, chunks ${chunks.join(', ')}`
        : `背景资料，引用片段 ${chunks.join('、')}`
      : source.kind === 'document'
        ? language === 'en'
          ? `attached document ${source.file}`
          : `任务附件 ${source.file}`
        : language === 'en'
          ? `attached ${source.kind} ${source.file}`
          : `任务附件（${source.kind === 'image' ? '图片' : '视频'}）${source.file}`;
  const url = source.url ? ` ${source.url}` : '';
  return language === 'en' ? `“${source.title}”, ${what}.${url}` : `《${source.title}》，${what}。${url}`;
}

export function renderReport(sections: readonly ComposedSection[], options: RenderOptions): string {
  const sources = citedSources(sections);
  const numbers = options.cite === 'numeric' ? new Map(sources.map((entry, index) => [entry.source.documentId, index + 1])) : null;
  const blocks: { kind: 'title' | 'heading' | 'paragraph' | 'reference' | 'table' | 'figure'; text: string }[] = [];
  if (options.title) blocks.push({ kind: 'title', text: `《${options.title}》` });
  for (const section of sections) {
    if (section.role === 'title') continue;
    blocks.push({ kind: 'heading', text: section.name });
    if (section.role === 'references') {
      sources.forEach((entry, index) => blocks.push({ kind: 'reference', text: `${numbers ? `[${index + 1}] ` : ''}${referenceLine(entry.source, entry.chunks, options.language)}` }));
      continue;
    }
    for (const paragraph of section.paragraphs) {
      const text = [paragraph.lead ?? '', ...paragraph.groups.map((group) => `${group.sentences.join('')}${citationMarker(group.evidence, numbers)}`)].join('');
      if (text) blocks.push({ kind: 'paragraph', text });
    }
    for (const figure of section.figures ?? []) {
      blocks.push({ kind: 'figure', text: figure.file });
      blocks.push({ kind: 'paragraph', text: `${figure.caption}${citationMarker(figure.evidence, numbers)}` });
    }
    for (const [index, table] of (section.tables ?? []).entries()) {
      // The caption names the columns (words the source holds) and cites where the table is.
      const header = table.markdown.split('\n')[0]!.split('|').map((cell) => cell.trim()).filter(Boolean);
      const caption = options.language === 'en' ? `Table ${index + 1}: ${header.join(', ')}` : `表${index + 1}：${header.join('、')}`;
      blocks.push({ kind: 'paragraph', text: `${caption}${citationMarker(table.evidence, numbers)}` });
      // Every row carries the citation too: a row is a line of the report like any other.
      const marker = citationMarker(table.evidence, numbers);
      const rows = table.markdown.split('\n').map((row, i) => (i < 2 ? row : row.replace(/\s*\|\s*$/, `${marker} |`)));
      blocks.push({ kind: 'table', text: rows.join('\n') });
    }
  }
  return options.format === 'html' ? toHtml(blocks, options) : toMarkdown(blocks, numbers !== null);
}

function toMarkdown(blocks: { kind: string; text: string }[], numbered: boolean): string {
  return `${blocks
    .map((block) => {
      if (block.kind === 'title') return `# ${block.text}`;
      if (block.kind === 'heading') return `## ${block.text}`;
      if (block.kind === 'reference') return numbered ? block.text : `- ${block.text}`;
      // Short alt text: the caption below is the figure's paragraph, cited.
      if (block.kind === 'figure') return `![图](${block.text})`;
      return block.text;
    })
    .join('\n\n')}\n`;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function tableHtml(markdown: string): string {
  const rows = markdown.split('\n').filter((line, i) => i !== 1).map((line) => line.replace(/^\|/, '').replace(/\|$/, '').split('|').map((cell) => escapeHtml(cell.trim())));
  const [head = [], ...body] = rows;
  return `<table>\n<tr>${head.map((cell) => `<th>${cell}</th>`).join('')}</tr>\n${body.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n')}\n</table>`;
}

function toHtml(blocks: { kind: string; text: string }[], options: RenderOptions): string {
  const body = blocks
    .map((block) => {
      if (block.kind === 'table') return tableHtml(block.text);
      if (block.kind === 'figure') return `<figure><img src="${escapeHtml(block.text)}" alt="图"></figure>`;
      if (block.kind === 'title') return `<h1>${escapeHtml(block.text)}</h1>`;
      if (block.kind === 'heading') return `<h2>${escapeHtml(block.text)}</h2>`;
      return `<p>${escapeHtml(block.text)}</p>`;
    })
    .join('\n');
  return `<!DOCTYPE html>\n<html lang="${options.language === 'en' ? 'en' : 'zh-CN'}">\n<head>\n<meta charset="utf-8">\n<title>${escapeHtml(options.title ?? '')}</title>\n</head>\n<body>\n${body}\n</body>\n</html>\n`;
}
