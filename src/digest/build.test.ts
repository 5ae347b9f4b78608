import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles } from '../collect/files.js';
import { loadConfig } from '../config/load-config.js';
import { Library } from '../library/library.js';
import { createMemoryLogger } from '../logger.js';
import { runZhiku, seedFile, tempDir } from '../../test/helpers.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildDigest, digestWindow } from './build.js';
import { MESSAGE_LIMITS, pushDigest } from './push.js';
import { startFakeOpenAi } from '../../test/fake-openai.js';
import { unsupportedNumbers } from './key-sentences.js';
import type { Category } from './types.js';

interface Fixture {
  file: string;
  title: string;
  source: string;
  url: string;
  date: string;
  sentences: string[];
}

const GPT5 = [
  'OpenAI 于本周发布新一代模型 GPT-5，面向开发者开放 API 调用。',
  '官方介绍称，GPT-5 在代码生成和长文档理解上的表现明显提升，上下文窗口扩展到 40 万个词元。',
  '价格方面，GPT-5 输入每百万词元 1.25 美元，输出每百万词元 10 美元，低于上一代旗舰。',
  '多家企业客户表示，新模型在复杂任务中的出错率下降，适合接入客服和编程助手等场景。',
  '分析人士认为，这次发布意味着大模型竞争从单纯比拼能力转向比拼成本和生态。',
  '微软、苹果等合作伙伴已宣布将在自家产品中集成 GPT-5，首批功能将在下月上线。',
  '业内人士提醒，模型能力提升的同时，安全评估和数据合规仍是企业落地的主要门槛。',
  '开发者社区对新模型的推理速度和稳定性给出了积极反馈，但也关注高峰期的限流问题。',
];

const ROBOT = [
  '人形机器人厂商本季度交付量大幅增长，头部企业的订单同比翻倍。',
  '工厂搬运和质检是目前落地最快的场景，单台售价已降到 15 万元左右。',
  '减速器、电机和灵巧手等核心零部件的国产化率持续提高，带动整机成本下降。',
  '部分企业开始与汽车工厂签订长期协议，计划明年部署上千台设备。',
  '行业人士指出，续航时间短和维护成本高仍是大规模部署的障碍。',
  '资本市场对具身智能的热情不减，多家公司正在筹备上市。',
];
const CHIP = [
  '国产 AI 芯片今年前三季度出货量创出新高，主要客户来自互联网和运营商。',
  '训练集群对高带宽内存的需求旺盛，封装产能成为供应链上最紧的一环。',
  '多家芯片公司推出兼容主流深度学习框架的软件栈，降低了迁移成本。',
  '数据中心建设提速，液冷机柜的渗透率在新建项目中超过三成。',
  '由于出口管制收紧，国内云厂商加快了对本土芯片的验证和采购。',
  '芯片设计企业的研发投入普遍占到营收的四成以上，盈利仍需时间。',
];
const AGENT = [
  '一家做企业级智能体的创业公司宣布完成新一轮融资，由多家知名基金领投。',
  '该公司的产品帮助销售和客服团队自动处理邮件、工单和报表。',
  '创始人表示，新资金将用于扩充工程团队和拓展海外市场。',
  '投资方看好智能体在企业流程自动化中的渗透空间。',
  '目前公司的付费客户主要集中在零售、物流和金融行业。',
  '竞争对手同样在加码，市场格局尚未稳定。',
];
const SEARCH = [
  'AI 搜索产品的月活跃用户数本月突破一千万，增长主要来自移动端。',
  '与传统搜索不同，用户可以直接得到整合多方来源的答案和引用链接。',
  '产品团队表示，将加强对答案准确性和来源可靠性的审核。',
  '广告和会员订阅是目前探索中的两种变现方式。',
  '内容平台担心流量被截留，正在与搜索产品谈判授权条款。',
  '用户调研显示，学生和职场人士是使用频率最高的两类人群。',
];
const TRAVEL = [
  '国庆假期全国旅游市场持续火热，多个热门景区客流量创下新高。',
  '铁路部门数据显示，假期单日发送旅客人数再创纪录。',
  '不少游客选择错峰出行，前往小众古镇和乡村民宿。',
  '景区普遍实行预约制，并增加了摆渡车和志愿者疏导人流。',
  '餐饮和住宿价格在假期前几天明显上涨，随后逐步回落。',
  '文旅部门提醒游客提前规划行程，注意出行安全。',
];
const OLD = ['两年前，一家公司发布了自己的大模型，当时引起了广泛讨论。', '这个旧闻已经不再具有时效性，不应出现在今天的速递中。', '当年的模型参数规模和评测成绩如今早已被超越。', '相关团队后来转向了行业应用的开发。', '回头看，那次发布是国内大模型热潮的开端之一。', '如今市场上的模型数量已经超过数百个。'];

const FIXTURES: Fixture[] = [
  { file: 'gpt5.md', title: 'OpenAI 发布 GPT-5：价格下探，能力全面提升', source: '量子位', url: 'https://example.org/qbit/gpt5', date: '2025-10-10T09:00:00+08:00', sentences: GPT5 },
  {
    file: 'gpt5-repost.md',
    title: 'GPT-5 正式发布：能力提升、价格更低',
    source: '机器之心',
    url: 'https://example.org/jqzx/gpt5',
    date: '2025-10-10T11:30:00+08:00',
    sentences: ['本文经授权转载自量子位。', ...GPT5.filter((_, i) => i !== 6)],
  },
  { file: 'robot.md', title: '人形机器人量产提速，头部厂商订单翻倍', source: '量子位', url: 'https://example.org/qbit/robot', date: '2025-10-10T10:00:00+08:00', sentences: ROBOT },
  { file: 'chip.md', title: '国产 AI 芯片出货量创新高', source: '量子位', url: 'https://example.org/qbit/chip', date: '2025-10-10T12:00:00+08:00', sentences: CHIP },
  { file: 'agent.md', title: '智能体创业公司完成新一轮融资', source: '量子位', url: 'https://example.org/qbit/agent', date: '2025-10-10T13:00:00+08:00', sentences: AGENT },
  { file: 'search.md', title: 'AI 搜索产品月活用户突破千万', source: '36氪', url: 'https://example.org/36kr/search', date: '2025-10-10T14:00:00+08:00', sentences: SEARCH },
  { file: 'travel.md', title: '国庆假期旅游市场火热，热门景区客流创新高', source: '36氪', url: 'https://example.org/36kr/travel', date: '2025-10-10T15:00:00+08:00', sentences: TRAVEL },
  { file: 'old.md', title: '两年前的旧闻：某大模型发布', source: '36氪', url: 'https://example.org/36kr/old', date: '2023-10-10T09:00:00+08:00', sentences: OLD },
];

const classify = ({ title }: { title: string }): Category => (/旅游|景区/.test(title) ? '非AI' : /融资/.test(title) ? '市场动态' : '产品与商业模式');

describe('the daily digest from the library', () => {
  let library: Library;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    for (const f of FIXTURES) {
      writeFileSync(join(dir, f.file), `---\ntitle: ${f.title}\nurl: ${f.url}\nsource: ${f.source}\ndate: ${f.date}\n---\n\n# ${f.title}\n\n${f.sentences.join('\n\n')}\n`);
    }
    library = await Library.open(loadConfig({ flags: { home: tempDir() }, env: {}, cwd: process.cwd() }), { logger: createMemoryLogger() });
    await library.ingest(collectFiles([dir], { maxFileBytes: 1e7 }), { threads: 1 });
  });
  afterAll(() => library.close());

  it('puts one item per story with its other source, caps a source, puts 非AI last and leaves old news out', async () => {
    const digest = await buildDigest(library, { date: '2025-10-10', classify, items: 10, perSource: 2 });
    expect(digest.date).toBe('2025-10-10');
    const headlines = [...digest.items.map((item) => item.headline), ...digest.others.map((link) => link.title)];
    expect(headlines.filter((h) => /GPT-5/.test(h))).toHaveLength(1);
    expect(headlines.some((h) => h.includes('旧闻'))).toBe(false);
    const gpt = digest.items.find((item) => /GPT-5/.test(item.headline))!;
    expect([gpt.source, ...gpt.alsoAt].map((s) => s.name).sort()).toEqual(['机器之心', '量子位']);
    const perSource = new Map<string, number>();
    for (const item of digest.items) perSource.set(item.source.name, (perSource.get(item.source.name) ?? 0) + 1);
    for (const count of perSource.values()) expect(count).toBeLessThanOrEqual(2);
    // The 量子位 stories over the cap are links, not dropped.
    expect(digest.others.length).toBeGreaterThan(0);
    expect(digest.items[digest.items.length - 1]!.category).toBe('非AI');
    expect(digest.items.slice(0, -1).every((item) => item.category !== '非AI')).toBe(true);
  });

  it('writes offline items from sentences of the article, 4–7 labelled bullets, every number from the source', async () => {
    const digest = await buildDigest(library, { date: '2025-10-10', classify });
    expect(digest.items.length).toBeGreaterThan(0);
    for (const item of digest.items) {
      const fixture = FIXTURES.find((f) => f.url === item.source.url)!;
      const text = fixture.sentences.join('');
      expect(item.bullets.length).toBeGreaterThanOrEqual(4);
      expect(item.bullets.length).toBeLessThanOrEqual(7);
      for (const bullet of item.bullets) {
        expect(text).toContain(bullet.detail);
        expect(bullet.label.length).toBeGreaterThan(0);
        expect(bullet.label.length).toBeLessThanOrEqual(12);
      }
      expect(text.replace(/\s/g, '')).toContain(item.insight.replace(/\s/g, '').slice(0, 20));
      for (const line of [item.headline, item.insight, ...item.bullets.map((b) => b.detail)]) expect(unsupportedNumbers(line, `${fixture.title}${text}`)).toEqual([]);
    }
  });

  it('zhiku digest writes a digest that passes zhiku digest check, and an RSS of the digests made', async () => {
    const home = tempDir();
    expect((await runZhiku(['--home', home, 'add', dir])).code).toBe(0);
    const out = join(tempDir(), 'digest.md');
    const made = await runZhiku(['--home', home, 'digest', '--date', '2025-10-10', '--per-source', '2', '-o', out]);
    expect(made.stderr).toBe('');
    expect(made.stdout).toMatch(/digest\.md: \d+ items, \d+ other links \(2025-10-10\)/);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown.startsWith('# 🤖 AI行业速递 - 2025年10月10日\n')).toBe(true);
    expect(markdown).toMatch(/\*\*核心洞察：\*\* .+\n\n\*\*内容简介：\*\*/);
    const check = await runZhiku(['digest', 'check', out]);
    expect(check.stdout).toContain('format ok (0 violations, 0 warnings)');
    expect(check.code).toBe(0);
    const rss = await runZhiku(['--home', home, 'digest', '--date', '2025-10-10', '--format', 'rss']);
    expect(rss.stdout).toContain('<title>🤖 AI行业速递 - 2025年10月10日</title>');
    // A heavier source's story leads.
    const weighted = await runZhiku(['--home', home, 'digest', '--date', '2025-10-10', '--source-weight', '36氪=5', '--format', 'json']);
    expect((JSON.parse(weighted.stdout) as { items: { source: { name: string } }[] }).items[0]!.source.name).toBe('36氪');
    const empty = await runZhiku(['--home', home, 'digest', '--date', '2024-01-01']);
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toContain('no articles published in the window (2024-01-01)');
  }, 60_000);

  it('zhiku digest check accepts the seed digest and rejects a broken one', async () => {
    const seed = seedFile('001');
    const good = await runZhiku(['digest', 'check', seed]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('format ok (0 violations');
    expect(good.stdout).toContain('[blank-line]');
    const broken = join(tempDir(), 'broken.md');
    writeFileSync(broken, readFileSync(seed, 'utf8').replace('> **分类：** 观点洞察', '> **分类：** 八卦'));
    const bad = await runZhiku(['digest', 'check', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/八卦.*\[category\]/);
  });

  it('pushes to a webhook: one JSON message, or Feishu cards split to fit the size limit', async () => {
    const received: { body: string; bytes: number }[] = [];
    const server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (part: Buffer) => parts.push(part));
      req.on('end', () => {
        const body = Buffer.concat(parts);
        received.push({ body: body.toString('utf8'), bytes: body.length });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0 }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    const digest = await buildDigest(library, { date: '2025-10-10', classify });
    expect(await pushDigest(digest, url, 'json')).toBe(1);
    expect(JSON.parse(received[0]!.body)).toEqual({ type: 'zhiku.digest', digest: JSON.parse(JSON.stringify(digest)) });
    // A digest too large for one Feishu card goes out as several, every item once, in order.
    const big = { ...digest, items: Array.from({ length: 12 }, (_, i) => ({ ...digest.items[0]!, headline: `第${i + 1}条`, insight: '洞察'.repeat(2000) })) };
    received.length = 0;
    const sent = await pushDigest(big, url, 'feishu');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(sent).toBeGreaterThan(1);
    expect(received).toHaveLength(sent);
    for (const message of received) expect(message.bytes).toBeLessThanOrEqual(MESSAGE_LIMITS.feishu);
    const headlines = received.flatMap((m) => [...(JSON.parse(m.body) as { card: { elements: { content: string }[] } }).card.elements[0]!.content.matchAll(/^## (.+)$/gm)].map((x) => x[1]).filter((h) => h !== '其他相关资讯'));
    expect(headlines).toEqual(big.items.map((item) => item.headline));
  });

  it('writes items with a model endpoint: JSON-schema calls, one article each, numbers checked', async () => {
    const server = await startFakeOpenAi((request) => {
      const article = (request.body.messages as { content: string }[])[1]!.content;
      const gpt = article.includes('GPT-5');
      return {
        content: JSON.stringify({
          headline: gpt ? 'GPT-5 上线：输入每百万词元 1.25 美元' : '订单暴涨 999%，行业迎来拐点',
          category: gpt ? '产品与商业模式' : '市场动态',
          insight: gpt ? '价格下降意味着大模型竞争从比拼能力转向比拼成本和生态。' : '行业正在从技术演示走向规模化应用。',
          bullets: [
            { label: '发布', detail: 'OpenAI 发布新一代模型，面向开发者开放 API。' },
            { label: '价格', detail: '输入每百万词元 1.25 美元，输出 10 美元。' },
            { label: '窗口', detail: '上下文窗口扩展到 100 万个词元。' },
            { label: '伙伴', detail: '合作伙伴将在自家产品中集成新模型。' },
            { label: '门槛', detail: '安全评估和数据合规仍是落地门槛。' },
          ],
        }),
        promptTokens: 900,
        completionTokens: 150,
      };
    });
    const home = tempDir();
    await runZhiku(['--home', home, 'add', dir]);
    const out = join(tempDir(), 'digest.md');
    const result = await runZhiku(['--home', home, 'digest', '--date', '2025-10-10', '-o', out], { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: 'gpt-4o-mini' });
    await server.close();
    expect(result.code).toBe(0);
    const markdown = readFileSync(out, 'utf8');
    expect(markdown).toContain('## GPT-5 上线：输入每百万词元 1.25 美元');
    expect(markdown).not.toContain('999%');
    expect(markdown).not.toContain('100 万个词元');
    expect(result.stderr).toMatch(/line\(s\) of the model's item replaced or dropped/);
    expect(result.stderr).toMatch(/tokens: input [\d,]+, output [\d,]+; cost: \$/);
    for (const request of server.requests) {
      expect(request.body).toMatchObject({ response_format: { type: 'json_schema', json_schema: { name: 'digest_item' } } });
      const titles = FIXTURES.filter((f) => JSON.stringify(request.body.messages).includes(f.title));
      expect(titles.length).toBeLessThanOrEqual(1);
    }
    expect((await runZhiku(['digest', 'check', out])).code).toBe(0);
  }, 60_000);

  it('catches a number that is not in the source', () => {
    expect(unsupportedNumbers('AI芯片投资陷阱：普通人如何被骗走7405万元', '通过虚构算力租赁收益，诱骗72人投资共计7504万元。')).toEqual(['7405万']);
    expect(unsupportedNumbers('诱骗 72 人投资共计 7,504 万元', '通过虚构算力租赁收益，诱骗72人投资共计7504万元。')).toEqual([]);
  });

  it('reads the window in Asia/Shanghai', () => {
    expect(digestWindow({ date: '2025-10-10' })).toEqual({ start: Date.parse('2025-10-09T16:00:00Z'), end: Date.parse('2025-10-10T16:00:00Z'), date: '2025-10-10' });
    const now = new Date('2025-10-10T20:00:00Z');
    expect(digestWindow({ since: '24h', now })).toEqual({ start: now.getTime() - 86_400_000, end: now.getTime(), date: '2025-10-11' });
  });
});
