/**
 * @module collect/parse/markdown
 * Markdown with optional YAML frontmatter (the archive and translation formats). The body after the
 * frontmatter is kept verbatim; known keys become document metadata, all keys stay in `frontmatter`.
 */
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ZhikuError } from '../../errors.js';
import type { DocumentInput } from '../../library/prepare.js';
import { normalizePublishTime } from '../../library/time.js';

const FRONTMATTER = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;
const FIRST_HEADING = /^#[ \t]+(.+?)[ \t#]*$/m;

export function parseMarkdown(text: string, path: string): DocumentInput {
  const match = FRONTMATTER.exec(text);
  let frontmatter: Record<string, unknown> = {};
  let body = text.replace(/^\uFEFF/, '');
  if (match) {
    let data: unknown;
    try {
      data = parseYaml(match[1]!);
    } catch (error) {
      throw new ZhikuError('E_PARSE', `invalid YAML frontmatter: ${(error as Error).message.split('\n')[0]}`, { item: path });
    }
    if (data !== null && data !== undefined) {
      if (typeof data !== 'object' || Array.isArray(data)) {
        throw new ZhikuError('E_PARSE', 'frontmatter must be a YAML mapping', { item: path });
      }
      frontmatter = toJsonSafe(data) as Record<string, unknown>;
    }
    body = text.slice(match[0].length);
  }
  const str = (key: string): string | null => {
    const value = frontmatter[key];
    return typeof value === 'string' && value.trim() ? value.trim() : null;
  };
  const heading = FIRST_HEADING.exec(body)?.[1]?.trim();
  return {
    title: str('title') ?? heading ?? basename(path, extname(path)),
    body,
    canonicalUrl: str('url') ?? str('canonical_url'),
    source: str('source') ?? str('account'),
    author: str('author'),
    publishedAt: normalizePublishTime(frontmatter.date ?? frontmatter.published ?? frontmatter.published_at),
    fetchedAt: normalizePublishTime(frontmatter.fetch_date ?? frontmatter.fetched_at),
    lang: str('lang'),
    frontmatter,
    origin: path,
  };
}

/** YAML may yield Dates; frontmatter is stored as JSON. */
function toJsonSafe(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
