/**
 * @module digest/format/markdown
 * The daily digest as markdown, in the hand-written layout readers know, and back into the model.
 * Rendering and parsing share one line-level scan with the checker, so all three read the text the same way.
 */
import { ZhikuError } from '../../errors.js';
import { CATEGORIES, type Category, type Digest, type DigestBullet, type DigestItem, type DigestLink, type DigestSource } from '../types.js';

/** The title line's text after `# `, up to the date. */
export const DIGEST_TITLE_PREFIX = '🤖 AI行业速递 - ';
/** The heading of the closing link list. */
export const OTHERS_HEADING = '其他相关资讯';
/** A bullet label longer than this is a sentence, not a key phrase. */
export const MAX_BULLET_LABEL_LENGTH = 20;

/** One line of the input: its 1-based number and its text (for fields, the text after the marker). */
export interface DigestLine {
  line: number;
  text: string;
}

/** An item section as found, before any judgement: every part may be missing or repeated. */
export interface ScannedItem {
  heading: DigestLine;
  category: DigestLine | null;
  source: DigestLine | null;
  /** The `**核心洞察：**` line; its text is what follows the marker on that line. */
  insightMarker: DigestLine | null;
  /** The insight's paragraphs: runs of non-blank lines, the marker line's text starting the first. */
  insightParagraphs: DigestLine[][];
  summaryMarker: DigestLine | null;
  /** Whether a blank line separates the insight from `**内容简介：**` (without one they render as one paragraph). */
  blankBeforeSummary: boolean;
  /** Bullet lines; text is what follows `- `. */
  bullets: DigestLine[];
  /** The `---` closing the item. */
  separator: DigestLine | null;
  /** Lines that fit nowhere in the layout. */
  stray: DigestLine[];
  /** True when the item comes after `## 其他相关资讯`, which must close the digest. */
  afterOthers: boolean;
}

export interface ScannedDigest {
  /** The first non-blank line when it is a level-1 heading; text is the heading without `# `. */
  title: DigestLine | null;
  items: ScannedItem[];
  others: { heading: DigestLine; entries: DigestLine[] } | null;
  /** Lines outside any section (before the first item, or stray inside 其他相关资讯). */
  stray: DigestLine[];
}

type ItemPhase = 'meta' | 'insight' | 'summary' | 'closed';

// A closing `#` run only counts after a space, so a headline ending in `C#` keeps it.
const HEADING_PATTERN = /^##\s+(.*?)(?:\s+#+)?\s*$/u;
const TITLE_HEADING_PATTERN = /^#\s+(.*?)\s*$/u;
const SEPARATOR_PATTERN = /^\s{0,3}(?:-{3,}|\*{3,}|_{3,})\s*$/u;
const BULLET_PATTERN = /^[-*+]\s+(.*)$/u;
const TITLE_PATTERN = /^🤖\s*AI行业速递\s*-\s*(\d{4})年(\d{1,2})月(\d{1,2})日$/u;

/** `**分类：**` with the colon inside or outside the bold, full-width or ASCII. */
function fieldPattern(label: string, quoted: boolean): RegExp {
  return new RegExp(`^${quoted ? '>\\s*' : ''}\\*\\*${label}\\s*(?:[：:]\\s*\\*\\*|\\*\\*\\s*[：:])\\s*(.*?)\\s*$`, 'u');
}
const CATEGORY_FIELD = fieldPattern('分类', true);
const SOURCE_FIELD = fieldPattern('来源', true);
const INSIGHT_FIELD = fieldPattern('核心洞察', false);
const SUMMARY_FIELD = fieldPattern('内容简介', false);

function newItem(heading: DigestLine, afterOthers: boolean): ScannedItem {
  return {
    heading,
    category: null,
    source: null,
    insightMarker: null,
    insightParagraphs: [],
    summaryMarker: null,
    blankBeforeSummary: false,
    bullets: [],
    separator: null,
    stray: [],
    afterOthers,
  };
}

/** Splits a digest into its parts with line numbers, judging nothing; parse and check both start here. */
export function scanDigestMarkdown(text: string): ScannedDigest {
  const lines = text.replace(/^\uFEFF/u, '').split(/\r\n|\r|\n/u);
  const scanned: ScannedDigest = { title: null, items: [], others: null, stray: [] };
  let sawFirstLine = false;
  let item: ScannedItem | null = null;
  let phase: ItemPhase = 'meta';
  let inOthers = false;
  let paragraph: DigestLine[] | null = null;

  lines.forEach((raw, index) => {
    const line = index + 1;
    const text = raw.trimEnd();
    const blank = text.trim() === '';
    const previousBlank = index === 0 || (lines[index - 1] ?? '').trim() === '';

    if (!sawFirstLine && !blank) {
      sawFirstLine = true;
      const title = TITLE_HEADING_PATTERN.exec(text);
      if (title) {
        scanned.title = { line, text: title[1] ?? '' };
        return;
      }
    }

    const heading = HEADING_PATTERN.exec(text);
    if (heading) {
      const headingText = heading[1] ?? '';
      paragraph = null;
      if (headingText === OTHERS_HEADING && !scanned.others) {
        scanned.others = { heading: { line, text: headingText }, entries: [] };
        inOthers = true;
        item = null;
        return;
      }
      item = newItem({ line, text: headingText }, inOthers);
      scanned.items.push(item);
      phase = 'meta';
      return;
    }
    if (blank) {
      paragraph = null;
      return;
    }
    if (!item) {
      if (inOthers && scanned.others) scanned.others.entries.push({ line, text });
      else scanned.stray.push({ line, text });
      return;
    }

    if (SEPARATOR_PATTERN.test(text)) {
      if (item.separator) item.stray.push({ line, text });
      else item.separator = { line, text };
      phase = 'closed';
      return;
    }
    if (phase === 'closed') {
      item.stray.push({ line, text });
      return;
    }

    const category = CATEGORY_FIELD.exec(text);
    const source = SOURCE_FIELD.exec(text);
    if (category || source) {
      const slot = category ? 'category' : 'source';
      const value = (category ?? source)?.[1] ?? '';
      if (phase !== 'meta' || item[slot]) item.stray.push({ line, text });
      else item[slot] = { line, text: value };
      return;
    }

    const insight = INSIGHT_FIELD.exec(text);
    if (insight && (item.insightMarker || phase !== 'meta')) {
      item.stray.push({ line, text });
      return;
    }
    if (insight) {
      item.insightMarker = { line, text: insight[1] ?? '' };
      phase = 'insight';
      paragraph = null;
      const rest = insight[1] ?? '';
      if (rest !== '') {
        paragraph = [{ line, text: rest }];
        item.insightParagraphs.push(paragraph);
      }
      return;
    }

    const summary = SUMMARY_FIELD.exec(text);
    if (summary && (item.summaryMarker || phase === 'summary')) {
      item.stray.push({ line, text });
      return;
    }
    if (summary) {
      item.summaryMarker = { line, text: summary[1] ?? '' };
      item.blankBeforeSummary = previousBlank;
      // Text after the marker belongs to no bullet; keep it visible as stray rather than drop it.
      if ((summary[1] ?? '') !== '') item.stray.push({ line, text });
      phase = 'summary';
      paragraph = null;
      return;
    }

    const bullet = BULLET_PATTERN.exec(text);
    // A list after the insight without its 内容简介 marker is still the bullets: report the missing marker, not a second paragraph.
    if (bullet && (phase === 'summary' || phase === 'insight')) {
      phase = 'summary';
      item.bullets.push({ line, text: bullet[1] ?? '' });
      return;
    }

    if (phase === 'insight') {
      if (paragraph) paragraph.push({ line, text: text.trim() });
      else {
        paragraph = [{ line, text: text.trim() }];
        item.insightParagraphs.push(paragraph);
      }
      return;
    }
    item.stray.push({ line, text });
  });

  return scanned;
}

/** Reads `🤖 AI行业速递 - 2025年10月10日` into `2025-10-10`. */
export function parseTitleDate(titleText: string): { date: string } | { error: string } {
  const match = TITLE_PATTERN.exec(titleText.trim());
  if (!match) return { error: `title is not “${DIGEST_TITLE_PREFIX}YYYY年M月D日”` };
  const [, year = '', month = '', day = ''] = match;
  if (/^0/u.test(month) || /^0/u.test(day)) return { error: `title date ${year}年${month}月${day}日 has leading zeros` };
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (!isValidDate(date)) return { error: `title date ${year}年${month}月${day}日 is not a real date` };
  return { date };
}

export function isValidDate(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const parsed = new Date(Date.UTC(year, month - 1, day));
  return parsed.getUTCFullYear() === year && parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day;
}

/** The title line's text for a day: `🤖 AI行业速递 - 2025年10月10日` (no leading zeros). */
export function digestTitle(date: string): string {
  if (!isValidDate(date)) throw new ZhikuError('E_INVALID_INPUT', `digest date “${date}” is not a YYYY-MM-DD date`);
  const [year, month, day] = date.split('-').map(Number);
  return `${DIGEST_TITLE_PREFIX}${year}年${month}月${day}日`;
}

/** Splits `label：detail` at the first colon, full-width or ASCII; null when there is none. */
export function splitBullet(text: string): DigestBullet | null {
  const match = /^(.*?)\s*[：:]\s*(.*)$/u.exec(text.trim());
  if (!match) return null;
  return { label: match[1] ?? '', detail: match[2] ?? '' };
}

const LINK_AT = /\[((?:\\[\\[\]]|[^\\[\]])+)\]\((?:<([^<>\n]*)>|([^\s()<>]*))\)/uy;
const SOURCE_SEPARATORS = /^\s*[、，,]\s*/u;

function unescapeLinkText(text: string): string {
  return text.replace(/\\([\\[\]])/gu, '$1');
}

function escapeLinkText(text: string): string {
  return text.replace(/[\\[\]]/gu, '\\$&');
}

/** Angle brackets keep a URL with spaces or parentheses in one piece. */
function formatUrl(url: string): string {
  return /[\s()<>]/u.test(url) ? `<${url.replace(/[<>]/gu, encodeURIComponent)}>` : url;
}

/** Reads one `[name](url)` or plain name at `start`; returns the source and where it ended. */
function readSourceRef(text: string, start: number, stopAt: RegExp | null): { source: DigestSource; end: number } | { error: string } {
  LINK_AT.lastIndex = start;
  const link = LINK_AT.exec(text);
  if (link) {
    const url = (link[2] ?? link[3] ?? '').trim();
    const name = unescapeLinkText(link[1] ?? '').trim();
    if (url === '') return { error: 'link without a URL' };
    if (name === '') return { error: 'link without a name' };
    return { source: { name, url }, end: LINK_AT.lastIndex };
  }
  const rest = text.slice(start);
  const stop = stopAt ? rest.search(stopAt) : -1;
  const plain = (stop < 0 ? rest : rest.slice(0, stop)).trim();
  if (plain === '') return { error: 'empty name' };
  if (/(?<!\\)[[\]]/u.test(plain)) return { error: 'broken markdown link' };
  if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(plain)) return { error: 'bare URL, not a link or name' };
  return { source: { name: unescapeLinkText(plain), url: null }, end: start + (stop < 0 ? rest.length : stop) };
}

/** Reads the 来源 field: the main source, then `（另见：a、b）`. */
export function parseSourceField(text: string): { source: DigestSource; alsoAt: DigestSource[] } | { error: string } {
  const value = text.trim();
  const alsoMatch = /[（(]\s*另见\s*[：:]/u.exec(value);
  const mainText = alsoMatch ? value.slice(0, alsoMatch.index) : value;
  const main = readSourceRef(mainText, 0, null);
  if ('error' in main) return main;
  if (mainText.slice(main.end).trim() !== '') return { error: `unexpected text “${mainText.slice(main.end).trim()}” after the source` };
  if (!alsoMatch) return { source: main.source, alsoAt: [] };

  const afterAlso = value.slice(alsoMatch.index + alsoMatch[0].length);
  const close = /\s*[）)]\s*$/u.exec(afterAlso);
  if (!close) return { error: '（另见：…） not closed' };
  const list = afterAlso.slice(0, close.index);
  const alsoAt: DigestSource[] = [];
  let position = 0;
  while (position < list.length) {
    const whitespace = /^\s*/u.exec(list.slice(position));
    position += whitespace?.[0].length ?? 0;
    const ref = readSourceRef(list, position, /[、，,]/u);
    if ('error' in ref) return { error: `另见: ${ref.error}` };
    alsoAt.push(ref.source);
    position = ref.end;
    const separator = SOURCE_SEPARATORS.exec(list.slice(position));
    if (separator) position += separator[0].length;
    else if (list.slice(position).trim() !== '') return { error: `另见: unexpected text “${list.slice(position).trim()}”` };
    else break;
  }
  if (alsoAt.length === 0) return { error: '（另见：） lists nothing' };
  return { source: main.source, alsoAt };
}

/** Reads a 其他相关资讯 line: `- [title](url)`, or `- title` without a URL, optionally ending `（来源：name）`. */
export function parseOtherLine(text: string): DigestLink | { error: string } {
  const bullet = BULLET_PATTERN.exec(text.trim());
  if (!bullet || !text.trim().startsWith('- ')) return { error: 'not a “- [title](url)” line' };
  let body = (bullet[1] ?? '').trim();
  let source: string | null = null;
  const sourceMatch = /[（(]来源[：:]\s*([^（）()]+?)\s*[）)]$/u.exec(body);
  if (sourceMatch) {
    source = sourceMatch[1] ?? null;
    body = body.slice(0, sourceMatch.index).trim();
  }
  const ref = readSourceRef(body, 0, null);
  if ('error' in ref) return ref;
  if (body.slice(ref.end).trim() !== '') return { error: `unexpected text “${body.slice(ref.end).trim()}” after the link` };
  return { title: ref.source.name, url: ref.source.url, source };
}

/** Lines soft-wrapped inside a paragraph: no space between two CJK characters, one elsewhere. */
export function joinParagraph(lines: readonly string[]): string {
  const cjk = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u;
  return lines.reduce((joined, next) => {
    if (joined === '') return next;
    const glue = cjk.test(joined.slice(-1)) && cjk.test(next.slice(0, 1)) ? '' : ' ';
    return `${joined}${glue}${next}`;
  }, '');
}

function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

function parseFailure(line: number, message: string): ZhikuError {
  return new ZhikuError('E_PARSE', `line ${line}: ${message}`);
}

/**
 * Reads a digest (ours, or a hand-written one in the same layout) into the model. Tolerates what readers
 * don't see as different (a missing blank line, ASCII colons, a missing `---`) and throws E_PARSE for
 * anything the model cannot hold without losing text. `publishedAt` is not in the markdown and reads as null.
 */
export function parseDigestMarkdown(text: string): Digest {
  const scanned = scanDigestMarkdown(text);
  if (!scanned.title) throw parseFailure(1, `title line “# ${DIGEST_TITLE_PREFIX}YYYY年M月D日” is missing`);
  const title = parseTitleDate(scanned.title.text);
  if ('error' in title) throw parseFailure(scanned.title.line, title.error);
  const firstStray = scanned.stray[0];
  if (firstStray) throw parseFailure(firstStray.line, `unexpected line “${firstStray.text}”`);

  const items = scanned.items.map((scannedItem) => parseItem(scannedItem));
  const others: DigestLink[] = (scanned.others?.entries ?? []).map((entry) => {
    const link = parseOtherLine(entry.text);
    if ('error' in link) throw parseFailure(entry.line, `${OTHERS_HEADING} line is malformed: ${link.error}`);
    return link;
  });
  return { date: title.date, items, others };
}

function parseItem(scanned: ScannedItem): DigestItem {
  const headline = scanned.heading.text.trim();
  const where = `in “${headline}”`;
  const at = scanned.heading.line;
  if (scanned.afterOthers) throw parseFailure(at, `item “${headline}” comes after ${OTHERS_HEADING}`);
  const firstStray = scanned.stray[0];
  if (firstStray) throw parseFailure(firstStray.line, `unexpected line ${where}: “${firstStray.text}”`);

  if (!scanned.category) throw parseFailure(at, `分类 missing ${where}`);
  const category = scanned.category.text.trim();
  if (!isCategory(category)) throw parseFailure(scanned.category.line, `分类 “${category}” is not one of ${CATEGORIES.join('/')} ${where}`);

  if (!scanned.source) throw parseFailure(at, `来源 missing ${where}`);
  const source = parseSourceField(scanned.source.text);
  if ('error' in source) throw parseFailure(scanned.source.line, `来源 ${where}: ${source.error}`);

  if (!scanned.insightMarker) throw parseFailure(at, `核心洞察 missing ${where}`);
  const [paragraph, secondParagraph] = scanned.insightParagraphs;
  if (!paragraph) throw parseFailure(scanned.insightMarker.line, `核心洞察 is empty ${where}`);
  if (secondParagraph) throw parseFailure(secondParagraph[0]?.line ?? at, `核心洞察 is more than one paragraph ${where}`);
  const insight = joinParagraph(paragraph.map((line) => line.text.trim()));

  if (!scanned.summaryMarker) throw parseFailure(at, `内容简介 missing ${where}`);
  const bullets = scanned.bullets.map((bulletLine) => {
    const bullet = splitBullet(bulletLine.text);
    if (!bullet) throw parseFailure(bulletLine.line, `bullet is not “label：detail” ${where}`);
    return bullet;
  });

  return { headline, category, source: source.source, alsoAt: source.alsoAt, insight, bullets, publishedAt: null };
}

/** Markdown here is line-based: a newline inside a field would end it, so runs of whitespace become one space. */
function oneLine(text: string): string {
  return text.replace(/\s+/gu, ' ').trim();
}

function renderSourceRef(source: DigestSource): string {
  const name = escapeLinkText(oneLine(source.name));
  return source.url ? `[${name}](${formatUrl(source.url.trim())})` : name;
}

function renderItem(item: DigestItem): string {
  const alsoAt = item.alsoAt.length > 0 ? `（另见：${item.alsoAt.map(renderSourceRef).join('、')}）` : '';
  const bullets = item.bullets.map((bullet) => {
    const label = oneLine(bullet.label);
    // The parser splits at the first colon, so a colon in the label would move text into it.
    if (/[：:]/u.test(label)) throw new ZhikuError('E_INVALID_INPUT', `bullet label “${label}” contains a colon`, { item: item.headline });
    return `- ${label}：${oneLine(bullet.detail)}`;
  });
  return [
    `## ${oneLine(item.headline)}`,
    '',
    `> **分类：** ${item.category}`,
    `> **来源：** ${renderSourceRef(item.source)}${alsoAt}`,
    '',
    `**核心洞察：** ${oneLine(item.insight)}`,
    '',
    '**内容简介：**',
    '',
    ...bullets,
    '',
    '---',
  ].join('\n');
}

function renderOther(link: DigestLink): string {
  const ref = renderSourceRef({ name: link.title, url: link.url });
  return `- ${ref}${link.source ? `（来源：${oneLine(link.source)}）` : ''}`;
}

/**
 * The digest in the seed's layout, with one fix: a blank line between 核心洞察 and 内容简介, which
 * the seed lacks so that the two render as one paragraph. 其他相关资讯 is left out when there are none.
 */
export function renderDigestMarkdown(digest: Digest): string {
  const blocks = [`# ${digestTitle(digest.date)}`, ...digest.items.map(renderItem)];
  if (digest.others.length > 0) blocks.push(`## ${OTHERS_HEADING}\n\n${digest.others.map(renderOther).join('\n')}`);
  return `${blocks.join('\n\n')}\n`;
}
