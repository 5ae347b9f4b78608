/**
 * @module research/requirements
 * What a research task asks for, read from its wording: the report title, the required sections in
 * order (with what each should cover), the length range, language, output format and style. Every
 * later step — retrieval per section, composition, the self-check — works from this object, so the
 * parser is strict about what it claims: a requirement it cannot find is null, never a default.
 */

export interface SectionRequirement {
  /** The heading the report must carry, as the task names it (引言, 技术发展路线对比, Introduction). */
  name: string;
  /** What the task says the section should cover (the text after "：" or inside brackets). */
  detail?: string;
  /** "（1）报告标题" asks for the title line, not a section. */
  isTitle?: boolean;
}

export interface LengthRequirement {
  min: number;
  /** Null for "不少于 N 字" (no upper bound). */
  max: number | null;
  unit: 'chars' | 'words';
  kind: 'range' | 'approx' | 'min' | 'max';
  /** The words of the task that set it. */
  text: string;
}

export interface Requirements {
  query: string;
  title: string | null;
  sections: SectionRequirement[];
  /** How the sections were stated: enumerated （1）…, a 包含…等部分 list, a numbered list, English prose. */
  sectionsFrom: 'enumerated' | 'list' | 'numbered' | 'english' | null;
  length: LengthRequirement | null;
  language: 'zh' | 'en';
  format: 'markdown' | 'html';
  style: {
    /** 不要分点: paragraphs only, no bullet or numbered lists. */
    noBullets: boolean;
    /** 正式书面语 / formal. */
    formal: boolean;
    /** 图表结合 / 可视化: tables or charts are wanted. */
    charts: boolean;
    /** 注明来源: every claim needs its source. */
    citeSources: boolean;
    /** A stated tone (语言风格：轻松有趣), as written. */
    tone: string | null;
  };
}

export function parseRequirements(query: string): Requirements {
  const text = query.normalize('NFKC').replace(/\r/g, '');
  const sections = parseSections(text);
  return {
    query,
    title: /《([^》]+)》/.exec(text)?.[1]?.trim() ?? null,
    sections: sections?.sections ?? [],
    sectionsFrom: sections?.from ?? null,
    length: parseLength(text),
    language: parseLanguage(text),
    format: /html/i.test(text) && !/(不要|不用|不需要|禁止|无需)\s*.{0,3}html/i.test(text) ? 'html' : 'markdown',
    style: {
      noBullets: /不要分点|不分点|不要列点|避免分点|不要(用)?列表|不使用列表|不要分条|no bullet|avoid bullet|without bullet|(?:do not|don't) use bullet|no lists/i.test(text),
      formal: /正式书面语|书面语|formal/i.test(text),
      charts: /图表结合|可视化|图表|制图|chart|graph|visuali[sz]/i.test(text),
      citeSources: /注明.{0,6}来源|标注来源|标注.{0,4}出处|注明.{0,4}出处|cite|citation|sources?/i.test(text),
      tone: /语言风格\s*[:：]\s*([^，。；,;\n]+)/.exec(text)?.[1]?.trim() ?? null,
    },
  };
}

// ---------------------------------------------------------------------------
// length

const DASH = String.raw`\s*(?:至|到|~|-|–|—|−)\s*`;
const NUMBER = String.raw`(\d{2,6})`;

interface LengthCandidate extends LengthRequirement {
  at: number;
}

/**
 * The last length statement wins: tasks restate the length at the end ("全文控制在…") and a number
 * earlier in the text is often something else (a year range, a page count).
 */
export function parseLength(text: string): LengthRequirement | null {
  const found: LengthCandidate[] = [];
  const add = (pattern: RegExp, make: (match: RegExpExecArray) => Omit<LengthCandidate, 'at' | 'text'> | null) => {
    for (const match of text.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))) {
      const made = make(match as RegExpExecArray);
      if (made) found.push({ ...made, at: match.index ?? 0, text: match[0].trim() });
    }
  };
  const range = (a: string, b: string, unit: LengthRequirement['unit']) => ({ min: Math.min(+a, +b), max: Math.max(+a, +b), unit, kind: 'range' as const });
  add(new RegExp(String.raw`(?:字数|篇幅|字符数|全文|控制在)[^\d。；;]{0,8}?${NUMBER}\s*(?:个)?(?:字|汉字)?${DASH}${NUMBER}(?:\s*(?:个)?(?:字|汉字))?`), (m) => range(m[1]!, m[2]!, 'chars'));
  add(new RegExp(String.raw`${NUMBER}\s*(?:个)?(?:字)?${DASH}${NUMBER}\s*(?:个)?(?:字|汉字)`), (m) => range(m[1]!, m[2]!, 'chars'));
  add(new RegExp(String.raw`${NUMBER}\s*(?:to|-|–|—)\s*${NUMBER}\s+words`, 'i'), (m) => range(m[1]!, m[2]!, 'words'));
  add(new RegExp(String.raw`between\s+${NUMBER}\s+(?:and|to)\s+${NUMBER}\s+words`, 'i'), (m) => range(m[1]!, m[2]!, 'words'));
  const approx = (n: string, unit: LengthRequirement['unit']) => ({ min: Math.round(+n * 0.9), max: Math.round(+n * 1.1), unit, kind: 'approx' as const });
  add(new RegExp(String.raw`${NUMBER}\s*(?:个)?字左右`), (m) => approx(m[1]!, 'chars'));
  add(new RegExp(String.raw`约\s*${NUMBER}\s*(?:个)?字`), (m) => approx(m[1]!, 'chars'));
  add(new RegExp(String.raw`(?:around|about|approximately|roughly)\s+${NUMBER}\s+words`, 'i'), (m) => approx(m[1]!, 'words'));
  add(new RegExp(String.raw`(?:不少于|不低于|至少|最少)\s*${NUMBER}\s*(?:个)?字`), (m) => ({ min: +m[1]!, max: null, unit: 'chars', kind: 'min' }));
  add(new RegExp(String.raw`at least\s+${NUMBER}\s+words`, 'i'), (m) => ({ min: +m[1]!, max: null, unit: 'words', kind: 'min' }));
  add(new RegExp(String.raw`(?:不超过|不多于|至多|最多)\s*${NUMBER}\s*(?:个)?字`), (m) => ({ min: 0, max: +m[1]!, unit: 'chars', kind: 'max' }));
  add(new RegExp(String.raw`(?:at most|no more than|not exceed(?:ing)?)\s+${NUMBER}\s+words`, 'i'), (m) => ({ min: 0, max: +m[1]!, unit: 'words', kind: 'max' }));
  if (!found.length) return null;
  // Of statements ending at the same place, the longest reading is the most complete ("全文控制在 1500–2000 字").
  const end = (c: LengthCandidate) => c.at + c.text.length;
  const last = found.reduce((best, candidate) => (end(candidate) > end(best) || (end(candidate) === end(best) && candidate.text.length > best.text.length) ? candidate : best));
  const { at: _at, ...length } = last;
  return length;
}

// ---------------------------------------------------------------------------
// sections

interface ParsedSections {
  sections: SectionRequirement[];
  from: NonNullable<Requirements['sectionsFrom']>;
}

function parseSections(text: string): ParsedSections | null {
  return enumerated(text) ?? listed(text) ?? numberedLines(text) ?? englishProse(text);
}

/** （1）引言；（2）研究方法（含材料来源说明）；… — the longest run numbered from 1. */
function enumerated(text: string): ParsedSections | null {
  const marks = [...text.matchAll(/[（(]\s*(\d{1,2})\s*[）)]/g)].map((m) => ({ start: m.index!, end: m.index! + m[0].length, n: Number(m[1]) }));
  let best: typeof marks = [];
  for (let i = 0; i < marks.length; i++) {
    if (marks[i]!.n !== 1) continue;
    const run = [marks[i]!];
    for (const mark of marks.slice(i + 1)) if (mark.n === run[run.length - 1]!.n + 1) run.push(mark);
    if (run.length > best.length) best = run;
  }
  if (best.length < 2) return null;
  const sections = best.map((mark, k) => {
    let segment = text.slice(mark.end, best[k + 1]?.start ?? text.length);
    // The last item runs until the sentence ends or the task moves on to length, language or format.
    segment = k + 1 < best.length ? segment.split(/[；;\n]/)[0]! : segment.split(/[；;。\n]|[，,]\s*(?=全文|字数|总字数|篇幅|语言|要求|并|请|返回)/)[0]!;
    return section(segment);
  });
  return sections.every((s) => s.name) ? { sections, from: 'enumerated' } : null;
}

/** 包含引言、调研方法、…、参考资料等部分. */
function listed(text: string): ParsedSections | null {
  const match = /(?:包含|包括)(?:以下)?(?:章节|部分|内容|板块)?[：:]?\s*([^。；;\n]{2,200}?)\s*等?(?:部分|章节|板块|内容|几个部分)/.exec(text);
  if (!match) return null;
  const names = match[1]!.split(/[、，,]|以及|及(?=\S)/).map((part) => section(part)).filter((s) => s.name);
  return names.length >= 2 ? { sections: names, from: 'list' } : null;
}

/** A numbered list of lines after a cue: "包含以下部分：\n1. 引言\n2. …" or "sections:\n1. Introduction". */
function numberedLines(text: string): ParsedSections | null {
  const match = /(?:部分|章节|结构|sections?|parts?|outline)\s*[:：]\s*\n((?:\s*\d{1,2}[.、)）]\s*[^\n]+\n?){2,})/i.exec(text);
  if (!match) return null;
  const names = [...match[1]!.matchAll(/\d{1,2}[.、)）]\s*([^\n]+)/g)].map((m) => section(m[1]!));
  return names.length >= 2 ? { sections: names, from: 'numbered' } : null;
}

/** "include the following sections: Introduction, Methods and Conclusion." */
function englishProse(text: string): ParsedSections | null {
  const match = /(?:include|including|contain|containing|with|cover|covering)\s+(?:the\s+following\s+)?(?:sections?|parts?)\s*(?:[:：]|such as)\s*([^.\n]+)/i.exec(text);
  if (!match) return null;
  const names = match[1]!
    .split(/,|;|\band\b/)
    .map((part) => section(part.replace(/^\s*(?:an?|the)\s+/i, '')))
    .filter((s) => s.name);
  return names.length >= 2 ? { sections: names, from: 'english' } : null;
}

/** A section's name and what it should cover: "引言：确立鉴赏的核心视角" or "研究方法（含材料来源说明）". */
function section(raw: string): SectionRequirement {
  let rest = raw.trim();
  const details: string[] = [];
  // Bracketed notes may nest one level: （含预算、最佳出行时间、注意事项等）.
  for (let i = 0; i < 3; i++) {
    rest = rest.replace(/[（(]([^（）()]*)[）)]/g, (_, inner: string) => {
      details.push(inner.trim());
      return '';
    });
  }
  const colon = /[：:]/.exec(rest);
  if (colon && rest.slice(0, colon.index).trim()) {
    details.unshift(rest.slice(colon.index + 1).trim());
    rest = rest.slice(0, colon.index);
  }
  const name = rest
    .trim()
    .replace(/^(?:包括|包含|以及|和|及)/, '')
    .replace(/(?:等)?(?:部分|章节)$/, '')
    .replace(/^[\s　，,。；;、.]+|[\s　，,。；;、.]+$/g, '');
  const detail = details.filter(Boolean).join('；');
  return { name, ...(detail ? { detail } : {}), ...(/^(?:报告)?标题$|^title$/i.test(name) ? { isTitle: true } : {}) };
}

// ---------------------------------------------------------------------------
// language

function parseLanguage(text: string): 'zh' | 'en' {
  if (/(?:用|使用|以)英文|英文撰写|in English|English[- ]language/i.test(text) && !/(?:用|使用|以)中文|in Chinese/i.test(text)) return 'en';
  if (/(?:用|使用|以)中文|中文撰写|in Chinese|Chinese[- ]language/i.test(text)) return 'zh';
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const latin = text.match(/[A-Za-z]+/g)?.length ?? 0;
  return han >= latin ? 'zh' : 'en';
}
