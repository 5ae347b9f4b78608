/**
 * @module cli/commands/stats
 * `zhiku stats`: counts; `--json` has integer `documents` and `chunks` at the top level.
 */
import type { CommandContext } from '../context.js';
import { printJson, renderTable } from '../format.js';

export async function statsCommand(context: CommandContext, options: { json?: boolean }): Promise<number> {
  const { out } = context.logger;
  const config = context.config();
  const stats = await context.withLibrary((library) => library.stats());
  if (options.json) {
    printJson(out, { driver: config.store.driver, ...stats });
    return 0;
  }
  out(`store: ${config.store.driver}${config.store.driver === 'sqlite' ? ` (${config.store.path})` : ''}`);
  out(`documents: ${stats.documents}`);
  out(`chunks: ${stats.chunks}`);
  if (stats.bytes !== null) out(`size: ${(stats.bytes / (1024 * 1024)).toFixed(1)} MiB`);
  out(`schema version: ${stats.schemaVersion}`);
  if (stats.collections.length) {
    out('');
    for (const line of renderTable(['collection', 'documents'], stats.collections.map((c) => [c.name, String(c.documents)]))) out(line);
  }
  return 0;
}
