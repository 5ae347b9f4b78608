/**
 * @module research/compose
 * The offline writer. Every sentence of a body section is a sentence of a retrieved chunk, copied
 * verbatim and cited; the only other sentences are templates that state what the materials are
 * and how they were used. No sentence appears twice. Sections get length budgets; the report is
 * fitted to the requested range by measurement, and when the evidence above the relevance floor runs
 * out the shortfall is reported, not padded.
 */
import { normalizeText } from '../text/normalize.js';
import { countUnits } from '../text/measure.js';
import type { EvidenceChunk, Source } from './evidence.js';
import type { Requirements, SectionRequirement } from './requirements.js';

export type SectionRole = 'title' | 'intro' | 'method' | 'body' | 'summary' | 'references';

export interface PlannedSection {
  name: string;
  detail?: string;
  role: SectionRole;
}

export interface Group {
  /** Sentences of one chunk, in the chunk's order, verbatim. */
  sentences: string[];
  evidence: EvidenceChunk;
}

export interface Paragraph {
  /** A template sentence about the materials, before the cited groups. */
  lead?: string;
  groups: Group[];
}

export interface TableBlock {
  /** Markdown pipe table, header first, as the attachment holds it. */
  markdown: string;
  /** The attachment chunk the table is in, for its caption's citation. */
  evidence: EvidenceChunk;
}

export interface ComposedSection {
  name: string;
  role: SectionRole;
  paragraphs: Paragraph[];
  /** Tables from the attachments, for a section that asks for one (汇总表, 一览表, table). */
  tables?: TableBlock[];
  /** Charts of a data attachment: an image file in the output folder and its cited caption. */
  figures?: FigureBlock[];
}

export interface FigureBlock {
  file: string;
  caption: string;
  evidence: EvidenceChunk;
}

/** The body section a data attachment's figures belong in: the first about trends, data or history, else the first finding. */
export function dataSectionIndex(plan: readonly PlannedSection[]): number {
  const named = plan.findIndex((section) => section.role === 'body' && /趋势|数据|统计|走势|历史|规律|现状|行情|表现|data|trend|statistic|histor/i.test(section.name));
  return named >= 0 ? named : plan.findIndex((section) => section.role === 'body');
}

/** A section whose name asks for a table. */
export const wantsTable = (section: PlannedSection) => section.role === 'body' && /表|table/i.test(section.name);

/** Pipe tables in a markdown body (header, separator, rows), at most `maxRows` rows each. */
export function markdownTables(body: string, maxRows = 30): string[] {
  const tables: string[] = [];
  let current: string[] = [];
  for (const line of [...body.split('\n'), '']) {
    if (line.trim().startsWith('|')) {
      current.push(line.trim());
      continue;
    }
    if (current.length >= 3 && /^\|\s*:?-{3,}/.test(current[1]!)) tables.push(current.slice(0, maxRows + 2).join('\n'));
    current = [];
  }
  return tables;
}

export interface Candidate {
  text: string;
  /** Position in its chunk, to keep a chunk's sentences in order. */
  index: number;
  score: number;
  evidence: EvidenceChunk;
}

const ROLE_PATTERNS: [SectionRole, RegExp][] = [
  ['references', /^(?:主要)?(?:参考|资料来源|信息来源|数据来源|引用)|^(?:references?|sources?|bibliography)\b/i],
  ['intro', /^(?:引言|前言|导言|绪论|概述|背景|introduction|overview|background)/i],
  ['method', /(?:研究|调研|分析)?方法|^methods?\b|methodology/i],
  ['summary', /^(?:总结|结论|结语|小结|总结与展望|结论与展望)|^(?:conclusions?|summary)\b/i],
];

/** The sections to write, in order: the task's, or a plain structure when it names none. */
export function planSections(requirements: Requirements): PlannedSection[] {
  const named: SectionRequirement[] = requirements.sections.length
    ? requirements.sections
    : requirements.language === 'en'
      ? [{ name: 'Overview' }, { name: 'Findings' }, { name: 'Conclusion' }, { name: 'References' }]
      : [{ name: '概述' }, { name: '主要发现' }, { name: '总结' }, { name: '参考资料' }];
  const planned = named.map((section): PlannedSection => {
    const role = section.isTitle ? 'title' : (ROLE_PATTERNS.find(([, pattern]) => pattern.test(section.name))?.[0] ?? 'body');
    return { name: section.name, ...(section.detail ? { detail: section.detail } : {}), role };
  });
  // Every cited report ends with its references, asked for or not.
  if (!planned.some((section) => section.role === 'references')) planned.push({ name: requirements.language === 'en' ? 'References' : '参考资料', role: 'references' });
  // A task whose every section is framing still needs one section of findings.
  if (!planned.some((section) => section.role === 'body')) planned.splice(Math.max(1, planned.findIndex((s) => s.role === 'summary')), 0, { name: requirements.language === 'en' ? 'Findings' : '主要发现', role: 'body' });
  return planned;
}

// A semicolon joins clauses of one sentence: quoting up to it would cut the sentence in half.
const SENTENCE = /[^。！？!?\n]+(?:[。！？!?]+[”’」』）)]*|$)/g;
const BOILERPLATE =
  /https?:\/\/|www\.|点击|扫码|关注(?:我们|公众号)|转载|责任编辑|编辑[:：]|来源[:：]|版权|免责声明|阅读原文|上一篇|下一篇|©|copyright|分享到这里|到这里就结束|欢迎(?:补充|留言|评论|关注|转发)|大家好|小编|评论区|点赞|收藏(?:本文|这篇)/i;

/** A chunk's sentences that can stand alone in a report. */
export function chunkSentences(text: string): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(SENTENCE)) {
    // The source's own reference marks ([2], [3-5]) would read as this report's citations.
    const sentence = match[0].replace(/\s*\[\d{1,3}(?:\s*[,，、\-–]\s*\d{1,3})*\]\s*/g, '').trim();
    const units = countUnits(sentence);
    if (units < 12 || units > 220) continue;
    if (BOILERPLATE.test(sentence)) continue;
    // A heading or a caption, not a sentence: no closing punctuation and short.
    if (!/[。！？!?.”’」』）)]$/.test(sentence) && units < 40) continue;
    if (/^[-*•#|>]|^\d+[.、)]\s/.test(sentence)) continue;
    // A sentence cut inside a quotation ("…以及“机遇？") is a fragment.
    if ((sentence.match(/“/g)?.length ?? 0) !== (sentence.match(/”/g)?.length ?? 0) || /[\[\]【】]/.test(sentence)) continue;
    out.push(sentence);
  }
  return out;
}

/** Sentences scoring under this share of the section's best are not used. */
const CANDIDATE_FLOOR = 0.25;

export interface TermWeights {
  /** Terms of the section (name and detail): the main signal. */
  section: ReadonlyMap<string, number>;
  /** Terms of the title and query: context. */
  context: ReadonlyMap<string, number>;
  /** The subject's own terms (the title's, minus words like 报告 or 分析): a sentence must name the subject. */
  core: ReadonlySet<string>;
}

/** Candidate sentences of a section's evidence, best first; a sentence must share a term with the section or the task. */
export function rankCandidates(evidence: readonly EvidenceChunk[], weights: TermWeights, tokens: (text: string) => string[]): Candidate[] {
  const candidates: Candidate[] = [];
  for (const chunk of evidence) {
    chunkSentences(chunk.text).forEach((text, index) => {
      const words = new Set(tokens(text));
      let section = 0;
      let context = 0;
      let core = 0;
      let sectionOwn = 0;
      for (const word of words) {
        section += weights.section.get(word) ?? 0;
        context += weights.context.get(word) ?? 0;
        if (weights.core.has(word)) core++;
        else if (weights.section.has(word)) sectionOwn++;
      }
      // On the task's subject: one of its terms, or one of the section's own.
      if (weights.core.size && !(core >= 1 || sectionOwn >= 1)) return;
      if (context === 0 && weights.context.size) return;
      candidates.push({ text, index, evidence: chunk, score: 2 * section + context + 1.5 * chunk.relevance });
    });
  }
  candidates.sort((a, b) => b.score - a.score);
  // A relevance floor within the section: far weaker sentences than the best are filler.
  const floor = (candidates[0]?.score ?? 0) * CANDIDATE_FLOOR;
  return candidates.filter((candidate) => candidate.score >= floor);
}

/** Longer terms say more; a term of one character says little. */
export function termWeights(terms: readonly string[]): Map<string, number> {
  return new Map(terms.map((term) => [term, Math.min(3, 0.5 + countUnits(term) / 2)]));
}

/** A section quotes at most this many sentences of one document, so it draws on several sources. */
const PER_DOCUMENT = 3;

/**
 * Picks sentences until the budget (units) is met, skipping any already used in the report. A first
 * pass takes one sentence from each document the report has not cited yet, so the report draws on as
 * many relevant sources as its length allows; a second pass fills from the best sentences of any.
 */
export function fillSection(candidates: readonly Candidate[], budget: number, used: Set<string>, citedDocuments: Set<string> = new Set()): { groups: Group[]; units: number } {
  const picked: Candidate[] = [];
  const perDocument = new Map<string, number>();
  let units = 0;
  const take = (candidate: Candidate) => {
    const document = candidate.evidence.source.documentId;
    used.add(sentenceKey(candidate.text));
    perDocument.set(document, (perDocument.get(document) ?? 0) + 1);
    picked.push(candidate);
    units += countUnits(candidate.text);
  };
  for (const candidate of candidates) {
    if (units >= budget) break;
    const document = candidate.evidence.source.documentId;
    if (citedDocuments.has(document) || perDocument.has(document) || used.has(sentenceKey(candidate.text))) continue;
    take(candidate);
  }
  for (const candidate of candidates) {
    if (units >= budget) break;
    if (used.has(sentenceKey(candidate.text)) || (perDocument.get(candidate.evidence.source.documentId) ?? 0) >= PER_DOCUMENT) continue;
    take(candidate);
  }
  for (const document of perDocument.keys()) citedDocuments.add(document);
  // One group per chunk, its sentences in reading order; groups in order of their best sentence.
  const groups = new Map<number, Candidate[]>();
  for (const candidate of picked) groups.set(candidate.evidence.chunkId, [...(groups.get(candidate.evidence.chunkId) ?? []), candidate]);
  return {
    units,
    groups: [...groups.values()].map((members) => ({ evidence: members[0]!.evidence, sentences: members.sort((a, b) => a.index - b.index).map((m) => m.text) })),
  };
}

/** Sentences quoted in these paragraphs. */
export const sentenceCount = (paragraphs: readonly { groups: readonly Group[] }[]) => paragraphs.reduce((sum, p) => sum + p.groups.reduce((n, g) => n + g.sentences.length, 0), 0);

export const sentenceKey = (text: string) => normalizeText(text).replace(/[\s\p{P}]/gu, '');

/** Groups into paragraphs of about `target` units. */
export function paragraphs(groups: readonly Group[], target = 220): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Group[] = [];
  let units = 0;
  for (const group of groups) {
    current.push(group);
    units += countUnits(group.sentences.join(''));
    if (units >= target) {
      out.push({ groups: current });
      current = [];
      units = 0;
    }
  }
  if (current.length) out.push({ groups: current });
  return out;
}

/** The sources a report cites, in order of first citation. */
export function citedSources(sections: readonly ComposedSection[]): { source: Source; chunks: number[] }[] {
  const sources = new Map<string, { source: Source; chunks: number[] }>();
  for (const section of sections) {
    for (const block of [...(section.tables ?? []), ...(section.figures ?? [])]) {
      const entry = sources.get(block.evidence.source.documentId) ?? { source: block.evidence.source, chunks: [] };
      if (!entry.chunks.includes(block.evidence.chunk)) entry.chunks.push(block.evidence.chunk);
      sources.set(block.evidence.source.documentId, entry);
    }
    for (const paragraph of section.paragraphs) {
      for (const group of paragraph.groups) {
        const entry = sources.get(group.evidence.source.documentId) ?? { source: group.evidence.source, chunks: [] };
        if (!entry.chunks.includes(group.evidence.chunk)) entry.chunks.push(group.evidence.chunk);
        sources.set(group.evidence.source.documentId, entry);
      }
    }
  }
  return [...sources.values()];
}
