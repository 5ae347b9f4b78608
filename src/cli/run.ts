/**
 * @module cli/run
 * The commander program. Commands load their code only when run, so `zhiku --help` stays instant.
 */
import type { Writable } from 'node:stream';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { EXIT_CODES, isZhikuError } from '../errors.js';
import { createStreamLogger } from '../logger.js';
import { createContext } from './context.js';

export interface RunCliOptions {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
}

/** Runs one CLI invocation and returns its exit code. */
export async function runCli(options: RunCliOptions): Promise<number> {
  const logger = createStreamLogger(options.stdout, options.stderr);
  const program = new Command('zhiku');
  const context = createContext({
    logger,
    env: options.env,
    cwd: options.cwd,
    flags: () => {
      const { home } = program.opts<{ home?: string }>();
      return home ? { home } : {};
    },
  });
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = Math.max(exitCode, code);
  };

  program
    .description('Zhiku (智库): a research desk for the AI industry — collect, search, research, digest, translate')
    .version(await readVersion(), '-V, --version')
    .option('--home <dir>', 'library home (default: $ZHIKU_HOME or ./.zhiku)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void options.stdout.write(s),
      writeErr: (s) => void options.stderr.write(s),
    });

  program
    .command('add')
    .description('add files, directories or corpus JSON files to the library')
    .argument('<paths...>', 'markdown, text or corpus JSON files, or directories (recursively)')
    .option('-c, --collection <name>', 'add to this collection (repeatable)', collect, [])
    .option('--json', 'print the result as JSON')
    .action(async (paths: string[], opts) => setExit(await (await import('./commands/add.js')).addCommand(context, paths, opts)));

  program
    .command('search')
    .description('search the library (Chinese and English; Traditional and full-width forms match too)')
    .argument('<query>', 'what to look for')
    .option('-n, --limit <n>', 'number of results', parsePositiveInt)
    .option('--offset <n>', 'skip this many results', parseNonNegativeInt, 0)
    .option('-c, --collection <name>', 'only in this collection (repeatable)', collect, [])
    .option('--source <name>', 'only from this source (repeatable)', collect, [])
    .option('--document <id>', 'only in this document (repeatable)', collect, [])
    .option('--since <date>', 'published on or after this date (YYYY-MM-DD or ISO 8601)')
    .option('--until <date>', 'published before this date')
    .option('--json', 'print the result as JSON')
    .action(async (query: string, opts) => setExit(await (await import('./commands/search.js')).searchCommand(context, query, opts)));

  program
    .command('ls')
    .description('list documents')
    .option('-c, --collection <name>', 'only this collection')
    .option('-n, --limit <n>', 'number of documents', parsePositiveInt, 50)
    .option('--offset <n>', 'skip this many documents', parseNonNegativeInt, 0)
    .option('--json', 'print the result as JSON')
    .action(async (opts) => setExit(await (await import('./commands/ls.js')).lsCommand(context, opts)));

  program
    .command('show')
    .description('show one document')
    .argument('<id>', 'document id')
    .option('--chunks', 'also print the chunks')
    .option('--json', 'print the document (with chunks) as JSON')
    .action(async (id: string, opts) => setExit(await (await import('./commands/show.js')).showCommand(context, id, opts)));

  program
    .command('stats')
    .description('library statistics')
    .option('--json', 'print as JSON')
    .action(async (opts) => setExit(await (await import('./commands/stats.js')).statsCommand(context, opts)));

  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('bring the database schema to this version')
    .option('--json', 'print as JSON')
    .action(async (opts) => setExit(await (await import('./commands/db-migrate.js')).dbMigrateCommand(context, opts)));

  for (const command of program.commands) {
    command.exitOverride();
    for (const sub of command.commands) sub.exitOverride();
  }

  try {
    await program.parseAsync([...options.argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every other commander error is a usage error.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (isZhikuError(error)) {
      logger.err(`zhiku: ${error.toLine()}`);
      return EXIT_CODES[error.code];
    }
    logger.err('zhiku: unexpected error (please report it with the stack below)');
    logger.err(error instanceof Error ? (error.stack ?? String(error)) : String(error));
    return 1;
  }
}

// ---------------------------------------------------------------------------

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative integer, got "${value}"`);
  return n;
}

async function readVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(await readFile(url, 'utf8')) as { version: string }).version;
}
