/**
 * @module digest/build
 * The daily digest from the library: the articles published in the window (Asia/Shanghai), grouped
 * into stories (near-duplicate texts or the same headline words), each classified, ranked by source
 * weight, story size, recency and novelty with a per-source cap; the top stories become full items
 * written from their main article's key sentences (offline: every line is a sentence of the article,
 * and every number is checked against it), the rest become links.
 */
import { ZhikuError } from '../errors.js';
import type { Library } from '../library/library.js';
import type { ChatMessage } from '../model/chat.js';
import { NEAR_DUPLICATE_BITS, hammingDistance, simhash } from '../library/near-duplicate.js';
import type { StoredDocument } from '../library/store/store.js';
import { normalizeText } from '../text/normalize.js';
import { STOPWORDS } from '../text/stopwords.js';
import { MAX_BULLETS, MIN_BULLETS } from './format/check.js';
import { keyPhrase, rankSentences, unsupportedNumbers } from './key-sentences.js';
import { checkModelItem, digestItemMessages } from './model-item.js';
import type { Category, Digest, DigestItem, DigestLink, DigestSource } from './types.js';

export interface DigestOptions {
  /** The day, YYYY-MM-DD in Asia/Shanghai (default: today there). */
  date?: string;
  /** Instead of a day: the last N hours (`24h`) up to `now`. */
  since?: string;
  sources?: readonly string[];
  collections?: readonly string[];
  /** Full items (default 10). */
  items?: number;
  /** Full items from one source at most (default 3). */
  perSource?: number;
  /** Links under 其他相关资讯 at most (default 15). */
  others?: number;
  /** Leave 非AI stories out instead of putting them last. */
  dropNonAi?: boolean;
  /** Source name → weight (default 1). */
  sourceWeights?: Readonly<Record<string, number>>;
  /** URLs or titles of stories earlier digests carried: a story seen before ranks lower. */
  seenBefore?: ReadonlySet<string>;
  classify: (article: { title: string; summary: string }) => Category;
  /**
   * With a model endpoint: writes each full item from its article (a JSON-schema call); the reply is
   * checked (checkModelItem) and the offline item fills what fails.
   */
  model?: { write: (messages: ChatMessage[]) => Promise<string>; onItem?: (headline: string, corrected: number) => void };
  now?: Date;
}

interface Story {
  documents: StoredDocument[];
  main: StoredDocument;
  score: number;
  category: Category;
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000;
/** Headlines sharing this much of their words (Jaccard) are the same story. */
const SAME_HEADLINE = 0.5;
/** The insight paragraph: the best sentences up to about this many characters. */
const INSIGHT_CHARACTERS = 220;

/** The window [start, end) in epoch ms and the day it is named by. */
export function digestWindow(options: Pick<DigestOptions, 'date' | 'since' | 'now'>): { start: number; end: number; date: string } {
  const now = options.now ?? new Date();
  if (options.since) {
    const hours = /^(\d+)\s*h$/i.exec(options.since.trim());
    if (!hours) throw new Error(`--since takes hours such as 24h, got "${options.since}"`);
    const end = now.getTime();
    return { start: end - Number(hours[1]) * 3600_000, end, date: new Date(end + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10) };
  }
  const date = options.date ?? new Date(now.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
  const start = Date.parse(`${date}T00:00:00+08:00`);
  if (Number.isNaN(start)) throw new Error(`--date takes YYYY-MM-DD, got "${date}"`);
  return { start, end: start + 24 * 3600_000, date };
}

export async function buildDigest(library: Library, options: DigestOptions): Promise<Digest> {
  const { start, end, date } = digestWindow(options);
  const tokens = (text: string) => library.segmenter.tokenizeQuery(normalizeText(text)).filter((token) => !STOPWORDS.has(token) && /[\p{L}\p{N}]/u.test(token));
  const summaries = options.collections?.length
    ? (await Promise.all(options.collections.map((collection) => library.listDocuments({ collection, limit: 100_000 })))).flat()
    : await library.listDocuments({ limit: 100_000 });
  const inWindow = summaries.filter((doc) => {
    const at = doc.publishedAt ? Date.parse(doc.publishedAt.length === 10 ? `${doc.publishedAt}T12:00:00+08:00` : doc.publishedAt) : Number.NaN;
    return at >= start && at < end && (!options.sources?.length || (doc.source !== null && options.sources.includes(doc.source)));
  });
  const documents = (await Promise.all([...new Map(inWindow.map((doc) => [doc.id, doc])).keys()].map((id) => library.getDocument(id)))).filter((doc): doc is StoredDocument => doc !== null);

  const stories = groupStories(documents, tokens).map((group): Story => {
    const weight = (doc: StoredDocument) => options.sourceWeights?.[doc.source ?? ''] ?? 1;
    const main = [...group].sort((a, b) => weight(b) - weight(a) || b.body.length - a.body.length)[0]!;
    const published = Math.max(...group.map((doc) => Date.parse(doc.publishedAt ?? '') || start));
    const recency = (published - start) / Math.max(1, end - start);
    const seen = options.seenBefore && (options.seenBefore.has(main.canonicalUrl ?? '') || options.seenBefore.has(main.title)) ? 1 : 0;
    const category = options.classify({ title: main.title, summary: plainText(main.body).slice(0, 200) });
    return { documents: group, main, category, score: weight(main) + Math.log(1 + group.length + otherSources(main).length) + 0.5 * recency - 2 * seen };
  });
  const ranked = stories.filter((story) => !(options.dropNonAi && story.category === '非AI')).sort((a, b) => b.score - a.score);

  const wanted = options.items ?? 10;
  const cap = options.perSource ?? 3;
  const perSource = new Map<string, number>();
  const full: { story: Story; item: DigestItem }[] = [];
  const rest: Story[] = [];
  for (const story of ranked) {
    const source = story.main.source ?? '';
    const item = full.length < wanted && (perSource.get(source) ?? 0) < cap ? writeItem(story, tokens) : null;
    if (item) {
      full.push({ story, item });
      perSource.set(source, (perSource.get(source) ?? 0) + 1);
    } else rest.push(story);
  }
  if (options.model) {
    for (const entry of full) {
      const article = `${entry.story.main.title}\n${plainText(entry.story.main.body)}`;
      let reply: string;
      try {
        reply = await options.model.write(digestItemMessages(entry.story.main.title, plainText(entry.story.main.body)));
      } catch (error) {
        // A budget stop keeps the offline items for the rest.
        if (error instanceof ZhikuError && error.code === 'E_BUDGET') break;
        throw error;
      }
      const checked = checkModelItem(reply, article, entry.item);
      entry.item = checked.item;
      options.model.onItem?.(checked.item.headline, checked.corrected);
    }
  }
  // 非AI last, the rest in rank order.
  const items = [...full.filter((f) => f.item.category !== '非AI'), ...full.filter((f) => f.item.category === '非AI')].map((f) => f.item);
  const others: DigestLink[] = rest.slice(0, options.others ?? 15).map((story) => ({ title: story.main.title, url: story.main.canonicalUrl, source: story.main.source }));
  return { date, items, others };
}

/** Union of near-duplicate bodies and same-headline pairs. */
function groupStories(documents: readonly StoredDocument[], tokens: (text: string) => string[]): StoredDocument[][] {
  const parent = documents.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const prints = documents.map((doc) => (typeof doc.frontmatter.simhash === 'string' ? doc.frontmatter.simhash : simhash(tokens(plainText(doc.body)))));
  const titles = documents.map((doc) => new Set(tokens(doc.title)));
  for (let i = 0; i < documents.length; i++) {
    for (let j = i + 1; j < documents.length; j++) {
      const a = titles[i]!;
      const b = titles[j]!;
      let shared = 0;
      for (const token of a) if (b.has(token)) shared++;
      const jaccard = shared / Math.max(1, a.size + b.size - shared);
      if (hammingDistance(prints[i]!, prints[j]!) <= NEAR_DUPLICATE_BITS || jaccard >= SAME_HEADLINE) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, StoredDocument[]>();
  documents.forEach((doc, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), doc]));
  return [...groups.values()];
}

const plainText = (body: string) => body.replace(/^#.*$/gm, '').replace(/!\[[^\]]*\]\([^)]*\)/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');

/** Sources a stored document already records for its story (near-duplicates linked at ingest). */
function otherSources(doc: StoredDocument): DigestSource[] {
  const sources = Array.isArray(doc.frontmatter.sources) ? (doc.frontmatter.sources as { source?: string | null; url?: string | null; title?: string }[]) : [];
  return sources.map((s) => ({ name: s.source ?? s.title ?? s.url ?? '', url: s.url ?? null })).filter((s) => s.name);
}

/**
 * A full item from the story's main article: the key sentences ranked by TextRank, the best as the
 * insight, the next 4–7 in reading order as bullets with a key-phrase label. Null when the article
 * has too few sentences for a full item (it becomes a link).
 */
function writeItem(story: Story, tokens: (text: string) => string[]): DigestItem | null {
  const { main } = story;
  const body = plainText(main.body);
  const ranked = rankSentences(body, tokens).filter((sentence) => unsupportedNumbers(sentence.text, main.body).length === 0);
  if (ranked.length < MIN_BULLETS + 1) return null;
  const insight: string[] = [];
  // At most two sentences, and never so many that fewer than four are left for the bullets.
  const insightSentences = Math.min(2, ranked.length - MIN_BULLETS);
  for (const sentence of ranked) {
    if (insight.length >= insightSentences || insight.join('').length >= INSIGHT_CHARACTERS * 0.6) break;
    if (insight.join('').length + sentence.text.length > INSIGHT_CHARACTERS && insight.length) continue;
    insight.push(sentence.text);
  }
  const used = new Set(insight);
  const counts = new Map<string, number>();
  for (const token of tokens(body)) counts.set(token, (counts.get(token) ?? 0) + 1);
  const bullets = ranked
    .filter((sentence) => !used.has(sentence.text))
    .slice(0, MAX_BULLETS)
    .sort((a, b) => a.index - b.index)
    .map((sentence) => ({ label: keyPhrase(sentence.text, counts, tokens), detail: sentence.text }));
  if (bullets.length < MIN_BULLETS) return null;
  const alsoAt = [
    ...story.documents.filter((doc) => doc !== main).map((doc) => ({ name: doc.source ?? doc.title, url: doc.canonicalUrl })),
    ...otherSources(main),
  ];
  return {
    headline: main.title,
    category: story.category,
    source: { name: main.source ?? new URL(main.canonicalUrl ?? 'https://unknown.invalid').hostname, url: main.canonicalUrl },
    alsoAt: alsoAt.filter((source, i) => alsoAt.findIndex((other) => other.url === source.url && other.name === source.name) === i),
    insight: insight.join(''),
    bullets,
    publishedAt: main.publishedAt,
    documentId: main.id,
  };
}
