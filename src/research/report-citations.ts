/**
 * @module research/report-citations
 * Every citation marker of a written report resolved against its evidence.json, with the measured
 * support of the sentence before it: what a reader's view links each marker to, and which markers
 * it flags. Resolution and support use the self-check's rules (title match, chunk, bigram share).
 */
import { analyseLines, findCitationMarkers, htmlToLines, isHtml } from './length.js';
import { type EvidenceRecord, sentenceBefore, support } from './selfcheck.js';

/** The self-check's bar: at least half of the sentence's character bigrams are in the cited text. */
export const SUPPORT_THRESHOLD = 0.5;

export type CitationStatus = 'supported' | 'unsupported' | 'unresolved' | 'media';

export interface ReportCitation {
  /** 0-based position among the report's citations. */
  index: number;
  /** Line of `lines` the marker is on, and its offsets there. */
  line: number;
  start: number;
  end: number;
  raw: string;
  /** The sentence the marker closes. */
  sentence: string;
  /** Index into the evidence records of the chunk it cites, or null when it resolves to none. */
  evidence: number | null;
  /** Share of the sentence's bigrams found in the cited text; null when unresolved or too short to measure. */
  support: number | null;
  status: CitationStatus;
}

export interface ResolvedReport {
  /** The report as lines (HTML reports as markdown-like lines). */
  lines: string[];
  /** Lines of a reference list or code, whose bracketed text is not a citation. */
  uncitedLines: Set<number>;
  citations: ReportCitation[];
}

const MEDIA_FILE = /\.(?:jpe?g|png|gif|bmp|webp|mp4|mov|avi|mkv|mp3|wav)$/i;
const titleKey = (title: string) => title.normalize('NFKC').toLowerCase().replace(/[\s"'“”‘’「」『』《》`*]/g, '');

/**
 * @example resolveReportCitations(report, evidence).citations.filter((c) => c.status !== 'supported')
 */
export function resolveReportCitations(report: string, evidence: readonly EvidenceRecord[]): ResolvedReport {
  const text = isHtml(report) ? htmlToLines(report) : report;
  const lines = text.split('\n');
  // analyseLines splits the same way, one entry per line.
  const uncitedLines = new Set<number>();
  analyseLines(text).forEach((line, i) => {
    if (line.ref || (line.skip && !line.text.trim().startsWith('|'))) uncitedLines.add(i);
  });
  const keys = evidence.map((record) => titleKey(record.title));
  const titles = [...new Set(keys)];
  const citations: ReportCitation[] = [];
  lines.forEach((line, lineIndex) => {
    if (uncitedLines.has(lineIndex)) return;
    for (const marker of findCitationMarkers(line)) {
      if (marker.type !== 'lc' && marker.type !== 'file') continue;
      const sentence = sentenceBefore(line, marker.start);
      const base = { index: citations.length, line: lineIndex, start: marker.start, end: marker.end, raw: marker.raw, sentence };
      let candidates: number[] = [];
      if (marker.type === 'lc') {
        const title = marker.chunks?.length ? citedTitle(marker.title, titles) : undefined;
        const found = title ? marker.chunks!.map((chunk) => keys.findIndex((key, i) => key === title && evidence[i]!.chunk === chunk)) : [];
        if (found.length && found.every((i) => i >= 0)) candidates = found;
      } else {
        const key = titleKey(marker.name);
        candidates = keys.flatMap((k, i) => (k === key ? [i] : []));
      }
      if (!candidates.length) {
        citations.push({ ...base, evidence: null, support: null, status: 'unresolved' });
        continue;
      }
      if (marker.type === 'file' && (marker.kind === 'media' || MEDIA_FILE.test(marker.name))) {
        citations.push({ ...base, evidence: candidates[0]!, support: null, status: 'media' });
        continue;
      }
      // The whole cited text decides support (as the self-check does); the chunk shown is the one that supports best.
      const value = support(sentence, candidates.map((i) => evidence[i]!.text).join('\n'));
      const best = candidates.length === 1 ? candidates[0]! : candidates.reduce((a, b) => ((support(sentence, evidence[b]!.text) ?? 0) > (support(sentence, evidence[a]!.text) ?? 0) ? b : a));
      citations.push({ ...base, evidence: best, support: value === null ? null : Math.round(value * 1000) / 1000, status: value === null || value >= SUPPORT_THRESHOLD ? 'supported' : 'unsupported' });
    }
  });
  return { lines, uncitedLines, citations };
}

// ---------------------------------------------------------------------------

/** The evidence title a cited title names: equal, or one a prefix of the other (4+ characters). */
function citedTitle(cited: string, titles: readonly string[]): string | undefined {
  const key = titleKey(cited).replace(/(?:\.\.\.|…)+$/, '');
  return titles.find((title) => title === key) ?? titles.find((title) => (key.length >= 4 && title.startsWith(key)) || (title.length >= 4 && key.startsWith(title)));
}
