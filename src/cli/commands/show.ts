/**
 * @module cli/commands/show
 * `zhiku show <id>`: one document's metadata and body (and chunks on request).
 */
import { ZhikuError } from '../../errors.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';

export interface ShowOptions {
  chunks?: boolean;
  json?: boolean;
}

export async function showCommand(context: CommandContext, id: string, options: ShowOptions): Promise<number> {
  const { out } = context.logger;
  const { document, chunks } = await context.withLibrary(async (library) => {
    const document = await library.getDocument(id);
    if (!document) throw new ZhikuError('E_NOT_FOUND', 'no such document', { item: id });
    return { document, chunks: options.json || options.chunks ? await library.getChunks(id) : [] };
  });
  if (options.json) {
    printJson(out, { ...document, chunks });
    return 0;
  }
  out(`# ${document.title}`);
  const meta: [string, string | null][] = [
    ['id', document.id],
    ['url', document.canonicalUrl],
    ['source', document.source],
    ['author', document.author],
    ['published', document.publishedAt],
    ['fetched', document.fetchedAt],
    ['lang', document.lang],
    ['collections', document.collections.join(', ') || null],
    ['chunks', String(document.chunkCount)],
    ['origin', document.origin],
  ];
  for (const [key, value] of meta) if (value) out(`${key}: ${value}`);
  out('');
  out(document.body);
  if (options.chunks) {
    for (const chunk of chunks) {
      out('');
      out(`--- chunk ${chunk.ordinal} [${chunk.start}, ${chunk.end})${chunk.page ? ` p. ${chunk.page}` : ''}`);
      out(chunk.text);
    }
  }
  return 0;
}
