/**
 * @module cli/context
 * What every command receives: the logger, the resolved config and a way to open the library.
 */
import { loadConfig } from '../config/load-config.js';
import type { ResolvedConfig, ZhikuUserConfig } from '../config/schema.js';
import type { Logger } from '../logger.js';
import type { Library } from '../library/library.js';

export interface CommandContext {
  logger: Logger;
  config(): ResolvedConfig;
  /** Opens the library, runs `fn`, and always closes it. */
  withLibrary<T>(fn: (library: Library) => Promise<T>): Promise<T>;
}

export interface ContextOptions {
  logger: Logger;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  flags: () => ZhikuUserConfig;
}

export function createContext(options: ContextOptions): CommandContext {
  let config: ResolvedConfig | undefined;
  const context: CommandContext = {
    logger: options.logger,
    config: () => (config ??= loadConfig({ flags: options.flags(), env: options.env, cwd: options.cwd })),
    async withLibrary(fn) {
      const { Library } = await import('../library/library.js');
      const library = await Library.open(context.config(), { logger: options.logger });
      try {
        return await fn(library);
      } finally {
        await library.close();
      }
    },
  };
  return context;
}
