/**
 * @module cli/main
 * Process entry: wires the real streams and environment into runCli.
 */
import { runCli } from './run.js';

export async function main(): Promise<void> {
  process.exitCode = await runCli({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
