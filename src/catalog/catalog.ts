/**
 * @module catalog/catalog
 * The merged catalog (dataset rows, then the project overlay, then the user's) and name lookup that
 * never guesses: an unknown name is an error listing the closest real ones.
 */
import { distance } from 'fastest-levenshtein';
import { ZhikuError } from '../errors.js';
import { loadDatasetModels } from './dataset.js';
import { type Overlay, PROJECT_OVERLAY, applyOverlay, readOverlay } from './overlay.js';
import type { CatalogModel, ExchangeRate } from './types.js';
import { vendorById } from './vendors.js';

export interface CatalogOptions {
  /** A user overlay file: local prices and models, applied last. */
  overlayFile?: string;
  /** CNY per USD from config; replaces the overlay's rate. */
  usdCny?: number;
  /** The date prices are read for (dated price changes); default now. */
  now?: Date;
  /** Overlays to apply instead of the project file (tests); the user file still comes last. */
  overlays?: Overlay[];
}

export class Catalog {
  readonly models: readonly CatalogModel[];
  readonly rate: ExchangeRate;
  readonly #byName = new Map<string, CatalogModel>();

  constructor(models: readonly CatalogModel[], rate: ExchangeRate) {
    this.models = models;
    this.rate = rate;
    // Earlier rows win a shared name: vendors' own APIs come before hosts, keys before ids before names.
    for (const pass of [(m: CatalogModel) => [m.key], (m: CatalogModel) => [m.id], (m: CatalogModel) => [...m.aliases, m.name]]) {
      for (const model of models) for (const name of pass(model)) if (!this.#byName.has(nameKey(name))) this.#byName.set(nameKey(name), model);
    }
  }

  /** The model a name, id, alias or `provider/id` key means, or undefined. */
  find(name: string): CatalogModel | undefined {
    return this.#byName.get(nameKey(name));
  }

  /** Like `find`, but an unknown name is an E_NOT_FOUND naming up to five close models. */
  resolve(name: string): CatalogModel {
    const model = this.find(name);
    if (model) return model;
    const close = this.suggest(name);
    throw new ZhikuError('E_NOT_FOUND', `model "${name}" is not in the catalog${close.length ? `; close names: ${close.join(', ')}` : ''}`, {
      item: name,
    });
  }

  /**
   * Real model names close to `name`: first those containing every word of it (a family name such as
   * "Claude 4.5" lists its members), then the nearest by edit distance.
   */
  suggest(name: string, limit = 5): string[] {
    const wanted = nameKey(name);
    const words = wanted.split(/[-/]/).filter(Boolean);
    const scored: { label: string; rank: number }[] = [];
    for (const model of this.models) {
      if (model.deprecated) continue;
      const keys = [model.id, model.name, ...model.aliases].map(nameKey);
      const containsAll = keys.some((key) => words.every((word) => key.split(/[-/]/).includes(word)));
      const nearest = Math.min(...keys.map((key) => distance(wanted, key)));
      const rank = containsAll ? nearest / 100 : nearest;
      if (containsAll || nearest <= Math.max(2, Math.floor(wanted.length / 3))) scored.push({ label: model.id, rank });
    }
    // A family name lists its members only; edit distance is the fallback for misspellings.
    const members = scored.filter((s) => s.rank < 1);
    return [...new Set((members.length ? members : scored).sort((a, b) => a.rank - b.rank).map((s) => s.label))].slice(0, limit);
  }

  vendorOf(model: CatalogModel) {
    return vendorById(model.vendor)!;
  }
}

/** Builds the catalog: dataset rows, the project overlay, then the user's overlay and rate. */
export async function loadCatalog(options: CatalogOptions = {}): Promise<Catalog> {
  const overlays = options.overlays ?? [readOverlay(PROJECT_OVERLAY)];
  if (options.overlayFile) overlays.push(readOverlay(options.overlayFile));
  let models = await loadDatasetModels(options.now);
  let rate: ExchangeRate | null = null;
  for (const overlay of overlays) {
    models = applyOverlay(models, overlay);
    if (overlay.rate) rate = overlay.rate;
  }
  if (options.usdCny !== undefined) rate = { usdCny: options.usdCny, source: 'config catalog.usdCny', asOf: (options.now ?? new Date()).toISOString().slice(0, 10) };
  if (!rate) throw new ZhikuError('E_CONFIG', 'no USD/CNY rate: set catalog.usdCny or give one in an overlay');
  return new Catalog(models, rate);
}

/**
 * How names are compared: NFKC, lower case, no spaces next to Chinese characters ("文心一言 4.5" is
 * "文心一言4.5"), other runs of spaces and underscores as one hyphen.
 */
export function nameKey(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/(?<=\p{Script=Han})\s+|\s+(?=\p{Script=Han})/gu, '')
    .replace(/[\s_]+/g, '-');
}
