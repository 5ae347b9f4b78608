/**
 * Brand-mark recognition benchmark: reference marks from one package, test images from the other
 * (both directions), wordmarks, and negatives (marks of unsupported brands, the bench photographs).
 * Seeds differ from the unit test's, so thresholds are not judged on the images they were set on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MarkSource } from '../src/image/brand/gallery.js';
import { recognizeBrand } from '../src/image/brand/recognize.js';
import { type BrandSample, REDRAWN_BRANDS, markSamples, negativeSamples, photoSamples, wordmarkSamples } from '../test/brand-set.js';

interface DirectionResult {
  templates: MarkSource;
  queries: MarkSource;
  brands: number;
  top1_all: number;
  top1_same_drawing: number;
  top1_marks: number;
  top1_wordmarks: number;
  unknown_rate: number;
  fp_negatives: number;
  fp_photos: number;
  negatives: number;
  ms_per_image: number;
  errors: string[];
}

const share = (hits: number, total: number) => (total ? Math.round((hits / total) * 1000) / 1000 : 0);

async function runDirection(templates: MarkSource, queries: MarkSource, negatives: BrandSample[]): Promise<DirectionResult> {
  const marks = await markSamples(queries, 3, 101);
  const wordmarks = await wordmarkSamples(queries, 103);
  const samples = [...marks, ...wordmarks, ...negatives];
  const answers = new Map<BrandSample, string>();
  const started = performance.now();
  for (const sample of samples) answers.set(sample, (await recognizeBrand(sample.image, { sources: [templates] })).brand);
  const msPerImage = (performance.now() - started) / samples.length;
  const right = (list: BrandSample[]) => share(list.filter((sample) => answers.get(sample) === sample.expected).length, list.length);
  const positives = [...marks, ...wordmarks];
  const sameDrawing = positives.filter((sample) => !(sample.expected! in REDRAWN_BRANDS));
  const wrongly = (list: BrandSample[]) => share(list.filter((sample) => answers.get(sample) !== 'unknown').length, list.length);
  return {
    templates,
    queries,
    brands: new Set(marks.map((sample) => sample.expected)).size,
    top1_all: right(positives),
    top1_same_drawing: right(sameDrawing),
    top1_marks: right(marks.filter((sample) => !(sample.expected! in REDRAWN_BRANDS))),
    top1_wordmarks: right(wordmarks),
    unknown_rate: share(positives.filter((sample) => answers.get(sample) === 'unknown').length, positives.length),
    fp_negatives: wrongly(negatives.filter((sample) => sample.kind === 'negative')),
    fp_photos: wrongly(negatives.filter((sample) => sample.kind === 'photo')),
    negatives: negatives.length,
    ms_per_image: Math.round(msPerImage),
    errors: sameDrawing.filter((sample) => answers.get(sample) !== sample.expected).map((sample) => `${sample.label} → ${answers.get(sample)}`),
  };
}

export async function runBrandBench(benchDir: string, machine: unknown): Promise<void> {
  const negatives = [...(await negativeSamples(600, 109, 0.5)), ...photoSamples(benchDir)];
  const results: DirectionResult[] = [];
  for (const [templates, queries] of [['lobehub', 'simple-icons'], ['simple-icons', 'lobehub']] as const) {
    process.stderr.write(`bench: brands, ${templates} references, ${queries} images…\n`);
    results.push(await runDirection(templates, queries, negatives));
  }
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(join('bench', 'results', `brands-${date}.json`), `${JSON.stringify({ date, machine, redrawn: REDRAWN_BRANDS, results }, null, 2)}\n`);
  console.log('\n| references | images | brands | top-1 all | top-1 same drawing | marks | wordmarks | unknown | FP negatives | FP photos | ms/image |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.templates} | ${r.queries} | ${r.brands} | ${r.top1_all} | **${r.top1_same_drawing}** | ${r.top1_marks} | ${r.top1_wordmarks} | ${r.unknown_rate} | **${r.fp_negatives}** (n=${r.negatives}) | ${r.fp_photos} | ${r.ms_per_image} |`);
  }
  for (const r of results) if (r.errors.length) console.log(`\nmisses (${r.templates} references): ${r.errors.join('; ')}`);
}
