/**
 * @module cli/commands/serve
 * `zhiku serve`: the HTTP API, the web UI and the scheduled jobs, until SIGINT or SIGTERM.
 */
import { ZhikuError } from '../../errors.js';
import type { CommandContext } from '../context.js';

export interface ServeCommandOptions {
  host?: string;
  port?: string;
  schedule?: boolean;
}

export async function serveCommand(context: CommandContext, options: ServeCommandOptions): Promise<number> {
  const base = context.config();
  let port = base.server.port;
  if (options.port !== undefined) {
    port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ZhikuError('E_USAGE', `--port must be 0 to 65535, got "${options.port}"`, { item: 'port' });
  }
  const config = { ...base, server: { ...base.server, host: options.host ?? base.server.host, port } };
  const { startServer } = await import('../../server/listen.js');
  const server = await startServer({ config, logger: context.logger, schedule: options.schedule !== false });
  context.logger.err(`zhiku: serving ${config.home} at ${server.url}${server.token ? ' (token required)' : ''}`);
  if (server.generatedToken) {
    context.logger.err(`zhiku: no server.token is configured, so this run uses a generated one; sign in at ${server.url}/?token=${server.token}`);
  }
  const { schedule } = config.server;
  if (options.schedule !== false) context.logger.err(`zhiku: scheduled: digest ${schedule.digest ?? 'off'}, feeds ${schedule.feeds ?? 'off'} (${schedule.timezone})`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  context.logger.err('zhiku: stopping (waiting for running tasks)');
  await server.close();
  return 0;
}
