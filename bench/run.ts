/**
 * `npm run bench [-- --suite search,brands,crosslingual,collect,digest,translate,api --sizes 10k,100k,1m --engines zhiku,minisearch --queries 200]`
 * Search at scale: each engine and size runs in its own child process (so peak RSS is its own), on the
 * same deterministic corpus and queries. Prints a table and writes bench/results/search-<date>.json.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { chunkText } from '../src/library/chunk/chunker.js';
import { normalizeText } from '../src/text/normalize.js';
import { getSegmenter } from '../src/text/segment.js';
import { runBrandBench } from './brands.js';
import { runCollectBench } from './collect.js';
import { runDigestBench } from './digest.js';
import { runTranslateBench } from './translate.js';
import { runCrosslingualBench } from './crosslingual.js';
import { type BaseDocument, loadBaseDocuments, replicate } from './search/corpus.js';
import { type BuildStats, type BuiltEngine, type EngineName, buildMiniSearch, buildZhiku } from './search/engines.js';
import { mean, percentile, round, sampleQueries } from './search/known-item.js';

interface BucketResult {
  bucket: string;
  queries: number;
  p50_ms: number | null;
  p95_ms: number | null;
  mrr10: number | null;
}

interface EngineResult {
  engine: EngineName;
  size: string;
  /** When this result was measured; a file can hold results of several runs on one day. */
  measured_at?: string;
  chunks: number;
  documents: number;
  build_s: number;
  ingest_mb_s: number;
  ingest_docs_s: number;
  raw_jieba_mb_s: number | null;
  ingest_vs_raw: number | null;
  rss_mb: number;
  disk_mb: number | null;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  mrr10: number;
  recall10: number;
  buckets: BucketResult[];
  error?: string;
}

const SIZES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };
const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const benchDir = resolve(process.env.ZHIKU_BENCH_DIR ?? '../shared/bench');


function machineInfo() {
  return { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
}

async function runParent(): Promise<void> {
  const sizes = arg('sizes', '10k,100k').toLowerCase().split(',');
  const engines = arg('engines', 'zhiku,minisearch').split(',') as EngineName[];
  const queries = arg('queries', '200');
  const results: EngineResult[] = [];
  const date = new Date().toISOString().slice(0, 10);
  const file = join('bench', 'results', `search-${date}.json`);
  // A subset run (--sizes 1m) keeps today's other measurements; each result says when it was taken.
  const earlier = existsSync(file) ? ((JSON.parse(readFileSync(file, 'utf8')) as { results: EngineResult[] }).results ?? []) : [];
  for (const size of sizes) {
    if (!SIZES[size]) throw new Error(`unknown size "${size}" (use ${Object.keys(SIZES).join(', ')})`);
    for (const engine of engines) {
      const projected = projectedHeapGb([...earlier, ...results], engine, SIZES[size]!);
      if (projected !== null && projected > 16 && !args.includes('--force')) {
        results.push({ engine, size, error: `not run: ${projected.toFixed(0)} GB of heap projected from the smaller run, above the 16 GB limit (--force runs it)` } as EngineResult);
        continue;
      }
      process.stderr.write(`bench: ${engine} at ${size}…\n`);
      const heap = engine === 'minisearch' ? 16_384 : 4_096;
      try {
        const out = execFileSync(
          process.execPath,
          [`--max-old-space-size=${heap}`, '--import', 'tsx', 'bench/run.ts', '--child', engine, size, '--queries', queries],
          { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
        );
        const line = out.split('\n').find((l) => l.startsWith('@@RESULT '));
        if (!line) throw new Error('child printed no result');
        results.push({ ...(JSON.parse(line.slice('@@RESULT '.length)) as EngineResult), measured_at: new Date().toISOString() });
      } catch (error) {
        results.push({ engine, size, error: `did not finish: ${(error as Error).message.split('\n')[0]}` } as EngineResult);
      }
    }
  }
  printTable(results);
  const measured = new Set(results.map((r) => `${r.engine}@${r.size}`));
  const kept = earlier.filter((r) => !measured.has(`${r.engine}@${r.size}`));
  const all = [...kept, ...results].sort((a, b) => (SIZES[a.size] ?? 0) - (SIZES[b.size] ?? 0) || a.engine.localeCompare(b.engine));
  mkdirSync(join('bench', 'results'), { recursive: true });
  const machine = machineInfo();
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, results: all }, null, 2)}\n`);
  process.stderr.write(`bench: wrote ${file}\n`);
}

async function runChild(engine: EngineName, size: string, queryCount: number): Promise<EngineResult> {
  const target = SIZES[size]!;
  const base = loadBaseDocuments(benchDir);
  const stats: BuildStats = { chunks: 0, bytes: 0, documents: 0 };
  // Generating the perturbed corpus is not ingest work: time it alone and subtract it below.
  const generateSeconds = timeGeneration(base, target);
  const started = performance.now();
  let built: BuiltEngine;
  if (engine === 'zhiku') {
    built = await buildZhiku(replicate(base, target), join(tmpdir(), `zhiku-bench-${size}.db`), stats);
  } else {
    built = await buildMiniSearch(replicate(base, target), stats);
  }
  const buildSeconds = Math.max(0.001, (performance.now() - started) / 1000 - generateSeconds);

  // Reference: single-threaded jieba cut() over the same text, in this run.
  let rawMbS: number | null = null;
  if (engine === 'zhiku') {
    const jieba = Jieba.withDict(dict);
    const t0 = performance.now();
    let bytes = 0;
    for (const doc of replicate(base, target)) {
      jieba.cut(doc.body, true);
      bytes += Buffer.byteLength(doc.body);
    }
    rawMbS = bytes / 2 ** 20 / Math.max(0.001, (performance.now() - t0) / 1000 - generateSeconds);
  }

  const probes = sampleQueries(base, queryCount);
  const segmenter = getSegmenter();
  const df = documentFrequencies(base, target, new Set(probes.flatMap((p) => segmenter.queryTokens(normalizeText(p.title)))));
  for (const probe of probes.slice(0, 20)) await built.query(probe.title); // warm-up
  const rows: { ms: number; rr: number; bucket: string }[] = [];
  for (const probe of probes) {
    const t0 = performance.now();
    const families = await built.query(probe.title);
    const ms = performance.now() - t0;
    const rank = families.indexOf(probe.family);
    const terms = segmenter.queryTokens(normalizeText(probe.title));
    const rarest = Math.min(...terms.map((t) => df.get(t) ?? 0));
    rows.push({ ms, rr: rank >= 0 ? 1 / (rank + 1) : 0, bucket: bucketOf(rarest / stats.chunks) });
  }
  const diskBytes = await built.diskBytes();
  await built.close();
  const latencies = rows.map((r) => r.ms).sort((a, b) => a - b);
  return {
    engine,
    size,
    chunks: stats.chunks,
    documents: stats.documents,
    build_s: round(buildSeconds, 2),
    ingest_mb_s: round(stats.bytes / 2 ** 20 / buildSeconds, 2),
    ingest_docs_s: Math.round(stats.documents / buildSeconds),
    raw_jieba_mb_s: rawMbS === null ? null : round(rawMbS, 2),
    ingest_vs_raw: rawMbS === null ? null : round(stats.bytes / 2 ** 20 / buildSeconds / rawMbS, 2),
    rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    disk_mb: diskBytes === null ? null : round(diskBytes / 2 ** 20, 1),
    p50_ms: round(percentile(latencies, 0.5), 2),
    p95_ms: round(percentile(latencies, 0.95), 2),
    p99_ms: round(percentile(latencies, 0.99), 2),
    mrr10: round(mean(rows.map((r) => r.rr)), 3),
    recall10: round(mean(rows.map((r) => (r.rr > 0 ? 1 : 0))), 3),
    buckets: BUCKETS.map((bucket) => {
      const inBucket = rows.filter((r) => r.bucket === bucket);
      const ms = inBucket.map((r) => r.ms).sort((a, b) => a - b);
      return {
        bucket,
        queries: inBucket.length,
        p50_ms: ms.length ? round(percentile(ms, 0.5), 2) : null,
        p95_ms: ms.length ? round(percentile(ms, 0.95), 2) : null,
        mrr10: ms.length ? round(mean(inBucket.map((r) => r.rr)), 3) : null,
      };
    }),
  };
}

// ---------------------------------------------------------------------------

/** Peak RSS scaled linearly from this engine's largest finished run, or null without one. */
function projectedHeapGb(results: readonly EngineResult[], engine: EngineName, chunks: number): number | null {
  const done = results.filter((r) => r.engine === engine && !r.error).sort((a, b) => b.chunks - a.chunks)[0];
  return done ? (done.rss_mb / 1024) * (chunks / done.chunks) : null;
}

const BUCKETS = ['df<=0.1%', 'df<=1%', 'df<=10%', 'df>10%'];

function bucketOf(share: number): string {
  if (share <= 0.001) return BUCKETS[0]!;
  if (share <= 0.01) return BUCKETS[1]!;
  if (share <= 0.1) return BUCKETS[2]!;
  return BUCKETS[3]!;
}

/** Chunks holding each of `terms`, counted over the same corpus with the index's own tokens. */
function documentFrequencies(base: readonly BaseDocument[], target: number, terms: ReadonlySet<string>): Map<string, number> {
  const segmenter = getSegmenter();
  const df = new Map<string, number>();
  for (const doc of replicate(base, target)) {
    for (const span of chunkText(doc.body)) {
      for (const token of new Set(segmenter.indexText(span.text).split(' '))) {
        if (terms.has(token)) df.set(token, (df.get(token) ?? 0) + 1);
      }
    }
  }
  return df;
}

function timeGeneration(base: readonly BaseDocument[], target: number): number {
  const t0 = performance.now();
  for (const _doc of replicate(base, target));
  return (performance.now() - t0) / 1000;
}

function printTable(results: EngineResult[]): void {
  const header = '| engine | chunks | build s | ingest MB/s | vs raw jieba | peak RSS MB | disk MB | p50 ms | p95 ms | p99 ms | MRR@10 | recall@10 |';
  console.log(header);
  console.log(`|${header.split('|').slice(1, -1).map(() => '---').join('|')}|`);
  for (const r of results) {
    if (r.error) {
      console.log(`| ${r.engine} | ${r.size} | ${r.error} |`);
      continue;
    }
    console.log(
      `| ${r.engine} | ${r.chunks} | ${r.build_s} | ${r.ingest_mb_s} | ${r.ingest_vs_raw ?? '—'} | ${r.rss_mb} | ${r.disk_mb ?? '—'} | ${r.p50_ms} | ${r.p95_ms} | ${r.p99_ms} | ${r.mrr10} | ${r.recall10} |`,
    );
  }
  console.log('');
  console.log('| engine | chunks | bucket (rarest term df) | queries | p50 ms | p95 ms | MRR@10 |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    if (r.error) continue;
    for (const b of r.buckets) console.log(`| ${r.engine} | ${r.chunks} | ${b.bucket} | ${b.queries} | ${b.p50_ms ?? '—'} | ${b.p95_ms ?? '—'} | ${b.mrr10 ?? '—'} |`);
  }
}

// Entry point last, so every module-level constant above is initialised.
if (args[0] === '--child') {
  const result = await runChild(args[1] as EngineName, args[2]!, Number(arg('queries', '200')));
  process.stdout.write(`\n@@RESULT ${JSON.stringify(result)}\n`);
} else {
  const suites = arg('suite', 'search,brands,crosslingual,collect,digest,translate,api').split(',');
  if (suites.includes('search')) await runParent();
  if (suites.includes('brands')) await runBrandBench(benchDir, machineInfo());
  if (suites.includes('crosslingual')) await runCrosslingualBench(benchDir, machineInfo());
  if (suites.includes('collect')) await runCollectBench(benchDir, machineInfo());
  if (suites.includes('digest')) await runDigestBench(benchDir, machineInfo());
  if (suites.includes('postgres')) {
    const { runPostgresBench } = await import('./postgres.js');
    await runPostgresBench(benchDir, machineInfo(), { sizes: arg('sizes', '10k,100k').toLowerCase().split(','), queries: Number(arg('queries', '200')), workerSize: arg('worker-size', '10k') });
  }
  if (suites.includes('translate')) await runTranslateBench(machineInfo());
  if (suites.includes('api')) {
    const { runApiBench } = await import('./api.js');
    await runApiBench(benchDir, machineInfo(), { durationSeconds: Number(arg('duration', '20')), connections: Number(arg('connections', '50')) });
  }
}
