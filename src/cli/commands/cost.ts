/**
 * @module cli/commands/cost
 * `zhiku cost --model M --input N --output N [--cached N]` and `zhiku cost --scenario monthly.json`.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { type Catalog, type CostBreakdown, type Currency, computeCost, convert, formatMoney, openCatalog, parseTokenCount } from '../../catalog/index.js';
import { ZhikuError, isZhikuError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { printJson, renderTable } from '../format.js';

export interface CostOptions {
  model?: string;
  input?: string;
  output?: string;
  cached?: string;
  requests?: string;
  scenario?: string;
  currency?: string;
  json?: boolean;
}

const tokens = z.union([z.number().min(0), z.string()]);
const scenarioSchema = z.union([
  z.object({ items: z.array(z.unknown()).min(1) }).strict(),
  z.array(z.unknown()).min(1),
]);
const itemSchema = z
  .object({ label: z.string().optional(), model: z.string().min(1), input: tokens, output: tokens, cached: tokens.optional(), requests: tokens.optional() })
  .strict();

interface CostRow {
  label: string;
  cost: CostBreakdown;
}

export async function costCommand(context: CommandContext, options: CostOptions): Promise<number> {
  const display = parseCurrency(options.currency);
  if (options.scenario && options.model) throw new ZhikuError('E_USAGE', 'give either --scenario or --model, not both');
  if (!options.scenario && !options.model) throw new ZhikuError('E_USAGE', 'give --model with --input and --output, or --scenario <file.json>');
  const catalog = await openCatalog(context.config());
  if (options.model) {
    if (options.input === undefined || options.output === undefined) throw new ZhikuError('E_USAGE', '--model needs --input and --output token counts');
    const usage = {
      input: parseTokenCount(options.input),
      output: parseTokenCount(options.output),
      cached: options.cached === undefined ? 0 : parseTokenCount(options.cached),
      requests: options.requests === undefined ? 1 : parseTokenCount(options.requests),
    };
    const cost = computeCost(catalog.resolve(options.model), usage);
    printCosts(context, catalog, [{ label: cost.model.key, cost }], display, options.json);
    return 0;
  }
  const { rows, failures } = await readScenario(catalog, options.scenario!);
  for (const failure of failures) context.logger.err(`zhiku: ${failure}`);
  if (rows.length) printCosts(context, catalog, rows, display, options.json);
  return failures.length ? 1 : 0;
}

// ---------------------------------------------------------------------------

function parseCurrency(value: string | undefined): Currency {
  const upper = (value ?? 'CNY').toUpperCase();
  if (upper === 'RMB' || upper === 'CNY') return 'CNY';
  if (upper === 'USD') return 'USD';
  throw new ZhikuError('E_USAGE', `--currency must be CNY or USD, got "${value}"`);
}

async function readScenario(catalog: Catalog, file: string): Promise<{ rows: CostRow[]; failures: string[] }> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ZhikuError('E_INVALID_INPUT', `cannot read scenario: ${reason}`, { item: file });
  }
  const scenario = scenarioSchema.safeParse(data);
  if (!scenario.success) throw new ZhikuError('E_INVALID_INPUT', 'a scenario is a JSON array of items or {"items": [...]}, each with model, input and output', { item: file });
  const items = Array.isArray(scenario.data) ? scenario.data : scenario.data.items;
  const rows: CostRow[] = [];
  const failures: string[] = [];
  items.forEach((raw, index) => {
    const where = `${file} item ${index + 1}`;
    const item = itemSchema.safeParse(raw);
    if (!item.success) {
      const issue = item.error.issues[0]!;
      failures.push(`${where}: ${issue.path.join('.') || 'item'}: ${issue.message}`);
      return;
    }
    const count = (value: number | string | undefined, fallback: number) =>
      value === undefined ? fallback : typeof value === 'number' ? value : parseTokenCount(value);
    try {
      const { model, input, output, cached, requests, label } = item.data;
      const cost = computeCost(catalog.resolve(model), { input: count(input, 0), output: count(output, 0), cached: count(cached, 0), requests: count(requests, 1) });
      rows.push({ label: label ?? model, cost });
    } catch (error) {
      if (!isZhikuError(error)) throw error;
      failures.push(`${where}: ${error.message}`);
    }
  });
  return { rows, failures };
}

function printCosts(context: CommandContext, catalog: Catalog, rows: CostRow[], display: Currency, json = false): void {
  const inDisplay = (row: CostRow) => convert(row.cost.total, row.cost.currency, display, catalog.rate);
  const total = rows.reduce((sum, row) => sum + inDisplay(row), 0);
  if (json) {
    printJson(context.logger.out, {
      rate: catalog.rate,
      currency: display,
      total,
      items: rows.map((row) => ({
        label: row.label,
        model: row.cost.model.key,
        usage: row.cost.usage,
        currency: row.cost.currency,
        tier: row.cost.tier,
        input: row.cost.input,
        cached: row.cost.cached,
        output: row.cost.output,
        total: row.cost.total,
        converted: inDisplay(row),
        notes: row.cost.notes,
        provenance: row.cost.model.provenance,
      })),
    });
    return;
  }
  const { out } = context.logger;
  const n = (value: number) => value.toLocaleString('en-US');
  const table = rows.map((row) => {
    const { cost } = row;
    return [
      row.label,
      n(cost.usage.input),
      n(cost.usage.cached),
      n(cost.usage.output),
      `${formatMoney(cost.tier.input, cost.currency, true)} / ${cost.tier.cachedInput === null ? '—' : formatMoney(cost.tier.cachedInput, cost.currency, true)} / ${formatMoney(cost.tier.output, cost.currency, true)}`,
      formatMoney(cost.total, cost.currency),
      formatMoney(inDisplay(row), display),
    ];
  });
  if (rows.length > 1) table.push(['total', '', '', '', '', '', formatMoney(total, display)]);
  for (const line of renderTable(['item', 'input', 'cached', 'output', 'price in/cached/out per 1M', 'cost', display], table)) out(line);
  for (const row of rows) for (const note of row.cost.notes) out(`note (${row.label}): ${note}`);
  for (const model of new Set(rows.map((row) => row.cost.model))) {
    const p = model.provenance;
    out(`source (${model.key}): ${p.kind === 'overlay' ? `${p.source}, as of ${p.asOf}` : `${p.package} ${p.version} (released ${p.released})${p.url ? `, ${p.url}` : ''}`}`);
  }
  out(`rate: 1 USD = ${catalog.rate.usdCny} CNY (${catalog.rate.source}, as of ${catalog.rate.asOf})`);
}
