/**
 * @module digest/classify/classifier
 * Offline category of a digest item from its title and summary: multinomial naive Bayes over jieba
 * tokens (title tokens counted more) plus one marker for text that names no AI term, trained on the
 * hand-labelled set in `labels.json`, whose labels follow docs/digest-labels.md. The train/test split
 * is fixed by a hash of each id, so results repeat.
 */
import { createHash } from 'node:crypto';
import { AI_TERMS } from '../../text/ai-terms.js';
import { normalizeText } from '../../text/normalize.js';
import { getSegmenter } from '../../text/segment.js';
import { STOPWORDS } from '../../text/stopwords.js';
import { CATEGORIES, type Category } from '../types.js';
// Imported rather than read from disk: tsc then copies it next to the compiled module in dist/.
import labelledJson from './labels.json' with { type: 'json' };

/** What the classifier reads: the digest passes a title and the first ~200 characters of the body. */
export interface ArticleText {
  title: string;
  summary: string;
}

export interface LabelledItem extends ArticleText {
  id: string;
  /** The account or site the item came from. */
  source: string;
  /** Where in the bench data it was taken from (path relative to the bench folder). */
  origin: string;
  label: Category;
}

export interface ClassifierOptions {
  /** How many times a title token counts against one summary token. Default 2. */
  titleWeight?: number;
  /** Laplace (add-k) smoothing of token counts. Default 1. */
  smoothing?: number;
  /** Class priors: the training frequencies, or equal, which favours the smaller classes. Default 'empirical'. */
  priors?: 'empirical' | 'uniform';
}

export interface ClassifierModel {
  readonly titleWeight: number;
  /** log P(class), in CATEGORIES order; -Infinity for a class with no training item. */
  readonly logPriors: readonly number[];
  /** log P(token | class), in CATEGORIES order, for every token seen in training. */
  readonly tokenLogLikelihoods: ReadonlyMap<string, readonly number[]>;
  readonly trainedOn: number;
}

export interface Classification {
  label: Category;
  probabilities: Record<Category, number>;
}

export interface ClassMetrics {
  label: Category;
  precision: number;
  recall: number;
  f1: number;
  /** Items of this class in the evaluated set. */
  support: number;
}

export interface Evaluation {
  perClass: ClassMetrics[];
  /** Mean F1 over all five classes. */
  macroF1: number;
  accuracy: number;
}

export interface Split<T> {
  train: T[];
  test: T[];
}

/** Share of each class held out for testing by `fixedSplit`. */
export const TEST_SHARE = 0.3;

const PURE_NUMBER = /^[\d.,%]+$/;
/** Words that make a text about AI: the segmenter's AI dictionary and a few general terms. */
const AI_WORDS: ReadonlySet<string> = new Set([...AI_TERMS.map((term) => term.toLowerCase()), '深度学习', '机器学习', '神经网络']);
const LATIN_AI_WORD = /(?<![a-z])(?:ai|aigc|agi|llms?|gpt|chatgpt|agents?|transformer|openai|anthropic|deepseek|gemini|claude)(?![a-z])/;
/**
 * Pseudo-token for a text that names no AI term. The first rule of the label guide is "not about AI
 * → 非AI", and topic words alone miss it for subjects the labelled set never saw (travel, sport…).
 */
const NO_AI_TERM = '#no-ai-term';

// No text-classification package is installed, so multinomial naive Bayes with Laplace smoothing is written here.
export function trainClassifier(items: readonly (ArticleText & { label: Category })[], options: ClassifierOptions = {}): ClassifierModel {
  if (items.length === 0) throw new Error('trainClassifier: no labelled items');
  const titleWeight = options.titleWeight ?? 2;
  const smoothing = options.smoothing ?? 1;
  const classCount = CATEGORIES.length;
  const tokenCounts = new Map<string, number[]>();
  const tokenTotals = new Array<number>(classCount).fill(0);
  const itemCounts = new Array<number>(classCount).fill(0);

  for (const item of items) {
    const c = CATEGORIES.indexOf(item.label);
    itemCounts[c]! += 1;
    for (const [token, weight] of weightedTokens(item, titleWeight)) {
      let counts = tokenCounts.get(token);
      if (!counts) tokenCounts.set(token, (counts = new Array<number>(classCount).fill(0)));
      counts[c]! += weight;
      tokenTotals[c]! += weight;
    }
  }

  const vocabulary = tokenCounts.size;
  const denominators = tokenTotals.map((total) => Math.log(total + smoothing * vocabulary));
  const tokenLogLikelihoods = new Map<string, number[]>();
  for (const [token, counts] of tokenCounts) {
    tokenLogLikelihoods.set(token, counts.map((count, c) => Math.log(count + smoothing) - denominators[c]!));
  }
  const uniform = options.priors === 'uniform';
  const logPriors = itemCounts.map((count) =>
    count === 0 ? Number.NEGATIVE_INFINITY : uniform ? -Math.log(classCount) : Math.log(count / items.length),
  );
  return { titleWeight, logPriors, tokenLogLikelihoods, trainedOn: items.length };
}

export function classify(model: ClassifierModel, article: ArticleText): Classification {
  const scores = [...model.logPriors];
  // Tokens never seen in training say nothing about the class and are skipped.
  for (const [token, weight] of weightedTokens(article, model.titleWeight)) {
    const likelihoods = model.tokenLogLikelihoods.get(token);
    if (!likelihoods) continue;
    for (let c = 0; c < scores.length; c++) scores[c]! += weight * likelihoods[c]!;
  }
  const best = Math.max(...scores);
  const exps = scores.map((score) => (score === Number.NEGATIVE_INFINITY ? 0 : Math.exp(score - best)));
  const sum = exps.reduce((a, b) => a + b, 0);
  const probabilities = {} as Record<Category, number>;
  CATEGORIES.forEach((category, c) => (probabilities[category] = exps[c]! / sum));
  // A tie goes to the category listed first.
  return { label: CATEGORIES[scores.indexOf(best)]!, probabilities };
}

export function evaluate(model: ClassifierModel, items: readonly LabelledItem[]): Evaluation {
  return scorePredictions(
    items.map((item) => item.label),
    items.map((item) => classify(model, item).label),
  );
}

/** The floor any classifier must beat: every test item gets the most frequent training label. */
export function majorityBaseline(train: readonly LabelledItem[], test: readonly LabelledItem[]): Evaluation & { majorityLabel: Category } {
  const counts = CATEGORIES.map((category) => train.filter((item) => item.label === category).length);
  const majorityLabel = CATEGORIES[counts.indexOf(Math.max(...counts))]!;
  const evaluation = scorePredictions(
    test.map((item) => item.label),
    test.map(() => majorityLabel),
  );
  return { ...evaluation, majorityLabel };
}

/**
 * Stratified 70/30 split fixed before any training: within each class, items are ordered by the
 * SHA-256 of their id and the first 30% (rounded) are the test set. It depends only on ids and labels,
 * not on file order. Adding, removing or relabelling an item moves at most one other item of each
 * class it touches between train and test.
 */
export function fixedSplit<T extends { id: string; label: Category }>(items: readonly T[]): Split<T> {
  const testIds = new Set<string>();
  for (const category of CATEGORIES) {
    const members = items
      .filter((item) => item.label === category)
      .map((item) => ({ id: item.id, key: createHash('sha256').update(item.id).digest('hex') }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const member of members.slice(0, Math.round(members.length * TEST_SHARE))) testIds.add(member.id);
  }
  return { train: items.filter((item) => !testIds.has(item.id)), test: items.filter((item) => testIds.has(item.id)) };
}

/** The hand-labelled set, checked: five known labels, unique ids, string fields. */
export function loadLabelledSet(): LabelledItem[] {
  const raw: unknown = labelledJson;
  if (!Array.isArray(raw)) throw new Error('labels.json: expected an array of labelled items');
  const seen = new Set<string>();
  return raw.map((entry: unknown, index) => {
    const item = entry as Partial<Record<keyof LabelledItem, unknown>>;
    for (const field of ['id', 'title', 'summary', 'source', 'origin', 'label'] as const) {
      if (typeof item[field] !== 'string') throw new Error(`labels.json: item ${index} has no string "${field}"`);
    }
    const labelled = item as LabelledItem;
    if (!(CATEGORIES as readonly string[]).includes(labelled.label)) throw new Error(`labels.json: item ${labelled.id} has unknown label "${labelled.label}"`);
    if (seen.has(labelled.id)) throw new Error(`labels.json: duplicate id "${labelled.id}"`);
    seen.add(labelled.id);
    return { id: labelled.id, title: labelled.title, summary: labelled.summary, source: labelled.source, origin: labelled.origin, label: labelled.label };
  });
}

let defaultModel: ClassifierModel | undefined;

/** The production model: trained once per process on the whole labelled set. */
export function defaultClassifier(): ClassifierModel {
  return (defaultModel ??= trainClassifier(loadLabelledSet()));
}

// ---------------------------------------------------------------------------

/**
 * Token → weight: each distinct title token counts `titleWeight`, each distinct summary token 1, and
 * the no-AI-term marker counts like a title token.
 */
function weightedTokens(article: ArticleText, titleWeight: number): Map<string, number> {
  const weights = new Map<string, number>();
  let namesAi = false;
  const add = (text: string, weight: number) => {
    const normalized = normalizeText(text);
    if (LATIN_AI_WORD.test(normalized)) namesAi = true;
    for (const token of getSegmenter().queryTokens(normalized)) {
      if (AI_WORDS.has(token)) namesAi = true;
      if (STOPWORDS.has(token) || PURE_NUMBER.test(token)) continue;
      weights.set(token, (weights.get(token) ?? 0) + weight);
    }
  };
  add(article.title, titleWeight);
  add(article.summary, 1);
  if (!namesAi) weights.set(NO_AI_TERM, titleWeight);
  return weights;
}

function scorePredictions(gold: readonly Category[], predicted: readonly Category[]): Evaluation {
  const perClass = CATEGORIES.map((label): ClassMetrics => {
    let truePositives = 0;
    let predictedCount = 0;
    let support = 0;
    gold.forEach((expected, i) => {
      if (expected === label) support++;
      if (predicted[i] === label) {
        predictedCount++;
        if (expected === label) truePositives++;
      }
    });
    const precision = predictedCount ? truePositives / predictedCount : 0;
    const recall = support ? truePositives / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  const correct = gold.filter((expected, i) => predicted[i] === expected).length;
  return {
    perClass,
    macroF1: perClass.reduce((sum, metrics) => sum + metrics.f1, 0) / perClass.length,
    accuracy: gold.length ? correct / gold.length : 0,
  };
}
