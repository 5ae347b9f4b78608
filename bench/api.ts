/**
 * `npm run bench -- --suite api [--duration 20 --connections 50]`
 * Search latency of `zhiku serve` under load: a real serve process (its own event loop, loopback
 * only) over a library of the dr3 background corpora, and 50 connections each sending the next
 * GET /api/search as soon as the last one answered, for 20 s after a 2 s warm-up (and first one
 * connection for 5 s: the service time without queueing). Queries are
 * corpus titles and their first words, in a fixed shuffled order. Prints the table and writes
 * bench/results/api-<date>.json.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, get } from 'node:http';
import { collectFiles } from '../src/collect/files.js';
import { loadConfig } from '../src/config/load-config.js';
import { Library } from '../src/library/library.js';
import { createMemoryLogger } from '../src/logger.js';
import { seededRandom } from '../test/seeded-random.js';

const WARM_UP_MS = 2_000;
const QUERIES = 400;
const SERIAL_SECONDS = 5;

export interface ApiBenchOptions {
  durationSeconds: number;
  connections: number;
}

export async function runApiBench(benchDir: string, machine: unknown, options: ApiBenchOptions): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), 'zhiku-bench-api-'));
  let child: ChildProcess | undefined;
  try {
    const corpora = readdirSync(join(benchDir, 'dr3'))
      .filter((task) => /^\d{3}$/.test(task))
      .flatMap((task) => readdirSync(join(benchDir, 'dr3', task)).filter((f) => /^long_context_sampled_.*\.json$/.test(f)).map((f) => join(benchDir, 'dr3', task, f)));
    const config = loadConfig({ flags: { home }, env: {}, cwd: process.cwd() });
    const library = await Library.open(config, { logger: createMemoryLogger() });
    const ingestStarted = performance.now();
    await library.ingest(collectFiles(corpora, { maxFileBytes: config.ingest.maxFileBytes }));
    const ingestSeconds = (performance.now() - ingestStarted) / 1000;
    const stats = await library.stats();
    await library.close();
    const queries = sampleQueries(corpora);
    process.stderr.write(`bench api: ${stats.documents} documents, ${stats.chunks} chunks (ingest ${ingestSeconds.toFixed(1)} s); ${queries.length} queries\n`);

    const started = await startServe(home);
    child = started.child;
    // One connection first (the service time without queueing), then the load asked for.
    const rows = [];
    for (const [connections, seconds] of [[1, SERIAL_SECONDS], [options.connections, options.durationSeconds]] as const) {
      rows.push({ ...(await load(started.url, queries, connections, seconds)), documents: stats.documents, chunks: stats.chunks });
    }
    console.log('\nAPI search latency (GET /api/search on loopback, zhiku serve in its own process)\n');
    console.log('| connections | duration s | documents | chunks | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | load avg |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.connections} | ${r.duration_s} | ${r.documents} | ${r.chunks} | ${r.requests} | ${r.requests_per_s} | ${r.p50_ms} | ${r.p95_ms} | ${r.p99_ms} | ${r.max_ms} | ${r.errors} | ${r.load_average_1m} |`);
    mkdirSync(join('bench', 'results'), { recursive: true });
    const file = join('bench', 'results', `api-${new Date().toISOString().slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, results: rows }, null, 2)}\n`);
    process.stderr.write(`bench api: wrote ${file}\n`);
  } finally {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    rmSync(home, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------

/** `zhiku serve` from source on 127.0.0.1 and a free port; resolves with its URL once it listens. */
function startServe(home: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/zhiku-cli.ts', '--home', home, 'serve', '--host', '127.0.0.1', '--port', '0', '--no-schedule'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`zhiku serve did not start: ${stderr}`)), 60_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = / at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]! });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`zhiku serve exited (${code}): ${stderr}`));
    });
  });
}

/** Titles and their first few characters (a shorter, broader query), shuffled with a fixed seed. */
function sampleQueries(corpora: string[]): string[] {
  const titles = new Set<string>();
  for (const file of corpora) {
    if (!existsSync(file)) continue;
    for (const doc of JSON.parse(readFileSync(file, 'utf8')) as { title?: string }[]) if (doc.title?.trim()) titles.add(doc.title.trim().slice(0, 60));
  }
  const pool = [...titles].flatMap((title) => [title, title.slice(0, 6)]);
  const random = seededRandom(11);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, QUERIES);
}

/** `connections` loops, each sending the next search as soon as the last answered, for `seconds` after the warm-up. */
async function load(url: string, queries: readonly string[], connections: number, seconds: number) {
  // One keep-alive socket per connection, as a load generator holds them.
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let next = 0;
  const warmEnd = Date.now() + WARM_UP_MS;
  const end = warmEnd + seconds * 1000;
  const loop = async () => {
    while (Date.now() < end) {
      const q = queries[next++ % queries.length]!;
      const t0 = performance.now();
      try {
        const status = await request(agent, `${url}/api/search?q=${encodeURIComponent(q)}&limit=10`);
        const ms = performance.now() - t0;
        if (Date.now() < warmEnd) continue;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status === 200) latencies.push(ms);
        else errors++;
      } catch {
        if (Date.now() >= warmEnd) errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    // Other processes on the machine share its cores: the load says how much of it the bench had.
    load_average_1m: round(loadavg()[0]!, 2),
    connections,
    duration_s: seconds,
    requests: latencies.length,
    errors,
    statuses: Object.fromEntries(statuses),
    requests_per_s: round(latencies.length / seconds, 1),
    p50_ms: round(percentile(latencies, 0.5), 2),
    p95_ms: round(percentile(latencies, 0.95), 2),
    p99_ms: round(percentile(latencies, 0.99), 2),
    max_ms: round(latencies.at(-1) ?? 0, 2),
  };
}

/** GET with the body read to its end; resolves with the status. */
function request(agent: Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      response.on('data', () => {});
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    }).on('error', reject);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : 0;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
