/**
 * @module image/brand/recognize
 * Which brand a logo shows, from two independent readings: the mark's shape against every reference
 * mark in the gallery, and the name a wordmark spells (OCR). A shape match must be both close and
 * clearly ahead of the next brand; a wordmark must spell a brand's whole name. Below that the answer
 * is "unknown": a wrong brand in a report is worse than none.
 */
import sharp from 'sharp';
import { type OcrLine, recognize } from '../ocr.js';
import { distance } from 'fastest-levenshtein';
import { type Gallery, type MarkSource, loadGallery, nameKey } from './gallery.js';
import { type Raster, type Shape, compareViews, describeShape, isGeneric } from './shape.js';

export interface BrandEvidence {
  kind: 'shape' | 'wordmark' | 'colour';
  brand: string;
  score: number;
  detail: string;
}

export interface BrandResult {
  /** Brand id (the lobehub slug), or "unknown". */
  brand: string;
  title?: string;
  /** 0–1; 0 when unknown. */
  confidence: number;
  evidence: BrandEvidence[];
}

export interface RecognizeOptions {
  /** OCR lines of the same image, when already read. */
  lines?: OcrLine[];
  /** Reference packages (both by default); the brand benchmark uses one to test on the other. */
  sources?: readonly MarkSource[];
}

/** Correlation a mark must reach with a reference mark (after the crowding adjustment). */
export const SHAPE_THRESHOLD = 0.88;
/** How far the best brand must lead the next brand of another family. */
export const SHAPE_MARGIN = 0.04;
/** Reference marks whose neighbours correlate above this pay for the crowd: half the excess. */
const CROWDING_FREE = 0.7;
const CROWDING_WEIGHT = 0.5;
/** Below this share of plain border the image is a photo or a scene, not a mark on a ground. */
const PLAIN_BACKGROUND = 0.6;
/** A mark and its own cut-out are both readings; crossing them costs a little. */
const CROSS_KIND_PENALTY = 0.03;
const MIN_OCR_CONFIDENCE = 0.8;

/** Side the image is scaled to before describing its shape (templates are drawn at 160 px too). */
const SHAPE_SIDE = 160;

export async function recognizeBrand(image: Buffer, options: RecognizeOptions = {}): Promise<BrandResult> {
  const gallery = loadGallery(options.sources);
  const shape = describeShape(await toRaster(image));
  const lines = options.lines ?? (await recognize(image));
  return decide(gallery, rankShapes(shape, gallery), readWordmark(lines, gallery));
}

export async function toRaster(image: Buffer): Promise<Raster> {
  const { data, info } = await sharp(image)
    .flatten({ background: '#ffffff' })
    .resize(SHAPE_SIDE, SHAPE_SIDE, { fit: 'inside' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

interface ShapeRank {
  brand: string;
  score: number;
  crowding: number;
  file: string;
  source: MarkSource;
}

/** Best score per brand, best brand first; empty when the image is not a mark on a plain ground. */
export function rankShapes(shape: Shape, gallery: Gallery): ShapeRank[] {
  if (shape.plainBackground < PLAIN_BACKGROUND || shape.views.length === 0) return [];
  const best = new Map<string, ShapeRank>();
  const queries = shape.views.filter((view) => !isGeneric(view));
  for (const template of gallery.templates) {
    for (const query of queries) {
      for (const reference of template.shape.views) {
        // Cut-outs and lockup symbols stand in for a mark: matched against marks, never against each other.
        if (query.kind !== 'mark' && reference.kind !== 'mark') continue;
        const crowd = Math.max(0, (reference.crowding ?? 0) - CROWDING_FREE) * CROWDING_WEIGHT;
        const score = compareViews(query, reference) - crowd - (query.kind === reference.kind ? 0 : CROSS_KIND_PENALTY);
        const current = best.get(template.brand);
        if (!current || score > current.score) best.set(template.brand, { brand: template.brand, score, crowding: reference.crowding ?? 0, file: template.file, source: template.source });
      }
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score);
}

interface WordmarkHit {
  brand: string;
  name: string;
  line: string;
  confidence: number;
  /** Letters the reading differs from the name by. */
  edits: number;
}

/**
 * Brands whose whole name the confident OCR text spells: a line, a word of it, or the lines read
 * together (a name set on two lines). Long names tolerate one misread letter (two from nine letters
 * up), as display faces make OCR drop or swap a glyph; two-letter names must be the whole line.
 */
export function readWordmark(lines: readonly OcrLine[], gallery: Gallery): WordmarkHit[] {
  const confident = lines.filter((line) => line.confidence >= MIN_OCR_CONFIDENCE);
  const readings: { text: string; line: string; confidence: number; whole: boolean }[] = [];
  for (const line of confident) {
    readings.push({ text: readingKey(line.text), line: line.text, confidence: line.confidence, whole: true });
    const words = line.text.normalize('NFKC').split(/[\s|·•,，。:：/]+/);
    if (words.length > 1) for (const word of words) readings.push({ text: readingKey(word), line: line.text, confidence: line.confidence, whole: false });
  }
  if (confident.length > 1 && confident.length <= 3) {
    const text = confident.map((line) => line.text).join(' ');
    readings.push({ text: readingKey(text), line: text, confidence: Math.min(...confident.map((line) => line.confidence)), whole: true });
  }
  const hits: WordmarkHit[] = [];
  for (const brand of gallery.brands.values()) {
    for (const name of brand.names) {
      const key = readingKey(name);
      if (key.length < 2) continue;
      for (const reading of readings) {
        const edits = spelling(reading.text, key, reading.whole);
        if (edits !== null) hits.push({ brand: brand.id, name, line: reading.line, confidence: reading.confidence * (1 - 0.1 * edits), edits });
      }
    }
  }
  // An exact spelling beats a near one ("DeepL" is DeepL, not DeepAI); then the longest name ("Google Gemini" over "Google").
  return hits.sort((a, b) => a.edits - b.edits || b.confidence * nameKey(b.name).length - a.confidence * nameKey(a.name).length);
}

/** Edits between a reading and a name when the reading spells it, else null. */
function spelling(text: string, key: string, whole: boolean): number | null {
  if (text === key) return key.length >= 3 || whole ? 0 : null;
  if (key.length < 5) return null;
  // Han names inside a longer line (腾讯混元大模型); Latin names of six letters or more glued to a stray glyph.
  if (text.includes(key) && (/\p{Script=Han}/u.test(key) || key.length >= 6) && text.length <= key.length + 2) return 0;
  if (/\p{Script=Han}/u.test(key)) return null;
  const allowed = key.length >= 9 ? 2 : 1;
  if (Math.abs(text.length - key.length) > allowed) return null;
  const edits = distance(text, key);
  return edits <= allowed ? edits : null;
}

/** OCR confuses l/I/1 and O/0 in logos' display faces; names are compared with those folded together. */
function readingKey(text: string): string {
  return nameKey(text).replace(/[l1|]/g, 'i').replace(/0/g, 'o');
}

/** Brands of one family share a mark (huawei and huaweicloud): the lead is measured against other families. */
function sameFamily(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= 4 && long.startsWith(short);
}

/** Within a family at an equal score, the parent brand (shortest id) is the answer. */
function familyHead(shapes: ShapeRank[]): ShapeRank | undefined {
  const top = shapes[0];
  if (!top) return undefined;
  const tied = shapes.filter((rank) => sameFamily(rank.brand, top.brand) && rank.score >= top.score - 0.01);
  return tied.reduce((head, rank) => (rank.brand.length < head.brand.length ? rank : head), top);
}

function decide(gallery: Gallery, shapes: ShapeRank[], wordmarks: WordmarkHit[]): BrandResult {
  const evidence: BrandEvidence[] = [];
  const first = familyHead(shapes);
  const second = shapes.find((rank) => first && rank.brand !== first.brand && !sameFamily(rank.brand, first.brand));
  const shapeBrand = first && first.score >= SHAPE_THRESHOLD && first.score - (second?.score ?? 0) >= SHAPE_MARGIN ? first : undefined;
  if (first) {
    evidence.push({
      kind: 'shape',
      brand: first.brand,
      score: round(first.score),
      detail: `mark correlates ${first.score.toFixed(3)} with ${first.source} ${first.file}${second ? `; next ${second.brand} ${second.score.toFixed(3)}` : ''}${shapeBrand ? '' : ' (below the bar)'}`,
    });
  }
  const word = wordmarks[0];
  if (word) evidence.push({ kind: 'wordmark', brand: word.brand, score: round(word.confidence), detail: `OCR reads "${word.line}" (name "${word.name}")` });
  let brand: string | undefined;
  let confidence = 0;
  if (word && shapeBrand && word.brand === shapeBrand.brand) {
    brand = word.brand;
    confidence = 1 - (1 - word.confidence) * (1 - shapeConfidence(shapeBrand, second));
  } else if (word) {
    // A spelled name is the stronger reading: shapes of unrelated marks can correlate, letters rarely lie.
    brand = word.brand;
    confidence = word.confidence * 0.95;
  } else if (shapeBrand) {
    brand = shapeBrand.brand;
    confidence = shapeConfidence(shapeBrand, second);
  }
  if (!brand) return { brand: 'unknown', confidence: 0, evidence };
  return { brand, title: gallery.brands.get(brand)?.title, confidence: round(confidence), evidence };
}

/** Maps the score and the lead over the next brand to 0.5–0.99. */
function shapeConfidence(best: ShapeRank, second: ShapeRank | undefined): number {
  const closeness = (best.score - SHAPE_THRESHOLD) / (1 - SHAPE_THRESHOLD);
  const lead = Math.min(1, (best.score - (second?.score ?? 0)) / 0.2);
  return Math.min(0.99, 0.5 + 0.25 * closeness + 0.24 * lead);
}

const round = (value: number) => Math.round(value * 1000) / 1000;
