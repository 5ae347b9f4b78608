/**
 * `npm run bench -- --suite collect`
 * Extraction throughput on the collect dev pages (decode + extract to markdown, WeChat or generic),
 * beside plain Readability over linkedom on the same pages in the same run; and the near-duplicate
 * threshold: SimHash distances of republished copies (a header and footer added, a tenth of the
 * sentences dropped) against distinct articles of one subject (hard negatives), per threshold.
 * Writes bench/results/collect-<date>.json.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { decodeHtml } from '../src/collect/web/decode-html.js';
import { extractPage } from '../src/collect/web/page.js';
import { NEAR_DUPLICATE_BITS, hammingDistance, simhash } from '../src/library/near-duplicate.js';
import { normalizeText } from '../src/text/normalize.js';
import { getSegmenter } from '../src/text/segment.js';
import { STOPWORDS } from '../src/text/stopwords.js';
import { seededRandom } from '../test/seeded-random.js';

const ROUNDS = 5;

export async function runCollectBench(benchDir: string, machine: unknown): Promise<void> {
  const dev = join(benchDir, 'collect', 'dev');
  const pages = readdirSync(dev)
    .filter((folder) => existsSync(join(dev, folder, 'source.html')))
    .map((folder) => ({ folder, bytes: readFileSync(join(dev, folder, 'source.html')) }));
  const megabytes = pages.reduce((sum, page) => sum + page.bytes.length, 0) / 2 ** 20;

  const time = (run: () => void) => {
    run(); // warm-up
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) run();
    return (performance.now() - started) / 1000 / ROUNDS;
  };
  const zhikuSeconds = time(() => {
    for (const page of pages) extractPage(decodeHtml(page.bytes).html);
  });
  const peerSeconds = time(() => {
    for (const page of pages) {
      const { document } = parseHTML(decodeHtml(page.bytes).html);
      new Readability(document as unknown as globalThis.Document).parse();
    }
  });
  const throughput = [
    { engine: 'zhiku (decode + WeChat/generic extraction + markdown)', pages: pages.length, seconds: zhikuSeconds, pages_per_s: pages.length / zhikuSeconds, mb_per_s: megabytes / zhikuSeconds },
    { engine: 'peer: Readability over linkedom (no markdown)', pages: pages.length, seconds: peerSeconds, pages_per_s: pages.length / peerSeconds, mb_per_s: megabytes / peerSeconds },
  ];
  console.log(`\nExtraction on ${pages.length} dev pages (${megabytes.toFixed(1)} MB), mean of ${ROUNDS} rounds\n`);
  console.log('| engine | pages/s | MB/s |');
  console.log('|---|---:|---:|');
  for (const row of throughput) console.log(`| ${row.engine} | ${row.pages_per_s.toFixed(1)} | ${row.mb_per_s.toFixed(2)} |`);
  console.log(`\nzhiku / peer time ratio: ${(zhikuSeconds / peerSeconds).toFixed(2)}`);

  // Near duplicates: every long article of three dr3 corpora against a republished copy of itself,
  // and every pair of distinct articles within a corpus (one subject each: the hard case).
  const segmenter = getSegmenter();
  const tokens = (text: string) => segmenter.tokenizeQuery(normalizeText(text)).filter((token) => !STOPWORDS.has(token) && /[\p{L}\p{N}]/u.test(token));
  const random = seededRandom(11);
  const republish = (text: string) =>
    `原创 转载精选 作者：编辑部\n本文经授权转载。\n${text
      .split(/(?<=[。！？])/)
      .filter(() => random() > 0.1)
      .join('')}\n往期推荐 点击关注 扫码加群 欢迎转发`;
  const same: number[] = [];
  const distinct: number[] = [];
  for (const task of ['002', '006', '008']) {
    const file = join(benchDir, 'dr3', task, 'long_context_sampled_64k.json');
    const articles = (JSON.parse(readFileSync(file, 'utf8')) as { content?: string }[]).map((doc) => doc.content ?? '').filter((content) => content.length >= 800);
    const prints = articles.map((article) => simhash(tokens(article)));
    articles.forEach((article, i) => same.push(hammingDistance(prints[i]!, simhash(tokens(republish(article))))));
    for (let i = 0; i < prints.length; i++) for (let j = i + 1; j < prints.length; j++) distinct.push(hammingDistance(prints[i]!, prints[j]!));
  }
  const thresholds = [6, 8, 10, 12, 14, 16].map((bits) => ({
    bits,
    recall: same.filter((d) => d <= bits).length / same.length,
    false_positive_rate: distinct.filter((d) => d <= bits).length / distinct.length,
  }));
  console.log(`\nNear-duplicate threshold (SimHash bits; ${same.length} republished copies, ${distinct.length} distinct same-subject pairs; in use: ${NEAR_DUPLICATE_BITS})\n`);
  console.log('| bits | republished found | distinct pairs taken as one story |');
  console.log('|---:|---:|---:|');
  for (const row of thresholds) console.log(`| ${row.bits}${row.bits === NEAR_DUPLICATE_BITS ? ' (used)' : ''} | ${(row.recall * 100).toFixed(1)}% | ${(row.false_positive_rate * 100).toFixed(2)}% |`);

  const date = new Date().toISOString().slice(0, 10);
  mkdirSync(join('bench', 'results'), { recursive: true });
  const file = join('bench', 'results', `collect-${date}.json`);
  writeFileSync(file, `${JSON.stringify({ date, machine, throughput, near_duplicates: { used_bits: NEAR_DUPLICATE_BITS, republished: same.length, distinct_pairs: distinct.length, thresholds } }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
