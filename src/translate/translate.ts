/**
 * @module translate/translate
 * A markdown body translated block by block: prose units go to the model in batches (in parallel,
 * up to a limit), each reply is checked — every placeholder back exactly once, table and heading
 * shape kept, no paragraph left in English — and a failing unit is retried alone once. A unit whose
 * placeholders or shape cannot be kept stays in the original language and is flagged, so code,
 * links and images always survive.
 */
import pLimit from 'p-limit';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { ZhikuError } from '../errors.js';
import type { ChatMessage } from '../model/chat.js';
import { compareShapes, looksUntranslated, markdownShape, type ShapeDifference } from './check.js';
import { type Glossary, type GlossaryEntry, applyGlossary, glossaryTermsIn, keptNamesIn } from './glossary.js';
import { type Unit, joinUnits, restorePlaceholders, splitMarkdown, withoutTokens } from './markdown.js';

export type TargetLanguage = 'zh' | 'zh-TW';

export const TARGET_LANGUAGES: Record<TargetLanguage, string> = { zh: '简体中文', 'zh-TW': '繁體中文' };

/** One model exchange (a JSON-schema reply when `jsonSchema` is given); the caller meters, budgets and retries transport errors. */
export type ChatFunction = (messages: ChatMessage[], jsonSchema?: { name: string; schema: Record<string, unknown> }) => Promise<string>;

export interface TranslateBodyOptions {
  chat: ChatFunction;
  to?: TargetLanguage;
  glossary?: Glossary;
  /** Model calls in flight at once. */
  concurrency?: number;
  /** Source tokens per call; a larger single block goes alone. */
  batchTokens?: number;
  onProgress?: (done: number, total: number) => void;
}

export type TranslationFlag =
  /** The model's reply lost a placeholder or the block's shape twice: the original block was kept. */
  | { kind: 'kept-original'; block: number; excerpt: string; reason: string }
  /** The reply still reads as English after a retry. */
  | { kind: 'untranslated'; block: number; excerpt: string }
  /** A glossary term rendered some other way. */
  | { kind: 'glossary'; block: number; term: string; rendering: string }
  /** A company or product name the translation did not keep as written. */
  | { kind: 'name'; block: number; name: string }
  /** Links, images, headings, code blocks or tables differ between source and translation. */
  | { kind: 'shape'; difference: ShapeDifference };

export interface BodyTranslation {
  markdown: string;
  flags: TranslationFlag[];
  /** Translatable blocks, and how many went to the model in how many calls. */
  blocks: number;
  calls: number;
}

const MAX_UNITS_PER_CALL = 16;

export async function translateBody(markdown: string, options: TranslateBodyOptions): Promise<BodyTranslation> {
  const to = options.to ?? 'zh';
  const glossary = options.glossary ?? [];
  const { units, placeholders, brackets } = splitMarkdown(markdown);
  const prose = units.flatMap((unit, index) => (unit.kind === 'prose' ? [{ unit, index }] : []));
  const translated = new Map<number, string>();
  const flags: TranslationFlag[] = [];
  let calls = 0;
  let done = 0;
  const call: ChatFunction = async (messages) => {
    calls++;
    return options.chat(messages);
  };
  const marker = (n: number) => `${brackets[0]}#${n}${brackets[1]}`;

  const finish = (index: number, unit: ProseUnit, reply: string) => {
    const terms = glossaryTermsIn(unit.source, glossary);
    const { text, missed } = applyGlossary(reply.trim(), terms);
    for (const entry of missed) flags.push({ kind: 'glossary', block: index, term: entry.term, rendering: entry.rendering });
    const restored = restorePlaceholders(text, placeholders);
    for (const name of keptNamesIn(withoutTokens(unit.text, unit.tokens), glossary)) {
      if (!restored.includes(name)) flags.push({ kind: 'name', block: index, name });
    }
    translated.set(index, restored);
    options.onProgress?.(++done, prose.length);
  };

  const translateAlone = async (index: number, unit: ProseUnit, problem: string) => {
    const reply = await call(messagesFor([unit], { to, glossary, marker: null, problem }));
    const problems = checkUnit(unit, reply, glossary);
    if (problems.some((p) => p !== 'untranslated')) {
      translated.set(index, unit.source);
      flags.push({ kind: 'kept-original', block: index, excerpt: excerpt(unit.source), reason: problems.join('; ') });
      options.onProgress?.(++done, prose.length);
      return;
    }
    if (problems.includes('untranslated')) flags.push({ kind: 'untranslated', block: index, excerpt: excerpt(unit.source) });
    finish(index, unit, reply);
  };

  const limit = pLimit(options.concurrency ?? 4);
  await Promise.all(
    batches(prose, options.batchTokens ?? 1200).map((batch) =>
      limit(async () => {
        const reply = await call(messagesFor(batch.map((b) => b.unit), { to, glossary, marker: batch.length > 1 ? marker : null }));
        const parts = batch.length === 1 ? [reply] : splitReply(reply, marker, batch.length);
        const retries: Promise<void>[] = [];
        batch.forEach(({ unit, index }, i) => {
          const part = parts?.[i];
          const problems = part === undefined ? ['the reply did not keep the block separators'] : checkUnit(unit, part, glossary);
          if (problems.length) retries.push(translateAlone(index, unit, problems.join('; ')));
          else finish(index, unit, part!);
        });
        await Promise.all(retries);
      }),
    ),
  );

  const output = joinUnits(units, translated);
  for (const difference of compareShapes(markdownShape(markdown), markdownShape(output))) flags.push({ kind: 'shape', difference });
  return { markdown: output, flags: flags.sort((a, b) => ('block' in a ? a.block : 1e9) - ('block' in b ? b.block : 1e9)), blocks: prose.length, calls };
}

type ProseUnit = Extract<Unit, { kind: 'prose' }>;

function batches<T extends { unit: ProseUnit }>(prose: readonly T[], maxTokens: number): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  let tokens = 0;
  for (const entry of prose) {
    const size = countTokens(entry.unit.text);
    if (current.length && (tokens + size > maxTokens || current.length >= MAX_UNITS_PER_CALL)) {
      out.push(current);
      current = [];
      tokens = 0;
    }
    current.push(entry);
    tokens += size;
  }
  if (current.length) out.push(current);
  return out;
}

function splitReply(reply: string, marker: (n: number) => string, count: number): string[] | undefined {
  const parts: string[] = [];
  for (let n = 1; n <= count; n++) {
    const start = reply.indexOf(marker(n));
    if (start < 0) return undefined;
    const from = start + marker(n).length;
    const end = n < count ? reply.indexOf(marker(n + 1), from) : reply.length;
    if (end < 0) return undefined;
    parts.push(reply.slice(from, end).replace(/^[ \t]*\r?\n/, '').trim());
  }
  return parts;
}

/** What is wrong with one unit's reply; empty when it can be used. */
export function checkUnit(unit: ProseUnit, reply: string, glossary: Glossary = []): string[] {
  const problems: string[] = [];
  const text = reply.trim();
  if (!text) return ['empty reply'];
  const lost = unit.tokens.filter((token) => text.split(token).length !== 2);
  if (lost.length) problems.push(`placeholders ${lost.slice(0, 3).join(' ')} not kept exactly once`);
  if (unit.block === 'table') {
    const rows = (s: string) => s.trim().split('\n').map((line) => line.replace(/\\\|/g, '').split('|').length);
    if (rows(unit.text).join() !== rows(text).join()) problems.push('table rows or columns changed');
  }
  if (unit.block === 'heading' && /^#+/.exec(unit.text)?.[0] !== /^#+/.exec(text)?.[0]) problems.push('heading level changed');
  const names = [...keptNamesIn(unit.source, glossary), ...glossary.filter((e) => e.term === e.rendering).map((e) => e.term)];
  if (looksUntranslated(withoutTokens(unit.text, unit.tokens), names) && looksUntranslated(withoutTokens(text, unit.tokens), names)) problems.push('untranslated');
  return problems;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 60 ? `${flat.slice(0, 60)}…` : flat;
}

interface PromptOptions {
  to: TargetLanguage;
  glossary: Glossary;
  /** Separator maker for a batch; null for a single block. */
  marker: ((n: number) => string) | null;
  /** What was wrong with the previous reply, for a retry. */
  problem?: string;
}

export function messagesFor(units: readonly ProseUnit[], options: PromptOptions): ChatMessage[] {
  const language = TARGET_LANGUAGES[options.to];
  const source = units.map((u) => u.source).join('\n');
  const terms: GlossaryEntry[] = glossaryTermsIn(source, options.glossary);
  const names = keptNamesIn(source, options.glossary);
  const sample = units.find((u) => u.tokens.length)?.tokens[0];
  const rules = [
    `把用户给出的 Markdown 译成${language}，忠实、通顺、专业，像中文科技媒体的编辑稿；不增删内容，不加解释。`,
    '保留 Markdown 结构：标题的 #、列表符号与缩进、引用的 >、表格的竖线与行数、加粗和斜体符号。',
    sample ? `形如 ${sample} 的占位符代表代码、链接地址或图片：每个原样保留、只出现一次，放在译文中对应的位置。` : null,
    names.length ? `以下名称保留原文，不要翻译：${names.join('、')}。` : '公司、产品和模型名保留原文。',
    terms.length ? `术语表（必须使用）：${terms.map((t) => `${t.term} → ${t.rendering}`).join('；')}。` : null,
    options.marker ? `输入由 ${units.length} 段组成，每段前有一行分隔符（${options.marker(1)}、${options.marker(2)}……）。译文保留每一行分隔符，编号和顺序不变。` : null,
    '只输出译文。',
  ].filter(Boolean);
  const body = options.marker ? units.map((u, i) => `${options.marker!(i + 1)}\n${u.text}`).join('\n\n') : units[0]!.text;
  const retry = options.problem ? `\n\n（上一次的译文有问题：${options.problem}。请重新翻译，务必遵守规则。）` : '';
  return [
    { role: 'system', content: rules.join('\n') },
    { role: 'user', content: body + retry },
  ];
}

export function assertTargetLanguage(value: string): TargetLanguage {
  if (value in TARGET_LANGUAGES) return value as TargetLanguage;
  throw new ZhikuError('E_USAGE', `cannot translate into "${value}"; choose ${Object.keys(TARGET_LANGUAGES).join(' or ')}`, { item: '--to' });
}
