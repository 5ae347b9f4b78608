/**
 * @module cli/commands/ls
 * `zhiku ls`: documents as a table (CJK-aware widths) or JSON.
 */
import type { CommandContext } from '../context.js';
import { printJson, renderTable } from '../format.js';

export interface LsOptions {
  collection?: string;
  limit?: number;
  offset?: number;
  json?: boolean;
}

export async function lsCommand(context: CommandContext, options: LsOptions): Promise<number> {
  const documents = await context.withLibrary((library) =>
    library.listDocuments({ collection: options.collection, limit: options.limit, offset: options.offset }),
  );
  if (options.json) {
    printJson(context.logger.out, { documents });
    return 0;
  }
  if (documents.length === 0) {
    context.logger.out('no documents');
    return 0;
  }
  const rows = documents.map((d) => [d.id, d.title, d.source ?? '', d.publishedAt?.slice(0, 10) ?? '', String(d.chunkCount), d.collections.join(',')]);
  for (const line of renderTable(['id', 'title', 'source', 'date', 'chunks', 'collections'], rows)) context.logger.out(line);
  return 0;
}
