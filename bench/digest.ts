/**
 * `npm run bench -- --suite digest`
 * The offline classifier's per-class F1 beside the majority baseline (bench/digest-classify.ts), and
 * the time to build one digest from 500 articles of one day (dr3 corpus articles given publish times
 * and ten accounts), after they are in the library. Writes bench/results/digest-<date>.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectedItem } from '../src/collect/types.js';
import { loadConfig } from '../src/config/load-config.js';
import { classify, defaultClassifier } from '../src/digest/classify/classifier.js';
import { buildDigest } from '../src/digest/build.js';
import { Library } from '../src/library/library.js';
import { createMemoryLogger } from '../src/logger.js';
import { runDigestClassifyBench } from './digest-classify.js';

const ARTICLES = 500;

export async function runDigestBench(benchDir: string, machine: unknown): Promise<void> {
  const classifier = await runDigestClassifyBench(machine);
  console.log(`\nOffline digest classifier (fixed split of src/digest/classify/labels.json)\n\n${classifier.table}`);

  const articles: CollectedItem[] = [];
  const seen = new Set<string>();
  for (const file of ['128k', '60', '64k', '32k'].flatMap((size) => ['001', '002', '005', '006', '008', '010'].map((task) => join(benchDir, 'dr3', task, `long_context_sampled_${size}.json`)))) {
    const corpus = JSON.parse(readFileSync(file, 'utf8')) as { title?: string; content?: string; url?: string }[];
    for (const doc of corpus) {
      if (!doc.title || !doc.content || doc.content.length < 400 || articles.length >= ARTICLES || seen.has(doc.title)) continue;
      seen.add(doc.title);
      const n = articles.length;
      const minute = String(n % 60).padStart(2, '0');
      const hour = String(n % 24).padStart(2, '0');
      articles.push({
        kind: 'document',
        item: `bench-${n}`,
        input: { title: doc.title, body: `# ${doc.title}\n\n${doc.content}`, canonicalUrl: `https://example.org/bench/${n}`, source: `账号${n % 10}`, publishedAt: `2025-10-10T${hour}:${minute}:00+08:00` },
      });
    }
  }
  // The corpora hold fewer unique articles than that: long ones also give their second half as an article of its own.
  for (const item of [...articles]) {
    if (articles.length >= ARTICLES || item.kind !== 'document' || item.input.body.length < 1600) continue;
    const n = articles.length;
    const half = item.input.body.slice(Math.floor(item.input.body.length / 2));
    articles.push({ kind: 'document', item: `bench-${n}`, input: { ...item.input, title: `${item.input.title}（下）`, body: `# ${item.input.title}（下）\n\n${half}`, canonicalUrl: `https://example.org/bench/${n}`, source: `账号${n % 10}` } });
  }
  const home = mkdtempSync(join(tmpdir(), 'zhiku-digest-bench-'));
  const library = await Library.open(loadConfig({ flags: { home }, env: {}, cwd: process.cwd() }), { logger: createMemoryLogger() });
  try {
    await library.ingest(articles);
    const model = defaultClassifier();
    const started = performance.now();
    const digest = await buildDigest(library, { date: '2025-10-10', classify: (article) => classify(model, article).label });
    const seconds = (performance.now() - started) / 1000;
    console.log(`\nDigest build from ${articles.length} articles of one day: ${seconds.toFixed(2)} s (${digest.items.length} items, ${digest.others.length} other links)`);
    const date = new Date().toISOString().slice(0, 10);
    mkdirSync(join('bench', 'results'), { recursive: true });
    const file = join('bench', 'results', `digest-${date}.json`);
    writeFileSync(file, `${JSON.stringify({ date, machine, classifier: classifier.result, build: { articles: articles.length, seconds, items: digest.items.length, others: digest.others.length } }, null, 2)}\n`);
    console.log(`wrote ${file}`);
  } finally {
    await library.close();
    rmSync(home, { recursive: true, force: true });
  }
}
