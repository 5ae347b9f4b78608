/**
 * @module image/table
 * Tables in screenshots: ruling lines found in the pixels (rows of background-contrasting pixels that
 * span the table), the grid they draw cut into cells, each cell read by OCR on its own, so column
 * order and cell boundaries come from the picture rather than from guessed gaps between words.
 */
import sharp from 'sharp';
import { recognize } from './ocr.js';

export interface ImageTable {
  rows: string[][];
  /** Cell edges in pixels: x of each column boundary, y of each row boundary. */
  columns: number[];
  rowEdges: number[];
}

interface Gray {
  data: Buffer;
  width: number;
  height: number;
  background: number;
}

/** The grid of a table screenshot, read cell by cell; null when the image has no ruled grid of 2+ columns. */
export async function readTable(image: Buffer): Promise<ImageTable | null> {
  const gray = await toGray(image);
  const horizontal = rulings(gray, 'horizontal', 0, gray.height);
  const top = horizontal[0] ?? 0;
  const bottom = horizontal[horizontal.length - 1] ?? gray.height;
  const vertical = rulings(gray, 'vertical', horizontal.length >= 2 ? top : 0, horizontal.length >= 2 ? bottom : gray.height);
  if (vertical.length < 1) return null;
  const columns = withEdges(vertical, gray.width);
  const rowEdges = withEdges(horizontal, gray.height);
  if (columns.length < 3) return null;
  const rows: string[][] = [];
  for (let r = 0; r + 1 < rowEdges.length; r++) {
    const cells: string[] = [];
    for (let c = 0; c + 1 < columns.length; c++) cells.push(await readCell(image, gray, columns[c]!, rowEdges[r]!, columns[c + 1]!, rowEdges[r + 1]!));
    if (cells.some(Boolean)) rows.push(cells);
  }
  // A grid is a table when it has a header and a body and most cells hold text (a painting's frame
  // or a photo's edges draw lines too, around mostly empty cells).
  const cells = rows.flat();
  const filled = cells.filter(Boolean).length;
  if (rows.length < 2 || rows[0]!.filter(Boolean).length < 2 || filled < cells.length * 0.5) return null;
  return { rows, columns, rowEdges };
}

/** A table as markdown: the first row is the header. */
export function tableToMarkdown(table: ImageTable): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const [header = [], ...body] = table.rows;
  return [`| ${header.map(escape).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...body.map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

// ---------------------------------------------------------------------------

async function toGray(image: Buffer): Promise<Gray> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  const histogram = new Uint32Array(256);
  for (let i = 0; i < data.length; i += info.channels) histogram[data[i]!]!++;
  const background = histogram.indexOf(Math.max(...histogram));
  return { data, width: info.width, height: info.height, background };
}

function ink(gray: Gray, x: number, y: number): boolean {
  return Math.abs(gray.data[y * gray.width + x]! - gray.background) > 10;
}

/**
 * Positions of ruling lines: runs of pixels that differ from the background along at least 90 % of
 * the span (text never does), merged when adjacent (lines 1–3 px thick).
 */
function rulings(gray: Gray, direction: 'horizontal' | 'vertical', from: number, to: number): number[] {
  const positions: number[] = [];
  const length = direction === 'horizontal' ? gray.height : gray.width;
  for (let p = 0; p < length; p++) {
    let count = 0;
    const spanStart = direction === 'horizontal' ? 0 : from;
    const spanEnd = direction === 'horizontal' ? gray.width : to;
    for (let q = spanStart; q < spanEnd; q++) if (direction === 'horizontal' ? ink(gray, q, p) : ink(gray, p, q)) count++;
    if (spanEnd > spanStart && count >= (spanEnd - spanStart) * 0.9) positions.push(p);
  }
  const merged: number[] = [];
  let run: number[] = [];
  for (const p of positions) {
    if (run.length && p > run[run.length - 1]! + 1) {
      merged.push(Math.round((run[0]! + run[run.length - 1]!) / 2));
      run = [];
    }
    run.push(p);
  }
  if (run.length) merged.push(Math.round((run[0]! + run[run.length - 1]!) / 2));
  return merged;
}

/** Line positions plus the image edges when content lies outside the outermost lines. */
function withEdges(lines: number[], size: number): number[] {
  const edges = [...lines];
  if (!edges.length || edges[0]! > 4) edges.unshift(0);
  if (edges[edges.length - 1]! < size - 4) edges.push(size);
  return edges;
}

async function readCell(image: Buffer, gray: Gray, left: number, top: number, right: number, bottom: number): Promise<string> {
  const inset = 2;
  const width = right - left - inset * 2;
  const height = bottom - top - inset * 2;
  if (width < 4 || height < 4) return '';
  let inked = 0;
  for (let y = top + inset; y < bottom - inset; y++) for (let x = left + inset; x < right - inset; x++) if (ink(gray, x, y)) inked++;
  if (inked < 8) return '';
  // A white margin around the crop: the text detector misses glyphs that touch the image edge.
  const crop = await sharp(image)
    .extract({ left: left + inset, top: top + inset, width, height })
    .extend({ top: 16, bottom: 16, left: 16, right: 16, background: { r: 255, g: 255, b: 255 } })
    .png()
    .toBuffer();
  return joinLines((await recognize(crop)).map((line) => line.text));
}

const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/** Wrapped lines of one cell: no space where a Chinese line wraps, one between Latin words. */
export function joinLines(lines: string[]): string {
  return lines.reduce((text, line) => (!text ? line : CJK.test(text.slice(-1)) || CJK.test(line.charAt(0)) ? text + line : `${text} ${line}`), '').trim();
}
