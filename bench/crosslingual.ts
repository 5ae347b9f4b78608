/**
 * `npm run bench -- --suite crosslingual`
 * Cross-lingual retrieval: labelled Chinese queries for English passages and English queries for
 * Chinese documents (bench/crosslingual/pairs.json), each searched as typed and after expandQuery.
 * The library holds every dr3 corpus of the tasks the pairs name (the 60-document samples too: they
 * hold most of the English prose). Scores are per document: a query hits when a chunk of its labelled
 * document is among the first 10 chunks; MRR@10 uses the rank of that first chunk.
 * A control set checks what expansion costs same-language search: each Chinese target of the en-zh
 * pairs searched by the start of its own title (titles are not indexed), as typed and expanded.
 * Prints markdown tables and writes bench/results/crosslingual-<date>.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectFiles } from '../src/collect/files.js';
import { loadConfig } from '../src/config/load-config.js';
import { Library } from '../src/library/library.js';
import { createMemoryLogger } from '../src/logger.js';
import { fuseRelative } from '../src/research/evidence.js';
import { type ExpandSource, expandQuery } from '../src/research/expand.js';

interface Pair {
  direction: 'zh-en' | 'en-zh' | 'zh-zh';
  query: string;
  task: string;
  title: string;
}

interface Variant {
  name: string;
  /** null: the query as typed. */
  sources: ExpandSource[] | null;
  /** Merge the hits of the query as typed and of the expanded query as research does (fuseRelative). */
  fuse?: boolean;
}

const VARIANTS: Variant[] = [
  { name: 'none', sources: null },
  { name: 'expanded', sources: ['dictionary', 'ai-terms'] },
  { name: 'dictionary only', sources: ['dictionary'] },
  { name: 'AI terms only', sources: ['ai-terms'] },
  { name: 'merged', sources: ['dictionary', 'ai-terms'], fuse: true },
];
const DIRECTIONS = ['zh-en', 'en-zh', 'zh-zh'] as const;
const K = 10;

const pairs = JSON.parse(readFileSync(new URL('./crosslingual/pairs.json', import.meta.url), 'utf8')) as Pair[];

export async function runCrosslingualBench(benchDir: string, machine: unknown): Promise<void> {
  const tasks = [...new Set(pairs.map((p) => p.task))].sort();
  const files = tasks.flatMap((task) => {
    const dir = join(benchDir, 'dr3', task);
    if (!existsSync(dir)) throw new Error(`missing corpus folder ${dir} (set ZHIKU_BENCH_DIR)`);
    return readdirSync(dir)
      .filter((name) => /^long_context_sampled_.*\.json$/.test(name))
      .sort()
      .map((name) => join(dir, name));
  });

  const home = mkdtempSync(join(tmpdir(), 'zhiku-crosslingual-'));
  const config = loadConfig({ flags: { home }, env: {}, cwd: process.cwd() });
  const library = await Library.open(config, { logger: createMemoryLogger() });
  try {
    const ingestStart = performance.now();
    const report = await library.ingest(collectFiles(files, { maxFileBytes: 1e8 }));
    const ingestSeconds = (performance.now() - ingestStart) / 1000;
    const stats = await library.stats();
    console.log(`ingested ${files.length} corpus files from ${tasks.length} tasks: ${report.inserted} documents (${report.duplicate + report.unchanged} repeats) in ${ingestSeconds.toFixed(1)} s`);

    // Every label must name exactly one document, or a hit could not be told from a namesake.
    const titles = new Map<string, number>();
    for (const doc of await library.listDocuments({ limit: 1_000_000 })) titles.set(doc.title, (titles.get(doc.title) ?? 0) + 1);
    for (const pair of pairs) {
      const count = titles.get(pair.title) ?? 0;
      if (count !== 1) throw new Error(`label "${pair.title}" (${pair.query}) names ${count} documents`);
    }

    const loadStart = performance.now();
    expandQuery('模型 model');
    const dictionaryLoadMs = performance.now() - loadStart;

    const control: Pair[] = pairs
      .filter((p) => p.direction === 'en-zh')
      .map((p) => ({ ...p, direction: 'zh-zh', query: p.title.split(/[_|｜\-—：:！？，。（(《]/)[0]!.trim().slice(0, 20) }));

    const perQuery: Record<string, unknown>[] = [];
    for (const pair of [...pairs, ...control]) {
      const row: Record<string, unknown> = { ...pair };
      const asTyped = (await library.search(pair.query, { limit: K })).hits;
      for (const variant of VARIANTS) {
        const expanded = variant.sources ? expandQuery(pair.query, { sources: variant.sources }) : null;
        let hits = expanded ? (await library.search(expanded.query, { limit: K })).hits : asTyped;
        if (variant.fuse) hits = fuseRelative([asTyped, hits]).slice(0, K);
        const at = hits.findIndex((hit) => hit.title === pair.title);
        row[variant.name] = { rank: at < 0 ? null : at + 1, added: expanded?.added ?? [] };
      }
      perQuery.push(row);
    }

    const expansionStart = performance.now();
    for (const pair of pairs) expandQuery(pair.query);
    const expansionMs = (performance.now() - expansionStart) / pairs.length;

    const results = DIRECTIONS.map((direction) => {
      const rows = perQuery.filter((row) => row.direction === direction);
      const scores = Object.fromEntries(
        VARIANTS.map((variant) => {
          const ranks = rows.map((row) => (row[variant.name] as { rank: number | null }).rank);
          const added = rows.map((row) => (row[variant.name] as { added: string[] }).added.length);
          return [
            variant.name,
            {
              recall_at_10: round(ranks.filter((r) => r !== null).length / ranks.length),
              mrr_at_10: round(ranks.reduce<number>((sum, r) => sum + (r === null ? 0 : 1 / r), 0) / ranks.length),
              mean_added_terms: round(added.reduce((a, b) => a + b, 0) / added.length),
            },
          ];
        }),
      );
      return { direction, queries: rows.length, ...scores };
    });

    const table = (title: string, names: string[]) => {
      console.log(`\n${title}\n`);
      console.log(`| direction | queries | ${names.map((n) => `recall@10 ${n}`).join(' | ')} | ${names.map((n) => `MRR@10 ${n}`).join(' | ')} |`);
      console.log(`|---|---:|${names.map(() => '---:').join('|')}|${names.map(() => '---:').join('|')}|`);
      for (const result of results) {
        const score = (n: string) => (result as unknown as Record<string, { recall_at_10: number; mrr_at_10: number }>)[n]!;
        console.log(
          `| ${result.direction} | ${result.queries} | ${names.map((n) => score(n).recall_at_10.toFixed(3)).join(' | ')} | ${names.map((n) => score(n).mrr_at_10.toFixed(3)).join(' | ')} |`,
        );
      }
    };
    table('Without and with expansion (document level, top 10 chunks; zh-zh is the same-language control)', ['none', 'expanded']);
    table('Where the gain comes from, and merging the two result lists instead', VARIANTS.map((v) => v.name));
    console.log(`\ndictionary load ${dictionaryLoadMs.toFixed(0)} ms; expansion ${expansionMs.toFixed(2)} ms per query; ${stats.chunks} chunks indexed`);

    const date = new Date().toISOString().slice(0, 10);
    mkdirSync(join('bench', 'results'), { recursive: true });
    const file = join('bench', 'results', `crosslingual-${date}.json`);
    const corpus = { tasks, files: files.map((f) => f.slice(benchDir.length + 1)), documents: report.inserted, ingest_s: round(ingestSeconds) };
    const timing = { dictionary_load_ms: Math.round(dictionaryLoadMs), expansion_ms_per_query: round(expansionMs) };
    writeFileSync(file, `${JSON.stringify({ date, machine, corpus, timing, results, queries: perQuery }, null, 2)}\n`);
    console.log(`wrote ${file}`);
  } finally {
    await library.close();
    rmSync(home, { recursive: true, force: true });
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

