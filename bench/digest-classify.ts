/**
 * Offline digest classifier on the fixed split of the hand-labelled set (src/digest/classify/labels.json):
 * per-class precision, recall and F1 beside the majority-class baseline, macro-F1, accuracy, and the
 * time to classify 500 items after the segmenter is loaded.
 */
import {
  type ClassMetrics,
  type Evaluation,
  classify,
  evaluate,
  fixedSplit,
  loadLabelledSet,
  majorityBaseline,
  trainClassifier,
} from '../src/digest/classify/classifier.js';

const TIMED_ITEMS = 500;

export async function runDigestClassifyBench(machine: unknown): Promise<{ table: string; result: unknown }> {
  const labelled = loadLabelledSet();
  const { train, test } = fixedSplit(labelled);
  trainClassifier(train.slice(0, 5)); // loads jieba's dictionary, so the timings below exclude it

  let started = performance.now();
  const model = trainClassifier(train);
  const trainMs = performance.now() - started;

  const classifier = evaluate(model, test);
  const baseline = majorityBaseline(train, test);

  const texts = Array.from({ length: TIMED_ITEMS }, (_, i) => labelled[i % labelled.length]!);
  started = performance.now();
  for (const text of texts) classify(model, text);
  const classifyMs = performance.now() - started;

  const cell = (value: number) => value.toFixed(3);
  const row = (mine: ClassMetrics, theirs: ClassMetrics) =>
    `| ${mine.label} | ${mine.support} | ${cell(mine.precision)} | ${cell(mine.recall)} | ${cell(mine.f1)} | ${cell(theirs.precision)} | ${cell(theirs.recall)} | ${cell(theirs.f1)} |`;
  const table = [
    `Digest classifier (multinomial naive Bayes) vs majority baseline (always ${baseline.majorityLabel}), fixed split: train ${train.length} / test ${test.length} of ${labelled.length} labelled items`,
    '',
    '| class | support | precision | recall | F1 | baseline precision | baseline recall | baseline F1 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...classifier.perClass.map((metrics, i) => row(metrics, baseline.perClass[i]!)),
    `| **macro-F1** | ${test.length} | | | ${cell(classifier.macroF1)} | | | ${cell(baseline.macroF1)} |`,
    `| **accuracy** | ${test.length} | | | ${cell(classifier.accuracy)} | | | ${cell(baseline.accuracy)} |`,
    '',
    `Training on ${train.length} items: ${trainMs.toFixed(0)} ms. Classifying ${TIMED_ITEMS} items: ${classifyMs.toFixed(0)} ms (${((TIMED_ITEMS / classifyMs) * 1000).toFixed(0)} items/s).`,
  ].join('\n');

  const result: {
    date: string;
    machine: unknown;
    sizes: { labelled: number; train: number; test: number };
    classifier: Evaluation;
    baseline: Evaluation & { majorityLabel: string };
    train_ms: number;
    classify_500_ms: number;
  } = {
    date: new Date().toISOString(),
    machine,
    sizes: { labelled: labelled.length, train: train.length, test: test.length },
    classifier,
    baseline,
    train_ms: Math.round(trainMs),
    classify_500_ms: Math.round(classifyMs),
  };
  return { table, result };
}
