import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CollectedItem } from '../collect/types.js';
import { loadConfig } from '../config/load-config.js';
import { Library } from '../library/library.js';
import { createMemoryLogger } from '../logger.js';
import { tempDir } from '../../test/helpers.js';
import { expandQuery } from './expand.js';

const lower = (items: string[]) => items.map((s) => s.toLowerCase());

describe('expandQuery: Chinese → English', () => {
  it('adds the English of AI terms', () => {
    expect(lower(expandQuery('注意力机制').added)).toContain('attention mechanism');
    const llm = expandQuery('大模型 微调');
    expect(llm.added).toContain('fine-tuning');
    expect(llm.added).toContain('LLM');
  });

  it('translates words the term map lacks from the dictionary', () => {
    expect(lower(expandQuery('棉花 短缺').added)).toEqual(expect.arrayContaining(['cotton', 'shortage']));
    expect(expandQuery('齐白石').added).toEqual(['Qi Baishi']);
  });

  it('keeps the original query first and adds each translation once', () => {
    const expanded = expandQuery('  强化学习 与 强化学习算法 ');
    expect(expanded.query.startsWith('强化学习 与 强化学习算法 ')).toBe(true);
    expect(expanded.added.filter((t) => t === 'reinforcement learning')).toHaveLength(1);
    expect(expanded.query).toBe(`强化学习 与 强化学习算法 ${expanded.added.join(' ')}`);
  });

  it('never adds surnames, classifiers, cross-references, notes or long glosses', () => {
    // Single characters carry CC-CEDICT's noisiest entries.
    const expanded = expandQuery('张 王 个 条 行 台 之 其 苹果 开源 模型');
    expect(expanded.added.length).toBeGreaterThan(0);
    for (const term of expanded.added) {
      expect(term).not.toMatch(/surname|variant|classifier|CL:|abbr|\bsb\b|\bsth\b|[()[\]|]/i);
      expect(term).not.toMatch(/\p{Script=Han}/u);
      expect(term.split(' ').length).toBeLessThanOrEqual(3);
    }
  });

  it('keeps at most three translations per word', () => {
    for (const query of ['推理 大模型 数据 基准 发展', 'model benchmark window market']) {
      for (const term of expandQuery(query).terms) expect(term.translations.length).toBeLessThanOrEqual(3);
    }
    for (const term of expandQuery('大模型 推理', { maxPerTerm: 1 }).terms) expect(term.translations).toHaveLength(1);
  });

  it('skips lone characters inside longer phrases', () => {
    // 多 and 跳 would bring "many", "jump"; the phrase's words are what a source shares.
    const expanded = expandQuery('多跳推理');
    expect(lower(expanded.added)).toContain('reasoning');
    expect(lower(expanded.added)).not.toContain('jump');
  });
});

describe('expandQuery: English → Chinese', () => {
  it('matches the longest phrase, AI terms first', () => {
    const expanded = expandQuery('reinforcement learning from human feedback');
    expect(expanded.added).toContain('强化学习');
    expect(expanded.added).toContain('人类反馈');
    expect(expanded.query.startsWith('reinforcement learning from human feedback ')).toBe(true);
  });

  it('finds dictionary headwords whose gloss is exactly the word, plurals included', () => {
    expect(expandQuery('chip shortage').added).toEqual(expect.arrayContaining(['芯片', '短缺']));
    expect(expandQuery('open source models').added).toEqual(expect.arrayContaining(['开源', '模型']));
    expect(expandQuery('hedge fund').added).toContain('对冲基金');
  });

  it('adds nothing for general words', () => {
    expect(expandQuery('why is it the best of all').added).toEqual([]);
  });

  it('follows the direction asked for', () => {
    const mixed = '大模型 benchmark';
    expect(expandQuery(mixed).added).toEqual(expect.arrayContaining(['LLM', '基准']));
    expect(expandQuery(mixed, { direction: 'zh-en' }).added).not.toContain('基准');
    expect(expandQuery(mixed, { direction: 'en-zh' }).added).not.toContain('LLM');
  });

  it('can use the dictionary or the term map alone', () => {
    expect(expandQuery('微调', { sources: ['ai-terms'] }).added).toEqual(['fine-tuning', 'fine-tune']);
    expect(lower(expandQuery('微调', { sources: ['dictionary'] }).added)).toContain('fine tuning');
    expect(expandQuery('微调', { sources: [] }).added).toEqual([]);
  });
});

describe('cross-lingual retrieval on a small library', () => {
  let library: Library;
  const doc = (title: string, body: string): CollectedItem => ({ kind: 'document', item: `${title}.md`, input: { title, body } });

  beforeAll(async () => {
    const config = loadConfig({ flags: { home: tempDir() }, env: {}, cwd: process.cwd() });
    library = await Library.open(config, { logger: createMemoryLogger() });
    await library.ingest(
      [
        doc('rlhf-zh', '基于人类反馈的强化学习让模型学会遵循指令。研究人员先训练奖励模型，再用强化学习优化策略，使回答更符合人类偏好。'),
        doc('attention-en', 'The attention mechanism lets a transformer weigh every token against every other token. Self-attention replaced recurrence in sequence models.'),
        doc('hr-en', 'Human resources asks for feedback on our learning programs. Please fill in the feedback form before Friday.'),
        doc('travel-zh', '旅行注意事项：长途驾驶时注意力要集中，每两小时休息一次，保持警惕。'),
        doc('painting-zh', '齐白石画虾，寥寥数笔，虾须灵动，墨色浓淡相宜。'),
        doc('market-en', 'Stock market volatility rose as investors weighed interest rate decisions and earnings reports.'),
      ],
      { threads: 1 },
    );
  });
  afterAll(async () => {
    await library.close();
  });

  const titles = async (query: string) => (await library.search(query, { limit: 3 })).hits.map((h) => h.title);

  it('an English query reaches the Chinese document only with expansion', async () => {
    const query = 'reinforcement learning from human feedback';
    expect(await titles(query)).not.toContain('rlhf-zh');
    expect(await titles(expandQuery(query).query)).toContain('rlhf-zh');
  });

  it('a Chinese query reaches the English document only with expansion', async () => {
    const query = '注意力机制';
    expect(await titles(query)).not.toContain('attention-en');
    expect(await titles(expandQuery(query).query)).toContain('attention-en');
  });
  it('keeps AI names Chinese text writes in English, and knows deep research', () => {
    expect(expandQuery('transformer architecture').added).not.toContain('变压器');
    expect(expandQuery('Deep Research').added).toContain('深度研究');
  });
});
