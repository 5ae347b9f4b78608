/**
 * @module research/task-report
 * The Task Report: the query, the final report, and the self-check as measured — length against the
 * range, sections found, citations resolvable and supported, format — then tokens and cost. An
 * offline run states that no model was called rather than leaving the sections out.
 */
import type { Usage } from '../model/chat.js';
import type { ResearchResult } from './research.js';
import type { SelfCheck } from './selfcheck.js';
import type { VerifyCounts } from './writer.js';

export interface TaskReportInput {
  id: string;
  query: string;
  report: string;
  check: SelfCheck;
  generatedAt: Date;
  ingestSeconds: number;
  seconds: number;
  unreadable: { item: string; reason: string }[];
  materials?: { item: string; chunks: number; cited: boolean; yielded?: string }[];
  /** Model-backed runs: usage per model as the server reported it, with its priced cost. */
  usage?: { model: string; usage: Usage; cost: string }[];
  /** The total cost line (both currencies), or why it is unpriced. */
  totalCost?: string;
  verification?: VerifyCounts & { repaired: string | null };
  /** Why writing stopped before the end (a budget), if it did. */
  stopped?: string | null;
  /** Sections the model's content filter withheld, written offline instead. */
  filtered?: string[];
}

/** The Task Report of a finished run, with the priced usage rows of a model-backed one. */
export function taskReportFor(task: { id: string; query: string }, result: ResearchResult, usage?: { rows: TaskReportInput['usage']; total: string }, generatedAt = new Date()): string {
  return renderTaskReport({
    id: task.id,
    query: task.query,
    report: result.report,
    check: result.check,
    generatedAt,
    ingestSeconds: result.ingestSeconds,
    seconds: result.seconds,
    unreadable: result.unreadable,
    materials: result.materials,
    ...(usage ? { usage: usage.rows, totalCost: usage.total } : {}),
    ...(result.model ? { verification: { ...result.model.counts, repaired: result.model.repaired }, stopped: result.model.stopped, filtered: result.model.filtered } : {}),
  });
}

const mark = (ok: boolean | null) => (ok === null ? '—' : ok ? '✓' : '✗');
const pct = (part: number, whole: number) => (whole ? `${Math.round((part / whole) * 100)} %` : '—');

export function renderTaskReport(input: TaskReportInput): string {
  const { check } = input;
  const { length, sections, citations, format } = check;
  const range = length.min === null ? 'none stated' : length.max === null ? `≥ ${length.min}` : `${length.min}–${length.max}`;
  const rows = [
    `| length | ${length.count} | ${range} | ${mark(length.inRange)}${length.miss ? ` MISS: ${length.miss}` : ''} |`,
    `| sections | ${sections.found}/${sections.required} | all, in order | ${mark(sections.required ? sections.found === sections.required : null)}${sections.missing.length ? ` missing: ${sections.missing.join('、')}` : ''} |`,
    `| citations resolvable | ${citations.resolvable}/${citations.total} | 100 % | ${mark(citations.total ? citations.resolvable === citations.total : null)} |`,
    `| citations supported (≥ 0.5 bigram overlap) | ${citations.supported}/${citations.resolvable}, mean ${citations.supportMean ?? '—'} | — | ${pct(citations.supported, citations.resolvable)} |`,
    `| cited paragraphs | ${citations.citedParagraphs}/${citations.paragraphs} | — | ${pct(citations.citedParagraphs, citations.paragraphs)} |`,
    `| format | ${format.html ? 'HTML' : 'markdown'}${format.noBulletsRequired ? `, ${format.bulletLines} bullet lines` : ''} | ${format.htmlRequired ? 'HTML' : 'markdown'}${format.noBulletsRequired ? ', no bullets' : ''} | ${mark(format.ok)} |`,
  ];
  const stamp = input.generatedAt.toISOString().replace('T', ' ').slice(0, 19);
  return [
    `# Task Report: ${input.id}`,
    '',
    `Generated at: ${stamp} UTC (materials read in ${input.ingestSeconds.toFixed(1)} s, report written in ${input.seconds.toFixed(2)} s)`,
    '',
    '## Query',
    '',
    input.query,
    '',
    '## Final Report',
    '',
    input.report.trim(),
    '',
    '## Self-check',
    '',
    'Measured on the report above, with the definitions of the dr3 scorer.',
    '',
    '| check | measured | required | result |',
    '|---|---|---|---|',
    ...rows,
    '',
    '### Evidence available',
    '',
    ...(input.materials?.length ? input.materials.map((m) => `- ${m.item}: ${m.chunks} chunks, ${m.cited ? 'cited' : 'not cited'}${m.yielded ? ` (${m.yielded})` : ''}`) : ['- no materials: the task has no attachments or corpus, so only the library was searched']),
    ...input.unreadable.map((u) => `- ${u.item}: unreadable (${u.reason})`),
    '',
    ...verificationLines(input),
    '## Token Usage',
    '',
    ...usageLines(input),
    '',
    '## Cost',
    '',
    input.usage ? (input.totalCost ?? 'unpriced') : '0.00 USD: offline, no model endpoint was used.',
    '',
  ].join('\n');
}

function verificationLines(input: TaskReportInput): string[] {
  const lines: string[] = [];
  if (input.stopped) lines.push('### Stopped early', '', `${input.stopped}. The report above is partial: sections after the stop are empty.`, '');
  if (input.filtered?.length) {
    lines.push('### Withheld by the content filter', '', `The model's content filter withheld its reply for ${input.filtered.map((name) => `“${name}”`).join('、')}; ${input.filtered.length === 1 ? 'that section was' : 'those sections were'} written offline from the same evidence (verbatim, cited sentences).`, '');
  }
  const v = input.verification;
  if (v) {
    lines.push(
      '### Citation verification',
      '',
      `Every sentence the model wrote was checked against the chunk it cites (bigram overlap ≥ 0.5 and every number in the chunk): ${v.kept} kept, ${v.recited} re-cited to a supporting chunk of the pack, ${v.removed} removed as unsupported; ${v.unknownIds} citation ids were not in the pack.${v.repaired ? ` One repair round rewrote the short section “${v.repaired}”.` : ''}`,
      '',
    );
  }
  return lines;
}

function usageLines(input: TaskReportInput): string[] {
  if (!input.usage) return ['Offline run: no model was called (0 input tokens, 0 output tokens).'];
  const rows = input.usage.map(({ model, usage, cost }) => `| ${model} | ${usage.requests} | ${usage.input.toLocaleString('en-US')} | ${usage.cached.toLocaleString('en-US')} | ${usage.output.toLocaleString('en-US')} | ${cost} |`);
  const total = input.usage.reduce((sum, { usage }) => ({ requests: sum.requests + usage.requests, input: sum.input + usage.input, output: sum.output + usage.output }), { requests: 0, input: 0, output: 0 });
  return [
    'Summed from the usage the endpoint reported on every call (writing and repair).',
    '',
    '| model | calls | input tokens | cached | output tokens | cost |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    `| total | ${total.requests} | ${total.input.toLocaleString('en-US')} | | ${total.output.toLocaleString('en-US')} | |`,
  ];
}
