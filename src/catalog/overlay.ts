/**
 * @module catalog/overlay
 * Overlay files: catalog rows the datasets lack and local prices, each with a source and an as-of date.
 * The project ships one (data/catalog-overlay.yaml); a user's file, named in config, wins over it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { z } from 'zod';
import { ZhikuError } from '../errors.js';
import type { CatalogModel, ExchangeRate, ModelPrice } from './types.js';
import { vendorById } from './vendors.js';

export const PROJECT_OVERLAY = fileURLToPath(new URL('../../data/catalog-overlay.yaml', import.meta.url));

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD');
const source = z.url({ protocol: /^https?$/, error: 'expected the http(s) URL the figures come from' });
const tierSchema = z
  .object({
    fromTokens: z.number().int().min(0),
    input: z.number().min(0),
    cachedInput: z.number().min(0).nullable().default(null),
    output: z.number().min(0),
  })
  .strict();

const entrySchema = z
  .object({
    /** `provider/model`; the same key as a dataset row replaces that row's fields. */
    key: z.string().regex(/^[^/\s]+\/\S+$/, 'expected provider/model'),
    vendor: z.string().refine((id) => vendorById(id) !== undefined, 'unknown vendor'),
    name: z.string().min(1).optional(),
    aliases: z.array(z.string().min(1)).default([]),
    contextWindow: z.number().int().min(1).nullable().optional(),
    modalities: z.object({ input: z.array(z.string()), output: z.array(z.string()) }).strict().nullable().optional(),
    openWeights: z.boolean().nullable().optional(),
    licence: z.string().nullable().optional(),
    releaseDate: isoDate.nullable().optional(),
    currency: z.enum(['USD', 'CNY']).optional(),
    tiers: z
      .array(tierSchema)
      .min(1)
      .refine((tiers) => tiers[0]!.fromTokens === 0, 'the first tier must start at fromTokens 0')
      .refine((tiers) => tiers.every((t, i) => i === 0 || t.fromTokens > tiers[i - 1]!.fromTokens), 'tiers must ascend by fromTokens')
      .optional(),
    note: z.string().optional(),
    source,
    asOf: isoDate,
  })
  .strict()
  .refine((entry) => (entry.tiers === undefined) === (entry.currency === undefined), 'tiers and currency go together');

const overlaySchema = z
  .object({
    rate: z.object({ usdCny: z.number().positive(), source, asOf: isoDate }).strict().optional(),
    models: z.array(entrySchema).default([]),
  })
  .strict();

export type OverlayEntry = z.infer<typeof entrySchema>;

export interface Overlay {
  file: string;
  rate: ExchangeRate | null;
  models: OverlayEntry[];
}

/** Reads and validates an overlay file; a bad file is an E_CONFIG naming the file and the first problem. */
export function readOverlay(file: string): Overlay {
  let raw: unknown;
  try {
    raw = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ZhikuError('E_CONFIG', `cannot read catalog overlay: ${(error as Error).message.split('\n')[0]}`, { item: file, cause: error });
  }
  const parsed = overlaySchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ZhikuError('E_CONFIG', `invalid catalog overlay at ${issue.path.join('.') || '(root)'}: ${issue.message}`, { item: file });
  }
  return { file, rate: parsed.data.rate ?? null, models: parsed.data.models };
}

/** Applies overlay entries in order: a known key has its given fields replaced, a new key adds a row. */
export function applyOverlay(models: CatalogModel[], overlay: Overlay): CatalogModel[] {
  const byKey = new Map(models.map((model) => [model.key.toLowerCase(), model]));
  for (const entry of overlay.models) {
    const provenance = { kind: 'overlay', file: overlay.file, source: entry.source, asOf: entry.asOf } as const;
    const price: ModelPrice | undefined =
      entry.tiers && entry.currency ? { currency: entry.currency, tiers: entry.tiers, note: entry.note ?? null } : undefined;
    const existing = byKey.get(entry.key.toLowerCase());
    const id = entry.key.slice(entry.key.indexOf('/') + 1);
    const base: CatalogModel = existing ?? {
      key: entry.key,
      id,
      name: entry.name ?? id,
      vendor: entry.vendor,
      host: null,
      aliases: [],
      contextWindow: null,
      modalities: null,
      openWeights: null,
      licence: null,
      releaseDate: null,
      deprecated: false,
      price: null,
      provenance,
      metadataProvenance: null,
    };
    const merged: CatalogModel = {
      ...base,
      vendor: entry.vendor,
      name: entry.name ?? base.name,
      aliases: [...new Set([...base.aliases, ...entry.aliases])],
      contextWindow: entry.contextWindow !== undefined ? entry.contextWindow : base.contextWindow,
      modalities: entry.modalities !== undefined ? entry.modalities : base.modalities,
      openWeights: entry.openWeights !== undefined ? entry.openWeights : base.openWeights,
      licence: entry.licence !== undefined ? entry.licence : base.licence,
      releaseDate: entry.releaseDate !== undefined ? entry.releaseDate : base.releaseDate,
      price: price ?? base.price,
      // The row's price now comes from the overlay when it set one; otherwise the dataset still owns it.
      provenance: price || !existing ? provenance : base.provenance,
      metadataProvenance: price || !existing ? base.metadataProvenance : provenance,
    };
    if (existing) models[models.indexOf(existing)] = merged;
    else models.push(merged);
    byKey.set(entry.key.toLowerCase(), merged);
  }
  return models;
}
