/**
 * @module research/length
 * The length of a report as the dr3score scorer (`score.py`, the reference definition) measures it:
 * CJK characters plus Latin/number word tokens of the body text, with headings kept and references,
 * citation markers, URLs, code, table rules and markdown markup left out. A report's self-check must
 * report the number the scorer will compute, so every rule here follows the scorer's, quirks included.
 */
import { characterEntities } from 'character-entities';

// ---------------------------------------------------------------------------------------------
// Python semantics the scorer relies on
// ---------------------------------------------------------------------------------------------

/** Python's whitespace (`str.isspace`, `re`'s `\s`): unlike JS it has U+001C–U+001F and U+0085, not U+FEFF. */
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
/** Python's `\w` on str patterns is exactly letters, numbers and `_` (JS's is ASCII only). */
const WORD_CHARS = '\\p{L}\\p{N}_';
const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/');

interface PyFlags {
  ignoreCase?: boolean;
  multiline?: boolean;
  dotAll?: boolean;
  global?: boolean;
  /** `re.match` anchors at the start only; `re.fullmatch` at both ends. */
  anchor?: 'match' | 'full';
}

/**
 * Compiles a pattern written in Python `re` syntax with Python's meaning, so the scorer's patterns
 * can be kept verbatim: Unicode `\d` `\s` `\w` `\b`, `.` that stops only at `\n`, `$` that also
 * matches before a final newline, and multiline `^`/`$` that only see `\n` as a line break.
 */
function pyRe(source: string, flags: PyFlags = {}): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const n = source[++i];
      if (n === undefined) throw new Error(`dangling escape in ${source}`);
      if (n === 'd') out += '\\p{Nd}';
      else if (n === 's') out += inClass ? WS : `[${WS}]`;
      else if (n === 'S' && !inClass) out += `[^${WS}]`;
      else if (n === 'w') out += inClass ? WORD_CHARS : `[${WORD_CHARS}]`;
      else if (n === 'b' && !inClass) out += `(?:(?<=[${WORD_CHARS}])(?![${WORD_CHARS}])|(?<![${WORD_CHARS}])(?=[${WORD_CHARS}]))`;
      else if ('ntfvr'.includes(n) || /[1-9]/.test(n)) out += `\\${n}`;
      else if (/[A-Za-z0-9]/.test(n)) throw new Error(`unsupported escape \\${n} in ${source}`);
      // JS's u mode rejects identity escapes of non-syntax characters such as \" and \- outside a class.
      else out += SYNTAX_CHARS.has(n) || (inClass && n === '-') ? `\\${n}` : n;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
    } else if (c === '[') {
      inClass = true;
      out += c;
      if (source[i + 1] === '^') out += source[++i];
    } else if (c === '.') out += flags.dotAll ? '.' : '[^\\n]';
    else if (c === '^') out += flags.multiline ? '(?<![^\\n])' : '^';
    else if (c === '$') out += flags.multiline ? '(?=\\n|$)' : '(?=\\n?$)';
    else out += c;
  }
  if (flags.anchor === 'match') out = `^(?:${out})`;
  else if (flags.anchor === 'full') out = `^(?:${out})$`;
  return new RegExp(out, `u${flags.ignoreCase ? 'i' : ''}${flags.dotAll ? 's' : ''}${flags.global ? 'g' : ''}`);
}

const STRIP_RE = new RegExp(`^[${WS}]+|[${WS}]+$`, 'gu');
const WS_RUN_RE = new RegExp(`[${WS}]+`, 'u');

/** Python `str.strip()`, or `str.strip(chars)`. */
function pyStrip(s: string, chars?: string): string {
  if (chars === undefined) return s.replace(STRIP_RE, '');
  return pyRStrip(pyLStrip(s, chars), chars);
}

function pyLStrip(s: string, chars: string): string {
  const set = new Set(chars);
  const cps = Array.from(s);
  let i = 0;
  while (i < cps.length && set.has(cps[i]!)) i++;
  return cps.slice(i).join('');
}

function pyRStrip(s: string, chars: string): string {
  const set = new Set(chars);
  const cps = Array.from(s);
  let j = cps.length;
  while (j > 0 && set.has(cps[j - 1]!)) j--;
  return cps.slice(0, j).join('');
}

/** Python `str.split()` with no separator: runs of whitespace, no empty pieces. */
function pySplitWs(s: string): string[] {
  return s.split(WS_RUN_RE).filter((p) => p !== '');
}

/** Python `len(str)`: code points, not UTF-16 units. */
function pyLen(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const ND_RE = /\p{Nd}/u;

/** Python `int()` of a `\d+` match, whose digits may be any Unicode decimal digits. */
function pyInt(digits: string): number {
  let value = 0;
  for (const ch of digits) {
    let cp = ch.codePointAt(0)!;
    // Decimal digits come in runs of ten from zero, so the distance from the run's start gives the digit.
    let k = 0;
    while (cp > 0 && ND_RE.test(String.fromCodePoint(cp - 1))) {
      cp--;
      k++;
    }
    value = value * 10 + (k % 10);
  }
  return value;
}

/** Python `range(a, b)` as a list, cut to `limit` entries without building the rest. */
function pyRange(a: number, b: number, limit = Infinity): number[] {
  const out: number[] = [];
  for (let i = a; i < b && out.length < limit; i++) out.push(i);
  return out;
}

const LEGACY_ENTITIES = new Set(
  ('AElig AMP Aacute Acirc Agrave Aring Atilde Auml COPY Ccedil ETH Eacute Ecirc Egrave Euml GT Iacute Icirc Igrave ' +
    'Iuml LT Ntilde Oacute Ocirc Ograve Oslash Otilde Ouml QUOT REG THORN Uacute Ucirc Ugrave Uuml Yacute aacute acirc ' +
    'acute aelig agrave amp aring atilde auml brvbar ccedil cedil cent copy curren deg divide eacute ecirc egrave eth euml ' +
    'frac12 frac14 frac34 gt iacute icirc iexcl igrave iquest iuml laquo lt macr micro middot nbsp not ntilde oacute ocirc ' +
    'ograve ordf ordm oslash otilde ouml para plusmn pound quot raquo reg sect shy sup1 sup2 sup3 szlig thorn times uacute ' +
    'ucirc ugrave uml uuml yacute yen yuml').split(' '),
);

const INVALID_CHARREFS: ReadonlyMap<number, string> = new Map([
  [0x00, '\ufffd'], [0x0d, '\r'], [0x80, '\u20ac'], [0x81, '\x81'], [0x82, '\u201a'], [0x83, '\u0192'],
  [0x84, '\u201e'], [0x85, '\u2026'], [0x86, '\u2020'], [0x87, '\u2021'], [0x88, '\u02c6'], [0x89, '\u2030'],
  [0x8a, '\u0160'], [0x8b, '\u2039'], [0x8c, '\u0152'], [0x8d, '\x8d'], [0x8e, '\u017d'], [0x8f, '\x8f'],
  [0x90, '\x90'], [0x91, '\u2018'], [0x92, '\u2019'], [0x93, '\u201c'], [0x94, '\u201d'], [0x95, '\u2022'],
  [0x96, '\u2013'], [0x97, '\u2014'], [0x98, '\u02dc'], [0x99, '\u2122'], [0x9a, '\u0161'], [0x9b, '\u203a'],
  [0x9c, '\u0153'], [0x9d, '\x9d'], [0x9e, '\u017e'], [0x9f, '\u0178'],
]);

function isInvalidCodepoint(n: number): boolean {
  return (
    (n >= 0x1 && n <= 0x8) || n === 0xb || (n >= 0xe && n <= 0x1f) || (n >= 0x7f && n <= 0x9f) ||
    (n >= 0xfdd0 && n <= 0xfdef) || (n & 0xfffe) === 0xfffe
  );
}

function namedEntity(name: string): string | undefined {
  if (name.endsWith(';')) return Object.hasOwn(characterEntities, name.slice(0, -1)) ? characterEntities[name.slice(0, -1)] : undefined;
  return LEGACY_ENTITIES.has(name) ? characterEntities[name] : undefined;
}

const CHARREF_RE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

/** Python `html.unescape`: HTML5 named references (legacy ones also without `;`, longest prefix) and numeric ones. */
function htmlUnescape(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(CHARREF_RE, (_all, ref: string) => {
    if (ref.startsWith('#')) {
      const hex = ref[1] === 'x' || ref[1] === 'X';
      const num = parseInt(ref.slice(hex ? 2 : 1).replace(/;$/, ''), hex ? 16 : 10);
      const fixed = INVALID_CHARREFS.get(num);
      if (fixed !== undefined) return fixed;
      if ((num >= 0xd800 && num <= 0xdfff) || num > 0x10ffff) return '\ufffd';
      if (isInvalidCodepoint(num)) return '';
      return String.fromCodePoint(num);
    }
    const whole = namedEntity(ref);
    if (whole !== undefined) return whole;
    const cps = Array.from(ref);
    for (let x = cps.length - 1; x > 1; x--) {
      const hit = namedEntity(cps.slice(0, x).join(''));
      if (hit !== undefined) return hit + cps.slice(x).join('');
    }
    return `&${ref}`;
  });
}

// ---------------------------------------------------------------------------------------------
// counting
// ---------------------------------------------------------------------------------------------

const CJK_SOURCE = '[\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{2ffff}]';
const CJK_RE = new RegExp(CJK_SOURCE, 'u');
const CJK_G = new RegExp(CJK_SOURCE, 'gu');
const WORD_G = /[A-Za-z0-9]+(?:['’.\-_][A-Za-z0-9]+)*/g;

/** CJK characters plus Latin/number word tokens, after NFKC. */
export function countLength(text: string): number {
  const t = text.normalize('NFKC');
  const cjk = t.match(CJK_G)?.length ?? 0;
  const words = t.replace(CJK_G, ' ').match(WORD_G)?.length ?? 0;
  return cjk + words;
}

// ---------------------------------------------------------------------------------------------
// report extraction
// ---------------------------------------------------------------------------------------------

/** The text inside the first `\boxed{…}` (to the end when unclosed), or null without one. */
function extractBoxed(s: string): { text: string; closed: boolean } | null {
  const i = s.indexOf('\\boxed{');
  if (i < 0) return null;
  let depth = 1;
  for (let j = i + 7; j < s.length; j++) {
    if (s[j] === '{') depth++;
    else if (s[j] === '}') {
      depth--;
      if (depth === 0) return { text: s.slice(i + 7, j), closed: true };
    }
  }
  return { text: s.slice(i + 7), closed: false };
}

const FINAL_REPORT_HEAD_RE = pyRe('^## Final Report\\s*\\n', { multiline: true });
const SUMMARY_HEAD_G = pyRe('^## Summary\\s*$', { multiline: true, global: true });
const FINAL_ANSWER_RE = pyRe('^={5,} Final Answer ={5,}', { multiline: true });
const REPORT_HEAD_RE = pyRe('^## Report\\s*\\n', { multiline: true });
const TOOL_CALL_G = pyRe('<use_mcp_tool>.*?(</use_mcp_tool>|$)', { dotAll: true, global: true });

/**
 * The report body of a report file's text, as the scorer extracts it: the part after `## Final Report`
 * (up to the last `## Summary` before any `===== Final Answer =====`) in task-report files, after
 * `## Report` in final-report files, else everything; then the `\boxed{}` content if any, tool calls
 * removed, trimmed.
 */
export function reportBody(fileText: string): string {
  // The scorer reads in text mode, whose universal newlines turn \r\n and lone \r into \n.
  const s = fileText.replace(/\r\n?/g, '\n');
  let body: string;
  if (s.startsWith('# Task Report')) {
    const a = FINAL_REPORT_HEAD_RE.exec(s);
    const post = a ? s.slice(a.index + a[0].length) : s;
    const fa = FINAL_ANSWER_RE.exec(post);
    const ends = [...post.matchAll(SUMMARY_HEAD_G)].map((e) => e.index).filter((e) => !fa || e < fa.index);
    const last = ends[ends.length - 1];
    body = last !== undefined ? post.slice(0, last) : fa ? post.slice(0, fa.index) : post;
  } else {
    const a = REPORT_HEAD_RE.exec(s);
    body = a ? s.slice(a.index + a[0].length) : s;
  }
  const boxed = extractBoxed(body);
  if (boxed) body = boxed.text;
  if (body.includes('<use_mcp_tool>')) body = body.replace(TOOL_CALL_G, '\n');
  return pyStrip(body);
}

// ---------------------------------------------------------------------------------------------
// html -> line text
// ---------------------------------------------------------------------------------------------

const HTML_DOC_RE = pyRe('<(html|body|!doctype)\\b');
const HTML_BLOCK_G = pyRe('<(?:p|h[1-6]|div|section|article|li|ul|ol|table|tr|td|br|span)\\b', { ignoreCase: true, global: true });

/** An HTML report: a document tag, or at least five block-level tags. */
export function isHtml(body: string): boolean {
  return HTML_DOC_RE.test(body.toLowerCase()) || [...body.matchAll(HTML_BLOCK_G)].length >= 5;
}

const HTML_HIDDEN_G = pyRe('<(head|style|script)\\b.*?</\\1\\s*>', { ignoreCase: true, dotAll: true, global: true });
const HTML_COMMENT_G = pyRe('<!--.*?-->', { ignoreCase: true, dotAll: true, global: true });
const HTML_HEADING_G = pyRe('<h([1-6])\\b[^>]*>(.*?)</h\\1\\s*>', { ignoreCase: true, dotAll: true, global: true });
const HTML_ANY_TAG_G = pyRe('<[^>]+>', { global: true });
const HTML_LI_G = pyRe('<li\\b[^>]*>', { ignoreCase: true, global: true });
const HTML_BOLD_OPEN_G = pyRe('<(b|strong)\\b[^>]*>', { ignoreCase: true, global: true });
const HTML_BOLD_CLOSE_G = pyRe('</(b|strong)\\s*>', { ignoreCase: true, global: true });
const HTML_CELL_G = pyRe('<t[dh]\\b[^>]*>', { ignoreCase: true, global: true });
const HTML_BREAK_G = pyRe(
  '<br\\s*/?>|</?(p|div|section|article|tr|table|ul|ol|li|header|footer|blockquote|hr|body|html|main|nav)\\b[^>]*>',
  { ignoreCase: true, global: true },
);
const HTML_TAG_IN_LINE_G = pyRe('<[^>\\n]+>', { global: true });

/** HTML as markdown-like lines: headings as `#`, list items as `- `, bold as `**`, cells split by `|`, tags dropped, entities decoded. */
export function htmlToLines(html: string): string {
  let s = html.replace(HTML_HIDDEN_G, '\n');
  s = s.replace(HTML_COMMENT_G, '');
  s = s.replace(HTML_HEADING_G, (_all, level: string, inner: string) => {
    const text = pySplitWs(inner.replace(HTML_ANY_TAG_G, '')).join(' ');
    return `\n${'#'.repeat(Number(level))} ${text}\n`;
  });
  s = s.replace(HTML_LI_G, '\n- ');
  s = s.replace(HTML_BOLD_OPEN_G, '**');
  s = s.replace(HTML_BOLD_CLOSE_G, '**');
  s = s.replace(HTML_CELL_G, ' | ');
  s = s.replace(HTML_BREAK_G, '\n');
  s = s.replace(HTML_TAG_IN_LINE_G, '');
  return htmlUnescape(s);
}

// ---------------------------------------------------------------------------------------------
// citation markers
// ---------------------------------------------------------------------------------------------

const FILE_EXT = '\\.(?:pdf|pptx?|docx?|xlsx?|csv|tsv|txt|md|json|jpe?g|png|gif|bmp|webp|mp4|mov|avi|mkv|mp3|wav)';
const LC_PREFIX = '(?:long_context|long-context|长期文档|长上下文|长文档)';
const LC_QUOTED_G = pyRe(`\\[${LC_PREFIX}\\s*[:：]\\s*[\\"“「](.+?)[\\"”」]\\s*(?:[,，;；]\\s*([^\\]\\n]*))?\\]`, { global: true });
const BRACKET_G = pyRe('\\[([^\\[\\]\\n]{1,300})\\](?!\\()', { global: true });
const MDLINK_G = pyRe('\\[([^\\[\\]\\n]*)\\]\\((https?://[^)\\s]+)\\)', { global: true });
const URL_SOURCE = 'https?://[^\\s<>\\[\\]()（）\\"\'，。；、]+';
const URL_RE = pyRe(URL_SOURCE);
const URL_G = pyRe(URL_SOURCE, { global: true });
const DOC_PREFIX_RE = pyRe('^(文档|Doc|Document|文件|File|PDF|PPT|Excel|表格|数据文件)\\s*[:：]\\s*(.+)$', { ignoreCase: true, anchor: 'match' });
const MEDIA_PREFIX_RE = pyRe('^(图片|图像|Image|Img|Picture|Photo|视频|Video|音频|Audio)\\s*[:：]\\s*(.+)$', { ignoreCase: true, anchor: 'match' });
const WEB_PREFIX_RE = pyRe('^(网页|Web|URL|链接|网址|Website|Online|网络来源)\\s*[:：]\\s*(.+)$', { ignoreCase: true, anchor: 'match' });
const LC_PREFIX_RE = pyRe(`^${LC_PREFIX}\\s*[:：]\\s*(.*)$`, { ignoreCase: true, anchor: 'match' });
const NUM_RE = pyRe('^\\d{1,3}(?:\\s*[,，、\\-–]\\s*\\d{1,3})*$', { anchor: 'match' });
const KEYED_RE = pyRe('^(RAG|Context|Source|Ref|来源|资料)[-\\s_]?(\\d{1,3})$', { ignoreCase: true, anchor: 'match' });
const CHUNK_RE = pyRe('chunks?\\s*[:：#]?\\s*(\\d+(?:\\s*(?:[-–~,，、/]|and)\\s*\\d+)*)', { ignoreCase: true });
const CHUNK_RANGE_RE = pyRe('(\\d+)\\s*[-–~]\\s*(\\d+)', { anchor: 'full' });
const DIGITS_RE = pyRe('\\d+', { anchor: 'match' });
const DIGITS_G = pyRe('\\d+', { global: true });
const NAME_SEP_RE = pyRe('[,，;；、]');
const FILE_EXT_END_RE = pyRe(`${FILE_EXT}$`, { ignoreCase: true });
const LC_TITLE_END_RE = pyRe('\\s*[,，;；]\\s*(?=chunks?\\b|第|p\\.?\\s*\\d|page)', { ignoreCase: true });
const URL_START_RE = pyRe('^https?://', { anchor: 'match' });
const NUM_ITEM_G = pyRe('(\\d+)(?:\\s*[\\-–]\\s*(\\d+))?', { global: true });
const CHUNK_AFTER_COMMA_RE = pyRe('[,，]\\s*chunks?', { ignoreCase: true });
const TITLE_CHUNK_SPLIT_RE = pyRe('\\s*[,，]\\s*chunks?', { ignoreCase: true });
const FIELD_SEP_RE = pyRe('[,，;；]');
const LABELLED_FILE_RE = pyRe('(文档|Doc|图片|Image|视频|Video)\\s*[:：]\\s*([^,，;；\\]]+)');
const QUOTES = '"“”「」';

/** A citation marker's meaning, by kind (the scorer's type names). */
export type CitationKind =
  | { type: 'lc'; title: string; chunks: number[] | null }
  | { type: 'file'; kind: 'doc' | 'media' | 'auto'; name: string }
  | { type: 'url'; url: string }
  | { type: 'web_nourl'; text: string }
  | { type: 'num'; nums: number[] }
  | { type: 'keyed'; key: string };

/** A citation marker found in a line; `start`/`end` are string offsets into that line, `raw` the marker text. */
export type CitationMarker = CitationKind & { start: number; end: number; raw: string };

/** The chunk numbers of a `chunk 3`, `chunks 2-4`, `chunk 1, 5` spec (at most 50), or null without one. */
export function parseChunks(spec: string | null | undefined): number[] | null {
  if (!spec) return null;
  const m = CHUNK_RE.exec(spec);
  if (!m) return null;
  const s = m[1]!;
  const r = CHUNK_RANGE_RE.exec(pyStrip(s));
  if (r) {
    const a = pyInt(r[1]!);
    const b = pyInt(r[2]!);
    return pyRange(Math.min(a, b), Math.max(a, b) + 1, 50);
  }
  if (s.includes('/')) return [pyInt(DIGITS_RE.exec(s)![0])]; // "chunk 4/5" is chunk 4 of 5
  return [...s.matchAll(DIGITS_G)].slice(0, 50).map((d) => pyInt(d[0]));
}

/** File names of a marker body; the parts that look like file names, else its first part. */
function splitNames(rest: string): string[] {
  const parts = rest.split(NAME_SEP_RE).filter((p) => pyStrip(p)).map((p) => pyStrip(p));
  const names = parts.filter((p) => FILE_EXT_END_RE.test(p));
  if (names.length) return names;
  return [parts.length ? parts[0]! : pyStrip(rest)];
}

/** The text before the first match of `re`, as Python's `re.split(...)[0]`. */
function beforeFirst(s: string, re: RegExp): string {
  const m = re.exec(s);
  return m ? s.slice(0, m.index) : s;
}

/** What a `[...]` body cites, or [] when it is not a citation. */
function classifyBracket(content: string): CitationKind[] {
  const c = pyStrip(content);
  let m = LC_PREFIX_RE.exec(c);
  if (m) {
    const rest = m[1]!;
    const title = beforeFirst(rest, LC_TITLE_END_RE);
    return [{ type: 'lc', title: pyStrip(pyStrip(title), QUOTES), chunks: parseChunks(rest) }];
  }
  m = DOC_PREFIX_RE.exec(c) ?? MEDIA_PREFIX_RE.exec(c);
  if (m) {
    const kind = MEDIA_PREFIX_RE.test(c) ? 'media' : 'doc';
    return splitNames(m[2]!).map((name) => ({ type: 'file', kind, name }));
  }
  m = WEB_PREFIX_RE.exec(c);
  if (m) {
    const u = URL_RE.exec(m[2]!);
    return u ? [{ type: 'url', url: u[0] }] : [{ type: 'web_nourl', text: m[2]! }];
  }
  if (URL_START_RE.test(c)) return [{ type: 'url', url: pySplitWs(c)[0]! }];
  if (NUM_RE.test(c)) {
    const nums: number[] = [];
    for (const [, a, b] of c.matchAll(NUM_ITEM_G)) {
      const from = pyInt(a!);
      if (b && pyInt(b) - from < 30) nums.push(...pyRange(from, pyInt(b) + 1));
      else nums.push(from);
    }
    return [{ type: 'num', nums }];
  }
  m = KEYED_RE.exec(c);
  if (m) return [{ type: 'keyed', key: `${m[1]!}-${m[2]!}` }];
  if (CHUNK_RE.test(c) && CHUNK_AFTER_COMMA_RE.test(c)) {
    const title = beforeFirst(c, TITLE_CHUNK_SPLIT_RE);
    return [{ type: 'lc', title: pyStrip(pyStrip(title), QUOTES), chunks: parseChunks(c) }];
  }
  const first = pyStrip(beforeFirst(c, FIELD_SEP_RE));
  if (FILE_EXT_END_RE.test(first)) return splitNames(c).map((name) => ({ type: 'file', kind: 'auto', name }));
  m = LABELLED_FILE_RE.exec(c);
  if (m) return [{ type: 'file', kind: 'auto', name: pyStrip(m[2]!) }];
  return [];
}

/**
 * Every citation marker in a line, in order: quoted long-context markers first, then markdown links,
 * then bracketed markers that classify as citations, then bare URLs, each only where no earlier
 * marker already claimed the text.
 */
export function findCitationMarkers(line: string): CitationMarker[] {
  const out: CitationMarker[] = [];
  const mask: Array<[number, number]> = [];
  const free = (a: number, b: number) => mask.every(([x, y]) => b <= x || a >= y);
  for (const m of line.matchAll(LC_QUOTED_G)) {
    const start = m.index;
    const end = start + m[0].length;
    out.push({ type: 'lc', title: pyStrip(m[1]!), chunks: parseChunks(m[2] ?? ''), start, end, raw: m[0] });
    mask.push([start, end]);
  }
  for (const m of line.matchAll(MDLINK_G)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!free(start, end)) continue;
    out.push({ type: 'url', url: m[2]!, start, end, raw: m[0] });
    mask.push([start, end]);
  }
  for (const m of line.matchAll(BRACKET_G)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!free(start, end)) continue;
    for (const k of classifyBracket(m[1]!)) out.push({ ...k, start, end, raw: m[0] });
    if (out.length && out[out.length - 1]!.start === start) mask.push([start, end]);
  }
  for (const m of line.matchAll(URL_G)) {
    const start = m.index;
    const end = start + m[0].length;
    if (!free(start, end)) continue;
    out.push({ type: 'url', url: m[0], start, end, raw: m[0] });
    mask.push([start, end]);
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

/**
 * The line with each marker replaced by a space, right to left. A bracket naming several files gives
 * several markers with the same span, and the scorer cuts that span once per marker from the already
 * shortened line, eating text after it; that is reproduced in code points, as the scorer counts them.
 */
export function stripCitationMarkers(line: string): string {
  const markers = findCitationMarkers(line);
  if (!markers.length) return line;
  const cpAt = new Map<number, number>();
  let cp = 0;
  let unit = 0;
  for (const ch of line) {
    cpAt.set(unit, cp);
    unit += ch.length;
    cp++;
  }
  cpAt.set(unit, cp);
  let chars = Array.from(line);
  for (const m of [...markers].sort((a, b) => b.start - a.start)) {
    const start = cpAt.get(m.start)!;
    const end = cpAt.get(m.end)!;
    chars = [...chars.slice(0, start), ' ', ...chars.slice(end)];
  }
  return chars.join('');
}

// ---------------------------------------------------------------------------------------------
// line structure: headings, reference section
// ---------------------------------------------------------------------------------------------

/** How a line reads as a heading: markdown `#`, a bold line, Chinese/Arabic/Roman numbering, 【…】, or a short bare line. */
export type HeadingClass = 'md' | 'bold' | 'cn_chap' | 'cn_num' | 'paren_cn' | 'paren_num' | 'arabic' | 'roman' | 'bracket' | 'bare';

export interface Heading {
  cls: HeadingClass;
  /** The `#` count for markdown headings; 9 for every other kind. */
  level: number;
  text: string;
}

export interface AnalysedLine {
  text: string;
  head: Heading | null;
  /** In a reference section, or a one-line source note. */
  ref: boolean;
  /** A code fence, a line inside a code block, or a table separator row. */
  skip: boolean;
  /** The row just above a table separator. */
  tableHead?: boolean;
}

const REF_HEAD_RE = pyRe(
  '^[【\\[(（]?\\s*(?:主要)?(?:参考|资料来源|信息来源|数据来源|引用来源|引用文献|引用资料|文献来源|来源说明|' +
    'references?\\b|sources?\\b|bibliography|works cited|citations?\\b)',
  { ignoreCase: true, anchor: 'match' },
);
const NUMPREFIX_RE = pyRe(
  '^(?:第[一二三四五六七八九十百\\d]+[章节部分篇][、.．:：\\s]*|[一二三四五六七八九十]+[、.．]\\s*|' +
    '[（(][一二三四五六七八九十\\d]+[）)]\\s*|\\d+(?:\\.\\d+)*[、.．)）]?\\s+|\\d+(?:\\.\\d+)*[、.．]\\s*|' +
    '[IVX]+[.、]\\s*|[①-⑳]\\s*)',
);
const MD_MARKUP_G = pyRe('\\*\\*|__|`', { global: true });
const MD_HEADING_RE = pyRe('^(#{1,6})\\s*(.+?)\\s*#*$', { anchor: 'match' });
const BULLET_START_RE = pyRe('^[-*+•·]\\s', { anchor: 'match' });
const BOLD_LINE_RE = pyRe('\\*\\*(.+?)\\*\\*\\s*[：:]?', { anchor: 'full' });
const SENTENCE_END_RE = pyRe('[。！？；;，,]$');
const CN_CHAP_RE = pyRe('^第[一二三四五六七八九十百\\d]+[章节部分篇]', { anchor: 'match' });
const CN_NUM_RE = pyRe('^[一二三四五六七八九十]+[、.．]', { anchor: 'match' });
const PAREN_CN_RE = pyRe('^[（(][一二三四五六七八九十]+[）)]', { anchor: 'match' });
const LISTY_RE = pyRe('[，,；;。]');
const COLON_END_RE = pyRe('[：:]$');
const PAREN_NUM_RE = pyRe('^[（(]\\d{1,2}[）)]', { anchor: 'match' });
const ARABIC_RE = pyRe('^\\d+(?:\\.\\d+)*[、.．]\\s*\\S', { anchor: 'match' });
const ROMAN_RE = pyRe('^[IVX]+[.、]\\s*\\S', { anchor: 'match' });
const BRACKET_HEAD_RE = pyRe('【.+】', { anchor: 'full' });
const BARE_PUNCT_RE = pyRe('[:：，,。；;]');
const CAPITAL_START_RE = pyRe('^[A-Z]', { anchor: 'match' });
const INLINE_REF_RE = pyRe(
  '^[【\\[(（]?\\s*(?:主要)?(?:参考资料|参考文献|参考来源|资料来源|信息来源|数据来源|引用来源|引用文献|' +
    'references?|sources?)\\s*[:：]\\s*(.*)$',
  { ignoreCase: true, anchor: 'match' },
);
const TABLE_SEP_RE = pyRe('\\|?\\s*:?-{2,}:?\\s*(\\|\\s*:?-{2,}:?\\s*)*\\|?', { anchor: 'full' });
const TABLE_SEP_START_RE = pyRe('^\\s*\\|?\\s*:?-{2,}', { anchor: 'match' });

function stripMd(s: string): string {
  return pyStrip(s.replace(MD_MARKUP_G, ''));
}

/** The heading a line reads as, or null for body text. */
export function headingInfo(line: string): Heading | null {
  const s = pyStrip(line);
  if (!s || s.startsWith('|') || s.startsWith('```')) return null;
  let m = MD_HEADING_RE.exec(s);
  if (m) return { cls: 'md', level: m[1]!.length, text: stripMd(m[2]!) };
  if (BULLET_START_RE.test(s)) return null;
  m = BOLD_LINE_RE.exec(s);
  if (m && pyLen(m[1]!) <= 60) return { cls: 'bold', level: 9, text: stripMd(m[1]!) };
  const t = pyStrip(stripMd(stripCitationMarkers(s)));
  if (!t || pyLen(t) > 50 || SENTENCE_END_RE.test(t)) return null;
  if (CN_CHAP_RE.test(t)) return { cls: 'cn_chap', level: 9, text: t };
  if (CN_NUM_RE.test(t)) return { cls: 'cn_num', level: 9, text: t };
  if (PAREN_CN_RE.test(t)) return { cls: 'paren_cn', level: 9, text: t };
  const listy = LISTY_RE.test(t) || COLON_END_RE.test(t);
  if (PAREN_NUM_RE.test(t) && !listy) return { cls: 'paren_num', level: 9, text: t };
  if (ARABIC_RE.test(t) && pyLen(t) <= 40 && !listy) return { cls: 'arabic', level: 9, text: t };
  if (ROMAN_RE.test(t)) return { cls: 'roman', level: 9, text: t };
  if (BRACKET_HEAD_RE.test(t)) return { cls: 'bracket', level: 9, text: t };
  if (pyLen(t) <= 25 && !BARE_PUNCT_RE.test(t) && (CJK_RE.test(t) || CAPITAL_START_RE.test(t))) return { cls: 'bare', level: 9, text: t };
  return null;
}

/** A heading that opens a reference list (参考资料, References, Sources, …), numbering ignored. */
export function isRefHeading(h: Heading): boolean {
  const txt = pyStrip(pyLStrip(pyStrip(h.text.replace(NUMPREFIX_RE, '')), '【[（('));
  return REF_HEAD_RE.test(txt) && pyLen(txt) <= 30;
}

/**
 * The body's lines with what the scorer needs to know of each: its heading, whether it belongs to a
 * reference section (which runs until a heading of the same or higher rank), and whether it is code
 * or a table separator.
 */
export function analyseLines(text: string): AnalysedLine[] {
  const out: AnalysedLine[] = [];
  let inRef = false;
  let refHead: Heading | null = null;
  let inCode = false;
  for (const raw of text.split('\n')) {
    const s = pyStrip(raw);
    if (s.startsWith('```')) {
      inCode = !inCode;
      out.push({ text: raw, head: null, ref: inRef, skip: true });
      continue;
    }
    const h = headingInfo(raw);
    let inlineRef = false;
    if (inRef && h !== null) {
      const r = refHead!;
      // Does this heading close the reference section?
      if (h.cls === 'md' && (r.cls !== 'md' || h.level <= r.level)) inRef = false;
      else if (h.cls === 'cn_num' || h.cls === 'cn_chap' || h.cls === 'paren_cn') inRef = false;
      else if (h.cls === 'paren_num' && r.cls === 'paren_num') inRef = false;
      else if (h.cls === 'bold' && (r.cls === 'bold' || r.cls === 'bare' || r.cls === 'bracket')) inRef = false;
      if (!inRef && isRefHeading(h)) {
        inRef = true;
        refHead = h;
      }
    } else if (h !== null && isRefHeading(h)) {
      inRef = true;
      refHead = h;
    } else if (h === null) {
      const t = stripMd(s);
      const m = INLINE_REF_RE.exec(t);
      if (m) {
        if (pyStrip(m[1]!)) inlineRef = true; // a one-line source note
        else {
          inRef = true;
          refHead = { cls: 'bare', level: 9, text: t };
        }
      }
    }
    const tableSep = TABLE_SEP_RE.test(s);
    out.push({ text: raw, head: h, ref: inRef || inlineRef, skip: inCode || tableSep });
  }
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.skip && TABLE_SEP_START_RE.test(out[i]!.text) && pyStrip(out[i - 1]!.text).startsWith('|')) out[i - 1]!.tableHead = true;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// length
// ---------------------------------------------------------------------------------------------

const CODE_FENCE_LANG_G = /```[a-zA-Z]*/g;
const BR_G = pyRe('<br\\s*/?>', { ignoreCase: true, global: true });
const LINE_MARKUP_G = pyRe('\\*\\*|__|`|^\\s*#+\\s*|^\\s*[-*+]\\s+|\\|', { global: true });

/**
 * The body's lines as the scorer reads them. Every body goes through the HTML-to-lines conversion,
 * markdown too (its tags are dropped and entities decoded); only an HTML body has its code fences put
 * on lines of their own first, and only a markdown body has `<br>`s that entity decoding produced
 * turned into spaces.
 */
export function reportLines(body: string): AnalysedLine[] {
  const html = isHtml(body);
  let text = htmlToLines(html ? body.replace(CODE_FENCE_LANG_G, '\n```\n') : body);
  if (!html) text = text.replace(BR_G, ' ');
  return analyseLines(text);
}

/** The text the scorer counts: body lines outside code, table rules and references, without markers and markup. */
export function countedText(body: string): string {
  const parts: string[] = [];
  for (const ln of reportLines(body)) {
    if (ln.skip || ln.ref) continue;
    parts.push(stripCitationMarkers(ln.text).replace(LINE_MARKUP_G, ' '));
  }
  return parts.join('\n');
}

/** The scorer's `length` of a report body (markdown or HTML). */
export function measureLength(body: string): number {
  return countLength(countedText(body));
}
