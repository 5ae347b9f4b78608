/**
 * @module research/task-report
 * The Task Report: the query, the final report, and the self-check as measured — length against the
 * range, sections found, citations resolvable and supported, format — then tokens and cost. An
 * offline run states that no model was called rather than leaving the sections out.
 */
import type { SelfCheck } from './selfcheck.js';

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
    '## Token Usage',
    '',
    'Offline run: no model was called (0 input tokens, 0 output tokens).',
    '',
    '## Cost',
    '',
    '0.00 USD: offline, no model endpoint was used.',
    '',
  ].join('\n');
}
