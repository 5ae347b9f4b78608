/**
 * @module catalog/note
 * A seed-004-style knowledge note rendered from the catalog alone: a table ranked by one stated
 * field, then per model a price table whose every cell names its source and as-of date.
 */
import GithubSlugger from 'github-slugger';
import type { Catalog } from './catalog.js';
import { convert, formatMoney, otherCurrency } from './cost.js';
import type { CatalogModel, Currency, PriceTier, Provenance } from './types.js';

export type RankField = 'input' | 'output' | 'context';

export interface NoteOptions {
  top?: number;
  by?: RankField;
  vendor?: string;
  country?: string;
  /** The date printed as the note's date (default today). */
  today?: string;
}

const RANK_LABEL: Record<RankField, string> = {
  input: '输入价格（折合美元，低者在前）',
  output: '输出价格（折合美元，低者在前）',
  context: '上下文窗口（大者在前）',
};

export function renderNote(catalog: Catalog, options: NoteOptions = {}): string {
  const by = options.by ?? 'input';
  const models = rankModels(catalog, by, options).slice(0, options.top ?? 10);
  const titles = { note: '大模型目录与 API 价格', ranking: `排名：按${RANK_LABEL[by]}`, details: '模型价格' };
  // GitHub numbers repeated slugs in heading order, so anchors are computed in the order headings appear.
  const slugger = new GithubSlugger();
  for (const title of Object.values(titles)) slugger.slug(title);
  const names = new Map(models.map((model) => [model, unambiguousName(catalog, model)]));
  const anchors = new Map(models.map((model) => [model, slugger.slug(names.get(model)!)]));
  const lines: string[] = [];
  const heading = (level: number, text: string) => lines.push(`${'#'.repeat(level)} ${text}`, '');
  heading(1, titles.note);
  const rate = catalog.rate;
  lines.push(
    `生成日期 ${options.today ?? new Date().toISOString().slice(0, 10)}。每个价格都来自 Zhiku 模型目录，注明来源与截至日期；价格为每百万 tokens。` +
      `汇率 1 USD = ${rate.usdCny} CNY（[来源](${rate.source})，截至 ${rate.asOf}）。`,
    '',
  );
  heading(2, titles.ranking);
  lines.push('| 排名 | 模型 | 厂商 | 国家 | 上下文窗口 | 输入 | 缓存输入 | 输出 |', '| ---: | --- | --- | --- | ---: | ---: | ---: | ---: |');
  models.forEach((model, index) => {
    const vendor = catalog.vendorOf(model);
    const tier = model.price!.tiers[0]!;
    const money = (value: number | null) => (value === null ? '—' : formatMoney(value, model.price!.currency, true));
    lines.push(
      `| ${index + 1} | [${names.get(model)}](#${anchors.get(model)}) | ${vendor.nameZh}${model.host ? `（经 ${model.host}）` : ''} | ${vendor.country} | ${model.contextWindow?.toLocaleString('en-US') ?? '—'} | ${money(tier.input)} | ${money(tier.cachedInput)} | ${money(tier.output)} |`,
    );
  });
  lines.push('');
  heading(2, titles.details);
  for (const model of models) {
    heading(4, names.get(model)!);
    lines.push(describeModel(catalog, model), '');
    lines.push('| 类型 | 价格（每百万 tokens） | 折合 | 来源 | 截至 |', '| --- | ---: | ---: | --- | --- |');
    const { source, asOf } = sourceOf(model.provenance);
    for (const tier of model.price!.tiers) {
      for (const [label, value] of priceRows(tier)) {
        if (value === null) continue;
        const currency = model.price!.currency;
        const other: Currency = otherCurrency(currency);
        lines.push(`| ${label}${tierLabel(tier)} | ${formatMoney(value, currency, true)} | ${formatMoney(convert(value, currency, other, rate), other)} | ${source} | ${asOf} |`);
      }
    }
    if (model.price!.note) lines.push('', `> ${model.price!.note}`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Priced, current models in rank order; ties broken by key so the note is stable. */
export function rankModels(catalog: Catalog, by: RankField, filter: { vendor?: string; country?: string } = {}): CatalogModel[] {
  const usd = (model: CatalogModel, field: 'input' | 'output') => convert(model.price!.tiers[0]![field], model.price!.currency, 'USD', catalog.rate);
  return catalog.models
    .filter((m) => m.price && !m.deprecated)
    .filter((m) => !filter.vendor || m.vendor === filter.vendor)
    .filter((m) => !filter.country || catalog.vendorOf(m).country === filter.country.toUpperCase())
    .filter((m) => by !== 'context' || m.contextWindow !== null)
    .sort((a, b) => {
      const delta = by === 'context' ? b.contextWindow! - a.contextWindow! : usd(a, by) - usd(b, by);
      return delta || a.key.localeCompare(b.key);
    });
}

/** The model's name when that name finds it back in the catalog, else its id, else its key. */
function unambiguousName(catalog: Catalog, model: CatalogModel): string {
  return [model.name, model.id, model.key].find((name) => catalog.find(name) === model) ?? model.key;
}

export const PRICE_LABELS = { input: '输入', cachedInput: '缓存输入', output: '输出' } as const;

function priceRows(tier: PriceTier): [string, number | null][] {
  return [
    [PRICE_LABELS.input, tier.input],
    [PRICE_LABELS.cachedInput, tier.cachedInput],
    [PRICE_LABELS.output, tier.output],
  ];
}

/** `（提示 > 32,768 tokens）` for a tier above the base; the lint reads the same form back. */
export function tierLabel(tier: PriceTier): string {
  return tier.fromTokens ? `（提示 > ${tier.fromTokens.toLocaleString('en-US')} tokens）` : '';
}

function sourceOf(provenance: Provenance): { source: string; asOf: string } {
  if (provenance.kind === 'overlay') return { source: `[厂商价格页](${provenance.source})`, asOf: provenance.asOf };
  const label = `${provenance.package} ${provenance.version}`;
  return { source: provenance.url ? `[${label}](${provenance.url})` : label, asOf: provenance.released };
}

function describeModel(catalog: Catalog, model: CatalogModel): string {
  const vendor = catalog.vendorOf(model);
  const parts = [`\`${model.key}\``, `${vendor.nameZh}（${vendor.name}）${model.host ? `，经 ${model.host} 提供` : ''}`];
  if (model.contextWindow) parts.push(`上下文窗口 ${model.contextWindow.toLocaleString('en-US')} tokens`);
  if (model.openWeights !== null) parts.push(`开放权重：${model.openWeights ? '是' : '否'}`);
  if (model.licence) parts.push(`许可：${model.licence}`);
  if (model.modalities) parts.push(`输入模态：${model.modalities.input.join('、')}`);
  return parts.join(' · ');
}
