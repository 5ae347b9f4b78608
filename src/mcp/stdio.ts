/**
 * @module mcp/stdio
 * `zhiku mcp`: the MCP server on stdin/stdout until the client disconnects; research tasks started
 * over it finish before the process ends.
 */
import { readFile } from 'node:fs/promises';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { ResolvedConfig } from '../config/schema.js';
import { Library } from '../library/library.js';
import type { Logger } from '../logger.js';
import { TaskRunner } from '../research/task-runner.js';
import { createMcpServer } from './server.js';

export async function runMcpStdio(options: { config: ResolvedConfig; logger: Logger }): Promise<void> {
  // stdout is the protocol channel: anything meant for a person goes to stderr.
  const logger: Logger = { out: (line) => options.logger.err(line), err: (line) => options.logger.err(line), interactive: false, errStream: options.logger.errStream };
  const { config } = options;
  const library = await Library.open(config, { logger });
  const runner = TaskRunner.open({ home: config.home, library, config, logger });
  const version = (JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  const server = createMcpServer({ config, library, runner, logger, version });
  const transport = new StdioServerTransport();
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    server.server.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await runner.close();
  await server.close();
  await library.close();
}
