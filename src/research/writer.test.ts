import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCatalog } from '../catalog/index.js';
import { computeCost, convert, formatMoney } from '../catalog/cost.js';
import { loadConfig } from '../config/load-config.js';
import { chat, UsageMeter } from '../model/chat.js';
import { modelClient } from '../model/client.js';
import { type FakeOpenAi, type FakeRequest, startFakeOpenAi } from '../../test/fake-openai.js';
import { runZhiku, tempDir } from '../../test/helpers.js';
import { chunkSentences } from './compose.js';
import type { EvidenceChunk } from './evidence.js';
import { type PackEntry, type Similarity, parseDraft, verifyDraft } from './writer.js';

const EXAMPLE = resolve('examples/research-task');
const MODEL = 'gpt-4o-mini';

function entry(id: string, text: string, title = `doc ${id}`): PackEntry {
  const evidence: EvidenceChunk = { chunkId: Number(id.slice(1)), chunk: 1, page: null, text, relevance: 1, source: { documentId: `d${id}`, title, kind: 'corpus' } };
  return { id, evidence, text };
}

describe('verifying a draft against its pack', () => {
  const pack = [
    entry('E1', '智谱于 9 月 30 日发布新一代旗舰模型 GLM-4.6。新模型的上下文窗口从 128K 扩展到 200K。'),
    entry('E2', 'Qwen3 系列以 Apache 2.0 许可开放权重，开发者可以在本地部署。'),
  ];

  it('keeps a supported sentence, re-cites a misattributed one, removes an unsupported one and a wrong number', () => {
    const draft = [
      '智谱于 9 月 30 日发布新一代旗舰模型 GLM-4.6[E1]。Qwen3 系列以 Apache 2.0 许可开放权重，开发者可以在本地部署。[E1]',
      '',
      '该模型的售价为每百万词元 999 元，远低于同类产品。[E7] 新模型的上下文窗口从 128K 扩展到 400K。[E1]',
    ].join('\n');
    const { paragraphs, counts } = verifyDraft(draft, pack);
    expect(counts).toEqual({ kept: 1, recited: 1, removed: 2, unknownIds: 1 });
    expect(paragraphs).toHaveLength(1);
    expect(paragraphs[0]!.groups.map((group) => [group.evidence.chunkId, group.sentences])).toEqual([
      [1, ['智谱于 9 月 30 日发布新一代旗舰模型 GLM-4.6。']],
      [2, ['Qwen3 系列以 Apache 2.0 许可开放权重，开发者可以在本地部署。']],
    ]);
  });

  it('accepts a faithful paraphrase when an embedding model finds it close to the chunk, numbers still checked', () => {
    const draft = '阿里的千问三代以宽松许可公开权重，开发者能自行部署。[E2]通义千问第三代模型共开放了 9 个版本。[E2]';
    expect(verifyDraft(draft, pack).counts).toMatchObject({ kept: 0, removed: 2 });
    const close: Similarity = (sentence, entry) => (entry.id !== 'E2' ? 0.1 : sentence.startsWith('阿里的千问三代') ? 0.9 : 0.95);
    const { paragraphs, counts } = verifyDraft(draft, pack, close);
    expect(counts).toMatchObject({ kept: 1, recited: 0, removed: 1 });
    expect(paragraphs[0]!.groups[0]).toMatchObject({ evidence: { chunkId: 2 }, sentences: ['阿里的千问三代以宽松许可公开权重，开发者能自行部署。'] });
  });

  it('leaves no marker in a sentence when taking one out joins the rest into another', () => {
    const [[sentence]] = parseDraft('智谱发布了新模型，上下文窗口扩展到200K[E12[E2, E3]]。') as [[{ text: string; ids: string[] }]];
    expect(sentence.text).not.toMatch(/\[E\d+\]/);
    expect(sentence.ids.sort()).toEqual(['E12', 'E2', 'E3']);
  });

  it('reads markers before or after the full stop, several ids in one bracket, and list lines as sentences', () => {
    expect(parseDraft('甲方发布了模型[E1]。乙方开放了权重。[E2, E3]\n- 丙方降低了价格[E4]')).toEqual([
      [
        { text: '甲方发布了模型。', ids: ['E1'] },
        { text: '乙方开放了权重。', ids: ['E2', 'E3'] },
      ],
      [{ text: '丙方降低了价格', ids: ['E4'] }],
    ]);
  });
});

/** Evidence blocks of a writing request: `[En] 《title》` then the text sent. */
function packOf(request: FakeRequest): { id: string; title: string; text: string }[] {
  const messages = request.body.messages as { role: string; content: string }[];
  const user = messages.find((message) => message.role === 'user')?.content ?? '';
  return [...user.matchAll(/\[(E\d+)\] 《([^\n]*)》\n([\s\S]*?)(?=\n\n\[E\d+\] 《|$)/g)].map((m) => ({ id: m[1]!, title: m[2]!, text: m[3]!.trim() }));
}

const isTranslation = (request: FakeRequest) => JSON.stringify(request.body.messages).includes('bilingual search engine');

/**
 * A scripted writer that drafts from the pack it was sent: the first sentence of E1 cited correctly,
 * the first sentence of E2 cited to E1 (unsupported there), and an invented claim cited to an id that
 * was not in the pack.
 */
function scriptedDraft(request: FakeRequest): string {
  if (isTranslation(request)) return '{}';
  const pack = packOf(request);
  const first = (text: string) => chunkSentences(text)[0] ?? text.split('。')[0]!;
  const lines = [`${first(pack[0]!.text)}[E1]`];
  if (pack[1]) lines.push(`${first(pack[1].text)}[E1]`);
  lines.push(`该公司宣布明年的营收将增长九倍。[E${pack.length + 5}]`);
  return lines.join('');
}

describe('research with a model endpoint (fake server on 127.0.0.1)', () => {
  let server: FakeOpenAi | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends each section only its pack, verifies every sentence, and reports the server\'s usage and cost', async () => {
    let call = 0;
    server = await startFakeOpenAi((request) => {
      call++;
      return { content: scriptedDraft(request), promptTokens: 1000 + call, completionTokens: 60 + call };
    });
    const home = tempDir();
    const out = join(tempDir(), 'out');
    // The example task plus a document on another subject, which no pack may carry.
    const task = tempDir();
    const corpus = [
      ...(JSON.parse(readFileSync(join(EXAMPLE, 'long_context.json'), 'utf8')) as { title: string; content: string }[]),
      { title: '城市公园的春季花展', content: '城市公园的春季花展将于三月开幕，展出郁金香和樱花。花展期间公园延长开放时间，并增设夜间灯光。' },
    ];
    writeFileSync(join(task, 'query.json'), readFileSync(join(EXAMPLE, 'query.json')));
    writeFileSync(join(task, 'long_context.json'), JSON.stringify(corpus));
    const env = { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: MODEL, ZHIKU_LLM_API_KEY: 'test' };
    const result = await runZhiku(['--home', home, 'research', task, '--out', out], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const calls = server.requests.filter((request) => request.path.endsWith('/chat/completions'));
    expect(calls.length).toBeGreaterThanOrEqual(4);
    // Streamed, with usage asked for.
    for (const request of calls) expect(request.body).toMatchObject({ model: MODEL, stream: true, stream_options: { include_usage: true } });

    // Only pack chunks were sent: every block is a chunk of a corpus document, at most eight per call,
    // and the off-topic document is in none.
    for (const request of calls.filter((r) => !isTranslation(r))) {
      expect(JSON.stringify(request.body.messages)).not.toContain('郁金香');
      const pack = packOf(request);
      expect(pack.length).toBeGreaterThanOrEqual(2);
      expect(pack.length).toBeLessThanOrEqual(8);
      for (const block of pack) {
        const doc = corpus.find((d) => d.title === block.title);
        expect(doc, block.title).toBeDefined();
        expect(doc!.content.replace(/\s+/g, '')).toContain(block.text.replace(/…$/, '').replace(/\s+/g, '').slice(0, 60));
      }
    }

    const taskReport = readFileSync(join(out, 'task-report.md'), 'utf8');
    // Each call's draft had one supported sentence, one misattributed (re-cited) and one invented claim with an unknown id (removed).
    // A repair round (篇幅不足) whose draft was not used is not counted in the report's verification.
    const writing = calls.filter((request) => !isTranslation(request) && !JSON.stringify(request.body.messages).includes('篇幅不足')).length;
    expect(calls.filter(isTranslation)).toHaveLength(1);
    expect(writing).toBeGreaterThanOrEqual(4);
    expect(taskReport).toContain(`${writing} kept, ${writing} re-cited to a supporting chunk of the pack, ${writing} removed as unsupported; ${writing} citation ids were not in the pack.`);
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).not.toContain('营收将增长九倍');

    // Usage equals what the server reported, summed; cost from the catalog.
    const input = calls.reduce((sum, _, i) => sum + 1000 + i + 1, 0);
    const output = calls.reduce((sum, _, i) => sum + 60 + i + 1, 0);
    expect(taskReport).toContain(`| ${MODEL} | ${calls.length} | ${input.toLocaleString('en-US')} | 0 | ${output.toLocaleString('en-US')} |`);
    const catalog = await openCatalog(loadConfig({ flags: { home }, env: {}, cwd: process.cwd() }));
    const model = catalog.resolve(MODEL);
    const cost = computeCost(model, { input, output, cached: 0, requests: calls.length }).total;
    const usd = convert(cost, model.price!.currency, 'USD', catalog.rate);
    expect(taskReport).toContain(`## Cost\n\n${formatMoney(usd, 'USD')} (${formatMoney(convert(usd, 'USD', 'CNY', catalog.rate), 'CNY')}), priced from the model catalog`);
  }, 60_000);

  it('repairs a section whose every sentence was removed, once, from the same pack', async () => {
    server = await startFakeOpenAi((request) => {
      const text = JSON.stringify(request.body.messages);
      if (isTranslation(request)) return { content: '{}' };
      // The first findings section comes back with nothing its pack supports; asked again, it quotes the pack.
      if (text.includes('章节：长上下文能力进展') && !text.includes('篇幅不足')) return { content: '该领域明年将出现十倍增长。[E1]' };
      return { content: scriptedDraft(request) };
    });
    const out = join(tempDir(), 'out');
    const result = await runZhiku(['--home', tempDir(), 'research', EXAMPLE, '--out', out], { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: MODEL });
    expect(result.code).toBe(0);
    const repairs = server.requests.filter((request) => JSON.stringify(request.body.messages).includes('篇幅不足'));
    expect(repairs).toHaveLength(1);
    expect(JSON.stringify(repairs[0]!.body.messages)).toContain('章节：长上下文能力进展');
    const report = readFileSync(join(out, 'report.md'), 'utf8');
    expect(report).toMatch(/## 长上下文能力进展\n\n[^#\n]+\[long_context: /);
    expect(readFileSync(join(out, 'task-report.md'), 'utf8')).toContain('One repair round rewrote the short section “长上下文能力进展”.');
  }, 60_000);

  it('writes a section the content filter withheld offline from the same evidence, and says so', async () => {
    server = await startFakeOpenAi((request) => {
      if (isTranslation(request)) return { content: '{}' };
      if (JSON.stringify(request.body.messages).includes('章节：长上下文能力进展')) return { content: '', finishReason: 'content_filter' };
      return { content: scriptedDraft(request) };
    });
    const out = join(tempDir(), 'out');
    const result = await runZhiku(['--home', tempDir(), 'research', EXAMPLE, '--out', out], { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: MODEL });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The withheld section still has cited sentences, taken verbatim from its evidence.
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/## 长上下文能力进展\n\n[^#\n]+\[long_context: /);
    expect(readFileSync(join(out, 'task-report.md'), 'utf8')).toContain("### Withheld by the content filter\n\nThe model's content filter withheld its reply for “长上下文能力进展”; that section was written offline");
  }, 60_000);

  it('stops cleanly at a token budget: exit 3, the partial report saved, the reason in the Task Report', async () => {
    server = await startFakeOpenAi((request) => ({ content: scriptedDraft(request), promptTokens: 1500, completionTokens: 100 }));
    const out = join(tempDir(), 'out');
    const env = { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: MODEL };
    const result = await runZhiku(['--home', tempDir(), 'research', EXAMPLE, '--out', out, '--max-tokens', '4000'], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/research stopped early: token budget 4,000 reached/);
    expect(existsSync(join(out, 'report.md'))).toBe(true);
    const taskReport = readFileSync(join(out, 'task-report.md'), 'utf8');
    expect(taskReport).toMatch(/### Stopped early\n\ntoken budget 4,000 reached \(3,200 used, the next call needs about [\d,]+\)\. The report above is partial/);
    // The translation call and one section fitted; the next section would not.
    expect(server.requests.length).toBe(2);
  }, 60_000);
});

describe('model translation of search terms', () => {
  it('reaches an English source by a name the dictionary lacks (豆包 → Doubao)', async () => {
    const server = await startFakeOpenAi((request) => {
      if (isTranslation(request)) {
        const terms = JSON.parse((request.body.messages as { content: string }[])[1]!.content) as string[];
        return { content: JSON.stringify(Object.fromEntries(terms.filter((t) => t === '豆包').map((t) => [t, ['Doubao']]))) };
      }
      return { content: scriptedDraft(request) };
    });
    const task = tempDir();
    writeFileSync(join(task, 'query.json'), JSON.stringify({ task: 'doubao', query: '请撰写《豆包大模型简报》，包含以下部分：（1）引言；（2）模型能力；（3）总结。字数在100至400之间。' }));
    writeFileSync(
      join(task, 'long_context.json'),
      JSON.stringify([
        { title: 'Doubao 1.5 Pro release notes', content: 'Doubao 1.5 Pro is the flagship AI system of ByteDance. Doubao 1.5 Pro reads 256K tokens of context at once and is priced for high-volume use.' },
        { title: '城市公园的春季花展', content: '城市公园的春季花展将于三月开幕，展出郁金香和樱花。花展期间公园延长开放时间，并增设夜间灯光。' },
      ]),
    );
    const out = join(tempDir(), 'out');
    const offline = await runZhiku(['--home', tempDir(), 'research', task, '--out', join(out, 'offline'), '--offline']);
    expect(offline.code).toBe(0);
    expect(readFileSync(join(out, 'offline', 'report.md'), 'utf8')).not.toContain('Doubao 1.5 Pro release notes');
    const result = await runZhiku(['--home', tempDir(), 'research', task, '--out', join(out, 'model')], { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: MODEL });
    await server.close();
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'model', 'report.md'), 'utf8')).toContain('[long_context: "Doubao 1.5 Pro release notes", chunk 1]');
  }, 60_000);
});

describe('embedding-checked citations through the CLI', () => {
  it('keeps a paraphrase the embedding model finds close to its chunk, and meters the embedding calls', async () => {
    const paraphrase = '智谱新旗舰把可处理的上下文扩大到二十万标记。';
    const server = await startFakeOpenAi((request) => {
      if (request.path.endsWith('/embeddings')) {
        const input = request.body.input as string[];
        // The paraphrase and any chunk about GLM-4.6's window point one way; everything else another.
        const vector = (text: string, i: number) => (text === paraphrase || /200K/.test(text) ? [1, 0, 0] : [0, Math.cos(i), Math.sin(i)]);
        return { content: '', json: { object: 'list', data: input.map((text, i) => ({ object: 'embedding', index: i, embedding: vector(text, i + 1) })), model: 'text-embedding-3-small', usage: { prompt_tokens: 500, total_tokens: 500 } } };
      }
      if (isTranslation(request)) return { content: '{}' };
      const pack = packOf(request);
      const glm = pack.find((block) => /200K/.test(block.text));
      return { content: glm ? `${paraphrase}[${glm.id}]` : scriptedDraft(request) };
    });
    const out = join(tempDir(), 'out');
    const env = { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: MODEL, ZHIKU_EMBED_MODEL: 'text-embedding-3-small' };
    const result = await runZhiku(['--home', tempDir(), 'research', EXAMPLE, '--out', out], env);
    const embeddings = server.requests.filter((request) => request.path.endsWith('/embeddings')).length;
    await server.close();
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(paraphrase);
    expect(embeddings).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'task-report.md'), 'utf8')).toContain(`| text-embedding-3-small | ${embeddings} | ${(500 * embeddings).toLocaleString('en-US')} | 0 | 0 |`);
  }, 60_000);
});

describe('chat calls', () => {
  let server: FakeOpenAi | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('retry a 429 after its Retry-After, a 500 and a timeout, then succeed', async () => {
    let n = 0;
    server = await startFakeOpenAi(() => {
      n++;
      if (n === 1) return { content: 'slow down', status: 429, headers: { 'retry-after': '1' } };
      if (n === 2) return { content: 'boom', status: 500 };
      if (n === 3) return { content: 'late', delayMs: 3000 };
      return { content: '答复。', promptTokens: 7, completionTokens: 3 };
    });
    const meter = new UsageMeter();
    const started = performance.now();
    const text = await chat({ client: modelClient({ baseUrl: server.baseUrl }, 1000), model: MODEL, meter }, [{ role: 'user', content: '问' }]);
    expect(text).toBe('答复。');
    expect(server.requests).toHaveLength(4);
    expect(performance.now() - started).toBeGreaterThanOrEqual(2000); // 1 s Retry-After + 1 s timeout
    expect(meter.total()).toEqual({ input: 7, output: 3, cached: 0, requests: 1 });
  }, 30_000);

  it('continue a reply cut at the length limit and report a filtered one', async () => {
    let n = 0;
    server = await startFakeOpenAi(() => (++n === 1 ? { content: '前半句，', finishReason: 'length' } : { content: '后半句。', finishReason: 'stop' }));
    const meter = new UsageMeter();
    const client = modelClient({ baseUrl: server.baseUrl });
    expect(await chat({ client, model: MODEL, meter }, [{ role: 'user', content: '写' }])).toBe('前半句，后半句。');
    expect((server.requests[1]!.body.messages as { role: string; content: string }[]).slice(-2)).toEqual([
      { role: 'assistant', content: '前半句，' },
      { role: 'user', content: '继续，从中断处接着写，不要重复。' },
    ]);
    expect(meter.total().requests).toBe(2);
    await server.close();
    server = await startFakeOpenAi(() => ({ content: '', finishReason: 'content_filter' }));
    await expect(chat({ client: modelClient({ baseUrl: server.baseUrl }), model: MODEL, meter }, [{ role: 'user', content: '写' }])).rejects.toMatchObject({ code: 'E_MODEL' });
  });
});
