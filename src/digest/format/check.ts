/**
 * @module digest/format/check
 * Checks a digest's markdown against the layout: violations fail it, warnings point at what a reader
 * would trip over (paragraphs that run together, a headline number the body never repeats).
 */
import { distance } from 'fastest-levenshtein';
import { CATEGORIES, type Category } from '../types.js';
import {
  DIGEST_TITLE_PREFIX,
  MAX_BULLET_LABEL_LENGTH,
  OTHERS_HEADING,
  type ScannedItem,
  parseOtherLine,
  parseSourceField,
  parseTitleDate,
  scanDigestMarkdown,
  splitBullet,
} from './markdown.js';

export type DigestRule =
  | 'title'
  | 'items'
  | 'headline'
  | 'category'
  | 'source'
  | 'insight'
  | 'summary'
  | 'bullets'
  | 'bullet'
  | 'separator'
  | 'order'
  | 'duplicate-headline'
  | 'duplicate-source'
  | 'others'
  | 'structure'
  | 'blank-line'
  | 'headline-number';

export interface DigestIssue {
  line: number;
  rule: DigestRule;
  message: string;
}

export interface DigestCheckResult {
  /** True when there are no violations; warnings never fail a digest. */
  ok: boolean;
  violations: DigestIssue[];
  warnings: DigestIssue[];
}

export const MIN_BULLETS = 4;
export const MAX_BULLETS = 7;

/** A number with the unit that changes its size; 7405万 and 7405 are the same digits but 万 is kept for messages. */
const NUMBER_PATTERN = /(\d[\d,]*(?:\.\d+)?)(万亿|亿|万|千|百|%|％)?/gu;

interface NumberToken {
  digits: string;
  unit: string;
}

function numbersIn(text: string): NumberToken[] {
  return [...text.matchAll(NUMBER_PATTERN)].map((match) => ({ digits: (match[1] ?? '').replace(/,/gu, ''), unit: match[2] ?? '' }));
}

function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

/** Quotes text for a message; long stray lines are cut, headlines (under 80 characters) stay whole. */
function quote(text: string, max = 80): string {
  const chars = [...text];
  return `“${chars.length > max ? `${chars.slice(0, max).join('')}…` : text}”`;
}

/** Checks a digest's markdown; see the rules in {@link DigestRule}. Issues are sorted by line. */
export function checkDigest(text: string): DigestCheckResult {
  const scanned = scanDigestMarkdown(text);
  const violations: DigestIssue[] = [];
  const warnings: DigestIssue[] = [];
  const violation = (line: number, rule: DigestRule, message: string) => violations.push({ line, rule, message });
  const warning = (line: number, rule: DigestRule, message: string) => warnings.push({ line, rule, message });

  if (!scanned.title) violation(1, 'title', `title line “# ${DIGEST_TITLE_PREFIX}YYYY年M月D日” is missing`);
  else {
    const title = parseTitleDate(scanned.title.text);
    if ('error' in title) violation(scanned.title.line, 'title', title.error);
  }
  for (const stray of scanned.stray) violation(stray.line, 'structure', `unexpected line ${quote(stray.text, 30)} outside any item`);
  if (scanned.items.length === 0) violation(scanned.title?.line ?? 1, 'items', 'the digest has no items');

  const headlines = new Map<string, string>();
  const mainSources = new Map<string, string>();
  let firstNonAi: string | null = null;

  scanned.items.forEach((item, index) => {
    const headline = item.heading.text.trim();
    const name = quote(headline);
    const at = item.heading.line;
    const followed = index < scanned.items.length - 1 || (scanned.others !== null && !item.afterOthers);

    if (item.afterOthers) violation(at, 'structure', `item ${name} comes after ${OTHERS_HEADING}, which must close the digest`);
    if (headline === '') violation(at, 'headline', 'an item has an empty headline');
    const normalized = headline.replace(/\s+/gu, ' ');
    const earlier = headlines.get(normalized);
    if (earlier !== undefined) violation(at, 'duplicate-headline', `headline ${name} repeats the item at line ${earlier}`);
    else headlines.set(normalized, String(at));

    const category = checkCategory(item, name, violation);
    if (category === '非AI') firstNonAi ??= headline;
    else if (category && firstNonAi !== null) violation(at, 'order', `AI item ${name} comes after 非AI item ${quote(firstNonAi)}; 非AI items go last`);

    if (!item.source) violation(at, 'source', `来源 missing in ${name}`);
    else {
      const source = parseSourceField(item.source.text);
      if ('error' in source) violation(item.source.line, 'source', `来源 ${quote(item.source.text, 40)} in ${name} is not a markdown link or plain name: ${source.error}`);
      else if (source.source.url) {
        const url = source.source.url;
        const owner = mainSources.get(url);
        if (owner !== undefined) violation(item.source.line, 'duplicate-source', `来源 ${url} in ${name} is also the main source of ${owner}`);
        else mainSources.set(url, name);
      }
    }

    checkInsight(item, name, violation, warning);
    checkBullets(item, name, violation);

    if (!item.separator && followed) violation(at, 'separator', `item ${name} is not followed by ---`);
    for (const stray of item.stray) violation(stray.line, 'structure', `unexpected line ${quote(stray.text, 30)} in ${name}`);
    checkHeadlineNumbers(item, name, warning);
  });

  if (scanned.others) {
    if (scanned.others.entries.length === 0) violation(scanned.others.heading.line, 'others', `${OTHERS_HEADING} has no links`);
    for (const entry of scanned.others.entries) {
      const link = parseOtherLine(entry.text);
      if ('error' in link) violation(entry.line, 'others', `${OTHERS_HEADING} line ${quote(entry.text, 30)} is malformed: ${link.error}`);
    }
  }

  const byLine = (a: DigestIssue, b: DigestIssue) => a.line - b.line;
  return { ok: violations.length === 0, violations: violations.sort(byLine), warnings: warnings.sort(byLine) };
}

type Report = (line: number, rule: DigestRule, message: string) => void;

function checkCategory(item: ScannedItem, name: string, violation: Report): Category | null {
  if (!item.category) {
    violation(item.heading.line, 'category', `分类 missing in ${name}`);
    return null;
  }
  const value = item.category.text.trim();
  if (isCategory(value)) return value;
  violation(item.category.line, 'category', `分类 ${quote(value)} is not one of ${CATEGORIES.join('/')} in ${name}`);
  return null;
}

function checkInsight(item: ScannedItem, name: string, violation: Report, warning: Report): void {
  if (!item.insightMarker) {
    violation(item.heading.line, 'insight', `核心洞察 missing in ${name}`);
    return;
  }
  const [, second] = item.insightParagraphs;
  if (item.insightParagraphs.length === 0) violation(item.insightMarker.line, 'insight', `核心洞察 is empty in ${name}`);
  else if (second) violation(second[0]?.line ?? item.insightMarker.line, 'insight', `核心洞察 is not a single paragraph in ${name}`);
  if (item.summaryMarker && !item.blankBeforeSummary) {
    warning(item.summaryMarker.line, 'blank-line', `no blank line between 核心洞察 and 内容简介 in ${name}; they render as one paragraph`);
  }
}

function checkBullets(item: ScannedItem, name: string, violation: Report): void {
  if (!item.summaryMarker) violation(item.heading.line, 'summary', `内容简介 missing in ${name}`);
  const count = item.bullets.length;
  // Without the marker and without bullets, the missing 内容简介 is the one problem to report.
  if ((item.summaryMarker || count > 0) && (count < MIN_BULLETS || count > MAX_BULLETS)) {
    violation(item.summaryMarker?.line ?? item.heading.line, 'bullets', `内容简介 has ${count} bullets (${MIN_BULLETS}–${MAX_BULLETS} expected) in ${name}`);
  }
  for (const bulletLine of item.bullets) {
    const bullet = splitBullet(bulletLine.text);
    if (!bullet) {
      violation(bulletLine.line, 'bullet', `bullet ${quote(bulletLine.text, 20)} is not “label：detail” in ${name}`);
      continue;
    }
    const labelLength = [...bullet.label].length;
    if (labelLength === 0) violation(bulletLine.line, 'bullet', `bullet ${quote(bulletLine.text, 20)} has an empty label in ${name}`);
    else if (labelLength > MAX_BULLET_LABEL_LENGTH) {
      violation(bulletLine.line, 'bullet', `bullet label ${quote(bullet.label, 20)} is ${labelLength} characters (at most ${MAX_BULLET_LABEL_LENGTH}) in ${name}`);
    }
    if (bullet.detail === '') violation(bulletLine.line, 'bullet', `bullet ${quote(bullet.label, 20)} has no detail in ${name}`);
  }
}

/**
 * A number in a headline that the item's own text never repeats is often a typo (7405万 against the
 * body's 7504万). Only a warning: whether the source agrees is checked elsewhere.
 */
function checkHeadlineNumbers(item: ScannedItem, name: string, warning: Report): void {
  const bodyText = [...item.insightParagraphs.flat(), ...item.bullets].map((line) => line.text).join('\n');
  const bodyNumbers = numbersIn(bodyText);
  const bodyDigits = new Set(bodyNumbers.map((token) => token.digits));
  const reported = new Set<string>();
  for (const number of numbersIn(item.heading.text)) {
    if (bodyDigits.has(number.digits) || reported.has(number.digits)) continue;
    reported.add(number.digits);
    const shown = `${number.digits}${number.unit}`;
    const near = closestNumber(number, bodyNumbers);
    const hint = near ? `; the body has ${near.digits}${near.unit}` : '';
    warning(item.heading.line, 'headline-number', `headline number ${shown} appears in no bullet or insight of ${name}${hint}`);
  }
}

/**
 * A body number that looks like a mistyped copy of the headline's: same unit and length, and either the
 * same digits reordered (7405/7504) or one digit off. Single digits match too much to say.
 */
function closestNumber(number: NumberToken, candidates: NumberToken[]): NumberToken | null {
  if (number.digits.length < 2) return null;
  const sortedDigits = (digits: string) => [...digits].sort().join('');
  let best: { token: NumberToken; score: number } | null = null;
  for (const token of candidates) {
    if (token.unit !== number.unit || token.digits.length !== number.digits.length) continue;
    const score = distance(token.digits, number.digits);
    const reordered = sortedDigits(token.digits) === sortedDigits(number.digits);
    if ((reordered || score === 1) && (!best || score < best.score)) best = { token, score };
  }
  return best?.token ?? null;
}

/** One line per issue, violations first: `line 12: 分类 missing in “headline” [category]`; warnings say so. */
export function formatIssues(result: DigestCheckResult): string[] {
  return [
    ...result.violations.map((issue) => `line ${issue.line}: ${issue.message} [${issue.rule}]`),
    ...result.warnings.map((issue) => `line ${issue.line}: warning: ${issue.message} [${issue.rule}]`),
  ];
}
