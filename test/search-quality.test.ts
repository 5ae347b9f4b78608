/**
 * Search quality on the real dr3 corpora: phrases sampled from chunks must find their own document
 * first, also when typed in Traditional characters or full-width forms.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectFiles } from '../src/collect/files.js';
import { Library } from '../src/library/library.js';
import { openSqliteStore } from '../src/library/store/sqlite/index.js';
import { SILENT_LOGGER } from '../src/logger.js';
import { normalizeText, toTraditional } from '../src/text/normalize.js';
import { getSegmenter } from '../src/text/segment.js';
import { benchDir, seededRandom, tempDir } from './helpers.js';

interface Probe {
  phrase: string;
  documentId: string;
}

let library: Library;
const probes: Probe[] = [];

function toFullWidth(text: string): string {
  return text.replace(/[!-~]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');
}

async function precisionAt1(phrases: Probe[], transform: (s: string) => string): Promise<{ p1: number; misses: string[] }> {
  let correct = 0;
  const misses: string[] = [];
  for (const probe of phrases) {
    const { hits } = await library.search(transform(probe.phrase), { limit: 1 });
    if (hits[0]?.documentId === probe.documentId) correct++;
    else misses.push(probe.phrase);
  }
  return { p1: correct / phrases.length, misses };
}

beforeAll(async () => {
  const dr3 = join(benchDir(), 'dr3');
  const corpora = readdirSync(dr3)
    .flatMap((task) => readdirSync(join(dr3, task)).filter((f) => f.startsWith('long_context_sampled_')).map((f) => join(dr3, task, f)))
    .sort();
  expect(corpora.length).toBeGreaterThan(10);
  const store = await openSqliteStore({ path: join(tempDir(), 'quality.db') }, { logger: SILENT_LOGGER });
  library = new Library(store, getSegmenter());
  const report = await library.ingest(collectFiles(corpora, { maxFileBytes: 50 * 1024 * 1024 }), { collections: ['dr3'] });
  expect(report.failed).toBe(0);
  expect(report.inserted).toBeGreaterThan(300);

  // Sample 50 phrases (seeded): half containing Latin letters or digits so the full-width run means something.
  const documents = await library.listDocuments({ limit: 10_000 });
  const bodies = new Map<string, string>();
  for (const doc of documents) bodies.set(doc.id, normalizeText((await library.getDocument(doc.id))!.body));
  const random = seededRandom(20251123);
  const wantLatin = 25;
  let latin = 0;
  for (let attempt = 0; probes.length < 50 && attempt < 20_000; attempt++) {
    const doc = documents[Math.floor(random() * documents.length)]!;
    const chunks = await library.getChunks(doc.id);
    const chunk = chunks[Math.floor(random() * chunks.length)];
    if (!chunk) continue;
    const sentences = chunk.text.split(/(?<=[。！？；!?])/).map((s) => s.trim()).filter((s) => s.length >= 16);
    const sentence = sentences[Math.floor(random() * sentences.length)];
    if (!sentence) continue;
    const phrase = sentence.slice(0, 12 + Math.floor(random() * 14));
    const hasLatin = /[A-Za-z0-9]/.test(phrase);
    if (hasLatin ? latin >= wantLatin : probes.length - latin >= 50 - wantLatin) continue;
    // Only phrases that identify one document: boilerplate shared by several pages has no single answer.
    const needle = normalizeText(phrase);
    let holders = 0;
    for (const body of bodies.values()) if (body.includes(needle)) holders++;
    if (holders !== 1 || probes.some((p) => p.phrase === phrase)) continue;
    probes.push({ phrase, documentId: doc.id });
    if (hasLatin) latin++;
  }
  expect(probes).toHaveLength(50);
}, 300_000);

afterAll(async () => {
  await library?.close();
});

describe('search quality on dr3 corpora', () => {
  it('finds the document of a sampled phrase first (P@1 ≥ 0.9)', async () => {
    const { p1, misses } = await precisionAt1(probes, (s) => s);
    console.info(`P@1 simplified ${p1.toFixed(2)}`, misses);
    expect(p1, `misses: ${misses.join(' | ')}`).toBeGreaterThanOrEqual(0.9);
  });

  it('finds it from the Traditional-character form (P@1 ≥ 0.9)', async () => {
    const traditional = probes.map((p) => toTraditional(p.phrase));
    expect(traditional.filter((t, i) => t !== probes[i]!.phrase).length).toBeGreaterThan(25);
    const { p1, misses } = await precisionAt1(probes, toTraditional);
    console.info(`P@1 traditional ${p1.toFixed(2)}`);
    expect(p1, `misses: ${misses.join(' | ')}`).toBeGreaterThanOrEqual(0.9);
  });

  it('finds it from the full-width form (P@1 ≥ 0.9)', async () => {
    const { p1, misses } = await precisionAt1(probes, toFullWidth);
    console.info(`P@1 full-width ${p1.toFixed(2)}`);
    expect(p1, `misses: ${misses.join(' | ')}`).toBeGreaterThanOrEqual(0.9);
  });

  it('returns snippets that are substrings of the chunk with highlights on query terms', async () => {
    for (const probe of probes.slice(0, 10)) {
      const { hits, terms } = await library.search(toTraditional(probe.phrase), { limit: 3 });
      for (const hit of hits) {
        expect(hit.text.includes(hit.snippet.text)).toBe(true);
        const doc = await library.getDocument(hit.documentId);
        expect(doc!.body.slice(hit.snippet.start, hit.snippet.end)).toBe(hit.snippet.text);
        for (const [s, e] of hit.snippet.highlights) {
          const highlighted = normalizeText(hit.snippet.text.slice(s, e));
          expect(terms.some((term) => highlighted.includes(term))).toBe(true);
        }
      }
      expect(hits[0]!.snippet.highlights.length).toBeGreaterThan(0);
    }
  });
});
