/**
 * @module research/selfcheck
 * What a report actually is, measured on the written text with the definitions the dr3 scorer uses:
 * length, the required sections found among its headings, citations (resolvable to the evidence the
 * report used; supported when the sentence before a marker shares at least half its character bigrams
 * with the cited chunk), cited paragraphs, and the format asked for. Nothing here is self-reported.
 */
import { findCitationMarkers, isHtml, reportLines, stripCitationMarkers, measureLength } from './length.js';
import type { Requirements } from './requirements.js';

export interface EvidenceRecord {
  /** As cited: the document title for background documents, the file name for attachments. */
  title: string;
  chunk: number;
  text: string;
  support: number;
}

export interface SelfCheck {
  length: { count: number; min: number | null; max: number | null; inRange: boolean | null; miss: string | null };
  sections: { found: number; required: number; missing: string[] };
  citations: { total: number; resolvable: number; supported: number; supportMean: number | null; paragraphs: number; citedParagraphs: number };
  format: { html: boolean; htmlRequired: boolean; noBulletsRequired: boolean; bulletLines: number; ok: boolean };
}

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}]/u;
const BULLET = /^\s*(?:[-*+•·▪●○◆■]\s+|[—–]{1,2}\s+|\d{1,2}[.、)）]\s*\S|[①-⑳]|[（(]\d{1,2}[）)])/;

/** Adjacent pairs of the lower-cased CJK and [a-z0-9] characters: the scorer's unit of overlap. */
export function bigrams(text: string): Set<string> {
  const chars = [...text.normalize('NFKC').toLowerCase()].filter((ch) => (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || CJK.test(ch));
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** Share of the sentence's bigrams found in the source text. */
export function support(sentence: string, source: string): number | null {
  const mine = bigrams(sentence);
  if (mine.size < 4) return null;
  const theirs = bigrams(source);
  let shared = 0;
  for (const pair of mine) if (theirs.has(pair)) shared++;
  return shared / mine.size;
}

/** The sentence a marker closes: the line before it, back to the previous sentence end. */
export function sentenceBefore(line: string, start: number): string {
  let before = stripCitationMarkers(line.slice(0, start)).replace(/\|/g, ' ');
  before = before.replace(/\*\*|__|`|^#+\s*/g, '').replace(/[ \t　。．.！!？?；;，,：:）)】」”"']+$/u, '');
  const parts = before.split(/[。！？!?；;]|\.\s/);
  return (parts[parts.length - 1] ?? '').replace(/^\s*(?:[-*+•·]\s+|\d{1,2}[.、)）]\s*)/, '').trim();
}

const MEDIA_FILE = /\.(?:jpe?g|png|gif|bmp|webp|mp4|mov|avi|mkv|mp3|wav)$/i;

const titleKey = (title: string) => title.normalize('NFKC').toLowerCase().replace(/[\s"'“”‘’「」『』《》`*]/g, '');

/** The evidence title a cited title names: equal, or one a prefix of the other (4+ characters), as the scorer matches. */
function citedTitle(cited: string, titles: readonly string[]): string | undefined {
  const key = titleKey(cited).replace(/(?:\.\.\.|…)+$/, '');
  return titles.find((title) => title === key) ?? titles.find((title) => (key.length >= 4 && title.startsWith(key)) || (title.length >= 4 && key.startsWith(title)));
}

export function selfCheck(report: string, requirements: Requirements, evidence: readonly EvidenceRecord[]): SelfCheck {
  const lines = reportLines(report);
  const count = measureLength(report);
  const length = requirements.length;
  const inRange = length ? count >= length.min && (length.max === null || count <= length.max) : null;
  const headings = lines.filter((line) => line.head && !line.skip).map((line) => line.head!.text);
  // "（1）报告标题" is met by a title line among the first three.
  const titled = lines.filter((line) => line.text.trim() && !line.skip).slice(0, 3).some((line) => line.head !== null || line.text.includes('《'));
  const missing = requirements.sections
    .filter((section) => (section.isTitle ? !titled : !headings.some((heading) => heading.includes(section.name))))
    .map((section) => section.name);
  const byChunk = new Map(evidence.map((record) => [`${titleKey(record.title)}#${record.chunk}`, record]));
  // A file citation is checked against everything the report took from that file, as the scorer checks it against the whole file.
  const byFile = new Map<string, EvidenceRecord>();
  for (const record of evidence) {
    const key = titleKey(record.title);
    const seen = byFile.get(key);
    byFile.set(key, seen ? { ...seen, text: `${seen.text}\n${record.text}` } : record);
  }
  const titles = [...new Set(evidence.map((record) => titleKey(record.title)))];
  let total = 0;
  let resolvable = 0;
  const supports: number[] = [];
  let paragraphs = 0;
  let citedParagraphs = 0;
  for (const line of lines) {
    if (line.skip || line.ref) continue;
    const markers = findCitationMarkers(line.text);
    if (!line.head && !line.tableHead && stripCitationMarkers(line.text).replace(/\s|\*\*|__|`|\|/g, '').length >= 30) {
      paragraphs++;
      if (markers.length) citedParagraphs++;
    }
    for (const marker of markers) {
      total++;
      let source: EvidenceRecord | undefined;
      if (marker.type === 'lc' && marker.chunks?.length) {
        const title = citedTitle(marker.title, titles);
        source = title && marker.chunks.every((c) => byChunk.has(`${title}#${c}`)) ? byChunk.get(`${title}#${marker.chunks[0]}`) : undefined;
      }
      else if (marker.type === 'file') source = byFile.get(titleKey(marker.name));
      if (!source) continue;
      resolvable++;
      // Images and videos have no text to hold a sentence against.
      if (marker.type === 'file' && (marker.kind === 'media' || MEDIA_FILE.test(marker.name))) continue;
      const value = support(sentenceBefore(line.text, marker.start), source.text);
      if (value !== null) supports.push(value);
    }
  }
  const html = isHtml(report);
  const bulletLines = lines.filter((line) => !line.skip && !line.ref && !line.head && BULLET.test(line.text)).length;
  const htmlRequired = requirements.format === 'html';
  const noBulletsRequired = requirements.style.noBullets;
  return {
    length: {
      count,
      min: length?.min ?? null,
      max: length?.max ?? null,
      inRange,
      miss: inRange === false ? (length && count < length.min ? 'insufficient evidence above the relevance floor' : 'over the range') : null,
    },
    sections: { found: requirements.sections.length - missing.length, required: requirements.sections.length, missing },
    citations: {
      total,
      resolvable,
      supported: supports.filter((value) => value >= 0.5).length,
      supportMean: supports.length ? Math.round((supports.reduce((a, b) => a + b, 0) / supports.length) * 1000) / 1000 : null,
      paragraphs,
      citedParagraphs,
    },
    format: { html, htmlRequired, noBulletsRequired, bulletLines, ok: (!htmlRequired || html) && (!noBulletsRequired || bulletLines === 0) },
  };
}
