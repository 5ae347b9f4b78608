/**
 * @module cli/commands/mcp
 * `zhiku mcp`: the library as an MCP server over stdio. stdout carries the protocol only, so every
 * message for the person goes to stderr.
 */
import type { CommandContext } from '../context.js';

export async function mcpCommand(context: CommandContext): Promise<number> {
  const { runMcpStdio } = await import('../../mcp/stdio.js');
  await runMcpStdio({ config: context.config(), logger: context.logger });
  return 0;
}
