/**
 * @module collect/web/archive
 * An extracted article as the library stores and `zhiku fetch` writes it: YAML frontmatter (title,
 * url, source, author, date, fetch_date, lang, hash), the title once as a heading, then the body.
 */
import { contentHash } from '../../library/document-id.js';
import type { DocumentInput } from '../../library/prepare.js';
import type { ExtractedArticle } from './types.js';

/** A YAML scalar: plain when safe, else double-quoted with escapes. */
function yamlValue(value: string | null): string {
  if (value === null) return 'null';
  if (/^[^\s"'#:\-?{}[\],&*!|>%@`][^"#\n]*$/.test(value) && !/:\s|\s$/.test(value) && !/^(?:true|false|null|yes|no|~|[\d.+-]+)$/i.test(value)) return value;
  return JSON.stringify(value);
}

/** The body the library indexes: the title as the one heading, then the article. */
export function articleBody(article: ExtractedArticle): string {
  const notes = article.notes.length ? `\n\n${article.notes.map((note) => `> ${note}`).join('\n')}` : '';
  return `# ${article.title}\n\n${article.markdown.trim()}${notes}\n`;
}

export function articleMarkdown(article: ExtractedArticle, fetchedAt: Date): string {
  const body = articleBody(article);
  const fields: [string, string | null][] = [
    ['title', article.title],
    ['url', article.url],
    ['source', article.source],
    ['author', article.author],
    ['date', article.date],
    ['fetch_date', fetchedAt.toISOString()],
    ['lang', article.lang],
    ['hash', contentHash(body)],
  ];
  return `---\n${fields.map(([key, value]) => `${key}: ${yamlValue(value)}`).join('\n')}\n---\n\n${body}`;
}

export function articleDocument(article: ExtractedArticle, fetchedAt: Date, origin: string): DocumentInput {
  return {
    title: article.title,
    body: articleBody(article),
    canonicalUrl: article.url,
    source: article.source,
    author: article.author,
    publishedAt: article.date,
    fetchedAt: fetchedAt.toISOString(),
    lang: article.lang,
    origin,
    frontmatter: { format: 'web', images: article.images.length, ...(article.notes.length ? { notes: article.notes } : {}) },
  };
}
