import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedFile, tempDir } from '../../test/helpers.js';
import { isZhikuError } from '../errors.js';
import { type Catalog, loadCatalog } from './catalog.js';
import { computeCost, convert, describeUsage, formatMoney, parseTokenCount } from './cost.js';
import { DATASET_RELEASES, METADATA_DATASET, PRICE_DATASET, installedVersion } from './dataset.js';
import { lintNote } from './lint.js';
import { renderNote } from './note.js';
import { PROJECT_OVERLAY, readOverlay } from './overlay.js';

const TEST_OVERLAY = `
rate: { usdCny: 7.2, source: https://example.org/rate, asOf: 2026-11-01 }
models:
  - key: local/tiered
    vendor: qwen
    name: Tiered Test
    currency: CNY
    tiers:
      - { fromTokens: 0, input: 2, cachedInput: 0.5, output: 8 }
      - { fromTokens: 32768, input: 4, cachedInput: 1, output: 16 }
    source: https://example.org/tiered
    asOf: 2026-11-01
  - key: local/seed-qwen
    vendor: qwen
    name: Seed Qwen
    currency: CNY
    tiers: [{ fromTokens: 0, input: 120, output: 120 }]
    source: https://example.org/seed
    asOf: 2026-11-01
  - key: openai/gpt-5.1
    vendor: openai
    currency: CNY
    tiers: [{ fromTokens: 0, input: 9, cachedInput: 0.9, output: 70 }]
    source: https://example.org/local-gpt
    asOf: 2026-11-02
`;

let catalog: Catalog;
let overlayFile: string;

beforeAll(async () => {
  overlayFile = join(tempDir(), 'overlay.yaml');
  writeFileSync(overlayFile, TEST_OVERLAY);
  catalog = await loadCatalog({ overlayFile, now: new Date('2026-11-23') });
});

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isZhikuError(error)) return error;
    throw error;
  }
  throw new Error('expected a ZhikuError');
}

describe('cost', () => {
  it('bills cache hits at the cached rate and picks the tier by prompt size per request', () => {
    const model = catalog.resolve('local/tiered');
    const base = computeCost(model, { input: 1_000_000, cached: 400_000, output: 100_000, requests: 100 });
    expect(base.tier.fromTokens).toBe(0);
    expect(base.input).toBeCloseTo(1.2, 10);
    expect(base.cached).toBeCloseTo(0.2, 10);
    expect(base.output).toBeCloseTo(0.8, 10);
    expect(base.total).toBeCloseTo(2.2, 10);
    const long = computeCost(model, { input: 1_000_000, cached: 400_000, output: 100_000, requests: 10 });
    expect(long.tier.fromTokens).toBe(32768);
    expect(long.total).toBeCloseTo(0.6 * 4 + 0.4 * 1 + 0.1 * 16, 10);
  });

  it('uses the dataset tiers: a long Gemini 2.5 Pro prompt pays the higher rate', () => {
    const gemini = catalog.resolve('gemini-2.5-pro');
    expect(gemini.price!.tiers.map((t) => t.fromTokens)).toEqual([0, 200_000]);
    const short = computeCost(gemini, { input: 100_000, output: 0 });
    const long = computeCost(gemini, { input: 300_000, output: 0 });
    expect(long.total / 300_000).toBeCloseTo((2 * short.total) / 100_000, 12);
  });

  it('gives the seed-004 budget as ¥15,600, not ¥156,000', () => {
    const cost = computeCost(catalog.resolve('Seed Qwen'), { input: parseTokenCount('1亿'), output: parseTokenCount('3000万') });
    expect(cost.currency).toBe('CNY');
    expect(cost.total).toBe(15_600);
    expect(formatMoney(cost.total, 'CNY')).toBe('¥15,600.00');
  });

  it('bills cache hits as input when no cached rate is listed, and says so', () => {
    const cost = computeCost(catalog.resolve('Seed Qwen'), { input: 1_000_000, cached: 500_000, output: 0 });
    expect(cost.total).toBe(120);
    expect(cost.notes.join(' ')).toContain('billed as input');
  });

  it('refuses impossible usage', () => {
    expect(errorOf(() => computeCost(catalog.resolve('Seed Qwen'), { input: 10, cached: 11, output: 0 })).code).toBe('E_INVALID_INPUT');
    expect(errorOf(() => computeCost(catalog.resolve('Seed Qwen'), { input: -1, output: 0 })).code).toBe('E_INVALID_INPUT');
    expect(errorOf(() => parseTokenCount('lots')).code).toBe('E_USAGE');
  });

  it('reads token counts as people write them', () => {
    expect(['100000000', '1e8', '100M', '1亿', '10,000万'].map(parseTokenCount)).toEqual([1e8, 1e8, 1e8, 1e8, 1e8]);
    expect(parseTokenCount('2.5k')).toBe(2500);
  });

  it('converts between USD and CNY at the overlay rate, and config overrides the rate', async () => {
    expect(catalog.rate).toMatchObject({ usdCny: 7.2, source: 'https://example.org/rate' });
    expect(convert(100, 'USD', 'CNY', catalog.rate)).toBeCloseTo(720, 10);
    expect(convert(720, 'CNY', 'USD', catalog.rate)).toBeCloseTo(100, 10);
    const configured = await loadCatalog({ overlayFile, usdCny: 7, now: new Date('2026-11-23') });
    expect(configured.rate.usdCny).toBe(7);
    expect(configured.rate.source).toContain('config');
  });

  it('prints usage and cost for reports, and "unpriced" for a model the catalog lacks', () => {
    expect(describeUsage(catalog, 'Seed Qwen', { input: 1_000_000, output: 0 })).toBe(
      'tokens: input 1,000,000, output 0; cost: ¥120.00 ($16.67) on local/seed-qwen',
    );
    expect(describeUsage(catalog, 'my-local-llm', { input: 10, output: 5 })).toBe('tokens: input 10, output 5; cost: unpriced (model my-local-llm not in catalog)');
  });
});

describe('catalog', () => {
  it('names the dataset package, version and release date on dataset rows', () => {
    for (const pkg of [PRICE_DATASET, METADATA_DATASET]) expect(DATASET_RELEASES[pkg]?.[installedVersion(pkg)], `release date of ${pkg}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const claude = catalog.resolve('claude-sonnet-4-5');
    expect(claude.provenance).toMatchObject({ kind: 'dataset', package: PRICE_DATASET, version: installedVersion(PRICE_DATASET) });
    expect(claude.contextWindow).toBeGreaterThan(0);
  });

  it('takes modalities and open weights from the metadata dataset where it has them', () => {
    const gpt5 = catalog.resolve('openai/gpt-5');
    expect(gpt5.modalities?.input).toContain('image');
    expect(gpt5.openWeights).toBe(false);
    expect(gpt5.metadataProvenance).toMatchObject({ package: METADATA_DATASET });
  });

  it('lets an overlay replace a dataset price and keep the rest of the row', async () => {
    const overridden = catalog.resolve('gpt-5.1');
    expect(overridden.price).toMatchObject({ currency: 'CNY', tiers: [{ input: 9, cachedInput: 0.9, output: 70 }] });
    expect(overridden.provenance).toMatchObject({ kind: 'overlay', source: 'https://example.org/local-gpt', asOf: '2026-11-02' });
    const plain = await loadCatalog({ now: new Date('2026-11-23') });
    expect(plain.resolve('gpt-5.1').price!.currency).toBe('USD');
    expect(overridden.contextWindow).toBe(plain.resolve('gpt-5.1').contextWindow);
  });

  it('covers every vendor Zhiku follows, from the dataset or the project overlay', async () => {
    const plain = await loadCatalog({ now: new Date('2026-11-23') });
    for (const vendor of ['openai', 'anthropic', 'google', 'deepseek', 'qwen', 'moonshot', 'zhipu', 'bytedance', 'baidu', 'minimax', 'meta']) {
      expect(plain.models.filter((m) => m.vendor === vendor && m.price).length, vendor).toBeGreaterThan(0);
    }
    for (const entry of readOverlay(PROJECT_OVERLAY).models) {
      expect(entry.source).toMatch(/^https:\/\//);
      expect(entry.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('rejects an unknown model with the close names', () => {
    const error = errorOf(() => catalog.resolve('GPT-5.10'));
    expect(error.code).toBe('E_NOT_FOUND');
    expect(error.message).toContain('gpt-5.1');
    expect(catalog.suggest('Claude 4.5')).toEqual(expect.arrayContaining(['claude-sonnet-4-5', 'claude-opus-4-5', 'claude-haiku-4-5']));
    expect(catalog.find('文心一言4.5')?.key).toBe('qianfan/ernie-4.5-8k-preview');
  });

  it('refuses an overlay entry without a source, naming the file', () => {
    const file = join(tempDir(), 'bad.yaml');
    writeFileSync(file, 'models:\n  - { key: local/x, vendor: qwen, currency: CNY, tiers: [{ fromTokens: 0, input: 1, output: 2 }], asOf: 2026-01-01 }\n');
    const error = errorOf(() => readOverlay(file));
    expect(error.code).toBe('E_CONFIG');
    expect(error.toLine()).toContain(file);
    expect(error.message).toContain('models.0.source');
  });
});

describe('note and lint', () => {
  it('renders notes that pass the lint, ranked by the stated field', () => {
    for (const by of ['input', 'output', 'context'] as const) {
      const note = renderNote(catalog, { top: 40, by, today: '2026-11-23' });
      expect(lintNote(note, catalog), by).toEqual([]);
    }
    const byContext = renderNote(catalog, { top: 3, by: 'context' });
    expect(byContext).toContain('排名：按上下文窗口');
  });

  it('catches a changed price, a missing source and a broken anchor in a rendered note', () => {
    const note = renderNote(catalog, { top: 5, by: 'context', today: '2026-11-23' });
    const firstPrice = /\| 输入 \| ([$¥][\d.,]+) \|/.exec(note)!;
    const tampered = note
      .replace(firstPrice[0], firstPrice[0].replace(firstPrice[1]!, `${firstPrice[1]!.charAt(0)}999.00`))
      .replace('| 类型 | 价格（每百万 tokens） | 折合 | 来源 | 截至 |', '| 类型 | 价格（每百万 tokens） | 折合 | 备注 | 备注 |')
      .replace(/\]\(#([^)]+)\)/, '](#no-such-heading)');
    const rules = lintNote(tampered, catalog).map((issue) => issue.rule);
    expect(rules).toEqual(expect.arrayContaining(['price-mismatch', 'price-unsourced', 'broken-anchor']));
  });

  it('fails seed 004: misspelt and non-existent names, unsourced prices, broken anchors, the 10× budget', () => {
    const issues = lintNote(readFileSync(seedFile('004'), 'utf8'), catalog);
    const messages = (rule: string) => issues.filter((issue) => issue.rule === rule).map((issue) => issue.message);
    expect(messages('unknown-model').join('\n')).toMatch(/"GPT-5\.10".*gpt-5\.1/);
    expect(messages('unknown-model').some((m) => m.includes('"DeepSeek R3"'))).toBe(true);
    expect(messages('broken-anchor').length).toBeGreaterThan(0);
    expect(messages('price-unsourced').length).toBeGreaterThan(0);
    expect(messages('budget')).toEqual([expect.stringMatching(/Qwen3.*claimed ¥156,000\.00.*cost ¥15,600\.00 \(10× too high\)/)]);
  });
});
