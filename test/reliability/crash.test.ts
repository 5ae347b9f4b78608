/**
 * Crash safety of the embedded store: an ingest killed (SIGKILL) at random points, two writers at
 * once, and a full disk. After each, the store opens, holds no document twice, its chunks and index
 * agree, and running the ingest again finishes the rest.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runZhiku, seededRandom, tempDir } from '../helpers.js';
import { libraryDigest, libraryRows, runZhikuProcess, spawnZhiku } from './child.js';
import { checkLibrary } from './store-check.js';

/** Documents ingested under the kills: 2,000 here, 10,000 under `npm run test:stress`. */
const DOCUMENTS = Number(process.env.ZHIKU_STRESS_DOCUMENTS ?? 2000);
const KILLS = 5;

const COMPANIES = ['智谱', '月之暗面', '深度求索', '阿里云', '百度', '字节跳动', 'MiniMax', '腾讯'];

/** A corpus file of `count` distinct entries; every other one has a URL, so both identity paths (URL, content hash) are crossed. */
function writeCorpus(path: string, count: number, tag: string): void {
  const entries = Array.from({ length: count }, (_, i) => {
    const company = COMPANIES[i % COMPANIES.length]!;
    const content = `${company}在第${i}期${tag}简报中公布了新模型。${'上下文窗口扩展到二十万，推理价格下调三成。'.repeat(1 + (i % 9))}编号${tag}${i}到此结束。`;
    return i % 2 ? { title: `${company} ${tag} 第${i}期`, content, url: `https://example.org/${tag}/${i}` } : { title: `${company} ${tag} 第${i}期`, page_body: content };
  });
  writeFileSync(path, JSON.stringify(entries));
}

function documentCount(home: string): number {
  try {
    const db = new Database(join(home, 'library.db'), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0; // not created yet, or its schema not yet written
  }
}

async function expectConsistent(home: string, label: string): Promise<number> {
  // The restart: a fresh process opens the store (and brings its index up to date).
  const stats = await runZhikuProcess(['--home', home, 'stats', '--json']);
  expect(stats.stderr, label).toBe('');
  expect(stats.code, label).toBe(0);
  const check = await checkLibrary(home);
  expect(check.duplicates, label).toBe(0);
  expect(check.badDocuments, label).toEqual([]);
  expect(check.unindexed, label).toEqual([]);
  expect(JSON.parse(stats.stdout)).toMatchObject({ documents: check.documents, chunks: check.chunks });
  return check.documents;
}

describe('an ingest killed at random points', () => {
  it(`loses nothing and duplicates nothing over ${KILLS} kills, and a re-run finishes the rest`, async () => {
    const home = tempDir('zhiku-crash-');
    const corpus = join(tempDir('zhiku-crash-input-'), 'corpus.json');
    writeCorpus(corpus, DOCUMENTS, 'k');
    const random = seededRandom(20_251_130);
    const kills: { target: number; killedAt: number; stored: number }[] = [];
    for (let round = 0; round < KILLS; round++) {
      const before = documentCount(home);
      // A target a random share of the way through what is left (so every round leaves work for the next: an
      // ingest stores thousands of documents a second), then a short random extra moment so the kill lands
      // anywhere in a batch.
      const target = before + 1 + Math.floor((random() * (DOCUMENTS - before)) / (KILLS - round + 1));
      const extraMs = Math.floor(random() * 30);
      const { child, done } = spawnZhiku(['--home', home, 'add', corpus, '--json'], { timeoutMs: 600_000 });
      let killedAt = -1;
      const poll = setInterval(() => {
        const stored = documentCount(home);
        if (stored >= target && killedAt < 0) {
          killedAt = stored;
          setTimeout(() => child.kill('SIGKILL'), extraMs);
        }
      }, 20);
      const result = await done;
      clearInterval(poll);
      if (result.signal !== 'SIGKILL') {
        // Finished before the kill: legitimate near the end of the corpus, and the test continues to the checks.
        expect(result.code).toBe(0);
      }
      const stored = await expectConsistent(home, `after kill ${round + 1}`);
      expect(stored).toBeGreaterThanOrEqual(before);
      kills.push({ target, killedAt, stored });
    }
    console.info(`crash test: ${DOCUMENTS} documents; kills (stored when killed → after restart): ${kills.map((k) => `${k.killedAt}→${k.stored}`).join(', ')}`);
    expect(kills.filter((kill) => kill.killedAt >= 0).length).toBeGreaterThanOrEqual(3);
    const rerun = await runZhikuProcess(['--home', home, 'add', corpus, '--json'], { timeoutMs: 600_000 });
    expect(rerun.stderr).toBe('');
    expect(rerun.code).toBe(0);
    const report = JSON.parse(rerun.stdout) as { inserted: number; unchanged: number; duplicate: number; failed: number };
    expect(report.failed).toBe(0);
    expect(report.inserted + report.unchanged + report.duplicate).toBe(DOCUMENTS);
    expect(await expectConsistent(home, 'after the re-run')).toBe(DOCUMENTS);
    const check = await checkLibrary(home);
    expect(check.stale).toBe(0);
    // Every document is findable by its own number.
    for (const i of [0, 1, Math.floor(DOCUMENTS / 2), DOCUMENTS - 1]) {
      const hits = JSON.parse((await runZhiku(['--home', home, 'search', `编号k${i}到此结束`, '--json', '--limit', '1'])).stdout) as { hits: { title: string }[] };
      expect(hits.hits[0]?.title).toMatch(new RegExp(` k 第${i}期$`));
    }
  }, 900_000);
});

describe('two processes writing the embedded store at once', () => {
  it('both succeed (WAL, busy timeout), and the store agrees with itself', async () => {
    const home = tempDir('zhiku-concurrent-');
    const input = tempDir('zhiku-concurrent-input-');
    writeCorpus(join(input, 'a.json'), 300, 'a');
    writeCorpus(join(input, 'b.json'), 300, 'b');
    // The database must exist before both start, or both would run the first migration.
    expect((await runZhiku(['--home', home, 'db', 'migrate'])).code).toBe(0);
    const [a, b] = await Promise.all([
      runZhikuProcess(['--home', home, 'add', join(input, 'a.json'), '--json'], { timeoutMs: 300_000 }),
      runZhikuProcess(['--home', home, 'add', join(input, 'b.json'), '--json'], { timeoutMs: 300_000 }),
    ]);
    for (const result of [a, b]) {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ inserted: 300, failed: 0 });
    }
    expect(await expectConsistent(home, 'after two writers')).toBe(600);
  }, 600_000);
});

/** True when this machine lets an unprivileged user mount a tmpfs in a new namespace (the full-disk test needs it). */
function canMountTmpfs(): boolean {
  const probe = tempDir('zhiku-probe-');
  return spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `mount -t tmpfs -o size=1m tmpfs ${probe}`]).status === 0;
}

describe('a full disk', () => {
  it.skipIf(!canMountTmpfs())('fails the write with one line and leaves nothing half-written (skipped without user namespaces to mount a small tmpfs)', async () => {
    const seed = tempDir('zhiku-full-seed-');
    const input = tempDir('zhiku-full-input-');
    writeFileSync(join(seed, 'config.json'), JSON.stringify({ ingest: { threads: 1 } }));
    writeFileSync(join(input, 'seed.md'), '# 深度求索降价\n\n深度求索将 API 价格下调一半。\n');
    expect((await runZhiku(['--home', seed, 'add', join(input, 'seed.md')])).code).toBe(0);
    const before = libraryDigest(seed);
    writeCorpus(join(input, 'big.json'), 4000, 'f');
    const mount = tempDir('zhiku-full-mount-');
    const out = tempDir('zhiku-full-out-');
    mkdirSync(join(out, 'home'));
    // In a private mount namespace: a 3 MiB tmpfs holds a copy of the library, the add fills it, and
    // the library is copied out for inspection before the namespace (and the tmpfs) goes.
    const script = [
      `mount -t tmpfs -o size=3m tmpfs ${mount}`,
      `cp -a ${seed}/. ${mount}/`,
      `"$@" > ${out}/stdout 2> ${out}/stderr; echo $? > ${out}/code`,
      `cp -a ${mount}/. ${out}/home/`,
    ].join(' && ');
    const entry = resolve('test/reliability/zhiku-process.ts');
    const result = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', process.execPath, '--import', 'tsx', entry, '--home', mount, 'add', join(input, 'big.json')], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1' },
      encoding: 'utf8',
      timeout: 300_000,
    });
    expect(result.status, result.stderr).toBe(0);
    const { readFileSync } = await import('node:fs');
    const code = Number(readFileSync(join(out, 'code'), 'utf8'));
    const stderr = readFileSync(join(out, 'stderr'), 'utf8');
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^zhiku: \S+library\.db: the disk is full; the write was rolled back \[E_STORE\]\n$/);
    // Whole batches or nothing: the seed is as it was, and every document that landed is complete and indexed.
    const home = join(out, 'home');
    expect(libraryDigest(home, (document) => String(document.origin).includes('big.json#'))).toBe(before);
    const check = await checkLibrary(home);
    expect(check.badDocuments).toEqual([]);
    expect(check.duplicates).toBe(0);
    expect(check.documents).toBeLessThan(4001);
    expect(libraryRows(home).documents.length).toBe(check.documents);
    expect(await expectConsistent(home, 'after the full disk')).toBe(check.documents);
  }, 600_000);
});
