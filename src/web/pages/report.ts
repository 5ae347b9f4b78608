/**
 * @module web/pages/report
 * A finished report with every citation marker a link to the passage it cites; a marker whose
 * sentence the passage does not support, or that resolves to no passage, is flagged in place.
 * The citation page shows the sentence, the verdict and the cited text highlighted in its context.
 */
import type { ReportCitation, ResolvedReport } from '../../research/report-citations.js';
import type { EvidenceRecord } from '../../research/selfcheck.js';
import type { TaskRecord } from '../../research/task-runner.js';
import type { Lang, Messages } from '../i18n.js';
import { type Html, h, page } from '../layout.js';
import { escapeHtml } from '../markdown.js';
import { firstLine } from './research.js';
import { raw } from 'hono/html';

const TABLE_SEPARATOR = /^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const FIGURE = /^!\[[^\]]*\]\((figure-\d+\.(?:svg|png))\)\s*$/;

export function reportPage(lang: Lang, t: Messages, task: TaskRecord, resolved: ResolvedReport): Html {
  const check = task.check;
  const flagged = resolved.citations.filter((c) => c.status === 'unsupported' || c.status === 'unresolved').length;
  const summary = check
    ? h`<details class="selfcheck"><summary>${t.selfCheck}</summary><div class="check">
<span>${t.length}</span><span>${check.length.count}${check.length.min !== null ? ` / ${check.length.min}–${check.length.max ?? '∞'}` : ''}</span>
<span>${t.sections}</span><span>${check.sections.found}/${check.sections.required}</span>
<span>${t.citations}</span><span>${check.citations.total}: ${check.citations.resolvable} ${t.resolvable}, ${check.citations.supported} ${t.supported}${flagged ? ` · ⚠ ${flagged}` : ''}</span>
</div></details>`
    : '';
  const links = h`<p class="meta"><a href="/api/research/${task.id}/report">${t.report}</a> · <a href="/api/research/${task.id}/evidence">${t.evidence} (evidence.json)</a> · <a href="/api/research/${task.id}/task-report">${t.taskReport}</a></p>`;
  return page({ lang, t, title: firstLine(task.query), body: h`${summary}${links}<article class="report" id="report">${renderLines(task.id, resolved, t)}</article>` });
}

export interface CitationView {
  task: TaskRecord;
  citation: ReportCitation;
  record: EvidenceRecord | null;
  /** The neighbouring chunks of the cited one, when the document is still in the library. */
  context: { documentId: string; before: string | null; after: string | null } | null;
}

export function citationPage(lang: Lang, t: Messages, view: CitationView): Html {
  const { citation, record, context, task } = view;
  const verdict = h`<span class="badge ${citation.status}" id="verdict" data-status="${citation.status}">${statusLabel(t, citation.status)}</span>${citation.support !== null ? h` <span class="meta">${t.support} ${citation.support.toFixed(2)}</span>` : ''}`;
  const source = record
    ? h`<p class="meta">${record.title} · ${t.chunk} ${record.chunk}${context ? h` · <a href="/documents/${encodeURIComponent(context.documentId)}?chunk=${record.chunk}#c-${record.chunk}">${t.openDocument}</a>` : ''}</p>`
    : '';
  const passage = record
    ? h`${context ? '' : h`<p class="meta">${t.noDocument}</p>`}${context?.before ? h`<p class="context">${context.before}</p>` : ''}<mark class="support" id="support">${record.text}</mark>${context?.after ? h`<p class="context">${context.after}</p>` : ''}`
    : h`<div class="error"><p>${t.flagUnresolved}: <code>${citation.raw}</code></p></div>`;
  return page({
    lang,
    t,
    title: `${t.citedPassage} ${citation.index + 1}`,
    body: h`<p><a href="/research/${task.id}#cite-${citation.index}">← ${t.backToReport}</a></p>
<h1>${t.citedPassage} ${citation.index + 1}</h1>
<h2>${t.citedSentence}</h2><blockquote id="sentence">${citation.sentence}</blockquote><p>${verdict}</p>
<h2>${t.citedPassage}</h2>${source}${passage}`,
  });
}

// ---------------------------------------------------------------------------

function statusLabel(t: Messages, status: ReportCitation['status']): string {
  return status === 'supported' ? t.supported : status === 'unsupported' ? `⚠ ${t.flagUnsupported}` : status === 'unresolved' ? `⚠ ${t.flagUnresolved}` : t.flagMedia;
}

function renderLines(id: string, resolved: ResolvedReport, t: Messages): Html {
  const byLine = new Map<number, ReportCitation[]>();
  for (const citation of resolved.citations) byLine.set(citation.line, [...(byLine.get(citation.line) ?? []), citation]);
  const out: string[] = [];
  const { lines } = resolved;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (!trimmed) continue;
    const inline = (from: number, to: number) => inlineHtml(id, line, from, to, byLine.get(i) ?? [], t);
    const heading = /^(#{1,6})\s+/.exec(line);
    if (heading) {
      const level = Math.min(heading[1]!.length + 1, 6);
      out.push(`<h${level}>${inline(heading[0].length, line.length)}</h${level}>`);
      continue;
    }
    const figure = FIGURE.exec(trimmed);
    if (figure) {
      out.push(`<figure><img src="/api/research/${id}/files/${figure[1]}" alt=""></figure>`);
      continue;
    }
    if (trimmed.startsWith('|')) {
      const rows: string[] = [];
      for (; i < lines.length && lines[i]!.trim().startsWith('|'); i++) {
        if (TABLE_SEPARATOR.test(lines[i]!.trim())) continue;
        rows.push(`<tr>${cells(lines[i]!).map(([from, to]) => `<td>${inlineHtml(id, lines[i]!, from, to, byLine.get(i) ?? [], t)}</td>`).join('')}</tr>`);
      }
      i--;
      out.push(`<div class="table-wrap"><table>${rows.join('')}</table></div>`);
      continue;
    }
    const bullet = /^\s*[-*+]\s+/.exec(line);
    if (bullet) {
      const items: string[] = [];
      for (; i < lines.length; i++) {
        const match = /^\s*[-*+]\s+/.exec(lines[i]!);
        if (!match) break;
        items.push(`<li>${inlineHtml(id, lines[i]!, match[0].length, lines[i]!.length, byLine.get(i) ?? [], t)}</li>`);
      }
      i--;
      out.push(`<ul>${items.join('')}</ul>`);
      continue;
    }
    out.push(`<p>${inline(0, line.length)}</p>`);
  }
  return raw(out.join('\n'));
}

/** Cell spans of a table row, between its pipes. */
function cells(line: string): [number, number][] {
  const pipes = [...line.matchAll(/\|/g)].map((m) => m.index);
  const spans: [number, number][] = [];
  for (let k = 0; k + 1 < pipes.length; k++) spans.push([pipes[k]! + 1, pipes[k + 1]!]);
  return spans;
}

/** Escaped text of line[from, to) with **bold** and each citation in the span replaced by its link. */
function inlineHtml(id: string, line: string, from: number, to: number, citations: readonly ReportCitation[], t: Messages): string {
  let out = '';
  let at = from;
  for (const citation of citations) {
    if (citation.start < from || citation.end > to) continue;
    out += textHtml(line.slice(at, citation.start));
    const flagged = citation.status === 'unsupported' || citation.status === 'unresolved';
    const label = flagged ? `<span class="flag-label" data-flag="${citation.status}">⚠ ${escapeHtml(citation.status === 'unsupported' ? t.flagUnsupported : t.flagUnresolved)}</span>` : '';
    out += `<a class="cite${flagged ? ' flag' : ''}" id="cite-${citation.index}" data-status="${citation.status}" href="/research/${id}/cite/${citation.index}">${escapeHtml(citation.raw)}</a>${label}`;
    at = citation.end;
  }
  return out + textHtml(line.slice(at, to));
}

function textHtml(text: string): string {
  return escapeHtml(text).replace(/\*\*([^*]+?)\*\*/g, '<strong>$1</strong>');
}
