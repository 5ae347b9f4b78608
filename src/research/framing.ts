/**
 * @module research/framing
 * The sentences a report says about itself (what the materials are, how they were used, how many
 * sources a summary draws on) — templates, never a claim about the subject — and the cue words of a
 * concluding sentence. Shared by the offline composer and the model writer.
 */
import type { Group, PlannedSection } from './compose.js';
import type { Requirements } from './requirements.js';
import type { ResearchTask } from './task.js';

/** Sentences that conclude: the summary takes these first. */
export const CONCLUSION_CUE = /总之|综上|因此|由此可见|可见|表明|意味着|说明了|体现了|总体而言|总的来说|in (?:sum|conclusion)|overall|therefore|suggests?/i;

/** Template sentences that say what the materials are and how they were used — never a claim about the subject. */
export function framingLead(section: PlannedSection, requirements: Requirements, task: ResearchTask, groups: readonly Group[]): string | undefined {
  const en = requirements.language === 'en';
  const subject = requirements.title ?? task.query.slice(0, 40);
  const sources = new Set(groups.map((group) => group.evidence.source.documentId)).size;
  if (section.role === 'intro') {
    return en
      ? `This report on “${subject}” is written from the materials of the task; every paragraph names its source. `
      : `本报告围绕“${subject}”展开，依据任务提供的材料写成，正文各段均注明出处。`;
  }
  if (section.role === 'method') {
    const files = task.files.map((file) => file.split(/[\\/]/).pop()).filter(Boolean);
    const attached = files.length ? (en ? `the attached files ${files.join(', ')}` : `任务附件${files.map((file) => `《${file}》`).join('、')}`) : '';
    const background = task.corpora.length ? (en ? 'a background corpus' : '背景资料库') : en ? 'the library' : '资料库';
    return en
      ? `The materials are ${attached ? `${attached} and ` : ''}${background}. Each section was searched for its own subject; only passages above a relevance threshold were used, quoted from their sources and cited at the end of each passage; the length is measured, not estimated. `
      : `本报告的材料包括${attached ? `${attached}和` : ''}${background}。写作时按各章节的主题分别检索，只采用相关度达到阈值的段落，正文摘自所引材料并在段末注明出处，字数为实测值。`;
  }
  if (section.role === 'summary' && groups.length) {
    return en ? `Taken together, the ${sources} sources cited here state the following. ` : `综合本节所引的${sources}份材料，可归纳如下：`;
  }
  return undefined;
}
