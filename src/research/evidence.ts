/**
 * @module research/evidence
 * Evidence for one section: the library's BM25 hits for the section's query, kept only above a
 * relevance floor, attachments ahead of background documents, diversified (MMR) so one source
 * does not fill a section, each chunk tagged with how the report cites it.
 */
import type { Library } from '../library/library.js';
import type { SearchHit, StoredDocument } from '../library/store/store.js';
import { normalizeText } from '../text/normalize.js';
import { expandQuery } from './expand.js';

export type SourceKind = 'corpus' | 'document' | 'image' | 'video';

export interface Source {
  documentId: string;
  title: string;
  kind: SourceKind;
  /** File name for documents, images and videos. */
  file?: string;
  url?: string | null;
}

export interface EvidenceChunk {
  chunkId: number;
  /** 1-based chunk number within its document, as cited. */
  chunk: number;
  page: number | null;
  text: string;
  /** Relevance after the attachment boost, relative to the best hit (0–1). */
  relevance: number;
  source: Source;
}

export interface RetrieveOptions {
  collections?: readonly string[];
  since?: string;
  limit?: number;
  /** Only these documents (and attachments) may be cited: those on the task's subject. */
  onSubject?: ReadonlySet<string>;
  /** Also search the query's translations (Chinese ↔ English), so sources in the other language are found. Default true. */
  crossLingual?: boolean;
}

/** Hits below this share of the best hit's score are off-topic for the section. */
const RELEVANCE_FLOOR = 0.25;
/** A subject term that more than this share of the documents are about does not tell them apart. */
const COMMON_SHARE = 0.75;
/** Times a document must name a subject term (unless its title does). */
const MIN_MENTIONS = 2;
/** Fewer documents than this (or than the report can cite) naming a two-term subject whole: either term will do. */
const MIN_SUBJECT_DOCUMENTS = 8;
/** What the user attached outranks background reading at equal BM25. */
const ATTACHMENT_BOOST = 1.3;
/** Reciprocal-rank fusion constant: small, so the top of each ranking counts most. */
const RRF_K = 20;
/** MMR: relevance against redundancy with what is already chosen. */
const MMR_LAMBDA = 0.7;

export class EvidenceFinder {
  private readonly documents = new Map<string, Promise<StoredDocument | null>>();
  /** Translations beyond the dictionary's (a model's), added to the expanded query when a query names the term. */
  private readonly extraTranslations = new Map<string, string[]>();

  constructor(private readonly library: Library) {}

  addTranslations(translations: ReadonlyMap<string, readonly string[]>): void {
    for (const [term, list] of translations) this.extraTranslations.set(term, [...list]);
  }

  /** The query with its dictionary translations and any added ones; null when nothing was added. */
  private expand(query: string): string | null {
    const expanded = expandQuery(query);
    const words = new Set(query.split(/\s+/));
    const extra = [...this.extraTranslations].filter(([term]) => words.has(term)).flatMap(([, list]) => list);
    if (!expanded.added.length && !extra.length) return null;
    return [expanded.query, ...extra].join(' ');
  }

  async find(query: string, options: RetrieveOptions = {}): Promise<EvidenceChunk[]> {
    // Searched deeper than kept: the subject filter drops many hits of a generic section query.
    const limit = options.limit ?? 80;
    const search = { collections: options.collections, since: options.since, limit: options.onSubject ? limit * 5 : limit };
    const lists = [(await this.library.search(query, search)).hits];
    if (options.crossLingual !== false) {
      const expanded = this.expand(query);
      if (expanded) lists.push((await this.library.search(expanded, search)).hits);
    }
    const hits = fuseRelative(lists);
    if (!hits.length) return [];
    const scored: EvidenceChunk[] = [];
    for (const hit of hits) {
      const source = await this.source(hit.documentId, hit.title, hit.canonicalUrl);
      if (!source) continue;
      if (options.onSubject && source.kind === 'corpus' && !options.onSubject.has(hit.documentId)) continue;
      const boost = source.kind === 'corpus' ? 1 : ATTACHMENT_BOOST;
      scored.push({ chunkId: hit.chunkId, chunk: hit.ordinal + 1, page: hit.page, text: hit.text, relevance: hit.score * boost, source });
    }
    scored.sort((a, b) => b.relevance - a.relevance).splice(limit);
    const best = Math.max(...scored.map((chunk) => chunk.relevance));
    const kept = scored.map((chunk) => ({ ...chunk, relevance: chunk.relevance / best })).filter((chunk) => chunk.relevance >= RELEVANCE_FLOOR);
    return diversify(kept, this.library.segmenter.tokenizeQuery.bind(this.library.segmenter));
  }

  /**
   * Documents on the task's subject: those about its own terms (both of a two-term subject, any one
   * facet of a longer one). A document is about a term when its title names it or its text says it
   * more than once; a passing mention (基准 once in a paper on houses) does not count. A background
   * document that is not about the subject is not cited, however well it matches a section's
   * generic words (方法, 特征, 分析).
   */
  async subject(subjectTerms: readonly string[], totalDocuments: number, options: RetrieveOptions & { translations?: (term: string) => readonly string[]; enough?: number } = {}): Promise<Set<string>> {
    const translations = new Map(subjectTerms.map((term) => [term, options.translations?.(term) ?? []]));
    const query = [...subjectTerms, ...[...translations.values()].flat()].join(' ');
    const { hits } = await this.library.search(query, { collections: options.collections, since: options.since, limit: 1000 });
    const titles = new Map(hits.map((hit) => [hit.documentId, normalizeText(hit.title).toLowerCase()]));
    // A term names the subject in either language: 齐白石 or Qi Baishi.
    const count = (text: string, term: string) => occurrences(text, term) + translations.get(term)!.reduce((sum, translation) => sum + occurrences(text, translation.toLowerCase()), 0);
    const mentions = new Map<string, Map<string, number>>();
    for (const hit of hits) {
      const text = normalizeText(hit.text).toLowerCase();
      const document = mentions.get(hit.documentId) ?? new Map<string, number>();
      for (const term of subjectTerms) document.set(term, (document.get(term) ?? 0) + count(text, term));
      mentions.set(hit.documentId, document);
    }
    const inTitle = (documentId: string, term: string) => count(titles.get(documentId)!, term) > 0;
    const named = (documentId: string, term: string) => (mentions.get(documentId)!.get(term) ?? 0) > 0 || inTitle(documentId, term);
    const about = (documentId: string, term: string) => (mentions.get(documentId)!.get(term) ?? 0) >= MIN_MENTIONS || inTitle(documentId, term);
    // A term most documents of the collection are about ("市场" in a finance corpus, a year) does not
    // tell the subject apart: it is left out while a more specific term remains.
    const documentsAbout = (term: string) => [...titles.keys()].filter((id) => about(id, term)).length;
    const specific = subjectTerms.filter((term) => !/^\d+$/.test(term) && documentsAbout(term) <= totalDocuments * COMMON_SHARE);
    const terms = specific.length ? specific : subjectTerms;
    // Terms name the subject together (齐白石 + 花鸟画, 避风港 + 直播) when enough documents name two of
    // them; otherwise each is a facet. Either way the document must be about one of them.
    const naming = (needed: number) =>
      new Set([...titles.keys()].filter((id) => terms.filter((term) => named(id, term)).length >= needed && terms.some((term) => about(id, term))));
    const together = terms.length >= 2 ? naming(2) : null;
    return together && together.size >= (options.enough ?? MIN_SUBJECT_DOCUMENTS) ? together : naming(1);
  }

  /**
   * The library's documents in order of relevance to the whole task, best first: three rankings
   * fused by reciprocal rank — the best chunk for the subject's terms (with their translations), the
   * best chunk for the query's key terms, and how many key terms the document's own title names
   * (weighted by how rare each is among the candidates; subject terms count double). A document
   * ranks high when it is about the task, not when one chunk happens to repeat a generic word.
   */
  async rankDocuments(terms: { subject: readonly string[]; query: readonly string[] }, options: RetrieveOptions = {}): Promise<string[]> {
    const search = { collections: options.collections, since: options.since, limit: 1000 };
    const subjectQuery = terms.subject.join(' ');
    const bySubject = subjectQuery
      ? fuseRelative([(await this.library.search(subjectQuery, search)).hits, (await this.library.search(this.expand(subjectQuery) ?? subjectQuery, search)).hits])
      : [];
    const byQuery = (await this.library.search(terms.query.join(' '), search)).hits;
    const best = (hits: readonly SearchHit[]) => {
      const max = new Map<string, number>();
      for (const hit of hits) max.set(hit.documentId, Math.max(max.get(hit.documentId) ?? 0, hit.score));
      return [...max.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
    };
    const titles = new Map<string, string>();
    const texts = new Map<string, string[]>();
    for (const hit of [...bySubject, ...byQuery]) {
      titles.set(hit.documentId, normalizeText(hit.title).toLowerCase());
      texts.set(hit.documentId, [...(texts.get(hit.documentId) ?? []), normalizeText(hit.text).toLowerCase()]);
    }
    const keyTerms = [...new Set([...terms.subject, ...terms.query])].map((term) => term.toLowerCase());
    const subject = new Set(terms.subject.map((term) => term.toLowerCase()));
    const documentFrequency = new Map(keyTerms.map((term) => [term, [...texts.values()].filter((chunks) => chunks.some((text) => text.includes(term))).length]));
    const candidates = texts.size;
    const titleScore = (title: string) =>
      keyTerms.reduce((sum, term) => (title.includes(term) ? sum + Math.log(1 + candidates / (1 + documentFrequency.get(term)!)) * (subject.has(term) ? 2 : 1) : sum), 0);
    const byTitle = [...titles.entries()]
      .map(([id, title]) => [id, titleScore(title)] as const)
      .filter(([, score]) => score > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([id]) => id);
    const fused = new Map<string, number>();
    for (const ranking of [best(bySubject), best(byQuery), byTitle]) {
      ranking.forEach((id, rank) => fused.set(id, (fused.get(id) ?? 0) + 1 / (RRF_K + rank)));
    }
    return [...fused.entries()].sort((a, b) => b[1] - a[1]).map(([id]) => id);
  }

  /** The tables an attachment holds (a screenshot's grid, a Word table), each with the chunk it is in. */
  async tables(documentId: string, extract: (body: string) => string[]): Promise<{ markdown: string; evidence: EvidenceChunk }[]> {
    const doc = await this.library.getDocument(documentId);
    if (!doc) return [];
    const source = await this.source(documentId, doc.title, doc.canonicalUrl);
    if (!source || source.kind === 'corpus') return [];
    const chunks = await this.library.getChunks(documentId);
    return extract(doc.body).map((markdown) => {
      const at = doc.body.indexOf(markdown.split('\n')[0]!);
      const chunk = chunks.find((c) => c.start <= at && at < c.end) ?? chunks[0]!;
      return { markdown, evidence: { chunkId: chunk.id, chunk: chunk.ordinal + 1, page: chunk.page, text: chunk.text, relevance: 1, source } };
    });
  }

  private source(documentId: string, title: string, url: string | null): Promise<Source | null> {
    let document = this.documents.get(documentId);
    if (!document) {
      document = this.library.getDocument(documentId);
      this.documents.set(documentId, document);
    }
    return document.then((doc) => {
      if (!doc) return null;
      const format = doc.frontmatter.format;
      const file = doc.origin && !doc.origin.includes('#') && doc.source !== 'long_context' ? doc.origin.split(/[\\/]/).pop() : undefined;
      const kind: SourceKind = format === 'image' ? 'image' : format === 'video' ? 'video' : file ? 'document' : 'corpus';
      return { documentId, title, kind, ...(file ? { file } : {}), url };
    });
  }
}

function occurrences(text: string, term: string): number {
  let count = 0;
  for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) count++;
  return count;
}

/** `word` in lower-cased `text` as a whole word or phrase (so "art" is not found in "start"). */
export function containsWord(text: string, word: string): boolean {
  const needle = word.toLowerCase();
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    const before = text[at - 1];
    const after = text[at + needle.length];
    if ((!before || !/[\p{L}\p{N}]/u.test(before)) && (!after || !/[\p{L}\p{N}]/u.test(after))) return true;
  }
  return false;
}

/**
 * Merges result lists whose scores are not comparable (the query as typed, the query with its
 * translations): each hit's score becomes its share of its own list's best, a chunk found twice
 * keeps the higher share. Expansion can then add the other language's sources without its extra
 * terms outvoting the query as typed.
 */
export function fuseRelative<T extends SearchHit>(lists: readonly (readonly T[])[]): T[] {
  const fused = new Map<number, T>();
  for (const list of lists) {
    const best = Math.max(...list.map((hit) => hit.score));
    if (!(best > 0)) continue;
    for (const hit of list) {
      const score = hit.score / best;
      const seen = fused.get(hit.chunkId);
      if (!seen || seen.score < score) fused.set(hit.chunkId, { ...hit, score });
    }
  }
  return [...fused.values()].sort((a, b) => b.score - a.score);
}

/** Maximal marginal relevance over token sets: keeps the order useful and the sources varied. */
function diversify(chunks: EvidenceChunk[], tokens: (text: string) => string[]): EvidenceChunk[] {
  const sets = new Map(chunks.map((chunk) => [chunk.chunkId, new Set(tokens(normalizeText(chunk.text)))]));
  const chosen: EvidenceChunk[] = [];
  const rest = [...chunks];
  while (rest.length) {
    let bestIndex = 0;
    let bestValue = -Infinity;
    for (const [index, chunk] of rest.entries()) {
      const mine = sets.get(chunk.chunkId)!;
      let redundancy = 0;
      for (const other of chosen) {
        const theirs = sets.get(other.chunkId)!;
        let shared = 0;
        for (const token of mine) if (theirs.has(token)) shared++;
        redundancy = Math.max(redundancy, shared / Math.max(1, Math.min(mine.size, theirs.size)));
      }
      const value = MMR_LAMBDA * chunk.relevance - (1 - MMR_LAMBDA) * redundancy;
      if (value > bestValue) {
        bestValue = value;
        bestIndex = index;
      }
    }
    chosen.push(rest.splice(bestIndex, 1)[0]!);
  }
  return chosen;
}
