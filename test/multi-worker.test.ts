/**
 * Three `zhiku worker` processes share 1,000 ingest jobs; one is killed with SIGKILL mid-way. Its jobs
 * expire (short expiry) and other workers retry them: every job completes, no document is stored
 * twice, and document, chunk and index counts agree.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JobQueue, enqueueAdd } from '../src/jobs/index.js';
import type { IngestReport } from '../src/library/library.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { tempDir } from './helpers.js';
import { type PgCluster, startPgCluster } from './pg-cluster.js';

const FILES = 1_000;
const DISTINCT = 900;

let cluster: PgCluster;
let url: string;
const workers: { process: ChildProcess; done: number; exit: Promise<number | null> }[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
  url = await cluster.createDatabase('zhiku_multi_worker');
});

afterAll(async () => {
  for (const worker of workers) if (worker.process.exitCode === null) worker.process.kill('SIGKILL');
  await cluster?.stop();
});

it('3 workers, 1,000 ingest jobs, one SIGKILLed: every job done once in effect, counts agree', { timeout: 240_000 }, async () => {
  const home = tempDir('zhiku-multi-');
  const dir = join(home, 'inbox');
  mkdirSync(dir);
  const companies = ['智谱', '深度求索', '月之暗面', '百川智能', '零一万物', '稀宇科技', '阶跃星辰', '面壁智能'];
  for (let i = 0; i < FILES; i++) {
    // The last 100 files repeat the content of the first 100: duplicates must collapse.
    const n = i < DISTINCT ? i : i - DISTINCT;
    const company = companies[n % companies.length]!;
    const paragraphs = Array.from({ length: 1 + (n % 4) }, (_, p) => `${company}第${n}号公告第${p}段：模型编号M-${n}-${p}发布，推理成本下降${(n * 7 + p) % 90}%，开发者可通过开放平台调用。`.repeat(6));
    writeFileSync(join(dir, `${String(i).padStart(4, '0')}.md`), `# ${company}公告${n}\n\n${paragraphs.join('\n\n')}\n`);
  }

  // This process watches expiry every second; jobs of a dead worker expire after 3 s.
  const queue = await JobQueue.open({ url, maintenanceIntervalSeconds: 1, retryDelaySeconds: 1 }, { logger: SILENT_LOGGER });
  try {
    const queued = await enqueueAdd(queue, [dir], { collections: ['load'], maxFileBytes: 1 << 20, expireInSeconds: 3 });
    expect(queued.jobs).toHaveLength(FILES);
    expect(queued.failed).toEqual([]);

    for (let i = 0; i < 3; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'test/zhiku-cli.ts', '--home', home, 'worker', '--concurrency', '2', '--queues', 'ingest-file'], {
        env: { ...process.env, ZHIKU_DATABASE_URL: url },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const worker = { process: child, done: 0, exit: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))) };
      child.stdout!.on('data', (data: Buffer) => (worker.done += (String(data).match(/^ingest-file \S+ done/gm) ?? []).length));
      child.stderr!.resume();
      workers.push(worker);
    }

    const total = () => workers.reduce((sum, w) => sum + w.done, 0);
    await until(() => workers[0]!.done >= 30 && total() >= 300, 120_000);
    workers[0]!.process.kill('SIGKILL');
    expect(await workers[0]!.exit).toBeNull();

    const records = await queue.wait(queued.jobs.map((job) => job.id), { pollMs: 250 });
    expect(records.filter((r) => r.state !== 'completed')).toEqual([]);
    // The killed worker had jobs in hand: they expired and ran again elsewhere.
    expect(records.filter((r) => r.retryCount > 0).length).toBeGreaterThan(0);
    for (const record of records) {
      const report = record.output as IngestReport;
      expect(report.items).toHaveLength(1);
      expect(['inserted', 'duplicate']).toContain(report.items[0]!.status);
    }

    for (const worker of workers.slice(1)) worker.process.kill('SIGTERM');
    expect(await Promise.all(workers.slice(1).map((w) => w.exit))).toEqual([0, 0]);
  } finally {
    await queue.close();
  }

  const client = new pg.Client(url);
  await client.connect();
  try {
    const { rows } = await client.query(`
      SELECT (SELECT count(*)::int FROM zhiku.documents) AS documents,
             (SELECT count(DISTINCT content_hash)::int FROM zhiku.documents) AS contents,
             (SELECT sum(chunk_count)::int FROM zhiku.documents) AS declared_chunks,
             (SELECT count(*)::int FROM zhiku.chunks) AS chunks,
             (SELECT count(*)::int FROM zhiku.chunks WHERE tokens @@ '智谱 | 深度求索 | 月之暗面 | 百川智能 | 零一万物 | 稀宇科技 | 阶跃星辰 | 面壁智能'::tsquery) AS indexed,
             (SELECT count(*)::int FROM zhiku.documents d WHERE d.chunk_count <> (SELECT count(*) FROM zhiku.chunks c WHERE c.document_seq = d.seq)) AS mismatched,
             (SELECT count(*)::int FROM zhiku.document_collections) AS in_collection`);
    const counts = rows[0];
    expect(counts.documents).toBe(DISTINCT);
    expect(counts.contents).toBe(DISTINCT);
    expect(counts.mismatched).toBe(0);
    expect(counts.chunks).toBe(counts.declared_chunks);
    expect(counts.indexed).toBe(counts.chunks);
    expect(counts.chunks).toBeGreaterThan(DISTINCT);
    expect(counts.in_collection).toBe(DISTINCT);
  } finally {
    await client.end();
  }
});

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the workers');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
