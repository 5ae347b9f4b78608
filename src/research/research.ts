/**
 * @module research/research
 * One research run: the task's materials into a per-task collection, the requirements read from
 * the query, evidence per section, the offline composition fitted to the length range, and the
 * measured self-check. The model-backed writer reuses every step but the sentence choice.
 */
import { collectFiles } from '../collect/files.js';
import type { Library } from '../library/library.js';
import { STOPWORDS } from '../text/stopwords.js';
import { normalizeText } from '../text/normalize.js';
import {
  type Candidate,
  type ComposedSection,
  type Group,
  type PlannedSection,
  dataSectionIndex,
  fillSection,
  markdownTables,
  paragraphs,
  planSections,
  rankCandidates,
  sentenceCount,
  termWeights,
  wantsTable,
} from './compose.js';
import { ZhikuError } from '../errors.js';
import { type DataFigure, dataEvidence } from './data.js';
import { type EvidenceChunk, EvidenceFinder } from './evidence.js';
import { expandQuery } from './expand.js';
import { measureLength } from './length.js';
import { citationMarker, type CitationStyle, renderReport } from './render.js';
import { type Requirements, parseRequirements } from './requirements.js';
import { type EvidenceRecord, type SelfCheck, selfCheck, sentenceBefore, support } from './selfcheck.js';
import type { ResearchTask } from './task.js';
import { CONCLUSION_CUE, framingLead } from './framing.js';
import { type ModelWriter, composeWithModel, repairShortSection } from './write-with-model.js';
import { type VerifyCounts, parseTranslations, translationMessages } from './writer.js';

export type { ModelWriter } from './write-with-model.js';

export interface ResearchOptions {
  /** Write with a model (each section from its evidence pack, every sentence verified); offline when absent. */
  writer?: ModelWriter;
  library: Library;
  task: ResearchTask;
  /** Output format; the task's own request when not given. */
  format?: 'markdown' | 'html';
  cite?: CitationStyle;
  /** Search only these collections (everyday use without a task folder). */
  collections?: readonly string[];
  since?: string;
  maxFileBytes: number;
  threads?: number;
}

export interface ResearchResult {
  requirements: Requirements;
  report: string;
  evidence: EvidenceRecord[];
  check: SelfCheck;
  /** With a model writer: what verification did, what each call was sent, and why writing stopped early. */
  model?: { counts: VerifyCounts; calls: { section: string; pack: { id: string; title: string; chunk: number; text: string }[] }[]; stopped: string | null; repaired: string | null; filtered: string[] };
  /** Charts of the data attachments, referenced by the report as `figure-N.svg`: write them beside it. */
  figures: DataFigure[];
  /** Materials that could not be read, with the reason. */
  unreadable: { item: string; reason: string }[];
  /** What the task's materials gave: attachments by name with their chunks, and the corpus size. */
  materials: { item: string; chunks: number; cited: boolean; yielded?: string }[];
  collection: string | null;
  /** Reading the task's materials into the library (parsing, OCR, indexing). */
  ingestSeconds: number;
  /** Retrieval, composition, length fitting and the self-check. */
  seconds: number;
}

/** Words of the task's framing, not of its subject: they would pull every chunk that says 报告. */
const INSTRUCTION_WORDS = new Set(
  '假设 你是 一名 一位 正在 为 撰写 一份 一篇 请 请你 根据 基于 我 提供 提供的 材料 报告 需要 需 要求 确保 所有 信息 真实 准确 可验证 可验性 注明 来源 引用 标注 采用 使用 正式 书面语 结构 清晰 包含 包括 以下 部分 章节 全文 字数 控制 之间 语言 格式 返回 html 整合 公开 可查 权威 资料 形成 最终 文档 论文 视频 文章 图片 附件 讲解 相关 进行 并 其 中 的 和 与 及 等'.split(' '),
);

/** Title words that name the kind of document, not its subject. */
const GENERIC_TITLE_WORDS = new Set(
  '报告 分析 研究 调研 解读 简报 综述 概述 梳理 对比 比较 规划 方案 建议 预测 趋势 年度 相关 数据 数据集 阅读 监测 适用性 适用 场景 中的 主题 三日 两大 平台 生态 技术 report analysis study review overview'.split(' '),
);

/** Words in a section's name that say what kind of section it is (…总结, …分析), not what it is about. */
const SECTION_KIND_WORDS = new Set('总结 分析 概述 介绍 说明 建议 提示 解读 探讨 讨论 展望 梳理 汇总 小结 部分 要点 关联 情景 summary analysis overview discussion'.split(' '));

/** Section weights of the length budget: framing sections are shorter than findings. */
const ROLE_WEIGHT: Record<PlannedSection['role'], number> = { title: 0, intro: 0.6, method: 0.5, body: 1, summary: 0.6, references: 0 };
const DEFAULT_TARGET = { zh: 1500, en: 900 };
/** Target length units per cited document: how many sources a report of a given length draws on. */
const UNITS_PER_DOCUMENT = 80;
/** Top-ups come from this best share of the ranked documents only: lower down, most are off-topic. */
const TOP_UP_SHARE = 0.4;
/** Key terms sent to the model for translation: the subject's and the query's first. */
const MODEL_TRANSLATED_TERMS = 24;
/** At most this share of the target length quotes a data attachment's computed figures. */
const DATA_SHARE = 0.15;
/** A translated term counts for a little less than the term as the task wrote it. */
const TRANSLATION_WEIGHT = 0.8;

export async function research(options: ResearchOptions): Promise<ResearchResult> {
  const { library, task } = options;
  const ingestStarted = performance.now();
  const requirements = parseRequirements(task.query);
  const format = options.format ?? requirements.format;
  const unreadable: ResearchResult['unreadable'] = [];
  const read: { item: string; id: string; chunks: number }[] = [];
  let collections = options.collections;
  let collection: string | null = null;
  if (task.files.length || task.corpora.length) {
    collection = `task-${task.id}`;
    collections = [collection];
    const report = await library.ingest(collectFiles([...task.files, ...task.corpora], { maxFileBytes: options.maxFileBytes }), { collections: [collection], threads: options.threads });
    for (const item of report.items) {
      if (item.status === 'failed') unreadable.push({ item: item.item, reason: item.reason });
      else if (item.status === 'empty') unreadable.push({ item: item.item, reason: item.reason });
      else if ('chunks' in item) read.push({ item: item.item, id: item.id, chunks: item.chunks });
    }
  }
  const ingestSeconds = (performance.now() - ingestStarted) / 1000;
  const started = performance.now();
  const finder = new EvidenceFinder(library);
  const tokens = (text: string) => library.segmenter.tokenizeQuery(text).filter((token) => !STOPWORDS.has(token) && !INSTRUCTION_WORDS.has(token));
  // Terms reach sentences in the other language through their translations (奖励 → reward).
  const translations = new Map<string, string[]>();
  const translate = (term: string) => {
    let found = translations.get(term);
    if (!found) translations.set(term, (found = expandQuery(term).added.map((added) => normalizeText(added).toLowerCase())));
    return found;
  };
  const bilingual = (weights: Map<string, number>) => {
    const out = new Map(weights);
    for (const [term, weight] of weights) {
      for (const token of translate(term).flatMap(tokens)) if (!out.has(token)) out.set(token, weight * TRANSLATION_WEIGHT);
    }
    return out;
  };
  const queryTerms = unique([...tokens(requirements.title ?? ''), ...tokens(normalizeText(task.query))]);
  const subjectTerms = subjectTermsOf(normalizeText(requirements.title ?? task.query), tokens);
  // With a model: it translates the key terms too (names the dictionary lacks); a failed or
  // unaffordable call leaves the dictionary's translations.
  let stoppedEarly: string | null = null;
  if (options.writer) {
    const terms = unique([...subjectTerms, ...queryTerms.filter((term) => term.length >= 2)]).slice(0, MODEL_TRANSLATED_TERMS);
    try {
      const found = parseTranslations(await options.writer.chat(translationMessages(terms)), terms);
      for (const [term, list] of found) translations.set(term, unique([...translate(term), ...list.map((t) => normalizeText(t).toLowerCase())]));
      finder.addTranslations(found);
    } catch (error) {
      // A reply that is not JSON costs only the translations; a budget stop ends the writing too.
      if (!(error instanceof ZhikuError)) throw error;
      if (error.code === 'E_BUDGET') stoppedEarly = error.message;
    }
  }
  const contextTerms = bilingual(termWeights(queryTerms));
  const core = new Set([...subjectTerms, ...subjectTerms.flatMap(translate).flatMap(tokens).filter((token) => token.length >= (/\p{Script=Han}/u.test(token) ? 2 : 3) && !GENERIC_TITLE_WORDS.has(token))]);
  const plan = planSections(requirements);
  const pools = new Map<PlannedSection, Candidate[]>();
  const totalDocuments = collection ? read.length : (await library.stats()).documents;
  const target = requirements.length
    ? requirements.length.max === null
      ? Math.round(requirements.length.min * 1.15)
      : Math.round((requirements.length.min + requirements.length.max) / 2)
    : DEFAULT_TARGET[requirements.language];
  const ranked = await finder.rankDocuments({ subject: unique(subjectTerms), query: [...contextTerms.keys()].filter((term) => !/^[a-z]/.test(term) || term.length > 2) }, { collections, since: options.since });
  // About one cited document per 80 units of the target length.
  const citableCount = Math.max(8, Math.min(40, Math.round(target / UNITS_PER_DOCUMENT)));
  const subjectFilter = subjectTerms.length ? await finder.subject(unique(subjectTerms), totalDocuments, { collections, since: options.since, translations: translate, enough: citableCount }) : undefined;
  // Citable: the documents about the subject, topped up from the best of the task ranking when they
  // are too few for the length (a title names the subject narrowly: 金融市场 for a report on stock trends).
  const topUp = ranked.slice(0, Math.ceil(ranked.length * TOP_UP_SHARE)).filter((id) => !subjectFilter?.has(id));
  const onSubject = subjectFilter ? new Set([...subjectFilter, ...topUp.slice(0, Math.max(0, citableCount - subjectFilter.size))]) : undefined;
  const scope = { collections, since: options.since, onSubject };
  for (const section of plan) {
    if (section.role === 'references' || section.role === 'title') continue;
    const framing = section.role !== 'body';
    // Framing sections draw on the task as a whole; findings on their own subject.
    const subject = framing ? `${requirements.title ?? ''} ${task.query}` : `${section.name} ${section.detail ?? ''} ${requirements.title ?? ''}`;
    const sectionTerms = bilingual(termWeights(tokens(normalizeText(framing ? (requirements.title ?? task.query) : `${section.name} ${section.detail ?? ''}`)).filter((term) => framing || !SECTION_KIND_WORDS.has(term))));
    const evidence = await finder.find(tokens(normalizeText(subject)).join(' '), scope);
    pools.set(section, rankCandidates(evidence, { section: sectionTerms, context: contextTerms, core }, tokens));
  }

  // A data attachment's computed figures and charts go into the section on trends or data.
  const attachments = read.filter((entry) => !entry.item.includes('#'));
  const data = await dataEvidence(library, attachments.map((entry) => ({ path: entry.item, documentId: entry.id })), { maxUnits: target * DATA_SHARE });
  const dataIndex = data.facts.length || data.figures.length ? dataSectionIndex(plan) : -1;

  // Sections that ask for a table get the attachments' tables.
  const tables = plan.some(wantsTable) ? (await Promise.all(read.filter((entry) => !entry.item.includes('#')).map((entry) => finder.tables(entry.id, markdownTables)))).flat() : [];

  const weightSum = plan.reduce((sum, section) => sum + ROLE_WEIGHT[section.role], 0);
  const renderOptions = { title: requirements.title, format, cite: options.cite ?? 'source', language: requirements.language } as const;
  let report = '';
  let sections: ComposedSection[] = [];
  const decorate = (composed: ComposedSection[]) => {
    const tableSection = composed.find((section, i) => wantsTable(plan[i]!));
    if (tableSection && tables.length) tableSection.tables = tables;
    if (dataIndex >= 0) {
      const section = composed[dataIndex]!;
      section.paragraphs.unshift({ groups: groupByChunk(data.facts) });
      section.figures = data.figures.map(({ file, caption, evidence }) => ({ file, caption, evidence }));
    }
    return composed;
  };
  const budgetFor = (scale: number) => (section: PlannedSection) => (target * scale * ROLE_WEIGHT[section.role]) / weightSum;
  const { min: lengthMin } = requirements.length ?? { min: target * 0.9 };
  let model: ResearchResult['model'];
  if (options.writer) {
    const written = await composeWithModel(plan, pools, budgetFor(1), requirements, task, options.writer, stoppedEarly);
    sections = decorate(written.sections);
    report = renderReport(sections, renderOptions);
    // One repair round: a findings section left empty, or the one furthest under its budget when the report is short.
    if (await repairShortSection(written, options.writer, requirements.language, lengthMin - measureLength(report))) {
      sections = decorate(written.sections);
      report = renderReport(sections, renderOptions);
    }
    if (written.filtered.length) {
      // Sections the content filter withheld are written offline from the same evidence: verbatim, cited sentences.
      const offline = composeAll(plan, pools, budgetFor(1), requirements, task);
      written.sections = written.sections.map((section, i) => (written.filtered.includes(section.name) ? offline[i]! : section));
      sections = decorate(written.sections);
      report = renderReport(sections, renderOptions);
    }
    model = { counts: written.counts, calls: written.drafts.map((d) => ({ section: d.section.name, pack: d.pack.map((e) => ({ id: e.id, title: e.evidence.source.title, chunk: e.evidence.chunk, text: e.text })) })), stopped: written.stopped, repaired: written.repaired, filtered: written.filtered };
  } else {
    let scale = 1;
    let previous = -1;
    for (let attempt = 0; attempt < 8; attempt++) {
      sections = decorate(composeAll(plan, pools, budgetFor(scale), requirements, task));
      report = renderReport(sections, renderOptions);
      const length = measureLength(report);
      const { min, max } = requirements.length ?? { min: target * 0.9, max: target * 1.1 };
      if (length >= min && (max === null || length <= max)) break;
      // Evidence exhausted: asking for more changes nothing.
      if (length < min && length === previous) break;
      previous = length;
      scale *= target / Math.max(1, length);
    }
  }
  if (requirements.length?.max != null) ({ sections, report } = trimToMax(sections, requirements.length.max, renderOptions));

  const evidence = evidenceRecords(sections);
  const check = selfCheck(report, { ...requirements, format }, evidence);
  const citedIds = new Set(sections.flatMap((section) => section.paragraphs.flatMap((paragraph) => paragraph.groups.map((group) => group.evidence.source.documentId))));
  // Attachments one by one; a corpus as one line (its entries are many).
  const materials: ResearchResult['materials'] = [];
  const corpus = read.filter((entry) => entry.item.includes('#'));
  for (const entry of read.filter((e) => !e.item.includes('#'))) {
    const document = await library.getDocument(entry.id);
    materials.push({ item: entry.item.split(/[\\/]/).pop()!, chunks: entry.chunks, cited: citedIds.has(entry.id), yielded: document ? yielded(document.frontmatter) : undefined });
  }
  if (corpus.length) materials.push({ item: `${corpus.length} background documents (${corpus[0]!.item.split('#')[0]!.split(/[\\/]/).pop()})`, chunks: corpus.reduce((sum, e) => sum + e.chunks, 0), cited: corpus.some((e) => citedIds.has(e.id)) });
  // Figures the trimming dropped are not written.
  const shown = new Set(sections.flatMap((section) => (section.figures ?? []).map((figure) => figure.file)));
  const figures = data.figures.filter((figure) => shown.has(figure.file));
  return { requirements, report, evidence, check, figures, ...(model ? { model } : {}), unreadable, materials, collection, ingestSeconds, seconds: (performance.now() - started) / 1000 };
}

function composeAll(
  plan: readonly PlannedSection[],
  pools: ReadonlyMap<PlannedSection, Candidate[]>,
  budget: (section: PlannedSection) => number,
  requirements: Requirements,
  task: ResearchTask,
): ComposedSection[] {
  const used = new Set<string>();
  const cited = new Set<string>();
  const out: ComposedSection[] = [];
  // Concluding sentences are set aside for the summary first; then the findings; then the framing
  // sections take what is left, so scarce evidence never leaves a section empty while others overflow.
  const rank: Record<PlannedSection['role'], number> = { summary: 0, body: 1, intro: 2, method: 3, title: 4, references: 4 };
  const order = [...plan].sort((a, b) => rank[a.role] - rank[b.role]);
  const composed = new Map<PlannedSection, ComposedSection>();
  const everything = [...pools.values()].flat();
  for (const section of order) {
    if (section.role === 'references' || section.role === 'title') {
      composed.set(section, { name: section.name, role: section.role, paragraphs: [] });
      continue;
    }
    const own = pools.get(section) ?? [];
    let groups: Group[];
    if (section.role === 'body') {
      groups = fillSection(own, budget(section), used, cited).groups;
    } else if (section.role === 'summary') {
      const concluding = [...own, ...everything].filter((candidate) => CONCLUSION_CUE.test(candidate.text));
      groups = fillSection(concluding.length ? concluding : [...own, ...everything], budget(section), used, cited).groups;
    } else {
      groups = fillSection([...own, ...everything], budget(section), used, cited).groups;
    }
    const lead = framingLead(section, requirements, task, groups);
    const body = paragraphs(groups);
    if (lead && body[0]) body[0].lead = lead;
    composed.set(section, { name: section.name, role: section.role, paragraphs: body });
  }
  for (const section of plan) out.push(composed.get(section)!);
  return out;
}

/** Drops the weakest trailing groups of the longest sections until the report fits under `max`. */
function trimToMax(sections: ComposedSection[], max: number, options: Parameters<typeof renderReport>[1]): { sections: ComposedSection[]; report: string } {
  let report = renderReport(sections, options);
  for (let guard = 0; guard < 200 && measureLength(report) > max; guard++) {
    const longest = [...sections]
      .filter((section) => section.role !== 'references' && section.paragraphs.some((p) => p.groups.length))
      .sort((a, b) => groupCount(b) - groupCount(a))[0];
    if (!longest) break;
    const last = [...longest.paragraphs].reverse().find((paragraph) => paragraph.groups.length)!;
    const group = last.groups[last.groups.length - 1]!;
    if (group.sentences.length > 1) group.sentences.pop();
    else last.groups.pop();
    longest.paragraphs = longest.paragraphs.filter((paragraph) => paragraph.groups.length || paragraph.lead);
    report = renderReport(sections, options);
  }
  return { sections, report };
}

const groupCount = (section: ComposedSection) => sentenceCount(section.paragraphs);

/** One record per cited chunk: its exact text and how well the sentences citing it are supported. */
function evidenceRecords(sections: readonly ComposedSection[]): EvidenceRecord[] {
  const records = new Map<string, EvidenceRecord & { supports: number[] }>();
  for (const section of sections) {
    for (const block of [...(section.tables ?? []), ...(section.figures ?? [])]) {
      const { evidence } = block;
      const key = `${evidence.source.documentId}#${evidence.chunk}`;
      if (!records.has(key)) records.set(key, { title: evidence.source.file ?? evidence.source.title, chunk: evidence.chunk, text: evidence.text, support: 1, supports: [] });
    }
    for (const paragraph of section.paragraphs) {
      for (const group of paragraph.groups) {
        const chunk: EvidenceChunk = group.evidence;
        const title = chunk.source.kind === 'corpus' ? chunk.source.title : (chunk.source.file ?? chunk.source.title);
        const key = `${chunk.source.documentId}#${chunk.chunk}`;
        const record = records.get(key) ?? { title, chunk: chunk.chunk, text: chunk.text, support: 0, supports: [] };
        const marker = citationMarker(chunk, null);
        const line = `${group.sentences.join('')}${marker}`;
        const value = support(sentenceBefore(line, line.length - marker.length), chunk.text);
        if (value !== null) record.supports.push(value);
        records.set(key, record);
      }
    }
  }
  return [...records.values()].map(({ supports, ...record }) => ({ ...record, support: supports.length ? Math.round(Math.min(...supports) * 1000) / 1000 : 1 }));
}

/**
 * The subject's own terms in a title: its words minus those naming the kind of document, with an
 * English phrase kept whole (Deep Research is one subject, not "deep" and "research").
 */
function subjectTermsOf(title: string, tokens: (text: string) => string[]): string[] {
  const phrases = [...title.toLowerCase().matchAll(/[a-z][a-z0-9.+-]*(?:[ \t]+[a-z][a-z0-9.+-]*)+/g)].map((match) => match[0].replace(/\s+/g, ' '));
  const inPhrase = new Set(phrases.flatMap((phrase) => phrase.split(' ')));
  // 分析报告 is 分析 + 报告: as generic as its parts.
  const generic = (term: string) => GENERIC_TITLE_WORDS.has(term) || [...term].some((_, i) => i > 0 && GENERIC_TITLE_WORDS.has(term.slice(0, i)) && GENERIC_TITLE_WORDS.has(term.slice(i)));
  const words = tokens(title).filter((term) => !inPhrase.has(term.toLowerCase()) && !generic(term) && (term.length >= 2 || /[a-z0-9]/i.test(term)));
  return unique([...phrases, ...words]);
}

/** What an image or video gave the report, so a miss can be traced to its cause. */
function yielded(frontmatter: Record<string, unknown>): string | undefined {
  if (frontmatter.format !== 'image' && frontmatter.format !== 'video') return undefined;
  const parts: string[] = [];
  if (frontmatter.format === 'image') parts.push(Number(frontmatter.ocrLines) > 0 ? `${frontmatter.ocrLines} lines of text by OCR` : 'no text found by OCR');
  if (frontmatter.format === 'image') parts.push(frontmatter.brand && frontmatter.brand !== 'unknown' ? `brand mark: ${frontmatter.brand}` : 'no brand mark recognised');
  if (frontmatter.taskDescription) parts.push("the task's description of it");
  parts.push(frontmatter.visionModel ? `described by ${frontmatter.visionModel}` : frontmatter.visionError ? `vision model failed: ${frontmatter.visionError}` : 'no vision description (set ZHIKU_VISION_MODEL)');
  return parts.join('; ');
}

/** Consecutive candidates from one chunk become one cited group. */
function groupByChunk(candidates: readonly Candidate[]): Group[] {
  const groups: Group[] = [];
  for (const candidate of candidates) {
    const last = groups[groups.length - 1];
    if (last && last.evidence.chunkId === candidate.evidence.chunkId) last.sentences.push(candidate.text);
    else groups.push({ evidence: candidate.evidence, sentences: [candidate.text] });
  }
  return groups;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

