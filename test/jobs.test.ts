/**
 * The job queue in one process: `zhiku add --wait` on PostgreSQL, a worker loop, retries and the
 * dead-letter list.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { JobQueue, createJobHandlers, runWorker } from '../src/jobs/index.js';
import { Library } from '../src/library/library.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { startScheduler } from '../src/server/scheduler.js';
import { runZhiku, tempDir } from './helpers.js';
import { type FakeOpenAi, startFakeOpenAi } from './fake-openai.js';
import { fakeTranslator } from './fake-translator.js';
import { type PgCluster, startPgCluster } from './pg-cluster.js';

let cluster: PgCluster;
let model: FakeOpenAi;
let env: Record<string, string>;
let home: string;
let queue: JobQueue;
let library: Library;
const stop = new AbortController();
let worker: Promise<unknown>;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('zhiku_jobs_test');
  home = tempDir('zhiku-jobs-');
  model = await startFakeOpenAi(fakeTranslator());
  env = { ZHIKU_DATABASE_URL: url, ZHIKU_LLM_BASE_URL: model.baseUrl, ZHIKU_LLM_MODEL: 'gpt-4o' };
  const config = loadConfig({ flags: { home }, env });
  queue = await JobQueue.open({ url, retryDelaySeconds: 1 }, { logger: SILENT_LOGGER });
  library = await Library.open(config, { logger: SILENT_LOGGER });
  const handlers = createJobHandlers({ library, config, queue });
  worker = runWorker({ queue, handlers, names: ['ingest-file', 'fetch-url', 'translate'], concurrency: 2, signal: stop.signal, logger: SILENT_LOGGER, idleMs: 100 });
});

afterAll(async () => {
  stop.abort();
  await worker;
  await library?.close();
  await queue?.close();
  await cluster?.stop();
  await model?.close();
});

describe('job queue', () => {
  it('add --wait uploads files as blobs, waits for the workers and reports outcomes under the original paths', async () => {
    const dir = join(home, 'notes');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.md'), '# 智谱发布GLM-4.6\n\n智谱在九月发布了GLM-4.6，上下文窗口扩展到200K。\n');
    writeFileSync(join(dir, 'sub', 'b.txt'), '深度求索发布DeepSeek-V3.2，主打稀疏注意力，推理成本下降。\n');
    writeFileSync(join(dir, 'sub', 'copy.md'), '# 智谱发布GLM-4.6\n\n智谱在九月发布了GLM-4.6，上下文窗口扩展到200K。\n');
    const missing = join(home, 'missing.md');
    const result = await runZhiku(['--home', home, 'add', dir, missing, '--collection', 'queued', '--wait', '--json'], env);
    expect(result.stderr).toBe(`zhiku: ${missing}: no such file or directory [E_NOT_FOUND]\n`);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect({ inserted: report.inserted, duplicate: report.duplicate, failed: report.failed }).toEqual({ inserted: 2, duplicate: 1, failed: 0 });
    expect(report.items.map((i: { item: string }) => i.item).sort()).toEqual([join(dir, 'a.md'), join(dir, 'sub', 'b.txt'), join(dir, 'sub', 'copy.md')]);
    expect(report.jobs.every((j: { state: string }) => j.state === 'completed')).toBe(true);
    const search = JSON.parse((await runZhiku(['--home', home, 'search', '稀疏注意力', '-c', 'queued', '--json'], env)).stdout);
    expect(search.hits[0].title).toBe('深度求索发布DeepSeek-V3.2，主打稀疏注意力，推理成本下降。');
    const shown = JSON.parse((await runZhiku(['--home', home, 'show', search.hits[0].documentId, '--json'], env)).stdout);
    expect(shown.origin).toBe(join(dir, 'sub', 'b.txt'));
    // Queued again: the same files are recognised, nothing is stored twice (idempotent effects).
    const again = JSON.parse((await runZhiku(['--home', home, 'add', dir, '--wait', '--json'], env)).stdout);
    expect(again.inserted).toBe(0);
    expect(again.duplicate).toBe(3);
    expect((await library.stats()).documents).toBe(2);
  });

  it('retries a failing job with backoff, then lists it as failed (dead letter) until retried', async () => {
    const id = await queue.send('ingest-file', { blob: 'f'.repeat(64), name: '/elsewhere/gone.md', collections: [] }, { retryLimit: 1 });
    const [record] = await queue.wait([id], { pollMs: 100 });
    expect(record).toMatchObject({ id, state: 'failed', retryCount: 1, output: { code: 'E_NOT_FOUND', item: `blob ${'f'.repeat(64)}` } });
    const listed = await runZhiku(['--home', home, 'jobs', 'ls', '--failed'], env);
    expect(listed.code).toBe(0);
    const line = listed.stdout.split('\n').find((l) => l.startsWith(id));
    expect(line).toContain('/elsewhere/gone.md: the file of this job is no longer stored [E_NOT_FOUND]');
    expect(listed.stdout).toMatch(/^queue\s+created\s+retry\s+active\s+completed\s+cancelled\s+failed\ningest-file\s+0\s+0\s+0\s+\d+\s+0\s+1$/m);
    const retried = await runZhiku(['--home', home, 'jobs', 'retry', id, '00000000-0000-0000-0000-000000000000'], env);
    expect(retried.stdout).toBe(`queued ingest-file ${id} again\n`);
    expect(retried.stderr).toBe('zhiku: 00000000-0000-0000-0000-000000000000: no such job [E_NOT_FOUND]\n');
    expect(retried.code).toBe(1);
    const [again] = await queue.wait([id], { pollMs: 100 });
    expect(again!.state).toBe('failed');
  });

  it('translate on PostgreSQL: the file travels as a blob, a worker translates and stores it, the CLI writes the result', async () => {
    const input = join(home, 'post.md');
    writeFileSync(input, '---\ntitle: Notes on batching\nurl: https://example.com/notes\n---\n\n# Notes on batching\n\nContinuous batching adds new requests to a [running batch](https://example.com/batch), so the hardware never waits.\n');
    const out = join(home, 'post.zh.md');
    const result = await runZhiku(['--home', home, 'translate', input, '--out', out, '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout);
    const file = readFileSync(out, 'utf8');
    expect(file).toMatch(/^---\ntitle: /);
    expect(file).toContain('](https://example.com/batch)');
    expect(file).toContain('原文链接：[Notes on batching](https://example.com/notes)');
    const stored = await library.getDocument(outcome.documentId);
    expect(stored?.frontmatter.translation_of).toBe(outcome.originalId);
    expect((await library.getDocument(outcome.originalId))?.canonicalUrl).toBe('https://example.com/notes');
  });

  it('two servers on one store run each scheduled tick once: the tick is claimed through the queue', async () => {
    const other = await JobQueue.open({ url: env.ZHIKU_DATABASE_URL! }, { logger: SILENT_LOGGER });
    const runs: string[] = [];
    const servers = [queue, other].map((q, i) =>
      startScheduler({
        jobs: { digest: '0 8 * * *' },
        timezone: 'Asia/Shanghai',
        logger: SILENT_LOGGER,
        claim: (name, tick) => q.claimTick(name, tick),
        run: async (name) => (runs.push(`${name} on server ${i}`), 'done'),
      }),
    );
    try {
      const tick = new Date('2026-11-30T00:00:00Z');
      await Promise.all(servers.map((server) => server.trigger('digest', tick)));
      expect(runs).toHaveLength(1);
      await Promise.all(servers.map((server) => server.trigger('digest', new Date('2026-12-01T00:00:00Z'))));
      expect(runs).toHaveLength(2);
      const skipped = servers.map((server) => server.jobs()[0]!.lastRun!.outcome).sort();
      expect(skipped).toEqual(['done', 'skipped']);
    } finally {
      for (const server of servers) server.stop();
      await other.close();
    }
  });

  it('refuses worker and jobs commands on the embedded store with one line', async () => {
    const embedded = tempDir('zhiku-jobs-embedded-');
    for (const argv of [['worker'], ['jobs', 'ls']]) {
      const result = await runZhiku(['--home', embedded, ...argv]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^zhiku: store\.driver: .* needs? the PostgreSQL store: set ZHIKU_DATABASE_URL.* \[E_CONFIG\]\n$/);
    }
  });
});
