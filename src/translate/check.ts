/**
 * @module translate/check
 * What a faithful translation must keep, measured on both sides: every link and image, the heading
 * outline, code blocks byte for byte, tables; and which translated paragraphs are still English.
 */
import type { Nodes } from 'mdast';
import { visit } from 'unist-util-visit';
import { parseMarkdownTree } from './markdown.js';

export interface MarkdownShape {
  links: string[];
  images: string[];
  /** Heading depths in document order. */
  headings: number[];
  /** Fenced and indented code blocks as written, fences included. */
  codeBlocks: string[];
  /** Rows × columns of each table. */
  tables: string[];
}

export function markdownShape(markdown: string): MarkdownShape {
  const shape: MarkdownShape = { links: [], images: [], headings: [], codeBlocks: [], tables: [] };
  const tree = parseMarkdownTree(markdown);
  // Reference links may come before their definitions: collect those first.
  const definitions = new Map<string, string>();
  visit(tree, 'definition', (node) => void definitions.set(node.identifier, node.url));
  visit(tree, (node: Nodes) => {
    switch (node.type) {
      case 'link':
        shape.links.push(node.url);
        break;
      case 'linkReference':
        shape.links.push(definitions.get(node.identifier) ?? `[${node.identifier}]`);
        break;
      case 'image':
        shape.images.push(node.url);
        break;
      case 'imageReference':
        shape.images.push(definitions.get(node.identifier) ?? `[${node.identifier}]`);
        break;
      case 'heading':
        shape.headings.push(node.depth);
        break;
      case 'code': {
        const { start, end } = node.position ?? {};
        shape.codeBlocks.push(start && end ? markdown.slice(start.offset, end.offset) : node.value);
        break;
      }
      case 'table':
        shape.tables.push(`${node.children.length}×${node.children[0]?.children.length ?? 0}`);
        break;
    }
  });
  return shape;
}

export interface ShapeDifference {
  what: keyof MarkdownShape;
  source: number;
  translation: number;
  detail: string;
}

/** Where the translation's shape differs from the source's; empty when everything survived. */
export function compareShapes(source: MarkdownShape, translation: MarkdownShape): ShapeDifference[] {
  const differences: ShapeDifference[] = [];
  for (const what of ['links', 'images', 'headings', 'codeBlocks', 'tables'] as const) {
    const a = source[what].map(String);
    const b = translation[what].map(String);
    if (a.join('\n') === b.join('\n')) continue;
    const missing = a.filter((value) => !b.includes(value));
    differences.push({ what, source: a.length, translation: b.length, detail: missing.length ? `missing: ${missing.slice(0, 3).join(', ')}` : 'changed order or content' });
  }
  return differences;
}

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z][A-Za-z'’-]*/g;

/**
 * A paragraph reads as untranslated English: at least five ordinary English words (names the
 * translation keeps as written do not count) and fewer Chinese characters than English words —
 * a Chinese rendering of n English words takes well over n characters.
 */
export function looksUntranslated(text: string, keptNames: readonly string[] = []): boolean {
  let prose = text
    .replace(/^ {4,}.*$/gm, ' ')
    .replace(/`[^`]*`|<[^>]*>|!\[[^\]]*\]|\]\[[^\]]*\]|^\s*\[[^\]]+\]:.*$/gm, ' ')
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/https?:\/\/\S+/g, ' ');
  for (const name of keptNames) if (name) prose = prose.split(name).join(' ');
  const words = prose.match(LATIN_WORD)?.filter((word) => word.length > 1 || /^[aAI]$/.test(word)).length ?? 0;
  const han = prose.match(HAN)?.length ?? 0;
  return words >= 5 && han < words;
}
