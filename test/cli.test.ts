/**
 * The CLI as a user drives it: exit codes, one-line errors, batches where bad items fail alone.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Resvg } from '@resvg/resvg-js';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../src/library/store/sqlite/migrations.js';
import { startFakeOpenAi } from './fake-openai.js';
import { benchDir, runZhiku, seedFile, tempDir } from './helpers.js';

const EXAMPLES = resolve('examples/library');

async function stats(home: string): Promise<{ documents: number; chunks: number; collections: { name: string; documents: number }[] }> {
  const result = await runZhiku(['--home', home, 'stats', '--json']);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

describe('zhiku add / search / show / ls / stats', () => {
  let home: string;
  beforeAll(async () => {
    home = tempDir();
    const added = await runZhiku(['--home', home, 'add', EXAMPLES, '--collection', 'demo']);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('added 5,');
  });

  it('reports integer documents and chunks in stats --json', async () => {
    const s = await stats(home);
    expect(s.documents).toBe(5);
    expect(Number.isInteger(s.chunks) && s.chunks >= 5).toBe(true);
    expect(s.collections).toEqual([{ name: 'demo', documents: 5 }]);
  });

  it('searches with model names kept whole, across scripts, as JSON', async () => {
    const result = await runZhiku(['--home', home, 'search', 'GLM-4.6', '--json']);
    expect(result.code).toBe(0);
    const body = JSON.parse(result.stdout) as { terms: string[]; hits: { title: string; snippet: { text: string; highlights: [number, number][] } }[] };
    expect(body.terms).toEqual(['glm-4.6']);
    expect(body.hits.map((h) => h.title)).toEqual(['智谱发布 GLM-4.6：上下文窗口扩展到 200K', 'Open-weight models narrow the gap']);
    const [s, e] = body.hits[0]!.snippet.highlights[0]!;
    expect(body.hits[0]!.snippet.text.slice(s, e)).toBe('GLM-4.6');
    const older = JSON.parse((await runZhiku(['--home', home, 'search', 'GLM-4.5', '--json'])).stdout);
    expect(older.hits.map((h: { title: string }) => h.title)).toEqual(['智谱发布 GLM-4.6：上下文窗口扩展到 200K']);
    expect(older.hits[0].snippet.text).toContain('GLM-4.5');
    const traditional = JSON.parse((await runZhiku(['--home', home, 'search', '開源大模型', '--json', '--limit', '1'])).stdout);
    expect(traditional.hits[0].title).toBe('月之暗面開源 Kimi K2 模型');
    const simplified = JSON.parse((await runZhiku(['--home', home, 'search', '台湾开发者', '--json', '--limit', '1'])).stdout);
    expect(simplified.hits[0].title).toBe('月之暗面開源 Kimi K2 模型');
  });

  it('filters search by source and date', async () => {
    const bySource = JSON.parse((await runZhiku(['--home', home, 'search', '模型', '--source', 'Zhiku sample', '--json'])).stdout);
    expect(bySource.hits.every((h: { source: string }) => h.source === 'Zhiku sample')).toBe(true);
    const recent = JSON.parse((await runZhiku(['--home', home, 'search', '开源', '--since', '2025-09-01', '--json'])).stdout);
    expect(recent.hits.length).toBeGreaterThan(0);
    expect(recent.hits.every((h: { publishedAt: string }) => h.publishedAt >= '2025-09')).toBe(true);
    const bad = await runZhiku(['--home', home, 'search', '开源', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('zhiku: since: not a date: "yesterday" (use YYYY-MM-DD or ISO 8601) [E_USAGE]\n');
  });

  it('shows a document, and names a missing id in a one-line error with exit 1', async () => {
    const list = JSON.parse((await runZhiku(['--home', home, 'ls', '--json'])).stdout) as { documents: { id: string; title: string }[] };
    const doc = list.documents.find((d) => d.title.startsWith('DeepSeek'))!;
    const shown = await runZhiku(['--home', home, 'show', doc.id, '--json']);
    const parsed = JSON.parse(shown.stdout);
    expect(parsed.canonicalUrl).toBe('https://example.org/zhiku-sample/deepseek-v3-2');
    expect(parsed.author).toBe('样例编辑部');
    expect(parsed.chunks[0].text).toBe(parsed.body.slice(parsed.chunks[0].start, parsed.chunks[0].end));
    const missing = await runZhiku(['--home', home, 'show', 'dnope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('zhiku: dnope: no such document [E_NOT_FOUND]\n');
  });

  it('prints a table whose columns line up in display width', async () => {
    const result = await runZhiku(['--home', home, 'ls']);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    const { default: stringWidth } = await import('string-width');
    // The last column starts at the same display column on every row, CJK titles or not.
    const lastColumn = [stringWidth(lines[0]!.slice(0, lines[0]!.indexOf('collections')))];
    for (const line of lines.slice(1)) lastColumn.push(stringWidth(line.slice(0, line.lastIndexOf('demo'))));
    expect(new Set(lastColumn).size).toBe(1);
  });

  it('skips re-added content and joins the new collection', async () => {
    const again = await runZhiku(['--home', home, 'add', join(EXAMPLES, 'notes.txt'), '--collection', 'weekly', '--json']);
    expect(again.code).toBe(0);
    const report = JSON.parse(again.stdout);
    expect(report.duplicate + report.unchanged).toBe(1);
    const s = await stats(home);
    expect(s.documents).toBe(5);
    expect(s.collections).toEqual([
      { name: 'demo', documents: 5 },
      { name: 'weekly', documents: 1 },
    ]);
    const scoped = JSON.parse((await runZhiku(['--home', home, 'search', '机器人', '-c', 'weekly', '--json'])).stdout);
    expect(scoped.hits.map((h: { title: string }) => h.title)).toEqual(['机器人与具身智能周报']);
  });
});

describe('bad input', () => {
  it('reports each bad item on one line, exits 1, and lands the rest unchanged', async () => {
    const home = tempDir();
    const dir = tempDir('zhiku-input-');
    writeFileSync(join(dir, 'good.md'), '---\ntitle: 好文章\n---\n\n百川智能发布新模型。\n');
    writeFileSync(join(dir, 'bad-yaml.md'), '---\ntitle: [unclosed\n---\n\n正文。\n');
    writeFileSync(join(dir, 'gbk.txt'), iconv.encode('中文测试：智谱发布了新的开源模型，上下文窗口扩展到二十万字。', 'gbk'));
    writeFileSync(join(dir, 'blob.txt'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x80, 0x81]));
    writeFileSync(join(dir, 'paper.pdf'), '%PDF-1.7 not really');
    writeFileSync(
      join(dir, 'corpus.json'),
      JSON.stringify([
        { title: '第一篇', page_body: '零一万物调整战略，聚焦应用。' },
        { title: '空的', page_body: '   ' },
        { title: 42, content: '标题不是字符串' },
        { title: '第四篇', content: '阶跃星辰发布多模态模型。', url: 'https://example.org/4' },
      ]),
    );
    writeFileSync(join(dir, 'broken.json'), '[{"title": "x", ');
    const before = await stats(home);
    const result = await runZhiku([
      '--home',
      home,
      'add',
      join(dir, 'good.md'),
      join(dir, 'bad-yaml.md'),
      join(dir, 'gbk.txt'),
      join(dir, 'blob.txt'),
      join(dir, 'paper.pdf'),
      join(dir, 'corpus.json'),
      join(dir, 'broken.json'),
      join(dir, 'missing.md'),
    ]);
    expect(result.code).toBe(1);
    const errors = result.stderr.trim().split('\n');
    expect(errors).toHaveLength(6);
    for (const line of errors) expect(line).toMatch(/^zhiku: \S+: .+ \[E_[A-Z_]+\]$/);
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/bad-yaml\.md: invalid YAML frontmatter: .* \[E_PARSE\]$/),
        expect.stringMatching(/blob\.txt: (binary data, not text|not text in a known encoding.*) \[E_PARSE\]$/),
        `zhiku: ${join(dir, 'paper.pdf')}: truncated PDF: no end-of-file marker (%%EOF) [E_PARSE]`,
        `zhiku: ${join(dir, 'corpus.json')}#2: title: Invalid input: expected string, received number [E_PARSE]`,
        expect.stringMatching(/broken\.json: invalid JSON: .* \[E_PARSE\]$/),
        `zhiku: ${join(dir, 'missing.md')}: no such file or directory [E_NOT_FOUND]`,
      ]),
    );
    expect(result.stdout).toContain(`skipped ${join(dir, 'corpus.json')}#1: empty body`);
    expect(result.stdout).toContain('added 4, updated 0, unchanged 0, duplicates 0, empty 1, failed 6');
    const after = await stats(home);
    expect(after.documents).toBe(before.documents + 4);
    const gbk = JSON.parse((await runZhiku(['--home', home, 'search', '二十万字', '--json'])).stdout);
    expect(gbk.hits[0].snippet.text).toContain('智谱发布了新的开源模型');
  });

  it('exits 0 when the only problem is an empty corpus entry', async () => {
    const dir = tempDir('zhiku-input-');
    writeFileSync(join(dir, 'c.json'), JSON.stringify([{ title: 'a', page_body: '' }, { title: 'b', page_body: '正文内容。' }]));
    const result = await runZhiku(['--home', tempDir(), 'add', join(dir, 'c.json')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('added 1,');
  });

  it('refuses a file above the size limit with the limit named', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'config.json'), JSON.stringify({ ingest: { maxFileBytes: 10 } }));
    const dir = tempDir('zhiku-input-');
    writeFileSync(join(dir, 'big.txt'), '这是一个超过限制的文件。');
    const result = await runZhiku(['--home', home, 'add', join(dir, 'big.txt')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`zhiku: ${join(dir, 'big.txt')}: file is 36 B, above the 10 B limit (ingest.maxFileBytes) [E_INVALID_INPUT]\n`);
    expect((await stats(home)).documents).toBe(0);
  });

  it('exits 2 on a configuration error and on a usage error', async () => {
    const home = tempDir();
    writeFileSync(join(home, 'config.json'), JSON.stringify({ colour: 'red' }));
    const config = await runZhiku(['--home', home, 'stats']);
    expect(config.code).toBe(2);
    expect(config.stderr).toBe(`zhiku: ${join(home, 'config.json')}: invalid config at (root): unknown key "colour" [E_CONFIG]\n`);
    expect((await runZhiku(['frobnicate'])).code).toBe(2);
    expect((await runZhiku(['search'])).code).toBe(2);
    expect((await runZhiku(['search', 'x', '--limit', 'zero'])).code).toBe(2);
    expect((await runZhiku(['--help'])).code).toBe(0);
  });

  it('walks directories, ignoring unsupported files and JSON that is not a corpus', async () => {
    const dir = tempDir('zhiku-walk-');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'a.md'), '# 标题\n\n正文一。');
    writeFileSync(join(dir, 'query.json'), JSON.stringify({ task: '1', query: 'q' }));
    writeFileSync(join(dir, 'image.png'), 'not an image');
    const result = await runZhiku(['--home', tempDir(), 'add', dir, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ inserted: 1, ignored: 2, failed: 0 });
  });
});

describe('the installed bin', () => {
  it('runs migrate and stats as a real process', async () => {
    const home = tempDir();
    const run = promisify(execFile);
    const migrate = await run(process.execPath, ['bin/zhiku.js', '--home', home, 'db', 'migrate', '--json']);
    expect(JSON.parse(migrate.stdout)).toEqual({ from: 0, to: SCHEMA_VERSION });
    const { stdout } = await run(process.execPath, ['bin/zhiku.js', '--home', home, 'stats', '--json']);
    expect(JSON.parse(stdout)).toMatchObject({ driver: 'sqlite', documents: 0, chunks: 0, schemaVersion: SCHEMA_VERSION });
  });

  it('ingests a large folder on worker threads and finds every document', async () => {
    const home = tempDir();
    const dir = tempDir('zhiku-many-');
    for (let i = 0; i < 60; i++) writeFileSync(join(dir, `n${i}.md`), `# 第${i}号简报\n\n编号${i}的简报：模型价格下调。${'上下文窗口扩展。'.repeat(i % 7)}\n`);
    const run = promisify(execFile);
    const add = await run(process.execPath, ['bin/zhiku.js', '--home', home, 'add', dir, '--json'], { env: { ...process.env, CI: '1' } });
    expect(JSON.parse(add.stdout)).toMatchObject({ inserted: 60, failed: 0 });
    const { stdout } = await run(process.execPath, ['bin/zhiku.js', '--home', home, 'search', '编号37的简报', '--json']);
    expect((JSON.parse(stdout) as { hits: { title: string }[] }).hits[0]?.title).toBe('第37号简报');
  });
});

describe('add reporting', () => {
  it('reports outcomes in input order', async () => {
    const dir = tempDir('zhiku-order-');
    writeFileSync(join(dir, 'c.json'), JSON.stringify([{ title: 'a', page_body: '第一篇正文。' }, { title: 'b', page_body: '' }, { title: 'c', page_body: '第三篇正文。' }]));
    const result = await runZhiku(['--home', tempDir(), 'add', join(dir, 'c.json'), '--json']);
    const report = JSON.parse(result.stdout) as { items: { item: string; status: string }[] };
    expect(report.items.map((i) => [i.item.slice(-2), i.status])).toEqual([
      ['#0', 'inserted'],
      ['#1', 'empty'],
      ['#2', 'inserted'],
    ]);
  });
});

describe('zhiku models / cost', () => {
  it('lists a vendor with prices, conversion, source dates, and JSON with provenance', async () => {
    const home = tempDir();
    const table = await runZhiku(['--home', home, 'models', '--vendor', 'bytedance']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('volcengine/doubao-seed-1.6');
    expect(table.stdout).toMatch(/1 USD = [\d.]+ CNY \(https:/);
    const json = JSON.parse((await runZhiku(['--home', home, 'models', '--country', 'CN', '--json'])).stdout);
    expect(json.models.length).toBeGreaterThan(10);
    expect(json.models.every((m: { provenance: { kind: string } }) => ['dataset', 'overlay'].includes(m.provenance.kind))).toBe(true);
    const unknown = await runZhiku(['--home', home, 'models', '--vendor', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown vendor "nobody"; known vendors: openai/);
  });

  it('prices usage on a model, and names close models for an unknown one', async () => {
    const home = tempDir();
    const cost = await runZhiku(['--home', home, 'cost', '--model', 'qwen-max', '--input', '1亿', '--output', '3000万', '--json']);
    expect(cost.code).toBe(0);
    const body = JSON.parse(cost.stdout);
    expect(body.items[0]).toMatchObject({ model: 'dashscope/qwen-max', currency: 'CNY', total: 100 * 2.4 + 30 * 9.6 });
    expect(body.items[0].provenance.source).toMatch(/^https:/);
    const unknown = await runZhiku(['--home', home, 'cost', '--model', 'Deepseek R3', '--input', '1M', '--output', '1M']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknown.stderr).toContain('close names: deepseek-reasoner');
  });

  it('totals a monthly scenario, reporting a bad item on its own line and keeping the rest', async () => {
    const home = tempDir();
    const scenario = join(home, 'monthly.json');
    writeFileSync(
      scenario,
      JSON.stringify({
        items: [
          { label: 'chat', model: 'deepseek-chat', input: '50M', cached: '20M', output: '10M' },
          { label: 'typo', model: 'gpt-5.10', input: 1, output: 1 },
          { label: 'reports', model: 'qwen-plus', input: 1e8, output: 2e7 },
        ],
      }),
    );
    const result = await runZhiku(['--home', home, 'cost', '--scenario', scenario, '--json']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/monthly\.json item 2: model "gpt-5\.10" is not in the catalog/);
    const body = JSON.parse(result.stdout);
    expect(body.items.map((i: { label: string }) => i.label)).toEqual(['chat', 'reports']);
    expect(body.total).toBeCloseTo(body.items[0].converted + body.items[1].converted, 9);
    expect(body.items[1].total).toBeCloseTo(100 * 0.8 + 20 * 2, 9);
  });

  it('writes a note that passes its own lint, and fails seed 004 with exit 1', async () => {
    const home = tempDir();
    const note = await runZhiku(['--home', home, 'models', 'note', '--top', '8', '--by', 'context']);
    expect(note.code).toBe(0);
    const file = join(home, 'note.md');
    writeFileSync(file, note.stdout);
    const clean = await runZhiku(['--home', home, 'models', 'lint', file]);
    expect(clean.stdout.trim()).toBe('0 errors, 0 warnings');
    expect(clean.code).toBe(0);
    const seed = await runZhiku(['--home', home, 'models', 'lint', seedFile('004'), '--json']);
    expect(seed.code).toBe(1);
    const report = JSON.parse(seed.stdout);
    expect(report.errors).toBeGreaterThan(10);
    expect(report.issues.map((i: { rule: string }) => i.rule)).toEqual(expect.arrayContaining(['unknown-model', 'budget', 'price-unsourced', 'broken-anchor']));
  });
});

describe('zhiku research', () => {
  it('writes the report, evidence and task report for the example task, and refuses bad input in one line', async () => {
    const home = tempDir();
    const out = join(tempDir(), 'out');
    const done = await runZhiku(['--home', home, 'research', resolve('examples/research-task'), '--out', out]);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`^report: ${join(out, 'report.md').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nlength \\d+ / 600–900; sections 6/6; citations (\\d+)/\\1 resolvable`));
    expect(readFileSync(join(out, 'task-report.md'), 'utf8')).toMatch(/^# Task Report: example\n\nGenerated at: .*\n\n## Query\n\n假设你是/);
    expect(JSON.parse(readFileSync(join(out, 'evidence.json'), 'utf8')).length).toBeGreaterThan(3);
    const noTask = await runZhiku(['--home', home, 'research', '--out', out]);
    expect(noTask.code).toBe(2);
    expect(noTask.stderr).toBe('zhiku: research: research needs a task folder or --query [E_USAGE]\n');
    const missing = await runZhiku(['--home', home, 'research', join(home, 'nope'), '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(`zhiku: ${join(home, 'nope')}: no such task folder [E_NOT_FOUND]\n`);
    const badSize = await runZhiku(['--home', home, 'research', resolve('examples/research-task'), '--corpus-size', '7k', '--out', out]);
    expect(badSize.code).toBe(2);
  }, 60_000);
});

describe('documents', () => {
  it('adds a PDF and a PPTX with pages, and inspects a file without storing it', async () => {
    const home = tempDir();
    const pdf = join(benchDir(), 'dr3', '006', '齐白石花鸟画的笔墨意趣表达研究_高倩.pdf');
    const pptx = join(benchDir(), 'dr3', '002', '006law.pptx');
    const added = await runZhiku(['--home', home, 'add', pdf, pptx]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const hits = JSON.parse((await runZhiku(['--home', home, 'search', '飞白技法源于书法艺术', '--json', '--limit', '1'])).stdout).hits;
    expect(hits[0]).toMatchObject({ title: '齐白石花鸟画的笔墨意趣表达研究', page: 3 });
    const slide = JSON.parse((await runZhiku(['--home', home, 'search', '通知 移除 程序', '--json', '--limit', '1'])).stdout).hits;
    expect(slide[0].title).toBe('避风港原则：网络版权责任的平衡机制与发展趋势');
    expect(slide[0].page).toBeGreaterThan(1);
    const before = await stats(home);
    const inspected = await runZhiku(['--home', home, 'inspect', pptx, '--json']);
    expect(inspected.code).toBe(0);
    const body = JSON.parse(inspected.stdout);
    expect(body).toMatchObject({ format: 'pptx' });
    expect(body.pages).toHaveLength(23);
    expect((await stats(home)).documents).toBe(before.documents);
    const screenshot = JSON.parse((await runZhiku(['--home', home, 'inspect', join(benchDir(), 'dr3', '001', 'image0.png'), '--json'])).stdout);
    expect(screenshot.format).toBe('image');
    expect(screenshot.image.table.rows[0]).toHaveLength(9);
    expect(screenshot.image.lines[0]).toMatchObject({ text: expect.any(String), confidence: expect.any(Number), box: { left: expect.any(Number) } });
    const fake = join(tempDir(), 'photo.jpg');
    writeFileSync(fake, 'this is text, not a JPEG');
    const refused = await runZhiku(['--home', home, 'add', fake]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(`zhiku: ${fake}: unsupported file type ".jpg" [E_UNSUPPORTED]`);
  });

  it('adds a task folder\'s logo with its brand, the task\'s description and a vision description; inspect shows the evidence', async () => {
    const home = tempDir();
    const task = tempDir();
    const svg = readFileSync(join('node_modules', 'simple-icons', 'icons', 'huggingface.svg'), 'utf8').replace('<svg', '<svg fill="#FFD21E"');
    writeFileSync(join(task, 'logo.png'), new Resvg(svg, { fitTo: { mode: 'width', value: 300 }, background: '#ffffff' }).render().asPng());
    writeFileSync(join(task, 'query.json'), JSON.stringify({ task: 't', query: '对比两大平台', multimodal: [{ name: 'logo.png', type: 'image', description: '上传的平台标识' }] }));
    const inspected = JSON.parse((await runZhiku(['--home', home, 'inspect', join(task, 'logo.png'), '--json'])).stdout);
    expect(inspected.image.brand).toMatchObject({ brand: 'huggingface', title: 'HuggingFace', confidence: expect.any(Number) });
    expect(inspected.image.brand.evidence[0]).toMatchObject({ kind: 'shape', brand: 'huggingface', detail: expect.stringMatching(/^mark correlates 0\.\d+ with /) });
    const server = await startFakeOpenAi(() => ({ content: '黄色笑脸，双手张开做拥抱状。' }));
    try {
      const added = await runZhiku(['--home', home, 'add', task], { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_VISION_MODEL: 'fake-vl' });
      expect(added.stderr).toBe('');
      expect(added.stdout).toMatch(/^added 1,/);
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.close();
    }
    const hit = JSON.parse((await runZhiku(['--home', home, 'search', 'HuggingFace 拥抱', '--json', '--limit', '1'])).stdout).hits[0];
    expect(hit.title).toBe('logo.png');
    const shown = await runZhiku(['--home', home, 'show', hit.documentId ?? hit.id]);
    expect(shown.stdout).toContain('上传的平台标识');
    expect(shown.stdout).toContain('黄色笑脸，双手张开做拥抱状。');
    expect(shown.stdout).toContain('识别为 HuggingFace');
  }, 60_000);

  it('adds the COVID CSV and the Yahoo XLSX as data documents whose computed figures are searchable', async () => {
    const home = tempDir();
    const csv = join(benchDir(), 'dr3', '008', 'time_series_covid19_confirmed_global.csv');
    const xlsx = join(benchDir(), 'dr3', '010', 'yahoo_data.xlsx');
    const added = await runZhiku(['--home', home, 'add', csv, xlsx]);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const peak = JSON.parse((await runZhiku(['--home', home, 'search', '单日新增峰值', '--json', '--limit', '1'])).stdout).hits[0];
    expect(peak).toMatchObject({ title: 'time_series_covid19_confirmed_global.csv 数据概况', page: 1 });
    const close = JSON.parse((await runZhiku(['--home', home, 'search', 'Close* 年均值', '--json', '--limit', '1'])).stdout).hits[0];
    expect(close.title).toBe('yahoo_data.xlsx 数据概况');
    const charts = join(home, 'charts');
    const inspected = JSON.parse((await runZhiku(['--home', home, 'inspect', xlsx, '--charts', charts, '--json'])).stdout);
    expect(inspected.frontmatter.sheets).toEqual([{ name: 'Sheet1', rows: 1258, columns: 7 }]);
    expect(inspected.figures).toEqual([{ caption: expect.stringMatching(/^图 1：Sheet1：Open 随 Date 的变化/), svg: join(charts, 'yahoo_data-1-trend.svg'), png: join(charts, 'yahoo_data-1-trend.png') }]);
    expect(readFileSync(inspected.figures[0].svg, 'utf8')).toMatch(/^<svg /);
    const pdfCharts = await runZhiku(['--home', home, 'inspect', join(benchDir(), 'dr3', '006', '齐白石花鸟画的笔墨意趣表达研究_高倩.pdf'), '--charts', charts]);
    expect(pdfCharts.code).toBe(2);
    expect(pdfCharts.stderr).toContain('--charts needs a CSV or XLSX file, not pdf');
  });
});

