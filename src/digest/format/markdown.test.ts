/**
 * @module digest/format/markdown.test
 * The seed digest parses into the model, renders back in the same layout (with the missing blank lines
 * fixed), and models round-trip through markdown.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Digest } from '../types.js';
import { parseDigestMarkdown, renderDigestMarkdown, splitBullet } from './markdown.js';
import { seedFile, zhikuErrorText } from '../../../test/helpers.js';



const seed = readFileSync(seedFile('001'), 'utf8');

/** The seed with the one change the renderer makes: a blank line between 核心洞察 and 内容简介. */
const seedWithBlankLines = seed.replace(/(\*\*核心洞察：\*\*[^\n]*)\n\*\*内容简介：\*\*/gu, '$1\n\n**内容简介：**');

const sample: Digest = {
  date: '2025-01-05',
  items: [
    {
      headline: '示例：模型 [预览] 发布',
      category: '市场动态',
      source: { name: '量子位 [QbitAI]', url: 'https://example.org/a_(b)' },
      alsoAt: [
        { name: '机器之心', url: 'https://example.org/jqzx' },
        { name: '新智元', url: null },
      ],
      insight: '一段洞察，包含 **强调** 与 ASCII: colon。',
      bullets: [
        { label: '要点一', detail: '细节一' },
        { label: '要点二', detail: '细节：带冒号' },
        { label: 'Point 3', detail: 'detail three' },
        { label: '要点四', detail: '细节四' },
      ],
      publishedAt: null,
    },
    {
      headline: '无链接来源的条目',
      category: '非AI',
      source: { name: '某公众号', url: null },
      alsoAt: [],
      insight: '洞察。',
      bullets: [
        { label: 'a', detail: '1' },
        { label: 'b', detail: '2' },
        { label: 'c', detail: '3' },
        { label: 'd', detail: '4' },
      ],
      publishedAt: null,
    },
  ],
  others: [
    { title: '带链接的资讯', url: 'https://example.org/o1', source: null },
    { title: '无链接的资讯', url: null, source: null },
    { title: '注明来源的资讯', url: 'https://example.org/o3', source: '腾讯研究院' },
  ],
};

describe('parseDigestMarkdown on the seed', () => {
  const digest = parseDigestMarkdown(seed);

  it('reads the date from the title line', () => {
    expect(digest.date).toBe('2025-10-10');
  });

  it('reads 10 items with their categories in order', () => {
    expect(digest.items.map((item) => item.category)).toEqual([
      '观点洞察',
      '深度行业分析',
      '产品与商业模式',
      '深度行业分析',
      '深度行业分析',
      '产品与商业模式',
      '市场动态',
      '市场动态',
      '非AI',
      '非AI',
    ]);
  });

  it('reads headlines, sources, insights and bullets', () => {
    const [first] = digest.items;
    expect(first?.headline).toBe('Sam Altman 重新定义 OpenAI：从基础模型到 AI 超级系统的战略转型');
    expect(first?.source).toEqual({ name: 'Founder Park', url: 'https://mp.weixin.qq.com/s/8xpRmUactK0sHNSOWmF69Q' });
    expect(first?.alsoAt).toEqual([]);
    expect(first?.insight.startsWith('Sam Altman 的战略转向揭示了')).toBe(true);
    expect(first?.insight.endsWith('将比预设完美方案更有效。')).toBe(true);
    expect(first?.bullets[0]).toEqual({
      label: '战略转向',
      detail: 'Sam Altman 承认自己对垂直整合的看法错误，OpenAI 正从单一模型提供商转向构建「AI 超级系统」，整合个人 AI 订阅、基础设施和专用硬件。',
    });
    expect(digest.items.map((item) => item.bullets.length)).toEqual([5, 5, 7, 5, 5, 4, 5, 4, 5, 5]);
    expect(digest.items.every((item) => item.publishedAt === null)).toBe(true);
  });

  it('reads the 3 other links', () => {
    expect(digest.others).toHaveLength(3);
    expect(digest.others[0]).toEqual({
      title: '火山引擎发布豆包1.6-vision多模态模型，昆仑万维推出AI智能浏览器OperaNeon',
      url: 'https://mp.weixin.qq.com/s/Tn-8H3U6ONv-5YHPsbiD_g',
      source: null,
    });
    expect(digest.others.map((link) => link.url)).toEqual([
      'https://mp.weixin.qq.com/s/Tn-8H3U6ONv-5YHPsbiD_g',
      'https://mp.weixin.qq.com/s/vZMLCB1pRzM75kd4yktpoA',
      'https://mp.weixin.qq.com/s/iILM9YvUX-o9LCSNQYd_6A',
    ]);
  });
});

describe('renderDigestMarkdown', () => {
  it('renders the parsed seed as the seed plus the missing blank lines, byte for byte', () => {
    expect(seedWithBlankLines).not.toBe(seed);
    expect(renderDigestMarkdown(parseDigestMarkdown(seed))).toBe(seedWithBlankLines);
  });

  it('writes the title without leading zeros', () => {
    expect(renderDigestMarkdown({ date: '2025-01-05', items: [], others: [] })).toBe('# 🤖 AI行业速递 - 2025年1月5日\n');
  });

  it('writes an item in the seed layout, with 另见 and a plain-name source', () => {
    const text = renderDigestMarkdown(sample);
    expect(text).toContain(
      [
        '## 示例：模型 [预览] 发布',
        '',
        '> **分类：** 市场动态',
        '> **来源：** [量子位 \\[QbitAI\\]](<https://example.org/a_(b)>)（另见：[机器之心](https://example.org/jqzx)、新智元）',
        '',
        '**核心洞察：** 一段洞察，包含 **强调** 与 ASCII: colon。',
        '',
        '**内容简介：**',
        '',
        '- 要点一：细节一',
        '- 要点二：细节：带冒号',
        '- Point 3：detail three',
        '- 要点四：细节四',
        '',
        '---',
        '',
        '## 无链接来源的条目',
        '',
        '> **分类：** 非AI',
        '> **来源：** 某公众号',
      ].join('\n'),
    );
    expect(text.endsWith('## 其他相关资讯\n\n- [带链接的资讯](https://example.org/o1)\n- 无链接的资讯\n- [注明来源的资讯](https://example.org/o3)（来源：腾讯研究院）\n')).toBe(true);
  });

  it('leaves out 其他相关资讯 when there are none', () => {
    const text = renderDigestMarkdown({ ...sample, others: [] });
    expect(text).not.toContain('其他相关资讯');
    expect(text.endsWith('---\n')).toBe(true);
  });

  it('puts multi-line text on one line so the layout stays line-based', () => {
    const [first] = sample.items;
    if (!first) throw new Error('sample has no items');
    const text = renderDigestMarkdown({ ...sample, items: [{ ...first, insight: '第一行\n第二行' }] });
    expect(text).toContain('**核心洞察：** 第一行 第二行\n');
  });

  it('rejects an invalid date and a bullet label with a colon', () => {
    expect(zhikuErrorText(() => renderDigestMarkdown({ ...sample, date: '2025-02-30' }))).toMatch(/^E_INVALID_INPUT/u);
    const [first] = sample.items;
    if (!first) throw new Error('sample has no items');
    const badLabel = { ...first, bullets: [{ label: '时间: 上午', detail: 'x' }, ...first.bullets] };
    expect(zhikuErrorText(() => renderDigestMarkdown({ ...sample, items: [badLabel] }))).toMatch(/^E_INVALID_INPUT: bullet label “时间: 上午”/u);
  });
});

describe('markdown round trip', () => {
  it('parse(render(model)) gives the model back', () => {
    expect(parseDigestMarkdown(renderDigestMarkdown(sample))).toEqual(sample);
  });

  it('render(parse(render(seed model))) is stable', () => {
    const once = renderDigestMarkdown(parseDigestMarkdown(seed));
    expect(renderDigestMarkdown(parseDigestMarkdown(once))).toBe(once);
    expect(parseDigestMarkdown(once)).toEqual(parseDigestMarkdown(seed));
  });
});

describe('parseDigestMarkdown tolerance and errors', () => {
  it('accepts ASCII colons, CRLF line ends and a soft-wrapped insight', () => {
    const text = renderDigestMarkdown(sample)
      .replace('> **分类：** 市场动态', '> **分类:** 市场动态')
      .replace('**核心洞察：** 一段洞察，', '**核心洞察：** 一段\n洞察，')
      .replace(/\n/gu, '\r\n');
    const digest = parseDigestMarkdown(text);
    expect(digest.items[0]?.category).toBe('市场动态');
    expect(digest.items[0]?.insight).toBe(sample.items[0]?.insight);
  });

  it('splits a bullet at the first colon, full-width or ASCII', () => {
    expect(splitBullet('价格优势：1.99元/百万tokens')).toEqual({ label: '价格优势', detail: '1.99元/百万tokens' });
    expect(splitBullet('Pricing: cheap：really')).toEqual({ label: 'Pricing', detail: 'cheap：really' });
    expect(splitBullet('没有冒号的要点')).toBeNull();
  });

  it('throws E_PARSE with the line for what the model cannot hold', () => {
    expect(zhikuErrorText(() => parseDigestMarkdown(seed.replace('> **分类：** 观点洞察\n', '')))).toMatch(/^E_PARSE: line 3: 分类 missing in “Sam Altman/u);
    expect(zhikuErrorText(() => parseDigestMarkdown(seed.replace('> **分类：** 观点洞察', '> **分类：** 科技')))).toMatch(/^E_PARSE: line 5: 分类 “科技”/u);
    expect(zhikuErrorText(() => parseDigestMarkdown(seed.replace('2025年10月10日', '2025年2月30日')))).toMatch(/^E_PARSE: line 1: .*not a real date/u);
    expect(zhikuErrorText(() => parseDigestMarkdown(seed.replace('# 🤖 AI行业速递 - 2025年10月10日\n', '')))).toMatch(/^E_PARSE: line 1: title line/u);
    expect(zhikuErrorText(() => parseDigestMarkdown(seed.replace('- 战略转向：', '- 战略转向 ')))).toMatch(/^E_PARSE: line 11: bullet is not/u);
    expect(zhikuErrorText(() => parseDigestMarkdown(`${seed}\n随手写的一行\n`))).toMatch(/^E_PARSE: line \d+: 其他相关资讯 line/u);
  });
});
