/**
 * @module image/brand/shape
 * Shape descriptors of a mark: the pixels that differ from the plain background around it, cropped to
 * the mark, centred in a square and sampled to a small coverage grid, then blurred so a pixel of shift,
 * a thinner stroke or JPEG noise moves the score a little, not all of it. Colour and polarity do not
 * matter (a white mark on a black tile and a black mark on white give the same grid). A mark drawn as
 * a cut-out of a tile (rounded square, circle) also yields the cut-out itself, so "logo in an app tile"
 * matches "bare logo".
 */

/** Side of the coverage grid. 40 keeps strokes of small marks while comparison stays ~1 µs per pair. */
export const GRID = 40;

export interface Raster {
  /** RGB, 3 bytes per pixel, alpha already composited onto a background. */
  data: Uint8Array;
  width: number;
  height: number;
}

export interface ShapeView {
  /** Which reading of the pixels this is: the mark as drawn, the cut-out inside a tile, or the symbol of a symbol-and-name lockup. */
  kind: 'mark' | 'cutout' | 'part';
  /** Zero-mean, unit-norm blurred coverage grid: the dot product of two views is their correlation. */
  grid: Float32Array;
  /** Width / height of the cropped shape. */
  aspect: number;
  /** Share of the cropped square the shape covers. */
  fill: number;
  /**
   * Reference views only: how closely the other brands' marks crowd this one (mean of its five
   * highest correlations with them). A plain mark in a crowded neighbourhood needs a closer match.
   */
  crowding?: number;
}

export interface Shape {
  /** Share of border pixels close to the background colour: 1 for a mark on a plain ground, low for photos. */
  plainBackground: number;
  background: [number, number, number];
  /** Foreground colours, most frequent first, as hex. */
  colours: string[];
  views: ShapeView[];
}

const BORDER_CLOSE = 48;

/** The shape views of a raster; `views` is empty when nothing stands out from the background. */
export function describeShape(raster: Raster): Shape {
  const { data, width, height } = raster;
  const background = borderColour(raster);
  const distance = new Float32Array(width * height);
  for (let i = 0; i < width * height; i++) {
    const dr = data[i * 3]! - background[0];
    const dg = data[i * 3 + 1]! - background[1];
    const db = data[i * 3 + 2]! - background[2];
    distance[i] = Math.sqrt(dr * dr + dg * dg + db * db);
  }
  let close = 0;
  let border = 0;
  forBorder(width, height, (i) => {
    border++;
    if (distance[i]! < BORDER_CLOSE) close++;
  });
  const threshold = Math.max(BORDER_CLOSE, otsu(distance));
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = distance[i]! >= threshold ? 1 : 0;
  removeSpecks(mask, width, height, Math.max(4, Math.round(width * height * 0.0008)));
  const views: ShapeView[] = [];
  const mark = cropView('mark', mask, width, height);
  if (mark) {
    views.push(mark);
    const cutout = cutoutOf(mask, width, height);
    if (cutout) views.push(cutout);
    const part = leadingSymbol(mask, width, height, mark.aspect);
    if (part) views.push(part);
  }
  return { plainBackground: border ? close / border : 0, background, colours: foregroundColours(raster, mask), views };
}

/**
 * Plain geometric shapes identify nobody: a disc, a square, a ring. A view this close to one of them
 * is dropped (many marks sit on a disc or tile; the cut-out, not the tile, is the mark).
 */
const GENERIC_LIMIT = 0.92;
let primitives: ShapeView[] | undefined;

export function isGeneric(view: ShapeView): boolean {
  primitives ??= primitiveViews();
  return primitives.some((primitive) => compareViews(view, primitive) >= GENERIC_LIMIT);
}

function primitiveViews(): ShapeView[] {
  const size = 120;
  const shapes: ((x: number, y: number) => boolean)[] = [
    (x, y) => x * x + y * y <= 1,
    () => true,
    (x, y) => Math.max(Math.abs(x), Math.abs(y)) <= 0.6 || (Math.abs(x) - 0.6) ** 2 + (Math.abs(y) - 0.6) ** 2 <= 0.16 || Math.min(Math.abs(x), Math.abs(y)) <= 0.6,
    (x, y) => x * x + y * y <= 1 && x * x + y * y >= 0.55,
    (x, y) => x * x + y * y <= 1 && x * x + y * y >= 0.3,
    (x, y) => Math.max(Math.abs(x), Math.abs(y)) >= 0.7,
  ];
  const views = shapes.map((inside) => primitive(size, size, inside));
  // Bars and frames of common proportions: a bar or a box around nothing is not a mark.
  for (const aspect of [1.5, 2, 3, 5, 8]) {
    const w = size;
    const h = Math.round(size / aspect);
    views.push(primitive(w, h, () => true), primitive(h, w, () => true));
    views.push(primitive(w, h, (x, y) => Math.abs(x) >= 0.8 || Math.abs(y) >= 0.7), primitive(h, w, (x, y) => Math.abs(x) >= 0.7 || Math.abs(y) >= 0.8));
  }
  return views;
}

function primitive(width: number, height: number, inside: (x: number, y: number) => boolean): ShapeView {
  const margin = 4;
  const w = width + margin * 2;
  const h = height + margin * 2;
  const mask = new Uint8Array(w * h);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) mask[(y + margin) * w + x + margin] = inside((x + 0.5) / (width / 2) - 1, (y + 0.5) / (height / 2) - 1) ? 1 : 0;
  return cropView('mark', mask, w, h)!;
}

/** Correlation of two views, -1…1. */
export function compareViews(a: ShapeView, b: ShapeView): number {
  let sum = 0;
  for (let i = 0; i < a.grid.length; i++) sum += a.grid[i]! * b.grid[i]!;
  // Marks of very different proportions are different marks even if their blurred grids correlate.
  const aspect = Math.abs(Math.log(a.aspect / b.aspect));
  return sum - Math.max(0, aspect - 0.25) * 0.5;
}

function borderColour({ data, width, height }: Raster): [number, number, number] {
  const channels: number[][] = [[], [], []];
  forBorder(width, height, (i) => {
    for (let c = 0; c < 3; c++) channels[c]!.push(data[i * 3 + c]!);
  });
  return channels.map((values) => {
    values.sort((a, b) => a - b);
    return values[values.length >> 1] ?? 255;
  }) as [number, number, number];
}

function forBorder(width: number, height: number, visit: (index: number) => void): void {
  for (let x = 0; x < width; x++) {
    visit(x);
    if (height > 1) visit((height - 1) * width + x);
  }
  for (let y = 1; y < height - 1; y++) {
    visit(y * width);
    if (width > 1) visit(y * width + width - 1);
  }
}

/** Otsu's threshold over colour distances (0–442). */
function otsu(values: Float32Array): number {
  const bins = new Float64Array(443);
  for (const value of values) bins[Math.min(442, Math.round(value))]!++;
  const total = values.length;
  let sumAll = 0;
  for (let i = 0; i < bins.length; i++) sumAll += i * bins[i]!;
  let sumBelow = 0;
  let countBelow = 0;
  let best = 0;
  let bestThreshold = 0;
  for (let t = 0; t < bins.length; t++) {
    countBelow += bins[t]!;
    if (countBelow === 0) continue;
    const countAbove = total - countBelow;
    if (countAbove === 0) break;
    sumBelow += t * bins[t]!;
    const meanBelow = sumBelow / countBelow;
    const meanAbove = (sumAll - sumBelow) / countAbove;
    const between = countBelow * countAbove * (meanBelow - meanAbove) ** 2;
    if (between > best) {
      best = between;
      bestThreshold = t + 1;
    }
  }
  return bestThreshold;
}

/** Connected components (4-neighbour) of `value` pixels; calls `visit` with each component's pixel list. */
function components(mask: Uint8Array, width: number, height: number, value: number, visit: (pixels: number[]) => void): void {
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (seen[start] || mask[start] !== value) continue;
    const pixels: number[] = [];
    stack.push(start);
    seen[start] = 1;
    while (stack.length) {
      const i = stack.pop()!;
      pixels.push(i);
      const x = i % width;
      const neighbours = [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, i >= width ? i - width : -1, i + width < mask.length ? i + width : -1];
      for (const n of neighbours) {
        if (n >= 0 && !seen[n] && mask[n] === value) {
          seen[n] = 1;
          stack.push(n);
        }
      }
    }
    visit(pixels);
  }
  void height;
}

function removeSpecks(mask: Uint8Array, width: number, height: number, minPixels: number): void {
  components(mask, width, height, 1, (pixels) => {
    if (pixels.length < minPixels) for (const i of pixels) mask[i] = 0;
  });
}

/** The part of a tile that is cut out: background-coloured pixels enclosed by the largest shape. */
function cutoutOf(mask: Uint8Array, width: number, height: number): ShapeView | null {
  let total = 0;
  for (const v of mask) total += v;
  const holes = new Uint8Array(mask.length);
  let holeArea = 0;
  components(mask, width, height, 0, (pixels) => {
    const touchesBorder = pixels.some((i) => {
      const x = i % width;
      return x === 0 || x === width - 1 || i < width || i >= mask.length - width;
    });
    if (touchesBorder) return;
    for (const i of pixels) holes[i] = 1;
    holeArea += pixels.length;
  });
  // A tile: the holes are a real share of it. Letters and outlines have small holes; a tile's cut-out is big.
  if (holeArea < (total + holeArea) * 0.12) return null;
  return cropView('cutout', holes, width, height);
}

/**
 * A lockup — symbol beside or above the name — also yields the symbol alone: the columns (or rows)
 * before the widest empty gap in the first 60 %.
 */
function leadingSymbol(mask: Uint8Array, width: number, height: number, aspect: number): ShapeView | null {
  const across = aspect >= 1.8 ? 'columns' : aspect <= 0.55 ? 'rows' : null;
  if (!across) return null;
  const length = across === 'columns' ? width : height;
  const filled = new Uint8Array(length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (mask[y * width + x]) filled[across === 'columns' ? x : y] = 1;
  const first = filled.indexOf(1);
  const last = filled.lastIndexOf(1);
  const span = last - first + 1;
  // The symbol ends at the widest gap (gaps inside a symbol or between letters are narrower).
  let end = -1;
  let widest = 0;
  for (let i = first; i <= last; ) {
    if (filled[i]) {
      i++;
      continue;
    }
    let gap = 0;
    while (!filled[i + gap]) gap++;
    if (gap > widest && (i - first) / span <= 0.6) {
      widest = gap;
      end = i;
    }
    i += gap;
  }
  const share = (end - first) / span;
  if (end < 0 || widest < Math.max(2, span * 0.02) || share < 0.12) return null;
  const part = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if ((across === 'columns' ? x : y) < end) part[y * width + x] = mask[y * width + x]!;
  return cropView('part', part, width, height);
}

function cropView(kind: ShapeView['kind'], mask: Uint8Array, width: number, height: number): ShapeView | null {
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (right < 0) return null;
  const w = right - left + 1;
  const h = bottom - top + 1;
  const side = Math.max(w, h);
  const originX = left - (side - w) / 2;
  const originY = top - (side - h) / 2;
  const grid = new Float32Array(GRID * GRID);
  const samples = 4;
  let covered = 0;
  for (let gy = 0; gy < GRID; gy++) {
    for (let gx = 0; gx < GRID; gx++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = Math.floor(originX + ((gx + (sx + 0.5) / samples) / GRID) * side);
          const y = Math.floor(originY + ((gy + (sy + 0.5) / samples) / GRID) * side);
          if (x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x]) hits++;
        }
      }
      grid[gy * GRID + gx] = hits / (samples * samples);
      covered += hits / (samples * samples);
    }
  }
  return { kind, grid: normalize(blur(grid)), aspect: w / h, fill: covered / (GRID * GRID) };
}

function blur(grid: Float32Array): Float32Array {
  const radius = 2;
  const out = new Float32Array(grid.length);
  for (let y = 0; y < GRID; y++) {
    for (let x = 0; x < GRID; x++) {
      let sum = 0;
      let count = 0;
      for (let dy = -radius; dy <= radius; dy++) {
        for (let dx = -radius; dx <= radius; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= GRID || ny >= GRID) continue;
          sum += grid[ny * GRID + nx]!;
          count++;
        }
      }
      out[y * GRID + x] = sum / count;
    }
  }
  return out;
}

function normalize(grid: Float32Array): Float32Array {
  let mean = 0;
  for (const v of grid) mean += v;
  mean /= grid.length;
  let norm = 0;
  for (let i = 0; i < grid.length; i++) {
    grid[i] = grid[i]! - mean;
    norm += grid[i]! * grid[i]!;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < grid.length; i++) grid[i] = grid[i]! / norm;
  return grid;
}

/** Up to three foreground colours (quantised to 4 bits per channel), most frequent first. */
function foregroundColours({ data }: Raster, mask: Uint8Array): string[] {
  const counts = new Map<number, number>();
  let total = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const key = ((data[i * 3]! >> 4) << 8) | ((data[i * 3 + 1]! >> 4) << 4) | (data[i * 3 + 2]! >> 4);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
  }
  return [...counts]
    .filter(([, count]) => count >= total * 0.08)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([key]) => `#${[key >> 8, (key >> 4) & 15, key & 15].map((v) => (v * 17).toString(16).padStart(2, '0')).join('')}`);
}
