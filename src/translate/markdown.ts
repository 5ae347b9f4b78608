/**
 * @module translate/markdown
 * Markdown → units a model translates and units kept byte-identical. Code blocks, HTML, link
 * definitions and rules are never sent; inside prose, inline code, images, inline HTML, bare URLs and
 * link destinations become placeholder tokens the model must copy, so links survive by construction.
 */
import type { Nodes, Parent, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTable } from 'micromark-extension-gfm-table';

export type UnitKind = 'heading' | 'paragraph' | 'list' | 'table' | 'blockquote' | 'other';

export type Unit =
  /** Sent nowhere: code and HTML blocks, link definitions, rules, the blank lines between blocks. */
  | { kind: 'kept'; text: string }
  /** Translated: `text` is the source with placeholders, `source` the exact original. */
  | { kind: 'prose'; block: UnitKind; text: string; source: string; tokens: string[] };

export interface SplitMarkdown {
  units: Unit[];
  /** Placeholder token → the exact original text it stands for. */
  placeholders: Map<string, string>;
  /** The placeholder brackets this text uses (a pair absent from it). */
  brackets: readonly [string, string];
}

/** Bracket pairs for placeholder tokens; the first pair absent from the source is used. */
const TOKEN_BRACKETS: readonly [string, string][] = [
  ['⟦', '⟧'],
  ['⟪', '⟫'],
  ['〖', '〗'],
];

const BARE_URL = /\bhttps?:\/\/[^\s<>()（）\[\]【】"'，。；！？、]+[^\s<>()（）\[\]【】"'，。；！？、.,;:!?]/g;

const KEPT_BLOCKS = new Set(['code', 'html', 'definition', 'thematicBreak', 'yaml', 'math']);
/** Inline nodes copied whole as one placeholder. */
const OPAQUE_INLINE = new Set(['inlineCode', 'html', 'image', 'imageReference', 'code', 'inlineMath', 'footnoteReference']);

export function parseMarkdownTree(markdown: string): Root {
  return fromMarkdown(markdown, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
}

/** Splits a markdown body into kept and translatable units; `join(units) === markdown`. */
export function splitMarkdown(text: string): SplitMarkdown {
  // The parser drops a byte-order mark and its offsets then count from after it.
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const markdown = text.slice(bom.length);
  const tree = parseMarkdownTree(markdown);
  const [open, close] = TOKEN_BRACKETS.find(([a, b]) => !markdown.includes(a) && !markdown.includes(b)) ?? TOKEN_BRACKETS[0]!;
  const placeholders = new Map<string, string>();
  const units: Unit[] = bom ? [{ kind: 'kept', text: bom }] : [];
  let cursor = 0;
  const keep = (text: string) => {
    if (!text) return;
    const last = units.at(-1);
    if (last?.kind === 'kept') last.text += text;
    else units.push({ kind: 'kept', text });
  };
  for (const node of tree.children) {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) continue;
    keep(markdown.slice(cursor, start));
    cursor = end;
    const source = markdown.slice(start, end);
    const htmlProse = node.type === 'html' && !RAW_HTML.test(source);
    if (KEPT_BLOCKS.has(node.type) && !htmlProse) {
      keep(source);
      continue;
    }
    // In an HTML block only the text between tags is translated: every tag and comment is a placeholder.
    const ranges = htmlProse ? htmlTagRanges(source, start) : protectedRanges(node, markdown);
    let text = '';
    let at = start;
    const tokens: string[] = [];
    for (const range of ranges) {
      const token = `${open}${placeholders.size + 1}${close}`;
      placeholders.set(token, markdown.slice(range.start, range.end));
      tokens.push(token);
      text += markdown.slice(at, range.start) + token;
      at = range.end;
    }
    text += markdown.slice(at, end);
    // A block of nothing but placeholders and punctuation (an image on its own line) needs no model.
    if (!hasWords(withoutTokens(text, tokens))) {
      for (const token of tokens) placeholders.delete(token);
      keep(source);
      continue;
    }
    units.push({ kind: 'prose', block: blockKind(node), text, source, tokens });
  }
  keep(markdown.slice(cursor));
  return { units, placeholders, brackets: [open, close] };
}

/** The translated body: kept units as they were, prose units as translated (placeholders restored). */
export function joinUnits(units: readonly Unit[], translated: ReadonlyMap<number, string>): string {
  return units.map((unit, index) => (unit.kind === 'kept' ? unit.text : (translated.get(index) ?? unit.source))).join('');
}

export function restorePlaceholders(text: string, placeholders: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [token, original] of placeholders) if (out.includes(token)) out = out.split(token).join(original);
  return out;
}

export function withoutTokens(text: string, tokens: readonly string[]): string {
  let out = text;
  for (const token of tokens) out = out.split(token).join(' ');
  return out;
}

/** HTML whose text is code or script, never translated. */
const RAW_HTML = /<(?:pre|script|style|code|textarea|svg|math)\b/i;

function htmlTagRanges(html: string, offset: number): Range[] {
  const ranges: Range[] = [];
  for (const match of html.matchAll(/<!--[\s\S]*?-->|<[^>]*>|&[#\w]+;|https?:\/\/[^\s<>"']+/g)) ranges.push({ start: offset + match.index, end: offset + match.index + match[0].length });
  return ranges;
}

function hasWords(text: string): boolean {
  return /[\p{L}]{2,}|\p{Script=Han}/u.test(text.replace(/[#>*_~`|-]/g, ' '));
}

function blockKind(node: RootContent): UnitKind {
  switch (node.type) {
    case 'heading':
    case 'paragraph':
    case 'list':
    case 'table':
    case 'blockquote':
      return node.type;
    default:
      return 'other';
  }
}

interface Range {
  start: number;
  end: number;
}

/** Source ranges inside a block that must reach the output unchanged, in order, never overlapping. */
function protectedRanges(block: RootContent, markdown: string): Range[] {
  const ranges: Range[] = [];
  const walk = (node: Nodes) => {
    const start = node.position?.start.offset;
    const end = node.position?.end.offset;
    if (start === undefined || end === undefined) return;
    if (OPAQUE_INLINE.has(node.type) || (node !== block && KEPT_BLOCKS.has(node.type))) {
      ranges.push({ start, end });
      return;
    }
    if (node.type === 'link' || node.type === 'linkReference') {
      const children = (node as Parent).children;
      const lastEnd = children.at(-1)?.position?.end.offset;
      const tail = lastEnd === undefined ? '' : markdown.slice(lastEnd, end);
      // `[text](url "title")` / `[text][ref]`: the text is translated, what is inside the brackets after it is not.
      if (lastEnd !== undefined && (tail.startsWith('](') || tail.startsWith('][')) && tail.length > 3) {
        children.forEach(walk);
        ranges.push({ start: lastEnd + 2, end: end - 1 });
      } else if (node.type === 'linkReference' && lastEnd !== undefined && tail === ']') {
        // `[ref]` shortcut reference: the label must match its definition, so it stays.
        ranges.push({ start, end });
      } else {
        ranges.push({ start, end });
      }
      return;
    }
    if (node.type === 'text') {
      const value = markdown.slice(start, end);
      for (const match of value.matchAll(BARE_URL)) ranges.push({ start: start + match.index, end: start + match.index + match[0].length });
      return;
    }
    if ('children' in node) for (const child of (node as Parent).children) walk(child as Nodes);
  };
  walk(block as Nodes);
  return ranges.sort((a, b) => a.start - b.start).filter((range, i, all) => i === 0 || range.start >= all[i - 1]!.end);
}
