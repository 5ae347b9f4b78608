/**
 * @module digest/format/check.test
 * The seed digest passes with its known warnings; each broken variant of it fails with the rule that names the break.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type DigestRule, checkDigest, formatIssues } from './check.js';
import { parseDigestMarkdown, renderDigestMarkdown } from './markdown.js';
import { seedFile } from '../../../test/helpers.js';


const seed = readFileSync(seedFile('001'), 'utf8');

/** Replaces text that must occur exactly once, so a variant can never silently equal the seed. */
function edit(text: string, from: string, to: string): string {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`expected exactly one “${from}” in the text, found ${count}`);
  return text.replace(from, () => to);
}

function dropLine(text: string, startsWith: string): string {
  const start = text.indexOf(`\n${startsWith}`);
  if (start < 0) throw new Error(`no line starting “${startsWith}”`);
  const end = text.indexOf('\n', start + 1);
  return text.slice(0, start) + text.slice(end);
}

const FIRST = 'Sam Altman 重新定义 OpenAI：从基础模型到 AI 超级系统的战略转型';
const SECOND = 'AI博士就业困境：技术与市场脱节下的人才两极分化';
const THIRD = 'GLM-4.6 VS DeepSeek V3.2实测对比：国产模型在代码生成与交互界面上的突破性进展';
const LAST = 'AI芯片投资陷阱：普通人如何被骗走7405万元';

function moveLastItemFirst(text: string): string {
  const start = text.indexOf(`## ${LAST}`);
  const end = text.indexOf('## 其他相关资讯');
  const block = text.slice(start, end);
  const without = text.slice(0, start) + text.slice(end);
  return edit(without, `## ${FIRST}`, `${block}## ${FIRST}`);
}

describe('checkDigest on the seed', () => {
  const result = checkDigest(seed);

  it('passes with no violations', () => {
    expect(result.violations).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('warns about each missing blank line between 核心洞察 and 内容简介', () => {
    const blankLine = result.warnings.filter((issue) => issue.rule === 'blank-line');
    expect(blankLine).toHaveLength(10);
    expect(blankLine[0]).toEqual({
      line: 9,
      rule: 'blank-line',
      message: `no blank line between 核心洞察 and 内容简介 in “${FIRST}”; they render as one paragraph`,
    });
  });

  it('warns that the headline’s 7405万 is not in the body, which has 7504万', () => {
    const numbers = result.warnings.filter((issue) => issue.rule === 'headline-number' && issue.message.includes(LAST));
    expect(numbers).toHaveLength(1);
    expect(numbers[0]?.line).toBe(147);
    expect(numbers[0]?.message).toContain('7405万');
    expect(numbers[0]?.message).toContain('7504万');
  });

  it('formats issues as one line each, warnings marked', () => {
    const lines = formatIssues(result);
    expect(lines).toHaveLength(result.warnings.length);
    expect(lines[0]).toBe(`line 9: warning: no blank line between 核心洞察 and 内容简介 in “${FIRST}”; they render as one paragraph [blank-line]`);
    expect(lines).toContain(`line 147: warning: headline number 7405万 appears in no bullet or insight of “${LAST}”; the body has 7504万 [headline-number]`);
  });
});

describe('checkDigest on the rendered seed', () => {
  const result = checkDigest(renderDigestMarkdown(parseDigestMarkdown(seed)));

  it('passes with the blank lines fixed and the number warning kept', () => {
    expect(result.ok).toBe(true);
    expect(result.warnings.filter((issue) => issue.rule === 'blank-line')).toEqual([]);
    expect(result.warnings.some((issue) => issue.rule === 'headline-number' && issue.message.includes('7405万'))).toBe(true);
  });
});

interface BrokenVariant {
  name: string;
  text: string;
  rule: DigestRule;
  /** Text the violation's message must contain: the headline it is about, or what is wrong. */
  mentions: string;
}

const variants: BrokenVariant[] = [
  { name: 'a dropped 分类 line', text: dropLine(seed, '> **分类：** 观点洞察'), rule: 'category', mentions: `分类 missing in “${FIRST}”` },
  { name: 'an invalid category', text: edit(seed, '> **分类：** 观点洞察', '> **分类：** 科技新闻'), rule: 'category', mentions: '“科技新闻” is not one of' },
  {
    name: '3 bullets',
    text: dropLine(dropLine(seed, '- 商业模式探索：'), '- AGI 愿景更新：'),
    rule: 'bullets',
    mentions: `内容简介 has 3 bullets (4–7 expected) in “${FIRST}”`,
  },
  {
    name: '8 bullets',
    text: edit(seed, '\n- 开发者体验：', '\n- 额外要点：多出来的第八条。\n- 开发者体验：'),
    rule: 'bullets',
    mentions: `内容简介 has 8 bullets (4–7 expected) in “${THIRD}”`,
  },
  { name: 'a bullet without a colon', text: edit(seed, '- 战略转向：', '- 战略转向 '), rule: 'bullet', mentions: 'is not “label：detail”' },
  {
    name: 'a bullet label over 20 characters',
    text: edit(seed, '- 战略转向：', '- 这是一个远远超过二十个字符长度限制的非常冗长的要点标签：'),
    rule: 'bullet',
    mentions: 'is 27 characters (at most 20)',
  },
  { name: 'a missing ---', text: edit(seed, `---\n\n## ${SECOND}`, `## ${SECOND}`), rule: 'separator', mentions: `item “${FIRST}” is not followed by ---` },
  { name: 'a 非AI item moved first', text: moveLastItemFirst(seed), rule: 'order', mentions: `AI item “${FIRST}” comes after 非AI item “${LAST}”` },
  { name: 'a duplicated headline', text: edit(seed, `## ${SECOND}`, `## ${FIRST}`), rule: 'duplicate-headline', mentions: `headline “${FIRST}” repeats the item at line 3` },
  { name: 'a broken title date', text: edit(seed, '2025年10月10日', '2025年2月30日'), rule: 'title', mentions: '2025年2月30日 is not a real date' },
  { name: 'a malformed title', text: edit(seed, '# 🤖 AI行业速递 - 2025年10月10日', '# AI行业速递 2025-10-10'), rule: 'title', mentions: 'title is not' },
  { name: 'a title date with leading zeros', text: edit(seed, '2025年10月10日', '2025年01月05日'), rule: 'title', mentions: 'leading zeros' },
  { name: 'a dropped 来源 line', text: dropLine(seed, '> **来源：** [Founder Park]'), rule: 'source', mentions: `来源 missing in “${FIRST}”` },
  {
    name: 'a bare URL as 来源',
    text: edit(seed, '[Founder Park](https://mp.weixin.qq.com/s/8xpRmUactK0sHNSOWmF69Q)', 'https://mp.weixin.qq.com/s/8xpRmUactK0sHNSOWmF69Q'),
    rule: 'source',
    mentions: `in “${FIRST}” is not a markdown link or plain name: bare URL`,
  },
  {
    name: 'one URL as the main source of two items',
    text: edit(seed, 'https://mp.weixin.qq.com/s/hE_u_PJwVny5oKoYuXJRsQ', 'https://mp.weixin.qq.com/s/8xpRmUactK0sHNSOWmF69Q'),
    rule: 'duplicate-source',
    mentions: `in “${SECOND}” is also the main source of “${FIRST}”`,
  },
  { name: 'a missing 核心洞察', text: edit(seed, '**核心洞察：** Sam Altman 的战略转向', 'Sam Altman 的战略转向'), rule: 'insight', mentions: `核心洞察 missing in “${FIRST}”` },
  {
    name: 'a two-paragraph 核心洞察',
    text: edit(seed, '将比预设完美方案更有效。\n', '将比预设完美方案更有效。\n\n这是第二段。\n'),
    rule: 'insight',
    mentions: `核心洞察 is not a single paragraph in “${FIRST}”`,
  },
  {
    name: 'a missing 内容简介',
    text: edit(seed, '将比预设完美方案更有效。\n**内容简介：**\n', '将比预设完美方案更有效。\n'),
    rule: 'summary',
    mentions: `内容简介 missing in “${FIRST}”`,
  },
  {
    name: 'a broken link in 其他相关资讯',
    text: edit(seed, 'Tn-8H3U6ONv-5YHPsbiD_g)', 'Tn-8H3U6ONv-5YHPsbiD_g'),
    rule: 'others',
    mentions: 'is malformed: broken markdown link',
  },
  { name: 'a stray line in 其他相关资讯', text: `${seed}随手写的一行\n`, rule: 'others', mentions: 'is malformed: not a “- [title](url)” line' },
  { name: 'a stray paragraph after the bullets', text: edit(seed, '\n---\n\n## AI博士', '\n\n多出来的一段。\n\n---\n\n## AI博士'), rule: 'structure', mentions: `in “${FIRST}”` },
];

describe('checkDigest on broken variants of the seed', () => {
  it.each(variants)('rejects $name with rule $rule', ({ text, rule, mentions }) => {
    expect(text).not.toBe(seed);
    const result = checkDigest(text);
    expect(result.ok).toBe(false);
    const matching = result.violations.filter((issue) => issue.rule === rule);
    expect(matching.length).toBeGreaterThan(0);
    expect(matching.some((issue) => issue.message.includes(mentions))).toBe(true);
  });

  it('reports a missing 分类 at the item’s heading in the documented line form', () => {
    const result = checkDigest(dropLine(seed, '> **分类：** 观点洞察'));
    expect(formatIssues(result)[0]).toBe(`line 3: 分类 missing in “${FIRST}” [category]`);
  });

  it('reports 非AI-first once per AI item that follows it', () => {
    const order = checkDigest(moveLastItemFirst(seed)).violations.filter((issue) => issue.rule === 'order');
    expect(order).toHaveLength(8);
  });

  it('counts a digest without items or title as broken', () => {
    const result = checkDigest('');
    expect(result.ok).toBe(false);
    expect(result.violations.map((issue) => issue.rule)).toEqual(['title', 'items']);
  });
});
