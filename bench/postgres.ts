/**
 * `npm run bench -- --suite postgres [--sizes 10k,100k] [--queries 200] [--worker-size 10k]`
 * PostgreSQL next to the embedded driver on the search suite's corpus and known-item queries, in the same
 * run: ingest through `Library.ingest`, search p50/p95 and MRR@10 through `Library.search`, then ingest
 * through the job queue with 1 and 2 `zhiku worker` processes. Uses `ZHIKU_BENCH_PG_URL` when set, else a
 * throwaway cluster with fsync on. Writes bench/results/postgres-<date>.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { JobQueue } from '../src/jobs/index.js';
import { openPostgresStore } from '../src/library/store/postgres/index.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { type PgCluster, connectPgCluster, startPgCluster } from '../test/pg-cluster.js';
import { type BaseDocument, type BenchDocument, loadBaseDocuments, replicate } from './search/corpus.js';
import { type BuildStats, type BuiltEngine, buildLibrary, buildZhiku } from './search/engines.js';
import { mean, percentile, reciprocalRank, round, sampleQueries } from './search/known-item.js';

export interface PostgresBenchOptions {
  sizes: string[];
  queries: number;
  /** Corpus size ingested through the job queue. */
  workerSize: string;
}

interface EngineFigures {
  build_s: number;
  ingest_docs_s: number;
  ingest_mb_s: number;
  disk_mb: number | null;
  p50_ms: number;
  p95_ms: number;
  mrr10: number;
}

interface SizeResult {
  size: string;
  chunks: number;
  documents: number;
  queries: number;
  embedded: EngineFigures;
  postgres: EngineFigures & { vacuum_analyze_s: number };
  mrr_ratio: number;
}

interface WorkerResult {
  workers: number;
  slots_per_worker: number;
  jobs: number;
  chunks: number;
  seconds: number;
  jobs_s: number;
  mb_s: number;
}

const SIZES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };
const SLOTS = 2;

export async function runPostgresBench(benchDir: string, machine: object, options: PostgresBenchOptions): Promise<void> {
  for (const size of [...options.sizes, options.workerSize]) if (!SIZES[size]) throw new Error(`unknown size "${size}" (use ${Object.keys(SIZES).join(', ')})`);
  const external = process.env.ZHIKU_BENCH_PG_URL;
  const cluster: PgCluster = external
    ? await connectPgCluster(external)
    : await startPgCluster({ durable: true, settings: { shared_buffers: '1GB', maintenance_work_mem: '256MB', max_wal_size: '4GB' } });
  const database = (name: string) => cluster.createDatabase(name);
  try {
    const base = loadBaseDocuments(benchDir);
    const probes = sampleQueries(base, options.queries);
    const results: SizeResult[] = [];
    for (const size of options.sizes) {
      process.stderr.write(`bench: postgres vs embedded at ${size}…\n`);
      results.push(await compareAt(size, base, probes, await database(`bench_${size}`)));
    }
    const workers: WorkerResult[] = [];
    for (const count of [1, 2]) {
      process.stderr.write(`bench: ingest through the queue with ${count} worker${count > 1 ? 's' : ''} at ${options.workerSize}…\n`);
      workers.push(await ingestWithWorkers(count, [...replicate(base, SIZES[options.workerSize]!)], await database(`bench_workers_${count}`)));
    }
    const server = await serverInfo(cluster.url);
    printTables(results, workers);
    const date = new Date().toISOString().slice(0, 10);
    const file = join('bench', 'results', `postgres-${date}.json`);
    mkdirSync(join('bench', 'results'), { recursive: true });
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, server, results, workers }, null, 2)}\n`);
    process.stderr.write(`bench: wrote ${file}\n`);
  } finally {
    await cluster.stop();
  }
}

// ---------------------------------------------------------------------------

async function compareAt(size: string, base: readonly BaseDocument[], probes: readonly BaseDocument[], url: string): Promise<SizeResult> {
  // Materialised first, so corpus generation is timed by neither engine.
  const documents = [...replicate(base, SIZES[size]!)];
  const dbPath = join(tmpdir(), `zhiku-bench-pg-${size}.db`);
  const embeddedStats: BuildStats = { chunks: 0, bytes: 0, documents: 0 };
  let started = performance.now();
  const embedded = await buildZhiku(documents, dbPath, embeddedStats);
  const embeddedBuild = (performance.now() - started) / 1000;

  const store = await openPostgresStore({ url, schema: 'bench' }, { logger: SILENT_LOGGER });
  const postgresStats: BuildStats = { chunks: 0, bytes: 0, documents: 0 };
  started = performance.now();
  const postgres = await buildLibrary(documents, store, postgresStats);
  const postgresBuild = (performance.now() - started) / 1000;
  // What autovacuum does after a bulk load; timed apart so the search figures are of a settled table.
  started = performance.now();
  const client = new pg.Client(url);
  await client.connect();
  await client.query('VACUUM ANALYZE bench.chunks, bench.documents');
  await client.end();
  const vacuumSeconds = (performance.now() - started) / 1000;

  const engines: [BuiltEngine, BuiltEngine] = [embedded, postgres];
  for (const probe of probes.slice(0, 20)) for (const engine of engines) await engine.query(probe.title);
  const timings: [number[], number[]] = [[], []];
  const ranks: [number[], number[]] = [[], []];
  // Interleaved, so both engines see the same machine load.
  for (const probe of probes) {
    for (const [i, engine] of engines.entries()) {
      const t0 = performance.now();
      const families = await engine.query(probe.title);
      timings[i]!.push(performance.now() - t0);
      ranks[i]!.push(reciprocalRank(families, probe.family));
    }
  }
  const figures = (i: 0 | 1, build: number, stats: BuildStats, disk: number | null): EngineFigures => {
    const sorted = [...timings[i]].sort((a, b) => a - b);
    return {
      build_s: round(build, 2),
      ingest_docs_s: Math.round(stats.documents / build),
      ingest_mb_s: round(stats.bytes / 2 ** 20 / build, 2),
      disk_mb: disk === null ? null : round(disk / 2 ** 20, 1),
      p50_ms: round(percentile(sorted, 0.5), 2),
      p95_ms: round(percentile(sorted, 0.95), 2),
      mrr10: round(mean(ranks[i]), 3),
    };
  };
  const result: SizeResult = {
    size,
    chunks: postgresStats.chunks,
    documents: postgresStats.documents,
    queries: probes.length,
    embedded: figures(0, embeddedBuild, embeddedStats, await embedded.diskBytes()),
    postgres: { ...figures(1, postgresBuild, postgresStats, await postgres.diskBytes()), vacuum_analyze_s: round(vacuumSeconds, 2) },
    mrr_ratio: 0,
  };
  result.mrr_ratio = round(result.postgres.mrr10 / Math.max(result.embedded.mrr10, 1e-9), 3);
  await Promise.all(engines.map((engine) => engine.close()));
  rmSync(dbPath, { force: true });
  rmSync(`${dbPath}.index`, { recursive: true, force: true });
  return result;
}

/** Documents as markdown files through the queue; timed from all workers ready to the last job done. */
async function ingestWithWorkers(count: number, documents: readonly BenchDocument[], url: string): Promise<WorkerResult> {
  const home = join(tmpdir(), `zhiku-bench-workers-${count}`);
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const queue = await JobQueue.open({ url }, { logger: SILENT_LOGGER });
  const children: ChildProcess[] = [];
  try {
    let bytes = 0;
    const jobs = [];
    for (const doc of documents) {
      const markdown = `# ${doc.title}\n\n${doc.body}\n`;
      bytes += Buffer.byteLength(markdown);
      jobs.push({ name: 'ingest-file' as const, data: { blob: await queue.putBlob(Buffer.from(markdown)), name: `${doc.id}.md`, collections: [] } });
    }
    const ids = await queue.sendMany(jobs);
    const ready: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/zhiku-cli.ts', '--home', home, 'worker', '--concurrency', String(SLOTS), '--queues', 'ingest-file'], {
        env: { ...process.env, ZHIKU_DATABASE_URL: url },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      children.push(child);
      ready.push(
        new Promise((resolve, reject) => {
          child.stderr!.on('data', (data: Buffer) => String(data).includes('slots on') && resolve());
          child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
        }),
      );
    }
    // Jobs taken while others still start up count in the time: the clock starts at the first ready worker.
    await Promise.race(ready);
    const started = performance.now();
    const records = await queue.wait(ids, { pollMs: 200 });
    const seconds = (performance.now() - started) / 1000;
    const unfinished = records.filter((r) => r.state !== 'completed').length;
    if (unfinished) throw new Error(`${unfinished} bench jobs did not complete`);
    const client = new pg.Client(url);
    await client.connect();
    const chunks = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM zhiku.chunks')).rows[0]!.n;
    await client.end();
    return { workers: count, slots_per_worker: SLOTS, jobs: ids.length, chunks, seconds: round(seconds, 2), jobs_s: Math.round(ids.length / seconds), mb_s: round(bytes / 2 ** 20 / seconds, 2) };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
    await queue.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function serverInfo(url: string): Promise<Record<string, string>> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string; setting: string }>(
      `SELECT name, setting || coalesce(unit, '') AS setting FROM pg_settings WHERE name IN ('server_version', 'shared_buffers', 'fsync', 'synchronous_commit', 'work_mem')`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.setting]));
  } finally {
    await client.end();
  }
}

function printTables(results: readonly SizeResult[], workers: readonly WorkerResult[]): void {
  console.log('| store | chunks | documents | build s | docs/s | MB/s | disk MB | p50 ms | p95 ms | MRR@10 |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    for (const [name, f] of [['embedded', r.embedded], ['postgres', r.postgres]] as const) {
      console.log(`| ${name} | ${r.chunks} | ${r.documents} | ${f.build_s} | ${f.ingest_docs_s} | ${f.ingest_mb_s} | ${f.disk_mb ?? '—'} | ${f.p50_ms} | ${f.p95_ms} | ${f.mrr10} |`);
    }
    console.log(`| postgres ÷ embedded MRR@10 at ${r.size} | | | | | | | | | ${r.mrr_ratio} |`);
  }
  console.log('');
  console.log('| workers | slots each | jobs (documents) | chunks | seconds | jobs/s | MB/s |');
  console.log('|---|---|---|---|---|---|---|');
  for (const w of workers) console.log(`| ${w.workers} | ${w.slots_per_worker} | ${w.jobs} | ${w.chunks} | ${w.seconds} | ${w.jobs_s} | ${w.mb_s} |`);
}
