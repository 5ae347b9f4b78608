/**
 * @module catalog/cost
 * Cost arithmetic: cached input at its own rate, the tier a prompt size falls in, and conversion
 * between USD and CNY at the catalog's sourced rate.
 */
import { ZhikuError } from '../errors.js';
import type { Catalog } from './catalog.js';
import type { CatalogModel, Currency, ExchangeRate, PriceTier } from './types.js';

export interface TokenUsage {
  /** All input tokens, cache hits included. */
  input: number;
  output: number;
  /** Of the input, tokens served from the prompt cache. */
  cached?: number;
  /** Requests the tokens were spread over; the prompt size per request picks the price tier. Default 1. */
  requests?: number;
}

export interface CostBreakdown {
  model: CatalogModel;
  currency: Currency;
  tier: PriceTier;
  usage: Required<TokenUsage>;
  input: number;
  cached: number;
  output: number;
  total: number;
  notes: string[];
}

/** The cost of `usage` on `model` in the model's own currency. */
export function computeCost(model: CatalogModel, usage: TokenUsage): CostBreakdown {
  if (!model.price) throw new ZhikuError('E_NOT_FOUND', `model "${model.id}" has no token price in the catalog`, { item: model.key });
  const full = { input: usage.input, output: usage.output, cached: usage.cached ?? 0, requests: usage.requests ?? 1 };
  for (const [field, value] of Object.entries(full)) {
    if (!Number.isFinite(value) || value < 0) throw new ZhikuError('E_INVALID_INPUT', `${field} tokens must be a non-negative number, got ${value}`);
  }
  if (full.requests < 1) throw new ZhikuError('E_INVALID_INPUT', 'requests must be at least 1');
  if (full.cached > full.input) throw new ZhikuError('E_INVALID_INPUT', `cached tokens (${full.cached}) exceed input tokens (${full.input})`);
  const promptSize = full.input / full.requests;
  const tier = model.price.tiers.reduce((chosen, t) => (t.fromTokens === 0 || promptSize > t.fromTokens ? t : chosen));
  const notes: string[] = [];
  if (model.price.tiers.length > 1) notes.push(`tier for prompts ${tier.fromTokens ? `over ${tier.fromTokens.toLocaleString('en-US')}` : 'from 0'} tokens (${Math.round(promptSize).toLocaleString('en-US')} per request)`);
  let cachedRate = tier.cachedInput;
  if (full.cached > 0 && cachedRate === null) {
    cachedRate = tier.input;
    notes.push('no cached-input rate listed: cache hits billed as input');
  }
  const perMillion = 1_000_000;
  const input = ((full.input - full.cached) * tier.input) / perMillion;
  const cached = (full.cached * (cachedRate ?? 0)) / perMillion;
  const output = (full.output * tier.output) / perMillion;
  return { model, currency: model.price.currency, tier, usage: full, input, cached, output, total: input + cached + output, notes };
}

export function convert(amount: number, from: Currency, to: Currency, rate: ExchangeRate): number {
  if (from === to) return amount;
  return from === 'USD' ? amount * rate.usdCny : amount / rate.usdCny;
}

export function otherCurrency(currency: Currency): Currency {
  return currency === 'USD' ? 'CNY' : 'USD';
}

/**
 * `¥15,600.00`, `$84.00`; amounts under a cent keep four significant digits, and `exact` keeps up to
 * four decimals (unit prices such as $0.3125 must read back unchanged).
 */
export function formatMoney(amount: number, currency: Currency, exact = false): string {
  const symbol = currency === 'USD' ? '$' : '¥';
  const digits =
    amount !== 0 && Math.abs(amount) < 0.01
      ? { maximumSignificantDigits: 4 }
      : { minimumFractionDigits: 2, maximumFractionDigits: exact ? 4 : 2 };
  return `${symbol}${amount.toLocaleString('en-US', digits)}`;
}

/**
 * One line for a Task Report or translation footer: tokens and cost in both currencies, or
 * "unpriced (model X not in catalog)" — a run never fails for want of a price.
 */
export function describeUsage(catalog: Catalog, modelName: string, usage: TokenUsage): string {
  const tokens = `tokens: input ${usage.input.toLocaleString('en-US')}${usage.cached ? ` (cached ${usage.cached.toLocaleString('en-US')})` : ''}, output ${usage.output.toLocaleString('en-US')}`;
  const model = catalog.find(modelName);
  if (!model?.price) return `${tokens}; cost: unpriced (model ${modelName} not in catalog)`;
  const cost = computeCost(model, usage);
  const other = otherCurrency(cost.currency);
  return `${tokens}; cost: ${formatMoney(cost.total, cost.currency)} (${formatMoney(convert(cost.total, cost.currency, other, catalog.rate), other)}) on ${model.key}`;
}

/** Token counts as people write them: 100000000, 1e8, 100M, 2.5k, 1亿, 3000万. */
export function parseTokenCount(text: string): number {
  const match = /^\s*([0-9][0-9,_]*(?:\.[0-9]+)?(?:e[0-9]+)?)\s*(k|m|b|千|万|亿)?\s*$/i.exec(text);
  const scale: Record<string, number> = { k: 1e3, m: 1e6, b: 1e9, 千: 1e3, 万: 1e4, 亿: 1e8 };
  const value = match ? Number(match[1]!.replace(/[,_]/g, '')) * (match[2] ? scale[match[2].toLowerCase()]! : 1) : Number.NaN;
  if (!Number.isFinite(value) || value < 0) throw new ZhikuError('E_USAGE', `expected a token count such as 1000000, 1M or 3000万, got "${text}"`);
  return Math.round(value);
}
