/**
 * @module collect/parse/pdf
 * PDF → text per page in reading order (pdf.js via unpdf, the only pdf.js copy in the process):
 * items joined into lines, lines into paragraphs, spaces that PDF layout puts between Chinese
 * characters removed, and running headers/footers (journal names, page numbers) dropped.
 */
// pdf.js calls ArrayBuffer.prototype.transferToFixedLength (Node 22+) when it builds operator lists
// (images, rendering); core-js adds it on Node 20 and leaves newer runtimes' own method alone.
import 'core-js/actual/array-buffer/transfer-to-fixed-length.js';
import { basename, extname } from 'node:path';
import { getDocumentProxy, getResolvedPDFJS, renderPageAsImage } from 'unpdf';

type PDFDocumentProxy = Awaited<ReturnType<typeof getDocumentProxy>>;
import { ZhikuError } from '../../errors.js';
import { recognize } from '../../image/ocr.js';
import { joinLines } from '../../image/table.js';
import type { DocumentInput } from '../../library/prepare.js';

export interface PdfPage {
  number: number;
  text: string;
  /** True when the page has no text layer but draws images (a scan): its text comes from OCR. */
  scanned: boolean;
}

export interface ParsedPdf {
  input: DocumentInput;
  pages: PdfPage[];
}

interface TextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  left: number;
  right: number;
  y: number;
  height: number;
  /** Height of the page the line is on (PDF units). */
  pageHeight: number;
}

export async function parsePdf(bytes: Uint8Array, path: string): Promise<ParsedPdf> {
  // pdf.js rebuilds a cut-off file from what remains; a partial document must not be stored as whole.
  const tail = Buffer.from(bytes.subarray(Math.max(0, bytes.length - 2048))).toString('latin1');
  if (!tail.includes('%%EOF')) throw new ZhikuError('E_PARSE', 'truncated PDF: no end-of-file marker (%%EOF)', { item: path });
  let pdf;
  try {
    // pdf.js takes ownership of the buffer it is given; hand it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    throw pdfError(error, path);
  }
  try {
    const linesByPage: Line[][] = [];
    const scanned = new Set<number>();
    const { OPS } = await getResolvedPDFJS();
    const imageOps = new Set<number>([OPS.paintImageXObject, OPS.paintInlineImageXObject, OPS.paintImageXObjectRepeat, OPS.paintImageMaskXObject]);
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      const items = content.items.filter((item) => 'str' in item) as TextItem[];
      const lines = toLines(items, page.view[3] ?? 842);
      linesByPage.push(lines);
      // A page without text is a scan when it draws an image; otherwise it is blank.
      if (!lines.length && (await page.getOperatorList()).fnArray.some((op) => imageOps.has(op))) scanned.add(number);
      page.cleanup();
    }
    const running = runningLines(linesByPage);
    const pages: PdfPage[] = [];
    for (const [index, lines] of linesByPage.entries()) {
      const number = index + 1;
      const text = scanned.has(number) ? await ocrPage(pdf, number) : toParagraphs(lines.filter((line) => !running.has(runningKey(line))));
      pages.push({ number, text, scanned: scanned.has(number) });
    }
    const info = (await pdf.getMetadata().catch(() => null))?.info as { Title?: string } | undefined;
    const title = pickTitle(info?.Title, linesByPage[0] ?? [], running) ?? basename(path, extname(path));
    let body = '';
    const pageStarts: number[] = [];
    for (const page of pages) {
      pageStarts.push(body.length);
      body += `${page.text}\n\n`;
    }
    if (!body.trim()) {
      const reason = scanned.size ? `no text on any of ${pages.length} pages, OCR of the scanned ones included` : `no text on any of ${pages.length} pages`;
      throw new ZhikuError('E_EMPTY', reason, { item: path });
    }
    return {
      input: { title, body, origin: path, pageStarts, frontmatter: { format: 'pdf', pages: pages.length, ocrPages: pages.filter((p) => p.scanned).map((p) => p.number) } },
      pages,
    };
  } finally {
    await pdf.destroy();
  }
}

// ---------------------------------------------------------------------------

function pdfError(error: unknown, path: string): ZhikuError {
  const name = (error as { name?: string } | null)?.name ?? '';
  if (name === 'PasswordException') return new ZhikuError('E_PARSE', 'encrypted PDF: a password is required', { item: path, cause: error });
  const message = (error as Error | null)?.message ?? String(error);
  return new ZhikuError('E_PARSE', `not a readable PDF (${message.split('\n')[0]})`, { item: path, cause: error });
}

/** Items → lines: a line ends at an end-of-line mark or when the baseline moves. */
function toLines(items: TextItem[], pageHeight: number): Line[] {
  const lines: Line[] = [];
  let current: Line | null = null;
  const finish = () => {
    if (current && current.text.trim()) lines.push({ ...current, text: current.text.trim() });
    current = null;
  };
  for (const item of items) {
    const [, , , , x = 0, y = 0] = item.transform;
    const height = item.height || 0;
    if (current && (Math.abs(y - (current as Line).y) > Math.max(2, (current as Line).height * 0.5) || x < (current as Line).left - 1)) finish();
    if (item.str) {
      if (!current) current = { text: '', left: x, right: x, y, height, pageHeight };
      const line: Line = current;
      const gap = x - line.right;
      // A visible gap between two Latin words is a space; CJK text never needs one.
      if (line.text && gap > Math.max(1, height * 0.15) && !/\s$/.test(line.text) && !isCjkBoundary(line.text, item.str)) line.text += ' ';
      line.text += item.str;
      line.right = Math.max(line.right, x + item.width);
      line.height = Math.max(line.height, height);
    }
    if (item.hasEOL) finish();
  }
  finish();
  return lines;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;

function isCjkBoundary(before: string, after: string): boolean {
  return CJK.test(before.slice(-1)) || CJK.test(after.charAt(0));
}

/**
 * Lines → paragraphs. A paragraph ends at a large vertical gap, before an indented line, or after a
 * line that stops well short of the column's right edge; lines inside a paragraph are joined without
 * a space between Chinese characters and with one between Latin words.
 */
function toParagraphs(lines: Line[]): string {
  if (!lines.length) return '';
  const paragraphs: string[] = [];
  let text = lines[0]!.text;
  for (let i = 1; i < lines.length; i++) {
    const previous = lines[i - 1]!;
    const line = lines[i]!;
    const size = Math.max(previous.height, line.height, 1);
    const gap = previous.y - line.y;
    const newColumn = gap < -size; // moved back up the page: the next column continues the text
    // How far a full line reaches, judged from the neighbours in the same column.
    const neighbours = [lines[i - 2], line].filter((other): other is Line => !!other && sameColumn(other, previous));
    const fullRight = neighbours.length ? Math.max(...neighbours.map((other) => other.right)) : previous.right;
    const short = previous.right < fullRight - size * 2;
    const breaks =
      HEADING_START.test(line.text) ||
      (HEADING_START.test(previous.text) && !/[。！？!?；;，,]$/.test(previous.text)) ||
      (!newColumn && gap > size * 2.2) ||
      (sameColumn(previous, line) && line.left > previous.left + size * 1.2) ||
      (short && /[。！？!?:：.]$/.test(previous.text)) ||
      previous.right < fullRight - size * 6;
    if (breaks) {
      paragraphs.push(text);
      text = line.text;
    } else {
      text += isCjkBoundary(text, line.text) || /-$/.test(text) ? line.text : ` ${line.text}`;
    }
  }
  paragraphs.push(text);
  return paragraphs.map(removeCjkSpacing).join('\n\n');
}

/** Numbered headings in Chinese and Latin papers: 一、 （一） 第二章 1. 2.3 */
const HEADING_START = /^(第[一二三四五六七八九十百\d]+[章节部分篇]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+(\.\d+)*[.、．]?\s*[\p{Script=Han}A-Z“《])/u;

/** Two lines of one text column: their left edges within three ems (a first-line indent is two). */
function sameColumn(a: Line, b: Line): boolean {
  return Math.abs(a.left - b.left) <= Math.max(a.height, b.height, 1) * 3;
}

/** Spaces PDF layout leaves between Chinese characters or around Chinese punctuation. */
export function removeCjkSpacing(text: string): string {
  return text.replace(/(?<=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])[ \t]+(?=[\p{Script=Han}\u3000-\u303f\uff00-\uffef])/gu, '');
}

/** A line's identity across pages: its text with digits folded (page numbers) and its place on the page. */
function runningKey(line: Line): string {
  return `${Math.round(line.y / 4)}|${line.text.replace(/\d+/g, '#')}`;
}

/** In the top or bottom tenth of the page, where headers and footers live. */
function inMargin(line: Line): boolean {
  return line.y < line.pageHeight * 0.1 || line.y > line.pageHeight * 0.9;
}

/**
 * Headers and footers: margin lines that repeat on two or more pages (digits folded, so page numbers
 * match), and margin lines that are only a page number.
 */
function runningLines(pages: Line[][]): Set<string> {
  const running = new Set<string>();
  const counts = new Map<string, number>();
  for (const lines of pages) {
    for (const line of lines) {
      if (!inMargin(line)) continue;
      if (/^[\s\-—–第页Pp.]*\d+[\s\-—–页/\d]*$/.test(line.text)) running.add(runningKey(line));
    }
    for (const key of new Set(lines.filter(inMargin).map(runningKey))) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  for (const [key, count] of counts) if (count >= 2) running.add(key);
  // A margin line carrying the printed page number (064 on page 1, 065 on page 2, …) is a running line
  // even when its other words change from page to page.
  const numbers = pages.map((lines) => lines.filter(inMargin).map((line) => ({ line, n: edgeNumber(line.text) })));
  numbers.forEach((entries, page) => {
    for (const { line, n } of entries) {
      if (n === null) continue;
      const continues = numbers.some((other, otherPage) => otherPage !== page && other.some((e) => e.n === n + (otherPage - page)));
      if (continues) running.add(runningKey(line));
    }
  });
  return running;
}

/** The number a line starts or ends with (where printed page numbers sit). */
function edgeNumber(text: string): number | null {
  const trimmed = text.trim();
  const match = /(?:^|\s)(\d{1,4})$/.exec(trimmed) ?? /^(\d{1,4})(?:\s|$)/.exec(trimmed);
  return match ? Number(match[1]) : null;
}

/** The metadata title when it is real text, else the largest-type line near the top of page 1. */
function pickTitle(metadataTitle: string | undefined, firstPage: Line[], running: Set<string>): string | null {
  const meta = metadataTitle?.trim();
  if (meta && meta.length >= 4 && !/^(untitled|microsoft word|document\d*)/i.test(meta) && !/\.(docx?|pdf)$/i.test(meta)) return meta;
  const candidates = firstPage.filter((line) => !running.has(runningKey(line)) && line.text.length >= 4 && line.text.length <= 80);
  if (!candidates.length) return null;
  const largest = Math.max(...candidates.map((line) => line.height));
  const titleLines = candidates.filter((line) => line.height >= largest - 0.5);
  return removeCjkSpacing(titleLines.map((line) => line.text).join(''));
}

/** OCR confidence below which a scanned line is noise (stains, stamps, page edges). */
const MIN_OCR_CONFIDENCE = 0.6;

/** A scanned page's text: rendered at 2× (about 144 dpi) and read by OCR, one paragraph per text block. */
async function ocrPage(pdf: PDFDocumentProxy, number: number): Promise<string> {
  const png = Buffer.from(await renderPage(pdf, number, 2));
  const lines = (await recognize(png)).filter((line) => line.confidence >= MIN_OCR_CONFIDENCE);
  // Lines further apart than 1.5 line heights start a new paragraph.
  const paragraphs: string[][] = [];
  let previousBottom = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    const height = line.box.bottom - line.box.top;
    if (!paragraphs.length || line.box.top - previousBottom > height * 1.5) paragraphs.push([]);
    paragraphs[paragraphs.length - 1]!.push(line.text);
    previousBottom = line.box.bottom;
  }
  return paragraphs.map((paragraph) => removeCjkSpacing(joinLines(paragraph))).join('\n\n');
}

/** pdf.js (the same unpdf copy) draws the page onto a Skia canvas from @napi-rs/canvas. */
function renderPage(pdf: PDFDocumentProxy, number: number, scale: number): Promise<ArrayBuffer> {
  return renderPageAsImage(pdf, number, { canvasImport: () => import('@napi-rs/canvas'), scale });
}

/** A page as a PNG (for OCR, and for showing a scanned page). `scale` 2 gives about 144 dpi. */
export async function renderPdfPage(bytes: Uint8Array, pageNumber: number, scale = 2): Promise<Uint8Array> {
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  try {
    if (pageNumber < 1 || pageNumber > pdf.numPages) throw new ZhikuError('E_USAGE', `page ${pageNumber} is outside 1–${pdf.numPages}`);
    return new Uint8Array(await renderPage(pdf, pageNumber, scale));
  } finally {
    await pdf.destroy();
  }
}
