/**
 * @module collect/parse/pptx
 * PPTX → slide text and speaker notes in presentation order; the slide number is the page.
 */
import { basename, extname } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { strFromU8 } from 'fflate';
import { ZhikuError } from '../../errors.js';
import type { DocumentInput } from '../../library/prepare.js';
import { readZip } from './zip.js';

export interface Slide {
  number: number;
  title: string | null;
  text: string;
  notes: string;
}

export interface ParsedPptx {
  input: DocumentInput;
  slides: Slide[];
}

type Node = Record<string, unknown>;

const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', preserveOrder: true, trimValues: false });

export function parsePptx(bytes: Uint8Array, path: string): ParsedPptx {
  const entries = readZip(bytes, path, (name) => /^ppt\/(presentation\.xml|_rels\/presentation\.xml\.rels|slides\/|notesSlides\/)/.test(name) || name === 'docProps/core.xml');
  const read = (name: string) => (entries[name] ? (xml.parse(strFromU8(entries[name]!)) as Node[]) : null);
  const presentation = read('ppt/presentation.xml');
  const relations = relationsOf(read('ppt/_rels/presentation.xml.rels'));
  if (!presentation) throw new ZhikuError('E_PARSE', 'not a PPTX presentation (ppt/presentation.xml missing)', { item: path });
  const slideTargets = findAll(presentation, 'p:sldId').map((node) => relations.get(String(attr(node, 'r:id'))) ?? '');
  const slides: Slide[] = [];
  slideTargets.forEach((target, index) => {
    const name = `ppt/${target.replace(/^\/?ppt\//, '')}`;
    const slide = read(name);
    if (!slide) return;
    const slideRelations = relationsOf(read(name.replace(/slides\/(slide\d+\.xml)$/, 'slides/_rels/$1.rels')));
    const notesTarget = [...slideRelations.values()].find((t) => t.includes('notesSlide'));
    const notes = notesTarget ? read(`ppt/notesSlides/${notesTarget.split('/').pop()}`) : null;
    const { title, text } = slideText(slide);
    slides.push({ number: index + 1, title, text, notes: notes ? notesText(notes) : '' });
  });
  const docTitle = coreTitle(read('docProps/core.xml')) ?? slides.find((s) => s.title)?.title ?? basename(path, extname(path));
  let body = '';
  const pageStarts: number[] = [];
  for (const slide of slides) {
    pageStarts.push(body.length);
    body += `## 幻灯片 ${slide.number}${slide.title ? `：${slide.title}` : ''}\n\n`;
    if (slide.text) body += `${slide.text}\n\n`;
    if (slide.notes) body += `备注：${slide.notes}\n\n`;
  }
  if (!slides.some((slide) => slide.text || slide.notes || slide.title)) {
    throw new ZhikuError('E_EMPTY', `no text on any of ${slides.length} slides`, { item: path });
  }
  return { input: { title: docTitle, body, origin: path, pageStarts, frontmatter: { format: 'pptx', slides: slides.length } }, slides };
}

// ---------------------------------------------------------------------------

function children(node: Node): Node[] {
  for (const [key, value] of Object.entries(node)) if (key !== ':@' && Array.isArray(value)) return value as Node[];
  return [];
}

function tagOf(node: Node): string {
  return Object.keys(node).find((key) => key !== ':@') ?? '';
}

function attr(node: Node, name: string): unknown {
  return (node[':@'] as Record<string, unknown> | undefined)?.[`@${name}`];
}

function findAll(nodes: Node[], tag: string, out: Node[] = []): Node[] {
  for (const node of nodes) {
    if (tagOf(node) === tag) out.push(node);
    findAll(children(node), tag, out);
  }
  return out;
}

function relationsOf(nodes: Node[] | null): Map<string, string> {
  const map = new Map<string, string>();
  for (const rel of findAll(nodes ?? [], 'Relationship')) map.set(String(attr(rel, 'Id')), String(attr(rel, 'Target')));
  return map;
}

/** Paragraph texts of a shape tree: runs (`a:t`) joined, one line per `a:p`. */
function paragraphs(nodes: Node[]): string[] {
  return findAll(nodes, 'a:p')
    .map((p) =>
      findAll(children(p), 'a:t')
        .map((t) => children(t).map((n) => String(n['#text'] ?? '')).join(''))
        .join('')
        .trim(),
    )
    .filter(Boolean);
}

function slideText(slide: Node[]): { title: string | null; text: string } {
  let title: string | null = null;
  const lines: string[] = [];
  for (const shape of findAll(slide, 'p:sp')) {
    const placeholder = findAll(children(shape), 'p:ph')[0];
    const kind = placeholder ? String(attr(placeholder, 'type') ?? '') : '';
    const texts = paragraphs(children(shape));
    if (!title && (kind === 'title' || kind === 'ctrTitle') && texts.length) title = texts.join(' ');
    else lines.push(...texts);
  }
  // Tables on slides: one line per row, cells separated by " | ".
  for (const row of findAll(slide, 'a:tr')) {
    const cells = findAll(children(row), 'a:tc').map((cell) => paragraphs(children(cell)).join(' '));
    if (cells.some(Boolean)) lines.push(cells.join(' | '));
  }
  return { title, text: lines.join('\n') };
}

function notesText(notes: Node[]): string {
  const texts: string[] = [];
  for (const shape of findAll(notes, 'p:sp')) {
    const placeholder = findAll(children(shape), 'p:ph')[0];
    // The notes page also holds the slide image and a slide-number field: only the body is notes.
    if (placeholder && String(attr(placeholder, 'type') ?? 'body') !== 'body') continue;
    texts.push(...paragraphs(children(shape)));
  }
  return texts.join('\n');
}

function coreTitle(core: Node[] | null): string | null {
  const node = findAll(core ?? [], 'dc:title')[0];
  const text = node ? children(node).map((n) => String(n['#text'] ?? '')).join('').trim() : '';
  return text || null;
}
