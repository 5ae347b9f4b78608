/**
 * @module research/write-with-model
 * The report's sections written by a model endpoint: each from its own evidence pack, every sentence
 * verified (writer.ts), a budget stop keeping what was written, and one repair round for a section that
 * came back empty or short.
 */
import { ZhikuError } from '../errors.js';
import { type ChatMessage, cosine, isContentFiltered } from '../model/chat.js';
import { countUnits } from '../text/measure.js';
import { type Candidate, type ComposedSection, type PlannedSection, sentenceCount } from './compose.js';
import { CONCLUSION_CUE, framingLead } from './framing.js';
import type { Requirements } from './requirements.js';
import type { ResearchTask } from './task.js';
import { type PackEntry, type Similarity, type VerifyCounts, evidencePack, expandMessages, parseDraft, sectionMessages, verifyDraft } from './writer.js';

/** A model endpoint for the writing: `chat` is already bound to its client, model, meter and budget. */
export interface ModelWriter {
  model: string;
  chat: (messages: ChatMessage[]) => Promise<string>;
  /** With an embedding model: vectors for texts, so a faithful paraphrase verifies (metered like chat). */
  embed?: (texts: string[]) => Promise<number[][]>;
}

export interface ModelComposition {
  sections: ComposedSection[];
  drafts: SectionDraft[];
  counts: VerifyCounts;
  /** Why writing stopped early (a budget), or null. */
  stopped: string | null;
  /** The section the repair round rewrote, or null. */
  repaired: string | null;
  /** Sections whose reply the model's content filter withheld (written offline from the same evidence instead). */
  filtered: string[];
}

export interface SectionDraft {
  section: PlannedSection;
  pack: PackEntry[];
  messages: ChatMessage[];
  draft: string;
  budget: number;
  units: number;
}

/**
 * Every section written by the model from its own pack and verified; the method section keeps its
 * template (it states how the report was made, which no source says). A budget stop keeps what was
 * written and leaves the rest empty.
 */
export async function composeWithModel(
  plan: readonly PlannedSection[],
  pools: ReadonlyMap<PlannedSection, Candidate[]>,
  budget: (section: PlannedSection) => number,
  requirements: Requirements,
  task: ResearchTask,
  writer: ModelWriter,
  stoppedBefore: string | null,
): Promise<ModelComposition> {
  const everything = [...pools.values()].flat().sort((a, b) => b.score - a.score);
  const sections: ComposedSection[] = [];
  const drafts: SectionDraft[] = [];
  let counts: VerifyCounts = { kept: 0, recited: 0, removed: 0, unknownIds: 0 };
  let stopped = stoppedBefore;
  const filtered: string[] = [];
  for (const section of plan) {
    const composed: ComposedSection = { name: section.name, role: section.role, paragraphs: [] };
    sections.push(composed);
    if (section.role === 'references' || section.role === 'title' || stopped) continue;
    const lead = framingLead(section, requirements, task, []);
    if (section.role === 'method') {
      if (lead) composed.paragraphs.push({ lead, groups: [] });
      continue;
    }
    const own = pools.get(section) ?? [];
    const pack = evidencePack(section.role === 'body' ? own : section.role === 'summary' ? [...own.filter((c) => CONCLUSION_CUE.test(c.text)), ...own, ...everything] : [...own, ...everything]);
    if (!pack.length) continue;
    const messages = sectionMessages(section, pack, requirements, budget(section), requirements.title);
    let draft: string;
    try {
      draft = await writer.chat(messages);
    } catch (error) {
      if (isContentFiltered(error)) {
        filtered.push(section.name);
        continue;
      }
      if (!(error instanceof ZhikuError && error.code === 'E_BUDGET')) throw error;
      stopped = error.message;
      continue;
    }
    let similarity: Similarity | undefined;
    try {
      similarity = await embeddingSimilarity(writer, draft, pack);
    } catch (error) {
      if (!(error instanceof ZhikuError && error.code === 'E_BUDGET')) throw error;
      stopped = error.message;
    }
    const verified = verifyDraft(draft, pack, similarity);
    counts = addCounts(counts, verified.counts);
    composed.paragraphs = verified.paragraphs;
    if (lead && composed.paragraphs[0]) composed.paragraphs[0].lead = lead;
    drafts.push({ section, pack, messages, draft, budget: budget(section), units: countUnits(verified.paragraphs.flatMap((p) => p.groups.flatMap((g) => g.sentences)).join('')) });
  }
  return { sections, drafts, counts, stopped, repaired: null, filtered };
}

/**
 * One repair round: the findings section left empty by verification, or the one furthest under its
 * budget when the report is `deficit` units short, is asked for more from the same pack. True when the
 * rewrite was kept (it has more verified sentences than before).
 */
export async function repairShortSection(written: ModelComposition, writer: ModelWriter, language: 'zh' | 'en', deficit: number): Promise<boolean> {
  const short = written.drafts.filter((draft) => draft.section.role === 'body').sort((a, b) => a.units / a.budget - b.units / b.budget)[0];
  if (written.stopped || !short || (deficit <= 0 && short.units > 0)) return false;
  const index = written.sections.findIndex((section) => section.name === short.section.name);
  try {
    const draft = await writer.chat(expandMessages(short.messages, short.draft, short.units + Math.max(short.budget - short.units, deficit) * 1.2, language));
    const verified = verifyDraft(draft, short.pack, await embeddingSimilarity(writer, draft, short.pack));
    if (sentenceCount(verified.paragraphs) <= sentenceCount(written.sections[index]!.paragraphs)) return false;
    written.counts = addCounts(written.counts, verified.counts);
    written.sections[index]!.paragraphs = verified.paragraphs;
    written.repaired = short.section.name;
    return true;
  } catch (error) {
    // A filtered rewrite leaves the first draft as it was.
    if (isContentFiltered(error)) return false;
    if (!(error instanceof ZhikuError && error.code === 'E_BUDGET')) throw error;
    written.stopped = error.message;
    return false;
  }
}

/** Cosine similarity of the draft's sentences to the pack's chunks, from one embedding call; undefined without an embedding model. */
async function embeddingSimilarity(writer: ModelWriter, draft: string, pack: readonly PackEntry[]): Promise<Similarity | undefined> {
  if (!writer.embed) return undefined;
  const sentences = [...new Set(parseDraft(draft).flatMap((paragraph) => paragraph.map((sentence) => sentence.text)))];
  if (!sentences.length) return undefined;
  const vectors = await writer.embed([...sentences, ...pack.map((entry) => entry.text)]);
  const bySentence = new Map(sentences.map((sentence, i) => [sentence, vectors[i]!]));
  const byEntry = new Map(pack.map((entry, i) => [entry.id, vectors[sentences.length + i]!]));
  return (sentence, entry) => {
    const a = bySentence.get(sentence);
    const b = byEntry.get(entry.id);
    return a && b ? cosine(a, b) : 0;
  };
}

function addCounts(a: VerifyCounts, b: VerifyCounts): VerifyCounts {
  return { kept: a.kept + b.kept, recited: a.recited + b.recited, removed: a.removed + b.removed, unknownIds: a.unknownIds + b.unknownIds };
}
