/**
 * @module cli/commands/search
 * `zhiku search "<query>"`: ranked chunks with highlighted snippets.
 */
import { hitJson } from '../../library/search/search.js';
import type { CommandContext } from '../context.js';
import { markHighlights, printJson } from '../format.js';

export interface SearchCommandOptions {
  limit?: number;
  offset?: number;
  collection?: string[];
  source?: string[];
  document?: string[];
  since?: string;
  until?: string;
  json?: boolean;
}

export async function searchCommand(context: CommandContext, query: string, options: SearchCommandOptions): Promise<number> {
  const { logger } = context;
  const limit = options.limit ?? context.config().search.limit;
  const result = await context.withLibrary((library) =>
    library.search(query, {
      limit,
      offset: options.offset,
      collections: options.collection,
      sources: options.source,
      documentIds: options.document,
      since: options.since,
      until: options.until,
    }),
  );
  if (options.json) {
    printJson(logger.out, {
      query: result.query,
      terms: result.terms,
      hits: result.hits.map((hit, i) => hitJson(hit, (options.offset ?? 0) + i + 1)),
    });
    return 0;
  }
  if (result.hits.length === 0) {
    logger.out(`no results for "${query}"`);
    return 0;
  }
  result.hits.forEach((hit, i) => {
    const rank = (options.offset ?? 0) + i + 1;
    const where = [hit.source, hit.publishedAt?.slice(0, 10)].filter(Boolean).join(' · ');
    logger.out(`${rank}. ${hit.title}${where ? `  (${where})` : ''}`);
    logger.out(`   ${hit.documentId} chunk ${hit.ordinal + 1}${hit.page ? ` p. ${hit.page}` : ''}  score ${hit.score.toFixed(2)}`);
    logger.out(`   ${markHighlights(hit.snippet.text, hit.snippet.highlights, logger.interactive)}`);
  });
  return 0;
}
