/**
 * @module cli/commands/models
 * `zhiku models` (the catalog as a table), `zhiku models note` (a sourced markdown note) and
 * `zhiku models lint <file>` (checks a note against the catalog).
 */
import { readFile } from 'node:fs/promises';
import { type Catalog, type CatalogModel, type RankField, convert, formatMoney, lintNote, openCatalog, renderNote } from '../../catalog/index.js';
import { ZhikuError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { printJson, renderTable } from '../format.js';

/** Prices older than this are marked stale in listings. */
const STALE_DAYS = 180;

export interface ModelsOptions {
  vendor?: string;
  country?: string;
  all?: boolean;
  json?: boolean;
}

export async function modelsCommand(context: CommandContext, options: ModelsOptions): Promise<number> {
  const catalog = await openCatalog(context.config());
  checkVendor(catalog, options.vendor);
  const models = catalog.models
    .filter((m) => options.all || !m.deprecated)
    .filter((m) => !options.vendor || m.vendor === options.vendor)
    .filter((m) => !options.country || catalog.vendorOf(m).country === options.country.toUpperCase());
  const { out } = context.logger;
  if (options.json) {
    printJson(out, { rate: catalog.rate, models: models.map((model) => ({ ...model, converted: convertedPrices(catalog, model) })) });
    return 0;
  }
  const rows = models.map((model) => {
    const vendor = catalog.vendorOf(model);
    const tier = model.price?.tiers[0];
    const currency = model.price?.currency ?? 'USD';
    const money = (value: number | null | undefined) => (value === null || value === undefined ? '—' : formatMoney(value, currency, true));
    const converted = convertedPrices(catalog, model);
    const asOf = asOfDate(model);
    return [
      model.name,
      model.key,
      `${vendor.nameZh}${model.host ? `/${model.host}` : ''}`,
      vendor.country,
      model.contextWindow?.toLocaleString('en-US') ?? '—',
      money(tier?.input),
      money(tier?.cachedInput),
      money(tier?.output),
      converted
        ? [converted.input, converted.cachedInput, converted.output].map((v) => (v === null ? '—' : formatMoney(v, converted.currency))).join(' / ')
        : '—',
      `${asOf}${isStale(asOf) ? ' (stale)' : ''}`,
    ];
  });
  for (const line of renderTable(['name', 'model', 'vendor', 'country', 'context', 'input/1M', 'cached/1M', 'output/1M', 'converted in/cached/out', 'as of'], rows)) out(line);
  out('');
  out(`${models.length} models; 1 USD = ${catalog.rate.usdCny} CNY (${catalog.rate.source}, as of ${catalog.rate.asOf}). Tiered models show their base tier; --json has every tier.`);
  return 0;
}

export async function modelsNoteCommand(context: CommandContext, options: { top?: number; by?: string; vendor?: string; country?: string }): Promise<number> {
  const by = (options.by ?? 'input') as RankField;
  if (!['input', 'output', 'context'].includes(by)) throw new ZhikuError('E_USAGE', `--by must be input, output or context, got "${options.by}"`);
  const catalog = await openCatalog(context.config());
  checkVendor(catalog, options.vendor);
  context.logger.out(renderNote(catalog, { top: options.top ?? 10, by, vendor: options.vendor, country: options.country }).trimEnd());
  return 0;
}

export async function modelsLintCommand(context: CommandContext, file: string, options: { json?: boolean }): Promise<number> {
  let markdown: string;
  try {
    markdown = await readFile(file, 'utf8');
  } catch (error) {
    throw new ZhikuError('E_NOT_FOUND', `cannot read note: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { item: file });
  }
  const issues = lintNote(markdown, await openCatalog(context.config()));
  const errors = issues.filter((issue) => issue.severity === 'error').length;
  if (options.json) printJson(context.logger.out, { file, errors, warnings: issues.length - errors, issues });
  else {
    for (const issue of issues) context.logger.out(`${file}:${issue.line}: ${issue.severity} [${issue.rule}] ${issue.message}`);
    context.logger.out(`${errors} errors, ${issues.length - errors} warnings`);
  }
  return errors ? 1 : 0;
}

// ---------------------------------------------------------------------------

function checkVendor(catalog: Catalog, vendor: string | undefined): void {
  if (vendor && !catalog.models.some((m) => m.vendor === vendor)) {
    const known = [...new Set(catalog.models.map((m) => m.vendor))].join(', ');
    throw new ZhikuError('E_USAGE', `unknown vendor "${vendor}"; known vendors: ${known}`);
  }
}

function convertedPrices(catalog: Catalog, model: CatalogModel) {
  const tier = model.price?.tiers[0];
  if (!model.price || !tier) return null;
  const currency = model.price.currency === 'USD' ? 'CNY' : 'USD';
  return {
    currency,
    input: convert(tier.input, model.price.currency, currency, catalog.rate),
    cachedInput: tier.cachedInput === null ? null : convert(tier.cachedInput, model.price.currency, currency, catalog.rate),
    output: convert(tier.output, model.price.currency, currency, catalog.rate),
  } as const;
}

function asOfDate(model: CatalogModel): string {
  return model.provenance.kind === 'overlay' ? model.provenance.asOf : model.provenance.released;
}

function isStale(date: string, now = new Date()): boolean {
  const time = Date.parse(date);
  return Number.isFinite(time) && now.getTime() - time > STALE_DAYS * 86_400_000;
}
