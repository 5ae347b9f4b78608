/**
 * @module cli/commands/db-migrate
 * `zhiku db migrate`: brings the schema to this build's version (the embedded store also does this on open).
 */
import type { CommandContext } from '../context.js';
import { printJson } from '../format.js';

export async function dbMigrateCommand(context: CommandContext, options: { json?: boolean }): Promise<number> {
  const { openStore } = await import('../../library/store/open-store.js');
  const store = await openStore(context.config().store, { logger: context.logger }, { autoMigrate: false });
  let result;
  try {
    result = await store.migrate();
  } finally {
    await store.close();
  }
  if (options.json) printJson(context.logger.out, result);
  else if (result.from === result.to) context.logger.out(`schema is up to date (version ${result.to})`);
  else context.logger.out(`migrated schema from version ${result.from} to ${result.to}`);
  return 0;
}
