/**
 * @module research/writer
 * The model-backed writer. Each section is written from its own evidence pack — the section's best
 * chunks, numbered E1…En, never the corpus — with a citation id after every sentence. Every sentence
 * that comes back is then verified against the chunk it cites: kept when the chunk supports it
 * (character-bigram overlap ≥ 0.5, as the scorer measures, and every number of the sentence in the
 * chunk), re-cited to the pack chunk that does support it, or removed. Ids outside the pack are never
 * trusted. What survives becomes the same paragraphs and groups the offline composer makes, so
 * rendering, references, evidence.json and the self-check are shared.
 */
import { normalizeText } from '../text/normalize.js';
import { countUnits } from '../text/measure.js';
import type { Candidate, Group, Paragraph, PlannedSection } from './compose.js';
import type { EvidenceChunk } from './evidence.js';
import type { ChatMessage } from '../model/chat.js';
import type { Requirements } from './requirements.js';
import { support } from './selfcheck.js';

/** A sentence is supported by a chunk that shares at least this share of its character bigrams. */
export const SUPPORT_THRESHOLD = 0.5;
/**
 * With an embedding model: a sentence whose embedding has at least this cosine similarity with the
 * chunk's is supported too (a faithful paraphrase); its numbers must still be in the chunk.
 */
export const EMBEDDING_THRESHOLD = 0.8;

/** Similarity of a sentence to a pack entry by another measure than bigrams (embeddings), 0–1. */
export type Similarity = (sentence: string, entry: PackEntry) => number;
/** Chunks per section pack, and the pack's size in characters: the section's share of a small prompt. */
const PACK_CHUNKS = 8;
const PACK_CHARACTERS = 6000;
/** A chunk is cut to this many characters in the prompt (its best part for the section stays). */
const CHUNK_CHARACTERS = 900;

export interface PackEntry {
  id: string;
  evidence: EvidenceChunk;
  /** The text sent to the model (the chunk, cut to its first CHUNK_CHARACTERS). */
  text: string;
}

export interface VerifyCounts {
  /** Sentences kept with the citation the model gave. */
  kept: number;
  /** Sentences moved to another pack chunk that supports them (a wrong id, an id outside the pack, or none). */
  recited: number;
  /** Sentences no pack chunk supports: dropped. */
  removed: number;
  /** Citation ids the model used that were not in the pack. */
  unknownIds: number;
}

/**
 * The distinct chunks of a section's ranked candidates within the pack's size: first the best chunk
 * of each document, then further chunks, so the section can draw on as many sources as it has room for.
 */
export function evidencePack(candidates: readonly Candidate[]): PackEntry[] {
  const pack: PackEntry[] = [];
  const seen = new Set<number>();
  const documents = new Set<string>();
  const firstOfDocument = candidates.filter((candidate) => {
    const document = candidate.evidence.source.documentId;
    if (documents.has(document)) return false;
    documents.add(document);
    return true;
  });
  let characters = 0;
  for (const candidate of [...firstOfDocument, ...candidates]) {
    const { evidence } = candidate;
    if (seen.has(evidence.chunkId)) continue;
    const text = evidence.text.length > CHUNK_CHARACTERS ? `${evidence.text.slice(0, CHUNK_CHARACTERS)}…` : evidence.text;
    if (pack.length && characters + text.length > PACK_CHARACTERS) break;
    seen.add(evidence.chunkId);
    characters += text.length;
    pack.push({ id: `E${pack.length + 1}`, evidence, text });
    if (pack.length >= PACK_CHUNKS) break;
  }
  return pack;
}

/** The messages for one section: the requirements that apply to it and its pack, nothing else. */
export function sectionMessages(section: PlannedSection, pack: readonly PackEntry[], requirements: Requirements, units: number, title: string | null): ChatMessage[] {
  const en = requirements.language === 'en';
  const system = en
    ? 'You write one section of a research report from the evidence given, and only from it. After every sentence put the id of the evidence that states it, like [E2]. Keep the evidence\'s wording and numbers; never add a fact, name or number the evidence does not contain. Plain paragraphs, no lists, no headings.'
    : '你根据给定的证据撰写研究报告中的一个章节，只能使用这些证据。每句话末尾用方括号注明支持该句的证据编号，如[E2]。尽量沿用证据原文的措辞和数字，不得加入证据中没有的事实、名称或数字。只写成段的正文，不分点，不写标题。';
  const evidence = pack.map((entry) => `[${entry.id}] 《${entry.evidence.source.title}》\n${entry.text}`).join('\n\n');
  const task = en
    ? `Report: ${title ?? ''}\nSection: ${section.name}${section.detail ? ` — ${section.detail}` : ''}\nLength: about ${Math.round(units)} words.${requirements.style.formal ? ' Formal written register.' : ''}`
    : `报告：《${title ?? ''}》\n章节：${section.name}${section.detail ? `（${section.detail}）` : ''}\n篇幅：约 ${Math.round(units)} 字。${requirements.style.formal ? '采用正式书面语。' : ''}`;
  return [
    { role: 'system', content: system },
    { role: 'user', content: `${task}\n\n${en ? 'Evidence' : '证据'}：\n\n${evidence}` },
  ];
}

/** Ask for more: the same pack, a longer target (one repair round for a section that came back short). */
export function expandMessages(messages: readonly ChatMessage[], draft: string, units: number, language: 'zh' | 'en'): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: draft },
    { role: 'user', content: language === 'en' ? `Too short. Rewrite the section at about ${Math.round(units)} words, from the same evidence, with the same citation rules.` : `篇幅不足。请依据同样的证据、按同样的引用规则，把本章节重写为约 ${Math.round(units)} 字。` },
  ];
}

const MARKER = /\[\s*E\d+(?:\s*[,，、;；]\s*E?\d+)*\s*\]/g;

/** A draft's paragraphs as sentences with the ids each cites. */
export function parseDraft(draft: string): { text: string; ids: string[] }[][] {
  return draft
    .split(/\n\s*\n|\n(?=\S)/)
    .map((paragraph) =>
      paragraph
        // A marker before the full stop belongs to the sentence it ends: move it after.
        .replace(/((?:\[\s*E[^\]]*\]\s*)+)([。！？!?]+)/g, '$2$1')
        .replace(/^\s*(?:[-*•]|\d+[.、)])\s+/gm, '')
        .trim(),
    )
    .filter(Boolean)
    .map((paragraph) => {
      const sentences: { text: string; ids: string[] }[] = [];
      for (const match of paragraph.matchAll(/[^。！？!?]+(?:[。！？!?]+[”’」』）)]*|$)\s*(?:\[\s*E[^\]]*\]\s*)*/g)) {
        const { text, ids } = stripMarkers(match[0]);
        if (countUnits(text) >= 4) sentences.push({ text, ids });
      }
      return sentences;
    })
    .filter((sentences) => sentences.length);
}

/**
 * The sentence without its `[E…]` markers, and their ids. Removal repeats until none is left: taking
 * `[E2, E3]` out of `[E12[E2, E3]]` joins the rest into a marker of its own.
 */
function stripMarkers(sentence: string): { text: string; ids: string[] } {
  const ids: string[] = [];
  let text = sentence;
  for (let previous = ''; previous !== text; ) {
    previous = text;
    for (const marker of text.matchAll(MARKER)) for (const n of marker[0].matchAll(/\d+/g)) ids.push(`E${n[0]}`);
    text = text.replace(MARKER, '');
  }
  return { text: text.trim(), ids };
}

const NUMBER = /\d+(?:[.,]\d+)*%?/g;

/** Every number of the sentence is in the chunk (commas and spacing aside). */
function numbersIn(sentence: string, chunk: string): boolean {
  const text = normalizeText(chunk).replace(/,/g, '');
  return (normalizeText(sentence).match(NUMBER) ?? []).every((number) => text.includes(number.replace(/,/g, '')));
}

/** How well `entry` supports `sentence` on the bigram scale: the embedding similarity counts when it passes its own threshold. */
function supports(sentence: string, entry: PackEntry, similarity?: Similarity): number {
  if (!numbersIn(sentence, entry.evidence.text)) return 0;
  const lexical = support(sentence, entry.evidence.text) ?? 0;
  if (lexical >= SUPPORT_THRESHOLD || !similarity) return lexical;
  const semantic = similarity(sentence, entry);
  return semantic >= EMBEDDING_THRESHOLD ? Math.max(lexical, SUPPORT_THRESHOLD + (semantic - EMBEDDING_THRESHOLD)) : lexical;
}

/**
 * Checks every sentence of a draft against its pack: kept, re-cited or removed, counted. Consecutive
 * sentences on one chunk share one citation.
 */
export function verifyDraft(draft: string, pack: readonly PackEntry[], similarity?: Similarity): { paragraphs: Paragraph[]; counts: VerifyCounts } {
  const byId = new Map(pack.map((entry) => [entry.id, entry]));
  const counts: VerifyCounts = { kept: 0, recited: 0, removed: 0, unknownIds: 0 };
  const paragraphs: Paragraph[] = [];
  for (const sentences of parseDraft(draft)) {
    const groups: Group[] = [];
    for (const sentence of sentences) {
      const cited = sentence.ids.map((id) => byId.get(id));
      counts.unknownIds += cited.filter((entry) => !entry).length;
      const own = cited.find((entry) => entry && supports(sentence.text, entry, similarity) >= SUPPORT_THRESHOLD);
      let chosen: PackEntry | undefined = own;
      if (own) counts.kept++;
      else {
        let best = 0;
        for (const entry of pack) {
          const value = supports(sentence.text, entry, similarity);
          if (value > best) [best, chosen] = [value, entry];
        }
        if (chosen && best >= SUPPORT_THRESHOLD) counts.recited++;
        else {
          counts.removed++;
          continue;
        }
      }
      const last = groups[groups.length - 1];
      if (last && last.evidence.chunkId === chosen!.evidence.chunkId) last.sentences.push(sentence.text);
      else groups.push({ evidence: chosen!.evidence, sentences: [sentence.text] });
    }
    if (groups.length) paragraphs.push({ groups });
  }
  return { paragraphs, counts };
}

/**
 * One call that translates the task's search terms (Chinese → English, English → Chinese), so
 * retrieval reaches sources in the other language by the names the dictionary lacks (豆包 → Doubao).
 */
export function translationMessages(terms: readonly string[]): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You translate search terms for a bilingual search engine. Chinese terms get their usual English names, English terms their usual Chinese names; product and company names as their makers write them. Answer with one JSON object mapping each term to a list of at most two translations, nothing else.',
    },
    { role: 'user', content: JSON.stringify(terms) },
  ];
}

/** The term → translations object of a reply (the first JSON object in it); nothing usable → empty. */
export function parseTranslations(reply: string, terms: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const match = /\{[\s\S]*\}/.exec(reply);
  if (!match) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[0]);
  } catch {
    return out;
  }
  if (!parsed || typeof parsed !== 'object') return out;
  for (const term of terms) {
    const value = (parsed as Record<string, unknown>)[term];
    const list = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.trim().length > 0 && v.length <= 60);
    if (list.length) out.set(term, list.slice(0, 2).map((v) => v.trim()));
  }
  return out;
}
