import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, startFakeOpenAi } from '../../test/fake-openai.js';
import { fakeTranslator } from '../../test/fake-translator.js';
import { runZhiku, tempDir } from '../../test/helpers.js';
import { firstH1, yamlFrontmatter } from './article.js';
import { markdownShape } from './check.js';
import { parseGlossary } from './glossary.js';
import { joinUnits, restorePlaceholders, splitMarkdown } from './markdown.js';
import type { ChatMessage } from '../model/chat.js';
import { translateBody } from './translate.js';

const POST = readFileSync(fileURLToPath(new URL('./fixtures/long-post.md', import.meta.url)), 'utf8');
const SEED_KEYS = ['title', 'title_original', 'date', 'source', 'source_url', 'author', 'summary', 'categories', 'tags', 'draft', 'translated_at'];

function splitFile(markdown: string): { frontmatter: Record<string, unknown>; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n\n/.exec(markdown);
  if (!match) throw new Error('no frontmatter');
  return { frontmatter: parseYaml(match[1]!) as Record<string, unknown>, body: markdown.slice(match[0].length) };
}

describe('splitting markdown for translation', () => {
  it('joins back to the exact source and never sends code, definitions or HTML blocks', () => {
    const { units, placeholders } = splitMarkdown(POST);
    expect(joinUnits(units, new Map())).toBe(POST);
    const sent = units.flatMap((u) => (u.kind === 'prose' ? [u.text] : [])).join('\n');
    expect(sent).not.toContain('from vllm import');
    expect(sent).not.toContain('vllm serve');
    expect(sent).not.toContain('<div class="note">');
    expect(sent).not.toContain('https://');
    // Every placeholder restores its exact original.
    for (const unit of units) if (unit.kind === 'prose') expect(restorePlaceholders(unit.text, placeholders)).toBe(unit.source);
  });

  it('keeps link text translatable and link destinations, images, inline code and bare URLs as placeholders', () => {
    const { units, placeholders } = splitMarkdown('See [the guide](https://a.example/g "Guide") and ![chart](c.png), run `npm ci`, visit https://b.example/x. Also <https://c.example>.\n');
    const prose = units.find((u) => u.kind === 'prose')!;
    expect(prose.kind === 'prose' && prose.text).toMatch(/^See \[the guide\]\(⟦\d⟧\) and ⟦\d⟧, run ⟦\d⟧, visit ⟦\d⟧\. Also ⟦\d⟧\.\n?$/);
    expect([...placeholders.values()]).toEqual(['https://a.example/g "Guide"', '![chart](c.png)', '`npm ci`', 'https://b.example/x', '<https://c.example>']);
  });

  it('uses other placeholder brackets when the text already holds the first pair', () => {
    const { placeholders } = splitMarkdown('Text with ⟦1⟧ in it and `code`.\n');
    expect([...placeholders.keys()]).toEqual(['⟪1⟫']);
  });
});

describe('glossary files', () => {
  it('reads JSON, YAML, CSV, TSV and "term = 译名" lines; longest term first', () => {
    expect(parseGlossary('{"inference": "推理", "Hugging Face Hub": "Hugging Face Hub"}', '.json').map((e) => e.term)).toEqual(['Hugging Face Hub', 'inference']);
    expect(parseGlossary('inference: 推理\n', '.yaml')).toEqual([{ term: 'inference', rendering: '推理' }]);
    expect(parseGlossary('inference,推理\nbatching,批处理\n', '.csv')).toHaveLength(2);
    expect(parseGlossary('inference\t推理\n', '.tsv')).toEqual([{ term: 'inference', rendering: '推理' }]);
    expect(parseGlossary('# comment\ninference = 推理\nprefix caching → 前缀缓存\n', '.txt')).toHaveLength(2);
  });

  it('names the glossary and the reason when an entry is malformed', () => {
    expect(() => parseGlossary('inference 推理\n', '.txt', 'terms.txt')).toThrow(/invalid glossary: line "inference 推理" has no separator/);
    expect(() => parseGlossary('{"inference": ""}', '.json', 'g.json')).toThrow(expect.objectContaining({ code: 'E_PARSE', item: 'g.json' }));
  });
});

describe('the file format', () => {
  it('quotes dates so YAML 1.1 readers keep them as strings', () => {
    expect(yamlFrontmatter({ date: '2026-02-03', draft: false, author: '' })).toBe("date: '2026-02-03'\ndraft: false\nauthor: \"\"\n");
  });
});

describe('translateBody with a model', () => {
  it('keeps code, links, images and headings, applies the glossary, retries a reply that lost placeholders, flags English left over', async () => {
    const calls: string[] = [];
    const reply = fakeTranslator({ leaveEnglish: 'STAYENGLISH', dropPlaceholdersOnce: 'DROPLINK' });
    const chat = async (messages: ChatMessage[]) => {
      const request = { path: '/chat/completions', body: { messages }, headers: {} };
      calls.push(String(messages[1]!.content));
      return reply(request).content;
    };
    const glossary = parseGlossary('inference = 推理\nprefix caching = 前缀缓存\n', '.txt');
    const result = await translateBody(POST, { chat, glossary, concurrency: 3, batchTokens: 300 });
    const source = markdownShape(POST);
    const output = markdownShape(result.markdown);
    expect(output.codeBlocks).toEqual(source.codeBlocks);
    for (const block of source.codeBlocks) expect(result.markdown).toContain(block);
    expect(output.links).toEqual(source.links);
    expect(output.images).toEqual(source.images);
    expect(output.headings).toEqual(source.headings);
    expect(output.tables).toEqual(source.tables);
    // An HTML block keeps every tag; only its text is translated.
    expect(result.markdown).toMatch(/<div class="note">[^<]*\p{Script=Han}[^<]*<\/div>/u);
    expect(result.markdown).toContain('[follow-up]: https://example.com/blog/inference-costs-2 "Inference costs, part two"');
    // Glossary: rendered, and the English term gone outside code.
    expect(result.markdown).toContain('推理');
    expect(result.markdown).toContain('前缀缓存');
    expect(result.markdown.replace(/```[\s\S]*?```/g, '').replace(/^\[follow-up\]:.*$/m, '').replace(/https?:\/\/\S+/g, '')).not.toMatch(/\binference\b/i);
    // Brand names kept as written.
    for (const name of ['Qwen3', 'DeepSeek-V3', 'Anthropic', 'OpenAI', 'Hugging Face', 'GPT-4o']) expect(result.markdown).toContain(name);
    // The paragraph that lost its link the first time was sent again alone and kept its link.
    expect(calls.filter((c) => c.includes('DROPLINK'))).toHaveLength(2);
    expect(result.markdown).toContain('](https://example.com/wiki/quantisation)');
    expect(result.flags.filter((f) => f.kind === 'untranslated')).toEqual([expect.objectContaining({ kind: 'untranslated', excerpt: expect.stringContaining('STAYENGLISH') })]);
    expect(result.flags.filter((f) => f.kind === 'shape' || f.kind === 'kept-original')).toEqual([]);
    expect(result.calls).toBeGreaterThan(3);
  });

  it('keeps a block in the original language, flagged, when the model loses its placeholders twice', async () => {
    const chat = async () => 'Nothing kept here.';
    const result = await translateBody('Read [the docs](https://example.com/docs) before you start the server today.\n', { chat });
    expect(result.markdown).toBe('Read [the docs](https://example.com/docs) before you start the server today.\n');
    expect(result.flags).toEqual([expect.objectContaining({ kind: 'kept-original', reason: expect.stringMatching(/placeholders/) })]);
  });
});

describe('zhiku translate', () => {
  let fake: FakeOpenAi | undefined;
  let site: Server | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    site = undefined;
  });

  it('without a model endpoint: one line naming the settings, exit code 2, nothing written', async () => {
    const home = tempDir();
    const dir = tempDir();
    const input = join(dir, 'post.md');
    writeFileSync(input, POST);
    const out = join(dir, 'zh.md');
    const result = await runZhiku(['--home', home, 'translate', input, '--out', out], { ZHIKU_HOME: home });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/ZHIKU_LLM_BASE_URL.*ZHIKU_LLM_MODEL/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(home)).toEqual([]);
  });

  it('translates a page by URL: seed frontmatter, title equals the H1, footer, images saved, stored next to its original, 429 and 500 retried', async () => {
    const translator = fakeTranslator({ leaveEnglish: 'STAYENGLISH' });
    let failures = 0;
    fake = await startFakeOpenAi((request) => {
      // The first two calls fail as overloaded servers do; the client retries them.
      if (failures < 2) return failures++ === 0 ? { content: 'slow down', status: 429, headers: { 'retry-after': '0' } } : { content: 'upstream error', status: 500 };
      return translator(request);
    });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    site = createServer((req, res) => {
      if (req.url?.startsWith('/img/')) {
        res.writeHead(200, { 'content-type': 'image/png' });
        res.end(png);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Serving Open Models at Scale | Example Blog</title><meta property="og:site_name" content="Example Blog">
        <meta property="article:published_time" content="2026-03-02T08:00:00Z"><meta name="author" content="Ada Lin"></head><body><article>
        <h1>Serving Open Models at Scale</h1>
        <p>Open-weight models changed how teams think about inference. This post walks through what we learned running them in production for a year.</p>
        <p><img src="/img/throughput.png" alt="Throughput over the year"></p>
        <h2>Why inference cost dominates</h2>
        <p>Training happens once, but inference runs every day. Read the <a href="https://example.com/blog/inference-costs">original analysis</a> for the details of the costs we measured.</p>
        <pre><code>vllm serve Qwen/Qwen3-8B --enable-prefix-caching</code></pre>
        <p>Continuous batching lets the server add new requests to a running batch instead of waiting for the batch to finish, which raised throughput.</p>
        <p><img src="/img/latency.png" alt="Latency by accelerator"></p>
        <p>STAYENGLISH This quotation was left in English by the model and the check must find it when it happens.</p>
        </article></body></html>`);
    });
    await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(site.address() as AddressInfo).port}/posts/serving`;
    const home = tempDir();
    const dir = tempDir();
    const glossary = join(dir, 'glossary.json');
    writeFileSync(glossary, JSON.stringify({ inference: '推理' }));
    const out = join(dir, 'out', 'serving.zh.md');
    const env = { ZHIKU_HOME: home, ZHIKU_LLM_BASE_URL: fake.baseUrl, ZHIKU_LLM_MODEL: 'deepseek-chat', ZHIKU_FETCH_ALLOW_HOSTS: '127.0.0.1' };
    const result = await runZhiku(['translate', url, '--glossary', glossary, '--save-images', '--out', out, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout);
    expect(failures).toBe(2);

    const file = readFileSync(out, 'utf8');
    const { frontmatter, body } = splitFile(file);
    expect(Object.keys(frontmatter)).toEqual(SEED_KEYS);
    expect(frontmatter.title).toBe(firstH1(body));
    expect(frontmatter.title_original).toBe('Serving Open Models at Scale');
    expect(frontmatter).toMatchObject({ date: '2026-03-02', source: 'Example Blog', source_url: url, author: 'Ada Lin', draft: false, categories: ['技术趋势'] });
    expect(frontmatter.summary).toMatch(/生产环境/);
    expect(String(frontmatter.translated_at)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
    expect(body).toMatch(new RegExp(`---\\n\\n> 本文由AI自动翻译，原文链接：\\[Serving Open Models at Scale\\]\\(${url.replace(/[.?]/g, '\\$&')}\\)\\n> \\n> 翻译时间：\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}（北京时间）\\n$`));
    expect(body).toContain('推理');
    expect(body).toContain('```\nvllm serve Qwen/Qwen3-8B --enable-prefix-caching\n```');
    expect(body).toContain('](https://example.com/blog/inference-costs)');
    // Both images saved next to the output and linked there.
    const images = markdownShape(body).images;
    expect(images).toHaveLength(2);
    for (const image of images) {
      expect(image).toMatch(/^images\/[0-9a-f]{16}\.png$/);
      expect(readFileSync(join(dir, 'out', image))).toEqual(png);
    }
    expect(outcome.flags).toEqual([expect.objectContaining({ kind: 'untranslated' })]);
    expect(outcome.usage.requests).toBeGreaterThanOrEqual(2);
    expect(outcome.cost).toMatch(/\$|¥|unpriced/);

    // Stored: the original and its translation, linked.
    const shown = await runZhiku(['show', outcome.documentId, '--json'], env);
    const stored = JSON.parse(shown.stdout);
    expect(stored.frontmatter.translation_of).toBe(outcome.originalId);
    expect(stored.title).toBe(frontmatter.title);
    const original = JSON.parse((await runZhiku(['show', outcome.originalId, '--json'], env)).stdout);
    expect(original.canonicalUrl).toBe(url);
  });

  it('refuses an article that is already Chinese before any model call', async () => {
    fake = await startFakeOpenAi(fakeTranslator());
    const home = tempDir();
    const input = join(tempDir(), 'zh.md');
    writeFileSync(input, '# 智谱发布GLM-4.6\n\n智谱在九月发布了GLM-4.6，上下文窗口扩展到200K，代码能力明显进步。\n');
    const result = await runZhiku(['translate', input, '--no-store'], { ZHIKU_HOME: home, ZHIKU_LLM_BASE_URL: fake.baseUrl, ZHIKU_LLM_MODEL: 'gpt-4o' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/already in Chinese/);
    expect(fake.requests).toHaveLength(0);
  });

  it('prints checks, usage and cost on stderr and the translation on stdout without --out', async () => {
    fake = await startFakeOpenAi(fakeTranslator());
    const home = tempDir();
    const dir = tempDir();
    const input = join(dir, 'post.md');
    writeFileSync(input, '---\ntitle: Notes on batching\nurl: https://example.com/notes\n---\n\nContinuous batching adds new requests to a running batch, so the hardware never waits for a slow request.\n');
    const result = await runZhiku(['translate', input, '--no-store'], { ZHIKU_HOME: home, ZHIKU_LLM_BASE_URL: fake.baseUrl, ZHIKU_LLM_MODEL: 'gpt-4o' });
    expect(result.code).toBe(0);
    const { frontmatter, body } = splitFile(result.stdout);
    expect(frontmatter.title).toBe('大规模服务开放模型');
    expect(body.startsWith('# 大规模服务开放模型\n\n')).toBe(true);
    expect(result.stderr).toMatch(/translated 1 blocks in 2 calls/);
    expect(result.stderr).toMatch(/tokens: input [\d,]+, output [\d,]+; cost: \$/);
    expect(existsSync(join(home, 'library.db'))).toBe(false);
  });
});
