/**
 * The brand test set, built without leaking: reference marks come from one package, test images are
 * rendered from the other package's drawing of the same brand, then recoloured, resized, padded,
 * placed on grounds, blurred and JPEG-compressed. Wordmarks are the lobehub name files or the brand's
 * name typeset in a system font. Negatives are simple-icons marks of brands outside the supported set
 * and the photographs in the bench.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import sharp from 'sharp';
import { type MarkSource, groundFor, loadGallery, markFiles, markSvg, unsupportedMarks } from '../src/image/brand/gallery.js';
import { seededRandom } from './seeded-random.js';

export interface BrandSample {
  /** Brand id, or null for a negative. */
  expected: string | null;
  label: string;
  kind: 'mark' | 'wordmark' | 'negative' | 'photo';
  image: Buffer;
}

/**
 * Brands whose two packages draw different marks (checked by eye): no shape reading can carry one
 * drawing to the other, so accuracy is reported with and without them.
 */
export const REDRAWN_BRANDS: Record<string, string> = {
  amp: 'lobehub: chevrons; simple-icons: lightning bolt in a disc',
  dify: 'lobehub: "if" glyph; simple-icons: "Dify" wordmark',
  dolphin: 'lobehub: halftone dolphin facing left; simple-icons: solid dolphin facing right',
  flux: 'lobehub: triangles; simple-icons: arrow over waves',
  langchain: 'lobehub: four leaves; simple-icons: chain link',
  langgraph: 'lobehub: parrot in a pill; simple-icons: four corner brackets',
  magic: 'lobehub: wave; simple-icons: split shield',
  monica: 'lobehub: winking face; simple-icons: panda',
  n8n: 'lobehub: node graph; simple-icons: stroked line',
  openrouter: 'lobehub: "O" with a tail; simple-icons: forked arrows',
  zapier: 'lobehub: underscore bar; simple-icons: "zapier" wordmark tile',
};

/** Brands both packages draw: the only ones a cross-package test can ask about. */
export function sharedBrands(): string[] {
  return [...loadGallery(['simple-icons']).templates.map((template) => template.brand)].filter((brand, i, all) => all.indexOf(brand) === i).sort();
}

const GROUNDS = ['#ffffff', '#f2f2f2', '#1e1e1e', '#0b3d91', '#fff4d6', '#e8f4ea'];
const INKS = ['#000000', '#ffffff', '#d62828', '#1d4ed8', '#15803d', '#7c3aed', '#ea580c'];

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r! + 0.587 * g! + 0.114 * b!;
}

/** An ink on a ground with enough contrast to be seen; `native` keeps a colour mark's own colours. */
async function stage(svg: string, random: Random, options: { native?: boolean; ink?: string; widths?: number[] } = {}): Promise<Buffer> {
  const width = pick(random, options.widths ?? [40, 64, 96, 160, 320]);
  let ground = pick(random, GROUNDS);
  let ink = options.ink ?? pick(random, INKS);
  if (Math.abs(luminance(ink) - luminance(ground)) < 90) ground = luminance(ink) > 128 ? '#1e1e1e' : '#ffffff';
  if (options.native) ground = groundFor(svg) === '#ffffff' ? pick(random, ['#ffffff', '#f2f2f2', '#fff4d6']) : pick(random, ['#1e1e1e', '#0b3d91']);
  const coloured = options.native ? svg : svg.replace(/currentColor/g, ink).replace(/<svg\b(?![^>]*\sfill=)/, `<svg fill="${ink}"`);
  const mark = new Resvg(coloured, { fitTo: { mode: 'width', value: width }, font: { loadSystemFonts: false } }).render();
  const padX = Math.round(mark.width * (0.05 + random() * 0.4));
  const padY = Math.round(mark.height * (0.05 + random() * 0.4));
  let image = sharp({ create: { width: mark.width + padX * 2, height: mark.height + padY * 2, channels: 3, background: ground } }).composite([{ input: Buffer.from(mark.asPng()), left: padX, top: padY }]);
  image = sharp(await image.png().toBuffer());
  const sigma = pick(random, [0, 0, 0.6, 1]);
  if (sigma) image = image.blur(sigma);
  return image.jpeg({ quality: pick(random, [90, 70, 45]) }).toBuffer();
}

/** Marks of shared brands drawn by `source`, `perBrand` renderings each. */
export async function markSamples(source: MarkSource, perBrand: number, seed = 7): Promise<BrandSample[]> {
  const random = seededRandom(seed);
  const gallery = loadGallery(['lobehub', 'simple-icons']);
  const samples: BrandSample[] = [];
  for (const brand of sharedBrands()) {
    const files = markFiles(source, brand).filter((file) => !file.includes('-text'));
    for (let i = 0; i < perBrand; i++) {
      const file = files[i % files.length]!;
      const native = file.includes('-color');
      const ink = !native && random() < 0.3 ? gallery.brands.get(brand)?.hex : undefined;
      samples.push({ expected: brand, label: `${source}/${file}#${i}`, kind: 'mark', image: await stage(markSvg(source, file), random, { native, ink }) });
    }
  }
  return samples;
}

/** Wordmarks of shared brands: lobehub's name files, or the brand's title typeset in a font. */
export async function wordmarkSamples(source: MarkSource, seed = 11): Promise<BrandSample[]> {
  const random = seededRandom(seed);
  const gallery = loadGallery(['lobehub', 'simple-icons']);
  const samples: BrandSample[] = [];
  for (const brand of sharedBrands()) {
    const file = markFiles(source, brand).find((name) => name.includes('-text'));
    if (source === 'lobehub' && file) {
      samples.push({ expected: brand, label: `lobehub/${file}`, kind: 'wordmark', image: await stage(markSvg(source, file), random, { ink: pick(random, ['#000000', '#1d4ed8', '#ffffff']), widths: [200, 320, 480] }) });
    } else if (source === 'simple-icons') {
      const title = gallery.brands.get(brand)!.title;
      const font = pick(random, ['Noto Sans CJK SC', 'Noto Serif CJK SC']);
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${title.length * 26 + 20}" height="48"><text x="10" y="36" font-size="32" font-weight="${pick(random, [400, 700])}" font-family="${font}" fill="currentColor">${title}</text></svg>`;
      const png = new Resvg(svg.replace(/currentColor/g, '#000'), { font: { loadSystemFonts: true, defaultFontFamily: font } }).render().asPng();
      samples.push({ expected: brand, label: `typeset/${title}`, kind: 'wordmark', image: await sharp(Buffer.from(png)).flatten({ background: pick(random, ['#ffffff', '#fff4d6']) }).jpeg({ quality: 80 }).toBuffer() });
    }
  }
  return samples;
}

/**
 * Marks of brands Zhiku does not support, drawn like the positives; `count` of them, spread over the
 * alphabet from `offset` (0–1) of a step, so two sets with different offsets share no mark.
 */
export async function negativeSamples(count: number, seed = 13, offset = 0): Promise<BrandSample[]> {
  const random = seededRandom(seed);
  const marks = unsupportedMarks();
  const step = marks.length / count;
  const samples: BrandSample[] = [];
  for (let i = 0; i < count; i++) {
    const mark = marks[Math.floor((i + offset) * step)]!;
    samples.push({ expected: null, label: `simple-icons/${mark.slug}`, kind: 'negative', image: await stage(mark.svg(), random) });
  }
  return samples;
}

/** The photographs and paintings attached to bench tasks. */
export function photoSamples(benchDir: string): BrandSample[] {
  const dr3 = join(benchDir, 'dr3');
  return readdirSync(dr3)
    .flatMap((task) => {
      try {
        return readdirSync(join(dr3, task)).filter((file) => /\.(jpe?g|png|webp)$/i.test(file)).map((file) => join(dr3, task, file));
      } catch {
        return [];
      }
    })
    .map((path) => ({ expected: null, label: path.slice(dr3.length + 1), kind: 'photo' as const, image: readFileSync(path) }));
}
