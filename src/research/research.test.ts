import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load-config.js';
import { Library } from '../library/library.js';
import { createMemoryLogger } from '../logger.js';
import { benchDir, tempDir } from '../../test/helpers.js';
import { chunkSentences, sentenceKey } from './compose.js';
import { EvidenceFinder } from './evidence.js';
import { findCitationMarkers, measureLength, reportLines } from './length.js';
import { research } from './research.js';
import { loadTask } from './task.js';
import { renderTaskReport } from './task-report.js';

const EXAMPLE = resolve('examples/research-task');

async function openLibrary(): Promise<Library> {
  const config = loadConfig({ flags: { home: tempDir() }, env: {}, cwd: process.cwd() });
  return Library.open(config, { logger: createMemoryLogger() });
}

describe('offline research on the bundled example task', () => {
  let library: Library;
  beforeAll(async () => {
    library = await openLibrary();
  });
  afterAll(async () => {
    await library.close();
  });

  it('writes every required section, in range, with every sentence quoted from the chunk it cites', async () => {
    const task = loadTask(EXAMPLE);
    const result = await research({ library, task, maxFileBytes: 1e8, threads: 1 });
    const headings = reportLines(result.report).filter((line) => line.head).map((line) => line.head!.text);
    expect(headings).toEqual(['《开源大模型长上下文与开放策略简报》', '引言', '长上下文能力进展', '开放权重与部署', '价格与商业模式', '总结', '参考资料']);
    const length = measureLength(result.report);
    expect(length).toBeGreaterThanOrEqual(600);
    expect(length).toBeLessThanOrEqual(900);
    expect(result.check.length).toMatchObject({ count: length, inRange: true, miss: null });
    // Every cited sentence is verbatim in the chunk it cites; no sentence appears twice.
    const chunks = new Map(result.evidence.map((record) => [`${record.title}#${record.chunk}`, record.text]));
    const seen = new Set<string>();
    for (const line of reportLines(result.report)) {
      if (line.head || line.ref) continue;
      let from = 0;
      for (const marker of findCitationMarkers(line.text)) {
        expect(marker.type).toBe('lc');
        const text = chunks.get(`${(marker as { title: string }).title.replace(/’/g, '”')}#${(marker as { chunks: number[] }).chunks[0]}`)!;
        expect(text).toBeDefined();
        const quoted = line.text.slice(from, marker.start).replace(/^本报告[^。]*。|^综合本节[^：]*：|^本报告的材料[^。]*。[^。]*。/, '');
        for (const sentence of chunkSentences(quoted)) {
          expect(text).toContain(sentence);
          expect(seen.has(sentenceKey(sentence))).toBe(false);
          seen.add(sentenceKey(sentence));
        }
        from = marker.end;
      }
    }
    expect(result.check.citations.total).toBeGreaterThan(5);
    expect(result.check.citations).toMatchObject({ resolvable: result.check.citations.total, supported: result.check.citations.total });
    expect(result.check.citations.citedParagraphs).toBe(result.check.citations.paragraphs);
    // References list each cited source once.
    const references = reportLines(result.report).filter((line) => line.ref && line.text.startsWith('- '));
    expect(new Set(references.map((line) => line.text)).size).toBe(references.length);
    expect(references.length).toBe(new Set(result.evidence.map((record) => record.title)).size);
  });

  it('obeys html and no-bullets, and numbers citations on request', async () => {
    const task = loadTask(EXAMPLE, { query: `${loadTask(EXAMPLE).query}不要分点，返回html格式。` });
    const html = await research({ library, task, maxFileBytes: 1e8, threads: 1 });
    expect(html.report).toMatch(/^<!DOCTYPE html>/);
    expect(html.report).not.toMatch(/<li|<ul/);
    expect(html.check.format).toMatchObject({ html: true, htmlRequired: true, noBulletsRequired: true, bulletLines: 0, ok: true });
    const numeric = await research({ library, task: loadTask(EXAMPLE), cite: 'numeric', maxFileBytes: 1e8, threads: 1 });
    expect(numeric.report).toMatch(/。\[1\]/);
    expect(numeric.report).toMatch(/\n\[1\] 《/);
    expect(numeric.report).not.toContain('long_context:');
  });

  it('puts an attachment\'s table into the section that asks for one, each row cited', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'query.json'), JSON.stringify({ task: 'table', query: '请撰写《开源大模型长上下文与开放策略简报》，包含以下部分：（1）引言；（2）模型参数汇总表；（3）总结。字数在300至600之间。' }));
    writeFileSync(join(dir, 'models.md'), '# 模型参数\n\n下表列出三款开放权重模型。\n\n| 模型 | 上下文窗口 | 许可 |\n| --- | --- | --- |\n| GLM-4.6 | 200K | 开放许可 |\n| Qwen3 | 128K | Apache 2.0 |\n| Kimi K2 | 128K | 修改版 MIT |\n');
    writeFileSync(join(dir, 'long_context.json'), readFileSync(join(EXAMPLE, 'long_context.json')));
    const result = await research({ library, task: loadTask(dir), maxFileBytes: 1e8, threads: 1 });
    expect(result.report).toContain('## 模型参数汇总表');
    expect(result.report).toContain('表1：模型、上下文窗口、许可[文档: models.md]');
    expect(result.report).toContain('| Qwen3 | 128K | Apache 2.0[文档: models.md] |');
    expect(result.check.citations.citedParagraphs).toBe(result.check.citations.paragraphs);
  });

  it('reports a miss instead of padding when the evidence cannot fill the range', async () => {
    const task = loadTask(EXAMPLE, { query: '请撰写《开源大模型长上下文与开放策略简报》，包含以下部分：（1）引言；（2）长上下文能力进展；（3）总结。字数在5000至6000之间。' });
    const result = await research({ library, task, maxFileBytes: 1e8, threads: 1 });
    expect(result.check.length.inRange).toBe(false);
    expect(result.check.length.miss).toBe('insufficient evidence above the relevance floor');
    expect(result.check.length.count).toBeLessThan(2000);
    const taskReport = renderTaskReport({ id: 'example', query: task.query, report: result.report, check: result.check, generatedAt: new Date(0), ingestSeconds: 0, seconds: result.seconds, unreadable: [] });
    expect(taskReport).toContain(`| length | ${result.check.length.count} | 5000–6000 | ✗ MISS: insufficient evidence above the relevance floor |`);
    expect(taskReport).toMatch(/## Token Usage\n\nOffline run: no model was called/);
  });
});

describe('a task with only photos', () => {
  it('finishes with a self-check that says what each photo gave and what was missing', async () => {
    const library = await openLibrary();
    const dir = tempDir();
    writeFileSync(join(dir, 'query.json'), JSON.stringify({ task: 'photos', query: '请根据图片撰写《三日旅行规划》，包含以下部分：（1）行程概览；（2）每日安排。字数在800至1000之间。' }));
    const { default: sharp } = await import('sharp');
    await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 90, g: 140, b: 200 } } }).jpeg().toFile(join(dir, 'lake.jpg'));
    const task = loadTask(dir);
    const result = await research({ library, task, maxFileBytes: 1e8, threads: 1 });
    await library.close();
    expect(result.check.length).toMatchObject({ inRange: false, miss: 'insufficient evidence above the relevance floor' });
    const taskReport = renderTaskReport({ id: 'photos', query: task.query, report: result.report, check: result.check, generatedAt: new Date(0), ingestSeconds: 0, seconds: 0, unreadable: [], materials: result.materials });
    expect(taskReport).toContain('- lake.jpg: 1 chunks, not cited (no text found by OCR; no brand mark recognised; no vision description (set ZHIKU_VISION_MODEL))');
  }, 60_000);
});

describe('data attachments', () => {
  it('quote the computed key figures, cited to the file, and add its chart as a figure', async () => {
    const library = await openLibrary();
    const dir = tempDir();
    writeFileSync(join(dir, 'query.json'), JSON.stringify({ task: 'prices', query: '请撰写《示例指数走势简报》，包含以下部分：（1）引言；（2）历史走势；（3）总结。字数在150至600之间。' }));
    const rows = ['Date,Close,Volume'];
    let high = { close: -Infinity, date: '' };
    for (let day = 0; day < 400; day++) {
      const date = new Date(Date.UTC(2022, 0, 1) + day * 86_400_000).toISOString().slice(0, 10);
      const close = 1000 + day * 2 + (day % 7);
      if (close > high.close) high = { close, date };
      rows.push(`${date},${close.toFixed(2)},${100000 + (day % 30) * 1000}`);
    }
    writeFileSync(join(dir, 'index.csv'), `${rows.join('\n')}\n`);
    writeFileSync(join(dir, 'long_context.json'), JSON.stringify([{ title: '示例指数走势评论', url: 'https://example.org/index', content: '示例指数在过去两年的历史走势总体向上，成交量保持稳定。分析人士认为示例指数的走势与宏观环境有关。' }]));
    const result = await research({ library, task: loadTask(dir), maxFileBytes: 1e8, threads: 1 });
    await library.close();
    const highest = `Close：最高 ${high.close.toLocaleString('en-US')}（${high.date}），最低 1,000（2022-01-01）`;
    expect(result.report).toMatch(new RegExp(`## 历史走势\n\n${highest.replace(/[()（）*]/g, '\\$&')}[^\n]*\\[文档: index\\.csv, p\\. 1\\]`));
    expect(result.report).toContain('![图](figure-1.svg)');
    expect(result.report).toMatch(/图 1：index：Close 随 Date 的变化（数据：index\.csv，工作表 1（index））\[文档: index\.csv, p\. 1\]/);
    expect(result.figures.map((figure) => figure.file)).toEqual(['figure-1.svg']);
    expect(result.figures[0]!.svg).toMatch(/^<svg/);
    // Every figure sentence is in the evidence chunk it cites.
    const record = result.evidence.find((entry) => entry.title === 'index.csv')!;
    expect(record.text).toContain(highest);
  }, 60_000);
});

describe('cross-lingual evidence', () => {
  it('a Chinese task finds and cites an English source through its translated terms', async () => {
    const library = await openLibrary();
    const dir = tempDir();
    writeFileSync(join(dir, 'query.json'), JSON.stringify({ task: 'rlhf', query: '请撰写《奖励模型与人类反馈强化学习简报》，包含以下部分：（1）引言；（2）奖励模型；（3）总结。字数在100至400之间。' }));
    const corpus = [
      {
        title: 'Training reward models from human preferences',
        url: 'https://example.org/rlhf',
        content:
          'A reward model is trained on human preference comparisons between two answers. Reinforcement learning from human feedback then optimises the policy against this reward model. The reward model can be exploited when the policy drifts too far from its training data, so a KL penalty keeps it close.',
      },
      { title: '城市公园的春季花展', url: 'https://example.org/park', content: '城市公园的春季花展将于三月开幕，展出郁金香和樱花。花展期间公园延长开放时间，并增设夜间灯光。' },
    ];
    writeFileSync(join(dir, 'long_context.json'), JSON.stringify(corpus));
    const result = await research({ library, task: loadTask(dir), maxFileBytes: 1e8, threads: 1 });
    const finder = new EvidenceFinder(library);
    const collections = [result.collection!];
    const plain = await finder.find('奖励 模型 强化 学习', { collections, crossLingual: false });
    const expanded = await finder.find('奖励 模型 强化 学习', { collections });
    await library.close();
    expect(plain.map((chunk) => chunk.source.title)).not.toContain('Training reward models from human preferences');
    expect(expanded[0]?.source.title).toBe('Training reward models from human preferences');
    expect(result.report).toContain('[long_context: "Training reward models from human preferences", chunk 1]');
    expect(result.report).not.toContain('城市公园');
  }, 60_000);
});

describe('the self-check equals the dr3 scorer', () => {
  it('on task 002 at 32k: length, sections, citations, support', async () => {
    const library = await openLibrary();
    const taskDir = join(benchDir(), 'dr3', '002');
    const result = await research({ library, task: loadTask(taskDir, { corpusSize: '32k' }), maxFileBytes: 1e8, threads: 1 });
    await library.close();
    const out = tempDir();
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report.md'), result.report);
    writeFileSync(join(out, 'evidence.json'), JSON.stringify(result.evidence));
    const scorer = join(benchDir(), '..', 'tools', 'dr3score', 'score.py');
    const scored = JSON.parse(execFileSync('python3', [scorer, '--task', taskDir, '--report', join(out, 'report.md'), '--corpus', '32k', '--chunks', join(out, 'evidence.json'), '--json'], { encoding: 'utf8' }));
    expect(result.check.length.count).toBe(scored.length.count);
    expect(result.check.length.inRange).toBe(scored.length.in_range);
    expect(result.check.sections).toMatchObject({ found: scored.sections.found, required: scored.sections.required });
    expect(result.check.citations.total).toBe(scored.citations.checkable);
    expect(result.check.citations.resolvable).toBe(scored.citations.resolved);
    expect(result.check.citations.citedParagraphs).toBe(scored.citations.cited_paragraphs);
    expect(result.check.citations.supportMean).toBeCloseTo(scored.support.mean, 2);
    expect(JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8'))[0]).toEqual({ title: expect.any(String), chunk: expect.any(Number), text: expect.any(String), support: expect.any(Number) });
  }, 60_000);
});
