/**
 * Benchmark corpus: the dr3 corpora deduplicated, then replicated with perturbations (sentences
 * shuffled and dropped, distinct ids) up to a target chunk count. Deterministic for a given seed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { chunkText } from '../../src/library/chunk/chunker.js';
import { contentHash } from '../../src/library/document-id.js';
import { seededRandom } from '../../test/seeded-random.js';

export interface BaseDocument {
  family: number;
  title: string;
  body: string;
  chunks: number;
}

export interface BenchDocument {
  id: string;
  family: number;
  title: string;
  body: string;
}

export function loadBaseDocuments(benchDir: string): BaseDocument[] {
  const dr3 = join(benchDir, 'dr3');
  const seen = new Set<string>();
  const out: BaseDocument[] = [];
  for (const task of readdirSync(dr3).sort()) {
    for (const file of readdirSync(join(dr3, task)).filter((f) => f.startsWith('long_context_sampled_')).sort()) {
      const entries = JSON.parse(readFileSync(join(dr3, task, file), 'utf8')) as { title?: string; page_body?: string; content?: string }[];
      for (const entry of entries) {
        const body = entry.page_body ?? entry.content ?? '';
        const title = (entry.title ?? '').trim();
        if (!body.trim() || !title) continue;
        const hash = contentHash(body);
        if (seen.has(hash)) continue;
        seen.add(hash);
        out.push({ family: out.length, title, body, chunks: chunkText(body).length });
      }
    }
  }
  return out;
}

/** Yields documents until their chunks reach `targetChunks`: first the originals, then perturbed copies. */
export function* replicate(base: readonly BaseDocument[], targetChunks: number, seed = 42): Generator<BenchDocument> {
  const random = seededRandom(seed);
  let chunks = 0;
  for (let copy = 0; chunks < targetChunks; copy++) {
    for (const doc of base) {
      if (chunks >= targetChunks) return;
      const body = copy === 0 ? doc.body : perturb(doc.body, random);
      chunks += copy === 0 ? doc.chunks : Math.max(1, Math.round(doc.chunks * 0.9));
      yield { id: `f${doc.family}c${copy}`, family: doc.family, title: doc.title, body };
    }
  }
}

function perturb(body: string, random: () => number): string {
  const sentences = body.split(/(?<=[。！？；!?])/).filter((s) => s.trim());
  const kept = sentences.filter(() => random() > 0.1);
  for (let i = kept.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kept[i], kept[j]] = [kept[j]!, kept[i]!];
  }
  return kept.length ? kept.join('') : body;
}
