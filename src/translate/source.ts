/**
 * @module translate/source
 * What `zhiku translate` was given — a URL, a file, or the id of a library document — as an article
 * to translate, plus the document to store as the original when the library does not hold it yet.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { articleBody, articleDocument } from '../collect/web/archive.js';
import { fetchArticle, isUrl } from '../collect/web/collect-urls.js';
import { decodeHtml } from '../collect/web/decode-html.js';
import type { FetchOptions } from '../collect/web/fetch.js';
import { extractPage } from '../collect/web/page.js';
import type { ExtractedArticle } from '../collect/web/types.js';
import { parseMarkdown } from '../collect/parse/markdown.js';
import { decodeText } from '../collect/parse/decode.js';
import { ZhikuError } from '../errors.js';
import type { Library } from '../library/library.js';
import type { DocumentInput } from '../library/prepare.js';
import type { SourceArticle } from './article.js';

export interface ResolvedSource {
  article: SourceArticle;
  /** The original's library id when it is already stored. */
  documentId?: string;
  /** The original as a library document, when it is not stored yet. */
  document?: DocumentInput;
}

const MARKDOWN_EXTENSIONS = new Set(['.md', '.markdown', '.txt', '.text']);
const HTML_EXTENSIONS = new Set(['.html', '.htm', '.xhtml']);

export async function resolveSource(input: string, library: Library | null, options: { fetch?: FetchOptions; maxFileBytes: number; now?: Date }): Promise<ResolvedSource> {
  const now = options.now ?? new Date();
  if (isUrl(input)) {
    const { article, finalUrl } = await fetchArticle(input, options.fetch);
    return fromExtracted(article, input, articleDocument(article, now, finalUrl));
  }
  const info = await stat(input).catch(() => null);
  if (info?.isFile()) return fromFile(input, info.size, options.maxFileBytes, now);
  const stored = library ? await library.store.getDocument(input) : null;
  if (stored) {
    return {
      documentId: stored.id,
      article: { title: stored.title, markdown: stored.body, url: stored.canonicalUrl, source: stored.source, author: stored.author, date: stored.publishedAt, item: input },
    };
  }
  throw new ZhikuError('E_NOT_FOUND', 'not a URL, an existing file, or the id of a library document', { item: input });
}

function fromExtracted(article: ExtractedArticle, item: string, document: DocumentInput): ResolvedSource {
  return {
    article: { title: article.title, markdown: articleBody(article), url: article.url, source: article.source, author: article.author, date: article.date, item },
    document,
  };
}

async function fromFile(path: string, size: number, maxFileBytes: number, now: Date): Promise<ResolvedSource> {
  if (size > maxFileBytes) throw new ZhikuError('E_INVALID_INPUT', `file is ${size.toLocaleString('en-US')} bytes, above the limit of ${maxFileBytes.toLocaleString('en-US')} (ingest.maxFileBytes)`, { item: path });
  const extension = extname(path).toLowerCase();
  const bytes = new Uint8Array(await readFile(path));
  if (HTML_EXTENSIONS.has(extension)) {
    const { html } = decodeHtml(bytes, null, path);
    const page = extractPage(html);
    if (page.status !== 'ok') throw new ZhikuError('E_EMPTY', `no article in the page (${page.status}): ${page.message}`, { item: path });
    return fromExtracted(page, path, { ...articleDocument(page, now, path), fetchedAt: null });
  }
  if (!MARKDOWN_EXTENSIONS.has(extension)) {
    throw new ZhikuError('E_UNSUPPORTED', 'translate takes markdown, text or HTML files (add other formats to the library first and translate them by id)', { item: path });
  }
  const document = parseMarkdown(decodeText(bytes, path).text, path);
  if (!document.body.trim()) throw new ZhikuError('E_EMPTY', 'the file has no text to translate', { item: path });
  const url = document.canonicalUrl ?? (typeof document.frontmatter?.source_url === 'string' ? document.frontmatter.source_url : null);
  return {
    article: { title: document.title || basename(path), markdown: document.body, url, source: document.source ?? null, author: document.author ?? null, date: document.publishedAt ?? null, item: path },
    document,
  };
}
