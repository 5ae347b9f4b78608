/**
 * @module catalog/lint
 * Checks a model knowledge note against the catalog: model names that exist, price cells that match
 * and name a source and date, internal links that resolve, and budget sums that add up.
 */
import GithubSlugger from 'github-slugger';
import type { Heading, Root, RootContent, Table } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { toString } from 'mdast-util-to-string';
import { gfmTable } from 'micromark-extension-gfm-table';
import { visit } from 'unist-util-visit';
import type { Catalog } from './catalog.js';
import { nameKey } from './catalog.js';
import { convert, formatMoney } from './cost.js';
import type { CatalogModel, Currency, PriceTier } from './types.js';

export type LintRule = 'unknown-model' | 'price-mismatch' | 'price-unsourced' | 'broken-anchor' | 'budget' | 'unchecked-budget';

export interface LintIssue {
  line: number;
  rule: LintRule;
  severity: 'error' | 'warning';
  message: string;
}

type PriceKind = 'input' | 'cachedInput' | 'output';
interface Money {
  amount: number;
  currency: Currency;
}

/** Same-currency prices must agree to 0.5 %; a converted one to 2 % (rates move). */
const SAME_CURRENCY_TOLERANCE = 0.005;
const CONVERTED_TOLERANCE = 0.02;
/** A budget more than 5 % off its own arithmetic is wrong, not rounded. */
const BUDGET_TOLERANCE = 0.05;

export function lintNote(markdown: string, catalog: Catalog): LintIssue[] {
  const tree = fromMarkdown(markdown, { extensions: [gfmTable()], mdastExtensions: [gfmTableFromMarkdown()] });
  const issues: LintIssue[] = [];
  const report = (node: { position?: { start: { line: number } } }, rule: LintRule, message: string, severity: LintIssue['severity'] = 'error') =>
    issues.push({ line: node.position?.start.line ?? 0, rule, severity, message });

  checkAnchors(tree, report);
  const sections = readSections(tree);
  const checkName = (node: RootContent, name: string) => {
    if (catalog.find(name)) return;
    const close = catalog.suggest(name);
    report(node, 'unknown-model', `"${name}" is not a model in the catalog${close.length ? `; did you mean: ${close.join(', ')}` : ''}`);
  };

  for (const section of sections) if (section.isModel) checkName(section.heading, section.name);
  visit(tree, 'table', (table: Table) => {
    const header = rowTexts(table)[0] ?? [];
    const column = header.findIndex((cell) => /^(模型|模型名称|model|model name)$/i.test(cell.trim()));
    if (column < 0) return;
    for (const row of table.children.slice(1)) {
      const cell = row.children[column];
      // A link with spaces in its target is not a link to the parser: take its text by hand.
      const name = (cell ? toString(cell).trim() : '').replace(/^\[(.+?)\]\(.*\)$/, '$1');
      if (name) checkName(row as unknown as RootContent, name);
    }
  });

  for (const section of sections) {
    const model = section.isModel ? catalog.find(section.name) : undefined;
    for (const table of section.priceTables) checkPriceTable(table, model, catalog, section, report);
  }
  checkBudgets(tree, sections, catalog, report);
  return issues.sort((a, b) => a.line - b.line);
}

// ---------------------------------------------------------------------------

type Report = (node: { position?: { start: { line: number } } }, rule: LintRule, message: string, severity?: LintIssue['severity']) => void;

interface Section {
  name: string;
  heading: Heading;
  isModel: boolean;
  priceTables: Table[];
  /** Prices the note itself states for this model (base tier), read from its price tables. */
  notePrices: Partial<Record<PriceKind, Money>>;
}

function checkAnchors(tree: Root, report: Report): void {
  const slugger = new GithubSlugger();
  const slugs = new Set<string>();
  visit(tree, 'heading', (heading: Heading) => void slugs.add(slugger.slug(toString(heading))));
  visit(tree, 'link', (link) => {
    if (!link.url.startsWith('#')) return;
    let target = link.url.slice(1);
    try {
      target = decodeURIComponent(target);
    } catch {
      // A malformed escape is simply a target no heading has.
    }
    if (!slugs.has(target)) report(link, 'broken-anchor', `link "${toString(link)}" points to "${link.url}", which no heading has`);
  });
}

/** Level-4 sections; one is a model section when it holds a price table or a price/cost sub-heading. */
function readSections(tree: Root): Section[] {
  const sections: Section[] = [];
  let current: Section | null = null;
  for (const node of tree.children) {
    if (node.type === 'heading' && node.depth <= 4) {
      current = node.depth === 4 ? { name: toString(node).trim(), heading: node, isModel: false, priceTables: [], notePrices: {} } : null;
      if (current) sections.push(current);
      continue;
    }
    if (!current) continue;
    if (node.type === 'heading' && /费用|价格|price|cost/i.test(toString(node))) current.isModel = true;
    if (node.type === 'table' && isPriceTable(node)) {
      current.isModel = true;
      current.priceTables.push(node);
    }
  }
  return sections;
}

function isPriceTable(table: Table): boolean {
  return (rowTexts(table)[0] ?? []).some((cell) => /价格|price/i.test(cell));
}

function rowTexts(table: Table): string[][] {
  return table.children.map((row) => row.children.map((cell) => toString(cell)));
}

function checkPriceTable(table: Table, model: CatalogModel | undefined, catalog: Catalog, section: Section, report: Report): void {
  const [header = [], ...rows] = rowTexts(table);
  const priceColumn = header.findIndex((cell) => /价格|price/i.test(cell));
  const sourceColumn = header.findIndex((cell) => /来源|source/i.test(cell));
  const dateColumn = header.findIndex((cell) => /截至|as of|日期|date/i.test(cell));
  const unsourced = rows.some(
    (row) => sourceColumn < 0 || dateColumn < 0 || !row[sourceColumn]?.trim() || !/\d{4}-\d{2}(-\d{2})?/.test(row[dateColumn] ?? ''),
  );
  if (unsourced) report(table, 'price-unsourced', `price table for "${section.name}" gives no source and as-of date for every price`);
  rows.forEach((row, index) => {
    const kind = priceKind(row[0] ?? '');
    const money = parseMoney(row[priceColumn] ?? '');
    if (!kind || !money) return;
    const fromTokens = tierStart(row[0] ?? '');
    if (fromTokens === 0 && !section.notePrices[kind]) section.notePrices[kind] = money;
    if (!model?.price) return;
    const tier = model.price.tiers.find((t) => t.fromTokens === fromTokens);
    const expected = tier?.[kind];
    const node = table.children[index + 1]!;
    if (expected === null || expected === undefined) {
      report(node, 'price-mismatch', `"${section.name}" ${row[0]!.trim()}: the catalog lists no such price for ${model.key}`);
      return;
    }
    const inCellCurrency = convert(expected, model.price.currency, money.currency, catalog.rate);
    const tolerance = money.currency === model.price.currency ? SAME_CURRENCY_TOLERANCE : CONVERTED_TOLERANCE;
    if (Math.abs(money.amount - inCellCurrency) > tolerance * inCellCurrency + 1e-9) {
      report(
        node,
        'price-mismatch',
        `"${section.name}" ${row[0]!.trim()}: the note says ${formatMoney(money.amount, money.currency)}, the catalog says ${formatMoney(expected, model.price.currency)} for ${model.key}`,
      );
    }
  });
}

function priceKind(label: string): PriceKind | null {
  if (/缓存|cache/i.test(label)) return 'cachedInput';
  if (/输入|input/i.test(label)) return 'input';
  if (/输出|output/i.test(label)) return 'output';
  return null;
}

/** The tier a row label names, as the note renderer writes it: `输入（提示 > 32,768 tokens）`. */
function tierStart(label: string): PriceTier['fromTokens'] {
  const match = /[>＞]\s*([\d,]+)/.exec(label);
  return match ? Number(match[1]!.replace(/,/g, '')) : 0;
}

const SCALE: Record<string, number> = { 千: 1e3, 万: 1e4, 亿: 1e8, k: 1e3, m: 1e6, b: 1e9 };

/** `$5.00 USD`, `¥120.00 RMB`, `¥15.6万`, `120 元`. */
export function parseMoney(text: string): Money | null {
  const symbol = /([$¥￥])\s*([\d,]+(?:\.\d+)?)\s*(千|万|亿)?/.exec(text);
  if (symbol) return { amount: Number(symbol[2]!.replace(/,/g, '')) * (symbol[3] ? SCALE[symbol[3]]! : 1), currency: symbol[1] === '$' ? 'USD' : 'CNY' };
  const word = /([\d,]+(?:\.\d+)?)\s*(千|万|亿)?\s*(美元|USD|元|RMB|CNY)/i.exec(text);
  if (!word) return null;
  return { amount: Number(word[1]!.replace(/,/g, '')) * (word[2] ? SCALE[word[2]]! : 1), currency: /美元|usd/i.test(word[3]!) ? 'USD' : 'CNY' };
}

function parseVolume(text: string, label: '输入' | '输出'): number | null {
  const match = new RegExp(`${label}\\s*([\\d,]+(?:\\.\\d+)?)\\s*(千|万|亿|[kmb])?\\s*tokens`, 'i').exec(text);
  return match ? Number(match[1]!.replace(/,/g, '')) * (match[2] ? SCALE[match[2].toLowerCase()]! : 1) : null;
}

/**
 * Budget claims such as "输入1亿Tokens+输出3000万Tokens，选用Qwen3约需¥15.6万/月": the sum is redone
 * from the note's own price table for that model, else from the catalog.
 */
function checkBudgets(tree: Root, sections: Section[], catalog: Catalog, report: Report): void {
  visit(tree, 'paragraph', (node) => {
    const text = toString(node);
    const input = parseVolume(text, '输入');
    const output = parseVolume(text, '输出');
    if (input === null || output === null) return;
    for (const clause of text.split(/[，,；;。]/)) {
      const claim = /^(.*?)(?:约需|需要|约为|cost)\s*(.*)$/.exec(clause.trim());
      const money = claim ? parseMoney(claim[2]!) : null;
      if (!claim || !money) continue;
      const subject = claim[1]!.replace(/^(选用|采用|使用|用)/, '').trim();
      const section = sections
        .filter((s) => nameKey(subject).startsWith(nameKey(s.name)))
        .sort((a, b) => b.name.length - a.name.length)[0];
      const name = section?.name ?? subject;
      const prices = priceFor(section, catalog.find(name), money.currency, catalog);
      if (!prices) {
        report(node, 'unchecked-budget', `budget for "${name}" cannot be checked: neither the note nor the catalog gives its input and output prices`, 'warning');
        continue;
      }
      const expected = (input * prices.input + output * prices.output) / 1_000_000;
      if (Math.abs(money.amount - expected) <= BUDGET_TOLERANCE * expected) continue;
      const factor = money.amount / expected;
      const off = factor >= 1.5 ? `${factor.toFixed(factor >= 10 ? 0 : 1)}× too high` : factor <= 0.67 ? `${(1 / factor).toFixed(1 / factor >= 10 ? 0 : 1)}× too low` : `off by ${Math.round((factor - 1) * 100)} %`;
      report(
        node,
        'budget',
        `budget for "${name}": claimed ${formatMoney(money.amount, money.currency)}, but ${input.toLocaleString('en-US')} input + ${output.toLocaleString('en-US')} output tokens at ${formatMoney(prices.input, money.currency)} / ${formatMoney(prices.output, money.currency)} per 1M (${prices.from}) cost ${formatMoney(expected, money.currency)} (${off})`,
      );
    }
  });
}

function priceFor(
  section: Section | undefined,
  model: CatalogModel | undefined,
  currency: Currency,
  catalog: Catalog,
): { input: number; output: number; from: string } | null {
  const own = section?.notePrices;
  if (own?.input && own.output) {
    return {
      input: convert(own.input.amount, own.input.currency, currency, catalog.rate),
      output: convert(own.output.amount, own.output.currency, currency, catalog.rate),
      from: "the note's own price table",
    };
  }
  const tier = model?.price?.tiers[0];
  if (!model?.price || !tier) return null;
  return {
    input: convert(tier.input, model.price.currency, currency, catalog.rate),
    output: convert(tier.output, model.price.currency, currency, catalog.rate),
    from: `catalog ${model.key}`,
  };
}
