/**
 * @module collect/parse/corpus-json
 * Benchmark corpora: a JSON array of `{title, page_body}` or `{title, content, url}`, one document per
 * entry. An entry with an empty body is reported and skipped; a malformed entry fails alone.
 */
import { basename, extname } from 'node:path';
import { z } from 'zod';
import { ZhikuError } from '../../errors.js';
import type { CollectedItem } from '../types.js';

const entrySchema = z.looseObject({
  title: z.string(),
  page_body: z.string().nullish(),
  content: z.string().nullish(),
  url: z.string().nullish(),
});

/** True when the parsed JSON looks like a corpus (an array of objects with a title). */
export function isCorpus(data: unknown): data is unknown[] {
  return Array.isArray(data) && data.length > 0 && data.every((e) => typeof e === 'object' && e !== null && 'title' in e);
}

export function parseCorpusJson(data: unknown, path: string): CollectedItem[] {
  if (!Array.isArray(data)) {
    throw new ZhikuError('E_PARSE', 'corpus JSON must be an array of {title, page_body} or {title, content, url}', { item: path });
  }
  if (data.length === 0) throw new ZhikuError('E_EMPTY', 'the corpus has no entries', { item: path });
  const corpus = basename(path, extname(path));
  return data.map((raw, index): CollectedItem => {
    const item = `${path}#${index}`;
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? issue.path.join('.') : 'entry';
      return { kind: 'failed', item, code: 'E_PARSE', reason: `${where}: ${issue?.message ?? 'invalid entry'}` };
    }
    const entry = parsed.data;
    // A NUL is never text (text files with one are refused as binary); it also cuts strings short in C consumers.
    const withNul = (['title', 'page_body', 'content', 'url'] as const).find((key) => entry[key]?.includes('\u0000'));
    if (withNul) return { kind: 'failed', item, code: 'E_INVALID_INPUT', reason: `${withNul}: contains a NUL character` };
    const body = entry.page_body ?? entry.content ?? '';
    if (!body.trim()) return { kind: 'empty', item, reason: 'empty body' };
    return {
      kind: 'document',
      item,
      input: {
        title: entry.title.trim() || `${corpus} #${index}`,
        body,
        canonicalUrl: entry.url ?? null,
        source: 'long_context',
        frontmatter: { corpus, index },
        origin: item,
      },
    };
  });
}
