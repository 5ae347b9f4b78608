import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchDir, seedFile } from '../../test/helpers.js';
import { type Requirements, parseLength, parseRequirements } from './requirements.js';

const benchQuery = (task: string) => (JSON.parse(readFileSync(join(benchDir(), 'dr3', task, 'query.json'), 'utf8')) as { query: string }).query;
const names = (r: Requirements) => r.sections.map((s) => s.name);
const chars = (min: number, max: number | null) => ({ min, max, unit: 'chars' });

describe('requirements of every bench task and the seed', () => {
  it('001: title, a 包含…等部分 list, 1500–2000 characters, formal, sources', () => {
    const r = parseRequirements(benchQuery('001'));
    expect(r.title).toBe('Deep Research相关Benchmark数据集调研报告');
    expect(names(r)).toEqual(['引言', '调研方法', '各论文Benchmark信息汇总表', '分析与观察', '参考资料']);
    expect(r.sectionsFrom).toBe('list');
    expect(r.length).toMatchObject({ ...chars(1500, 2000), kind: 'range', text: '字数在1500至2000' });
    expect(r).toMatchObject({ language: 'zh', format: 'markdown', style: { formal: true, citeSources: true, noBullets: false } });
  });

  it('002: six enumerated sections with the year range kept as a detail, 1200–1500', () => {
    const r = parseRequirements(benchQuery('002'));
    expect(names(r)).toEqual(['引言', '避风港原则的法律框架与关键内涵', '直播带货行业的典型案例分析', '原则在直播场景中的适用性讨论', '合规建议与未来趋势', '参考资料']);
    expect(r.sections[2]!.detail).toBe('2023–2025');
    expect(r.length).toMatchObject(chars(1200, 1500));
  });

  it('004: html, no bullet points, a light tone, sections with bracketed notes', () => {
    const r = parseRequirements(benchQuery('004'));
    expect(r.title).toBe('三日主题旅行规划报告');
    expect(names(r)).toEqual(['行程概览', '各景点详细介绍与亮点分析', '每日详细行程安排', '实用贴士']);
    expect(r.sections[3]!.detail).toBe('含预算、最佳出行时间、注意事项等');
    expect(r.length).toMatchObject(chars(1200, 1500));
    expect(r.format).toBe('html');
    expect(r.style).toMatchObject({ noBullets: true, tone: '轻松有趣', formal: true });
  });

  it('005, 006, 010: enumerated sections with their details; 2000–3000, 1500-2000, 3000-5000', () => {
    const r5 = parseRequirements(benchQuery('005'));
    expect(names(r5)).toEqual(['论文基本信息', '核心内容摘要', '关键技术解析', '视频补充要点']);
    expect(r5.length).toMatchObject(chars(2000, 3000));
    const r6 = parseRequirements(benchQuery('006'));
    expect(names(r6)).toEqual(['引言', '画作表象分析', '题材与主题解读', '艺术史语境分析', '总结']);
    expect(r6.sections[0]!.detail).toBe('确立鉴赏的核心视角与价值定位');
    expect(r6.length).toMatchObject(chars(1500, 2000));
    const r10 = parseRequirements(benchQuery('010'));
    expect(names(r10)).toEqual(['引言', '历史市场趋势规律总结', '当前市场趋势分析', '外部影响因素关联分析', '趋势预测与情景分析', '投资策略建议', '风险提示']);
    expect(r10.length).toMatchObject(chars(3000, 5000));
    expect(r10.title).toBe('Yahoo金融市场2018-2023年度市场趋势预测分析报告');
  });

  it('008: the title as a required item, charts wanted, 800-1000', () => {
    const r = parseRequirements(benchQuery('008'));
    expect(r.sections.map((s) => [s.name, Boolean(s.isTitle)])).toEqual([
      ['报告标题', true],
      ['核心数据摘要', false],
      ['数据明细板块', false],
      ['简要提示', false],
    ]);
    expect(r.sections[1]!.detail).toBe('需要在一页内概括关键指标和不同时间段的数据波动情况');
    expect(r.style.charts).toBe(true);
    expect(r.length).toMatchObject(chars(800, 1000));
  });

  it('seed 000: seven sections, 1500–2000 characters', () => {
    const seed = readFileSync(seedFile('000'), 'utf8');
    const query = /^## Query\n([\s\S]*?)\n## /m.exec(seed)![1]!;
    const r = parseRequirements(query);
    expect(r.title).toBe('两大 AI 平台生态对比分析报告');
    expect(names(r)).toEqual(['引言', '研究方法', '技术发展路线对比', '社区治理与生态模式对比', '产品体系与开放策略的差异', '总结与展望', '参考资料']);
    expect(r.sections[1]!.detail).toBe('含材料来源说明');
    expect(r.length).toMatchObject({ ...chars(1500, 2000), text: '全文控制在 1500–2000 字' });
  });
});

describe('requirement forms', () => {
  it('reads every way a length is stated', () => {
    expect(parseLength('字数在1500至2000之间')).toMatchObject(chars(1500, 2000));
    expect(parseLength('写一篇 1200–1500 字的报告')).toMatchObject(chars(1200, 1500));
    expect(parseLength('全文控制在800-1000字')).toMatchObject(chars(800, 1000));
    expect(parseLength('1000字左右')).toMatchObject({ ...chars(900, 1100), kind: 'approx' });
    expect(parseLength('约3000字')).toMatchObject({ ...chars(2700, 3300), kind: 'approx' });
    expect(parseLength('不少于2000字')).toMatchObject({ ...chars(2000, null), kind: 'min' });
    expect(parseLength('不超过500字')).toMatchObject({ ...chars(0, 500), kind: 'max' });
    expect(parseLength('Write 1500-2000 words.')).toMatchObject({ min: 1500, max: 2000, unit: 'words' });
    expect(parseLength('between 800 and 1200 words')).toMatchObject({ min: 800, max: 1200, unit: 'words' });
    expect(parseLength('around 1000 words')).toMatchObject({ min: 900, max: 1100, unit: 'words' });
    // A year range is not a length; the last statement wins over an earlier one.
    expect(parseLength('分析2018-2023年的数据')).toBeNull();
    expect(parseLength('初稿约500字，终稿字数在1500至2000之间')).toMatchObject(chars(1500, 2000));
  });

  it('reads English sections, numbered lists and the language', () => {
    const en = parseRequirements('Write a report titled 《Open Models》 in English. The report should include the following sections: Introduction, Market Overview, Risks and Conclusion. Length: 1500-2000 words. Do not use bullet points.');
    expect(names(en)).toEqual(['Introduction', 'Market Overview', 'Risks', 'Conclusion']);
    expect(en).toMatchObject({ sectionsFrom: 'english', language: 'en', length: { min: 1500, max: 2000, unit: 'words' }, style: { noBullets: true } });
    const numbered = parseRequirements('请撰写《开源模型周报》，包含以下部分：\n1. 本周要闻\n2. 模型发布（含参数规模）\n3. 价格变化\n字数1000字左右，用中文。');
    expect(names(numbered)).toEqual(['本周要闻', '模型发布', '价格变化']);
    expect(numbered.sections[1]!.detail).toBe('含参数规模');
    expect(numbered).toMatchObject({ sectionsFrom: 'numbered', language: 'zh', length: { min: 900, max: 1100 } });
    expect(parseRequirements('不要返回html，用markdown').format).toBe('markdown');
  });

  it('claims nothing it cannot find', () => {
    const r = parseRequirements('比较一下最近的开源大模型');
    expect(r).toMatchObject({ title: null, sections: [], sectionsFrom: null, length: null, format: 'markdown', language: 'zh' });
    expect(r.style).toEqual({ noBullets: false, formal: false, charts: false, citeSources: false, tone: null });
  });
});
