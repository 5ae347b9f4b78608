/**
 * @module cli/commands/inspect
 * `zhiku inspect <file>`: the text per page/slide/sheet that `add` would store, without storing it.
 */
import { inspectFile } from '../../collect/inspect.js';
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';

export async function inspectCommand(context: CommandContext, path: string, options: { json?: boolean }): Promise<number> {
  const inspection = await inspectFile(path, context.config().ingest.maxFileBytes);
  const { out } = context.logger;
  if (options.json) {
    printJson(out, inspection);
    return 0;
  }
  out(`${inspection.path}: ${inspection.format} (${inspection.mime}), ${inspection.bytes.toLocaleString('en-US')} bytes${inspection.encoding ? `, ${inspection.encoding}` : ''}`);
  out(`title: ${inspection.title}`);
  out(`pages: ${inspection.pages.length}`);
  for (const page of inspection.pages) {
    out('');
    out(`── ${page.label}${page.needsOcr ? '（无文字层，需要 OCR）' : ''} ──`);
    if (page.text) out(page.text.trimEnd());
  }
  return 0;
}
