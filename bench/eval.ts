/**
 * `npm run eval [-- --tasks 001,006 --sizes 32k,128k] [--writer fake]`
 * Offline research on the dr3 tasks at each corpus size (004 has no corpus: once), each report scored
 * by dr3score (`--chunks evidence.json`) and noise.py, printed as one table beside the other systems'
 * reports scored by the same tools in the same run. Writes bench/results/eval-<date>.json.
 * `--writer fake` writes with the model path instead, against a fake OpenAI-compatible server on
 * 127.0.0.1 that quotes its evidence pack back with the right ids (an ideal extractive model), and
 * counts every request's input tokens with the o200k tokenizer: the prompt cost of a task
 * (bench/results/eval-writer-<date>.json).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { Library } from '../src/library/library.js';
import { createMemoryLogger } from '../src/logger.js';
import { research } from '../src/research/research.js';
import { type CorpusSize, loadTask } from '../src/research/task.js';
import { taskReportFor } from '../src/research/task-report.js';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { chat, UsageMeter } from '../src/model/chat.js';
import { modelClient } from '../src/model/client.js';
import { chunkSentences } from '../src/research/compose.js';
import type { ModelWriter } from '../src/research/research.js';
import { type FakeOpenAi, type FakeRequest, startFakeOpenAi } from '../test/fake-openai.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const benchDir = resolve(process.env.ZHIKU_BENCH_DIR ?? '../shared/bench');
const tools = resolve(benchDir, '..', 'tools', 'dr3score');
const tasks = arg('tasks', '001,002,004,005,006,008,010').split(',');
const sizes = arg('sizes', '32k,64k,128k').split(',') as CorpusSize[];
const writerMode = arg('writer', 'none');
const WRITER_MODEL = 'gpt-4o-mini';

interface Row {
  task: string;
  size: string;
  sections: string;
  length: number;
  range: string;
  in_range: boolean | null;
  miss: string | null;
  format_ok: boolean | null;
  markers: number;
  resolvable: number | null;
  support_mean: number | null;
  support_ge_half: number | null;
  cited_paragraphs: number | null;
  noise: number | null;
  recall: number | null;
  self_check_equal: boolean;
  ingest_s: number;
  research_s: number;
  /** With --writer: calls made, input tokens counted on the requests, and verification counts. */
  calls?: number;
  input_tokens?: number;
  output_tokens?: number;
  verify?: { kept: number; recited: number; removed: number };
}

const messageText = (request: FakeRequest) => (request.body.messages as { content: string }[]).map((m) => m.content).join('\n');
const inputTokens = (request: FakeRequest) => countTokens(messageText(request)) + 4 * (request.body.messages as unknown[]).length;

/** An ideal extractive writer: two sentences of every pack chunk, each cited with its own id. */
function quotePack(request: FakeRequest): string {
  const user = (request.body.messages as { role: string; content: string }[]).find((m) => m.role === 'user')?.content ?? '';
  return [...user.matchAll(/\[(E\d+)\] 《[^\n]*》\n([\s\S]*?)(?=\n\n\[E\d+\] 《|$)/g)]
    .map((m) => chunkSentences(m[2]!.replace(/…$/, '')).slice(0, 2).map((sentence) => `${sentence}[${m[1]}]`).join(''))
    .filter(Boolean)
    .join('\n\n');
}

interface ScoreJson {
  sections: { found: number; required: number } | null;
  length: { count: number; lo?: number; hi?: number | null; in_range?: boolean };
  format: { ok: boolean | null };
  citations: { markers: number; resolvable_rate: number | null; cited_paragraph_rate: number | null; resolved: number; checkable: number };
  support: { mean: number | null; 'share_ge_0.5': number | null };
}

function score(taskDir: string, report: string, size: string | null, evidence: string): ScoreJson {
  const out = execFileSync('python3', [join(tools, 'score.py'), '--task', taskDir, '--report', report, '--corpus', size ?? 'auto', '--chunks', evidence, '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as ScoreJson;
}

function noise(taskDir: string, report: string, size: string | null): { noise: number | null; recall: number | null } {
  if (!size || !existsSync(join(taskDir, 'relevance.json'))) return { noise: null, recall: null };
  const out = execFileSync('python3', [join(tools, 'noise.py'), '--labels', join(taskDir, 'relevance.json'), '--report', report, '--corpus', size], { encoding: 'utf8' });
  const rate = (label: string) => {
    const match = new RegExp(`${label}\\s*:\\s*(\\d+)%`).exec(out);
    return match ? Number(match[1]) / 100 : null;
  };
  return { noise: rate('noise rate'), recall: rate('relevant recall') };
}

async function runOne(task: string, size: CorpusSize | null, outRoot: string, server: FakeOpenAi | null): Promise<Row> {
  const taskDir = join(benchDir, 'dr3', task);
  const home = mkdtempSync(join(tmpdir(), `zhiku-eval-${task}-`));
  const config = loadConfig({ flags: { home }, env: {}, cwd: process.cwd() });
  const library = await Library.open(config, { logger: createMemoryLogger() });
  const researchTask = loadTask(taskDir, size ? { corpusSize: size } : {});
  const firstRequest = server?.requests.length ?? 0;
  let writer: ModelWriter | undefined;
  const meter = new UsageMeter();
  if (server) {
    const client = modelClient({ baseUrl: server.baseUrl });
    writer = { model: WRITER_MODEL, chat: (messages) => chat({ client, model: WRITER_MODEL, meter }, messages) };
  }
  const result = await research({ library, task: researchTask, writer, maxFileBytes: config.ingest.maxFileBytes, threads: 1 });
  const requests = server ? server.requests.slice(firstRequest) : [];
  await library.close();
  const out = join(outRoot, task, size ?? 'none');
  mkdirSync(out, { recursive: true });
  const reportFile = join(out, result.check.format.html ? 'report.html' : 'report.md');
  writeFileSync(reportFile, result.report);
  writeFileSync(join(out, 'evidence.json'), JSON.stringify(result.evidence, null, 2));
  for (const figure of result.figures) writeFileSync(join(out, figure.file), figure.svg);
  writeFileSync(join(out, 'task-report.md'), taskReportFor({ id: task, query: researchTask.query }, result));
  const scored = score(taskDir, reportFile, size, join(out, 'evidence.json'));
  const { check } = result;
  // The self-check must report what the scorer measures.
  const equal =
    scored.length.count === check.length.count &&
    (scored.sections === null || scored.sections.found === check.sections.found) &&
    scored.citations.resolved === check.citations.resolvable &&
    scored.citations.checkable === check.citations.total;
  return {
    task,
    size: size ?? '—',
    sections: scored.sections ? `${scored.sections.found}/${scored.sections.required}` : 'n/p',
    length: scored.length.count,
    range: scored.length.lo !== undefined ? `${scored.length.lo}–${scored.length.hi ?? ''}` : '—',
    in_range: scored.length.in_range ?? null,
    miss: check.length.miss,
    format_ok: scored.format.ok,
    markers: scored.citations.markers,
    resolvable: scored.citations.resolvable_rate,
    support_mean: scored.support.mean,
    support_ge_half: scored.support['share_ge_0.5'],
    cited_paragraphs: scored.citations.cited_paragraph_rate,
    ...noise(taskDir, reportFile, size),
    self_check_equal: equal,
    ingest_s: Math.round(result.ingestSeconds * 10) / 10,
    research_s: Math.round(result.seconds * 100) / 100,
    ...(server
      ? {
          calls: requests.length,
          input_tokens: requests.reduce((sum, request) => sum + inputTokens(request), 0),
          output_tokens: meter.total().output,
          verify: { kept: result.model?.counts.kept ?? 0, recited: result.model?.counts.recited ?? 0, removed: result.model?.counts.removed ?? 0 },
        }
      : {}),
  };
}

const pct = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);
const yes = (value: boolean | null) => (value === null ? '—' : value ? 'Y' : 'N');

async function main(): Promise<void> {
  const date = new Date().toISOString().slice(0, 10);
  const outRoot = join(tmpdir(), `zhiku-eval-${date}-${process.pid}`);
  const rows: Row[] = [];
  // The fake server reports usage as a real one would: the prompt's tokens, the reply's tokens.
  const server = writerMode === 'fake' ? await startFakeOpenAi((request) => {
    const content = quotePack(request);
    return { content, promptTokens: inputTokens(request), completionTokens: countTokens(content) };
  }) : null;
  for (const task of tasks) {
    const hasCorpus = sizes.some((size) => existsSync(join(benchDir, 'dr3', task, `long_context_sampled_${size}.json`)));
    for (const size of hasCorpus ? sizes : [null]) {
      process.stderr.write(`eval: ${task} ${size ?? '(no corpus)'}…\n`);
      rows.push(await runOne(task, size, outRoot, server));
    }
  }
  await server?.close();
  console.log('\n| task | corpus | sections | length | range | in | fmt | cites | resolvable | support | ≥0.5 | cited para | noise | recall | self-check = scorer | materials s | report s |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.task} | ${r.size} | ${r.sections} | ${r.length} | ${r.range} | ${yes(r.in_range)}${r.miss ? ` (${r.miss})` : ''} | ${yes(r.format_ok)} | ${r.markers} | ${pct(r.resolvable)} | ${r.support_mean ?? '—'} | ${pct(r.support_ge_half)} | ${pct(r.cited_paragraphs)} | ${pct(r.noise)} | ${pct(r.recall)} | ${r.self_check_equal ? 'yes' : 'NO'} | ${r.ingest_s} | ${r.research_s} |`,
    );
  }
  const mean = (values: (number | null)[]) => {
    const defined = values.filter((v): v is number => v !== null);
    return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
  };
  const summary = (label: string, subset: Row[]) =>
    `| zhiku | ${label} | ${subset.length} | ${mean(subset.map((r) => (r.sections === 'n/p' ? null : Number(r.sections.split('/')[0]) / Number(r.sections.split('/')[1]))))?.toFixed(2)} | ${pct(mean(subset.map((r) => (r.in_range === null ? null : Number(r.in_range)))))} | ${pct(mean(subset.map((r) => r.resolvable)))} | ${pct(mean(subset.map((r) => r.cited_paragraphs)))} | ${mean(subset.map((r) => r.support_mean))?.toFixed(2) ?? '—'} | ${pct(mean(subset.map((r) => r.noise)))} | ${pct(mean(subset.map((r) => r.recall)))} |`;
  console.log('\nZhiku beside the other systems (their reports in bench/dr3 scored by the same tools now):\n');
  console.log('| system | corpus | reports | sections | len in-range | resolvable | cited para | support mean | noise | recall |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const size of sizes) console.log(summary(size, rows.filter((r) => r.size === size)));
  for (const line of peers()) console.log(line);
  if (server) {
    console.log(`\nModel-backed writing (fake endpoint quoting its packs; input tokens counted with the o200k tokenizer on the recorded requests):\n`);
    console.log('| task | corpus | calls | input tokens | output tokens | ≤ 60,000 | kept | re-cited | removed |');
    console.log('|---|---|---:|---:|---:|---|---:|---:|---:|');
    for (const r of rows) console.log(`| ${r.task} | ${r.size} | ${r.calls} | ${r.input_tokens?.toLocaleString('en-US')} | ${r.output_tokens?.toLocaleString('en-US')} | ${(r.input_tokens ?? 0) <= 60_000 ? 'Y' : 'N'} | ${r.verify?.kept} | ${r.verify?.recited} | ${r.verify?.removed} |`);
  }
  mkdirSync(join('bench', 'results'), { recursive: true });
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version };
  writeFileSync(join('bench', 'results', `eval${server ? '-writer' : ''}-${date}.json`), `${JSON.stringify({ date, machine, writer: server ? `fake endpoint, ${WRITER_MODEL} prices` : 'offline', reports: outRoot, rows }, null, 2)}\n`);
  console.log(`\nreports: ${outRoot}`);
}

/** The other systems' primary reports per system × corpus, scored by dr3score and noise.py in this run. */
function peers(): string[] {
  const json = join(tmpdir(), `zhiku-peers-${process.pid}.json`);
  execFileSync('python3', [join(tools, 'score.py'), '--batch', join(benchDir, 'dr3'), '--out', join(tmpdir(), `zhiku-peers-${process.pid}.md`), '--json-out', json], { stdio: 'ignore' });
  const rows = JSON.parse(readFileSync(json, 'utf8')) as (ScoreJson & { system: string; corpus_cell: string; primary: boolean; task: string })[];
  const noiseTable = execFileSync('python3', [join(tools, 'noise.py'), '--batch', join(benchDir, 'dr3'), '--labels-dir', join(benchDir, 'dr3')], { encoding: 'utf8' });
  const noiseOf = new Map<string, string[]>();
  for (const line of noiseTable.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length > 10 && /^\d+k$/.test(cells[2]!)) noiseOf.set(`${cells[1]}/${cells[2]}`, [cells[8]!, cells[10]!]);
  }
  const groups = new Map<string, typeof rows>();
  for (const row of rows) {
    if (!row.primary || !/^\d+k$/.test(row.corpus_cell)) continue;
    const key = `${row.system}/${row.corpus_cell}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const avg = (values: (number | null | undefined)[]) => {
    const defined = values.filter((v): v is number => typeof v === 'number');
    return defined.length ? defined.reduce((a, b) => a + b, 0) / defined.length : null;
  };
  return [...groups.entries()].sort().map(([key, list]) => {
    const [system, corpus] = key.split('/');
    const [meanNoise, recall] = noiseOf.get(key) ?? ['—', '—'];
    return `| ${system} | ${corpus} | ${list.length} | ${avg(list.map((r) => (r.sections ? r.sections.found / r.sections.required : null)))?.toFixed(2) ?? '—'} | ${pct(avg(list.map((r) => (r.length.in_range === undefined ? null : Number(r.length.in_range)))))} | ${pct(avg(list.map((r) => r.citations.resolvable_rate)))} | ${pct(avg(list.map((r) => r.citations.cited_paragraph_rate)))} | ${avg(list.map((r) => r.support.mean))?.toFixed(2) ?? '—'} | ${meanNoise} | ${recall} |`;
  });
}

await main();
