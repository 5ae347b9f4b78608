/**
 * @module research/evidence
 * Evidence for one section: the library's BM25 hits for the section's query, kept only above a
 * relevance floor, attachments ahead of background documents, diversified (MMR) so one source
 * does not fill a section, each chunk tagged with how the report cites it.
 */
import type { Library } from '../library/library.js';
import type { StoredDocument } from '../library/store/store.js';
import { normalizeText } from '../text/normalize.js';

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
}

/** Hits below this share of the best hit's score are off-topic for the section. */
const RELEVANCE_FLOOR = 0.25;
/** Fewer documents than this naming a two-term subject whole: either term will do. */
const MIN_SUBJECT_DOCUMENTS = 8;
/** What the user attached outranks background reading at equal BM25. */
const ATTACHMENT_BOOST = 1.3;
/** MMR: relevance against redundancy with what is already chosen. */
const MMR_LAMBDA = 0.7;

export class EvidenceFinder {
  private readonly documents = new Map<string, Promise<StoredDocument | null>>();

  constructor(private readonly library: Library) {}

  async find(query: string, options: RetrieveOptions = {}): Promise<EvidenceChunk[]> {
    const { hits } = await this.library.search(query, { collections: options.collections, since: options.since, limit: options.limit ?? 40 });
    if (!hits.length) return [];
    const scored: EvidenceChunk[] = [];
    for (const hit of hits) {
      const source = await this.source(hit.documentId, hit.title, hit.canonicalUrl);
      if (!source) continue;
      if (options.onSubject && source.kind === 'corpus' && !options.onSubject.has(hit.documentId)) continue;
      const boost = source.kind === 'corpus' ? 1 : ATTACHMENT_BOOST;
      scored.push({ chunkId: hit.chunkId, chunk: hit.ordinal + 1, page: hit.page, text: hit.text, relevance: hit.score * boost, source });
    }
    const best = Math.max(...scored.map((chunk) => chunk.relevance));
    const kept = scored.map((chunk) => ({ ...chunk, relevance: chunk.relevance / best })).filter((chunk) => chunk.relevance >= RELEVANCE_FLOOR);
    return diversify(kept, this.library.segmenter.tokenizeQuery.bind(this.library.segmenter));
  }

  /**
   * Documents on the task's subject: those with a chunk naming the subject's own terms (both of a
   * two-term subject, any one facet of a longer one). A background document that never speaks of the subject is not
   * cited, however well it matches a section's generic words (方法, 特征, 分析).
   */
  async subject(subjectTerms: readonly string[], totalDocuments: number, options: RetrieveOptions = {}): Promise<Set<string>> {
    const { hits } = await this.library.search(subjectTerms.join(' '), { collections: options.collections, since: options.since, limit: 1000 });
    const texts = hits.map((hit) => ({ documentId: hit.documentId, text: normalizeText(hit.text) }));
    // A term most documents of the collection name ("市场" in a finance corpus, a year) does not
    // tell the subject apart: it is left out while a more specific term remains.
    const documentsNaming = (term: string) => new Set(texts.filter((t) => t.text.includes(term)).map((t) => t.documentId)).size;
    const specific = subjectTerms.filter((term) => !/^\d+$/.test(term) && documentsNaming(term) <= totalDocuments * 0.5);
    const terms = specific.length ? specific : subjectTerms;
    // Two terms name one subject together (齐白石 + 花鸟画) when enough documents name both; three or
    // more are facets, each a subject.
    const naming = (needed: number) => {
      const on = new Set<string>();
      for (const { documentId, text } of texts) {
        if (!on.has(documentId) && terms.filter((term) => text.includes(term)).length >= needed) on.add(documentId);
      }
      return on;
    };
    const both = terms.length === 2 ? naming(2) : null;
    return both && both.size >= MIN_SUBJECT_DOCUMENTS ? both : naming(1);
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
