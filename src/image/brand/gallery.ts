/**
 * @module image/brand/gallery
 * The brands Zhiku recognises and their reference marks, built from the brand-mark packages on npm:
 * @lobehub/icons-static-svg (the AI and LLM brands: mono mark, colour mark, mark with name) and
 * simple-icons (the same brands as another designer drew them, with official colours and aliases).
 * The supported set is the AI collection; simple-icons' other ~3,400 brands (shops, clubs, apps) are
 * outside it. Marks are rendered once per process with resvg and described by `image/brand/shape`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { VENDORS } from '../../catalog/vendors.js';
import { GRID, type Raster, type Shape, type ShapeView, compareViews, describeShape, isGeneric } from './shape.js';

export type MarkSource = 'lobehub' | 'simple-icons';

export interface Brand {
  id: string;
  title: string;
  /** Names a wordmark may spell: title, slug, aliases, Chinese names. */
  names: string[];
  /** Official colour from simple-icons, when it has the brand. */
  hex?: string;
}

export interface Template {
  brand: string;
  source: MarkSource;
  /** File the mark came from, for evidence. */
  file: string;
  shape: Shape;
}

export interface Gallery {
  brands: Map<string, Brand>;
  templates: Template[];
}

/** Names a wordmark may spell that the packages do not list: Chinese names, product names. */
const EXTRA_NAMES: Record<string, string[]> = {
  meta: ['Llama'],
  alibaba: ['阿里巴巴'],
  alibabacloud: ['阿里云'],
  antgroup: ['蚂蚁集团'],
  baidu: ['百度'],
  baiducloud: ['百度智能云'],
  bytedance: ['字节跳动'],
  doubao: ['豆包'],
  huawei: ['华为'],
  huaweicloud: ['华为云'],
  hunyuan: ['混元', '腾讯混元'],
  kimi: ['Kimi'],
  qwen: ['通义千问', '通义'],
  tencent: ['腾讯'],
  tencentcloud: ['腾讯云'],
  wenxin: ['文心一言', '文心'],
  yuanbao: ['元宝', '腾讯元宝'],
  spark: ['讯飞星火', '星火'],
  iflytekcloud: ['讯飞'],
  jimeng: ['即梦'],
  kling: ['可灵'],
  stepfun: ['阶跃星辰'],
  baichuan: ['百川'],
  zhipu: ['智谱', '智谱清言'],
  chatglm: ['智谱清言'],
  qingyan: ['清言'],
  volcengine: ['火山引擎'],
  tiangong: ['天工'],
  yi: ['零一万物'],
  zeroone: ['零一万物'],
  hailuo: ['海螺'],
};

const require = createRequire(import.meta.url);
const LOBEHUB_DIR = join(dirname(require.resolve('@lobehub/icons-static-svg/package.json')), 'icons');
// simple-icons exports its data file but not package.json.
const SIMPLE_ICONS_DIR = dirname(dirname(require.resolve('simple-icons/icons.json')));

interface SimpleIcon {
  title: string;
  slug: string;
  hex: string;
  aliases?: { aka?: string[]; loc?: Record<string, string> };
}

/** Lobehub's colour and name variants that are marks; "-text" files are names only (read by OCR instead). */
const LOBEHUB_MARK_VARIANTS = ['', '-color', '-brand', '-brand-color'];

export const nameKey = (name: string) => name.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

const galleries = new Map<string, Gallery>();

/**
 * The gallery from the given packages (both by default): once per process, and from a cache file
 * between processes — building it renders ~700 marks and compares every pair (~10 s).
 */
export function loadGallery(sources: readonly MarkSource[] = ['lobehub', 'simple-icons']): Gallery {
  const key = [...sources].sort().join('+');
  let gallery = galleries.get(key);
  if (!gallery) {
    const file = cacheFile(key);
    gallery = readCache(file) ?? buildGallery(sources);
    if (!existsSync(file)) writeCache(file, gallery);
    galleries.set(key, gallery);
  }
  return gallery;
}

/** Bump when descriptors change: a cache from older code must not be read. */
const DESCRIPTOR_VERSION = 1;

function cacheFile(key: string): string {
  const versions = ['@lobehub/icons-static-svg', 'simple-icons'].map((name) => (JSON.parse(readFileSync(join(name === 'simple-icons' ? SIMPLE_ICONS_DIR : dirname(LOBEHUB_DIR), 'package.json'), 'utf8')) as { version: string }).version);
  const digest = createHash('sha256').update(JSON.stringify([key, versions, GRID, DESCRIPTOR_VERSION])).digest('hex').slice(0, 16);
  return join(homedir(), '.cache', 'zhiku', `brand-gallery-${digest}.json`);
}

interface CachedView extends Omit<ShapeView, 'grid'> {
  grid: string;
}

function readCache(file: string): Gallery | null {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as { brands: Brand[]; templates: (Omit<Template, 'shape'> & { shape: Omit<Shape, 'views'> & { views: CachedView[] } })[] };
    const templates = data.templates.map((template) => ({
      ...template,
      shape: { ...template.shape, views: template.shape.views.map((view) => ({ ...view, grid: new Float32Array(new Uint8Array(Buffer.from(view.grid, 'base64')).buffer) })) },
    }));
    return { brands: new Map(data.brands.map((brand) => [brand.id, brand])), templates };
  } catch {
    return null;
  }
}

function writeCache(file: string, gallery: Gallery): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const templates = gallery.templates.map((template) => ({
      ...template,
      shape: { ...template.shape, views: template.shape.views.map((view) => ({ ...view, grid: Buffer.from(view.grid.buffer, view.grid.byteOffset, view.grid.byteLength).toString('base64') })) },
    }));
    // Written whole then renamed: a concurrent reader never sees half a file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify({ brands: [...gallery.brands.values()], templates }));
    renameSync(partial, file);
  } catch {
    // A read-only home only costs the rebuild next time.
  }
}

function buildGallery(sources: readonly MarkSource[]): Gallery {
  const files = new Set(readdirSync(LOBEHUB_DIR));
  const brands = new Map<string, Brand>();
  for (const file of files) {
    if (!/^[a-z0-9.]+\.svg$/.test(file)) continue;
    const id = file.slice(0, -4);
    const titles = ['', '-text', '-text-cn'].map((variant) => (files.has(`${id}${variant}.svg`) ? svgTitle(readFileSync(join(LOBEHUB_DIR, `${id}${variant}.svg`), 'utf8')) : undefined));
    brands.set(id, { id, title: titles[0] ?? id, names: unique([...titles.filter((t): t is string => !!t), id, ...(EXTRA_NAMES[id] ?? [])]) });
  }
  for (const vendor of VENDORS) {
    const brand = brands.get(vendor.id);
    if (brand) brand.names = unique([...brand.names, vendor.name, vendor.nameZh]);
  }
  const simpleIcons = simpleIconsFor(brands);
  for (const [id, icon] of simpleIcons) {
    const brand = brands.get(id)!;
    brand.hex = `#${icon.hex}`;
    brand.names = unique([...brand.names, icon.title, ...(icon.aliases?.aka ?? []), ...Object.values(icon.aliases?.loc ?? {})]);
  }
  const templates: Template[] = [];
  if (sources.includes('lobehub')) {
    for (const id of brands.keys()) {
      for (const variant of LOBEHUB_MARK_VARIANTS) {
        const file = `${id}${variant}.svg`;
        if (files.has(file)) templates.push({ brand: id, source: 'lobehub', file, shape: describeShape(renderSvg(readFileSync(join(LOBEHUB_DIR, file), 'utf8'))) });
      }
    }
  }
  if (sources.includes('simple-icons')) {
    for (const [id, icon] of simpleIcons) {
      const file = `${icon.slug}.svg`;
      templates.push({ brand: id, source: 'simple-icons', file, shape: describeShape(renderSvg(readFileSync(join(SIMPLE_ICONS_DIR, 'icons', file), 'utf8'))) });
    }
  }
  for (const template of templates) template.shape.views = template.shape.views.filter((view) => !isGeneric(view));
  const kept = templates.filter((template) => template.shape.views.length > 0);
  measureCrowding(kept);
  return { brands, templates: kept };
}

function measureCrowding(templates: Template[]): void {
  const views = templates.flatMap((template) => template.shape.views.map((view) => ({ brand: template.brand, view })));
  for (const { brand, view } of views) {
    const top: number[] = [];
    for (const other of views) {
      if (other.brand === brand || other.view.kind !== 'mark') continue;
      const score = compareViews(view, other.view);
      if (top.length < 5 || score > top[top.length - 1]!) {
        top.push(score);
        top.sort((a, b) => b - a);
        if (top.length > 5) top.pop();
      }
    }
    view.crowding = top.length ? top.reduce((sum, v) => sum + v, 0) / top.length : 0;
  }
}

/** simple-icons entries of supported brands: same slug, or the same name. */
function simpleIconsFor(brands: Map<string, Brand>): Map<string, SimpleIcon> {
  const icons = JSON.parse(readFileSync(join(SIMPLE_ICONS_DIR, 'data', 'simple-icons.json'), 'utf8')) as SimpleIcon[];
  const byName = new Map<string, string>();
  for (const brand of brands.values()) byName.set(nameKey(brand.title), brand.id);
  const found = new Map<string, SimpleIcon>();
  for (const icon of icons) {
    const id = brands.has(icon.slug) ? icon.slug : byName.get(nameKey(icon.title));
    if (id && !found.has(id)) found.set(id, icon);
  }
  return found;
}

/** Every simple-icons mark of a brand outside the supported set: the negatives of the brand benchmark. */
export function unsupportedMarks(): { slug: string; title: string; svg: () => string }[] {
  const brands = loadGallery(['lobehub']).brands;
  const supported = new Set([...simpleIconsFor(brands).values()].map((icon) => icon.slug));
  // Sub-brands of a supported company (alibabadotcom, googleplay) carry its mark: not negatives.
  const parents = [...brands.keys()].filter((id) => id.length >= 4);
  const icons = JSON.parse(readFileSync(join(SIMPLE_ICONS_DIR, 'data', 'simple-icons.json'), 'utf8')) as SimpleIcon[];
  return icons.filter((icon) => !supported.has(icon.slug) && !parents.some((id) => icon.slug.startsWith(id))).map((icon) => ({ slug: icon.slug, title: icon.title, svg: () => readFileSync(join(SIMPLE_ICONS_DIR, 'icons', `${icon.slug}.svg`), 'utf8') }));
}

/** The SVG source of a brand's mark in one package, for building test images. */
export function markSvg(source: MarkSource, file: string): string {
  return readFileSync(join(source === 'lobehub' ? LOBEHUB_DIR : join(SIMPLE_ICONS_DIR, 'icons'), file), 'utf8');
}

/** Files of a brand's marks in a package (lobehub: mono, colour, name variants; simple-icons: one). */
export function markFiles(source: MarkSource, brand: string): string[] {
  if (source === 'lobehub') {
    const files = new Set(readdirSync(LOBEHUB_DIR));
    return [...LOBEHUB_MARK_VARIANTS, '-text', '-text-cn'].map((variant) => `${brand}${variant}.svg`).filter((file) => files.has(file));
  }
  const icon = simpleIconsFor(loadGallery(['lobehub']).brands).get(brand);
  return icon ? [`${icon.slug}.svg`] : [];
}

/**
 * Colour marks with white parts and no tile of their own are drawn for dark grounds: on white those
 * parts vanish. A mark that brings its own tile (white parts inside it) reads on any ground.
 */
export function groundFor(svg: string): string {
  if (!/fill="(#fff|#ffffff|white)"/i.test(svg)) return '#ffffff';
  const { pixels, width, height } = new Resvg(svg, { fitTo: { mode: 'width', value: 48 }, font: { loadSystemFonts: false } }).render();
  let opaque = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 128) opaque++;
  return opaque / (width * height) > 0.7 ? '#ffffff' : '#1e1e1e';
}

/** A mark rendered black-on-white (monochrome marks use currentColor) at a size the descriptors need. */
export function renderSvg(svg: string, width = 160, colour = '#000000'): Raster {
  const coloured = svg.replace(/currentColor/g, colour).replace(/<svg\b(?![^>]*\sfill=)/, `<svg fill="${colour}"`);
  const ground = groundFor(svg);
  const image = new Resvg(coloured, { fitTo: { mode: 'width', value: width }, background: ground, font: { loadSystemFonts: false } }).render();
  const rgba = image.pixels;
  const data = new Uint8Array(image.width * image.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    data[j] = rgba[i]!;
    data[j + 1] = rgba[i + 1]!;
    data[j + 2] = rgba[i + 2]!;
  }
  // A margin: a mark touching the edge would otherwise leave no background border to measure.
  return pad({ data, width: image.width, height: image.height }, 4, ground === '#ffffff' ? 255 : 0x1e);
}

function pad(raster: Raster, margin: number, ground: number): Raster {
  const width = raster.width + margin * 2;
  const height = raster.height + margin * 2;
  const data = new Uint8Array(width * height * 3).fill(ground);
  for (let y = 0; y < raster.height; y++) data.set(raster.data.subarray(y * raster.width * 3, (y + 1) * raster.width * 3), ((y + margin) * width + margin) * 3);
  return { data, width, height };
}

function svgTitle(svg: string): string | undefined {
  return /<title>([^<]+)<\/title>/.exec(svg)?.[1]?.trim();
}

function unique(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = nameKey(name);
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
