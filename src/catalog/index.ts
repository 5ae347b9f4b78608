export { Catalog, loadCatalog, nameKey, type CatalogOptions } from './catalog.js';
export { computeCost, convert, describeUsage, formatMoney, parseTokenCount, type CostBreakdown, type TokenUsage } from './cost.js';
export { lintNote, type LintIssue } from './lint.js';
export { renderNote, rankModels, type NoteOptions, type RankField } from './note.js';
export type { CatalogModel, Currency, ExchangeRate, ModelPrice, PriceTier, Provenance } from './types.js';
export { VENDORS, type Vendor } from './vendors.js';

import type { ResolvedConfig } from '../config/schema.js';
import { type Catalog, loadCatalog } from './catalog.js';

/** The catalog as a user's config shapes it (their overlay file and exchange rate). */
export function openCatalog(config: ResolvedConfig, now?: Date): Promise<Catalog> {
  return loadCatalog({ overlayFile: config.catalog.overlay ?? undefined, usdCny: config.catalog.usdCny ?? undefined, now });
}
