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
    .description('add files, directories, corpus JSON files or web pages (URLs) to the library')
    .argument('<paths...>', 'PDF, DOCX, PPTX, markdown, text or corpus JSON files, directories (recursively), or http(s) URLs of articles')
    .option('-c, --collection <name>', 'add to this collection (repeatable)', collect, [])
    .option('--json', 'print the result as JSON')
    .option('--wait', 'with ZHIKU_DATABASE_URL: wait for the queued jobs and report their outcome')
    .action(async (paths: string[], opts) => setExit(await (await import('./commands/add.js')).addCommand(context, paths, opts)));

  const feed = program.command('feed').description('follow RSS, Atom, RDF and JSON feeds (RSSHub and wewe-rss URLs too) and bring their entries into the library');
  feed
    .command('add')
    .description('follow feeds (each is fetched once to check it is a feed)')
    .argument('<urls...>', 'feed URLs')
    .action(async (urls: string[]) => setExit(await (await import('./commands/feed.js')).feedAddCommand(context, urls)));
  feed
    .command('import')
    .description('follow every feed of an OPML file')
    .argument('<opml>', 'the OPML file')
    .action(async (file: string) => setExit(await (await import('./commands/feed.js')).feedImportCommand(context, file)));
  feed
    .command('export')
    .description('the followed feeds as OPML')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (opts) => setExit(await (await import('./commands/feed.js')).feedExportCommand(context, opts)));
  feed
    .command('ls')
    .description('list followed feeds with their last update')
    .option('--json', 'print as JSON')
    .action(async (opts) => setExit(await (await import('./commands/feed.js')).feedListCommand(context, opts)));
  feed
    .command('update')
    .description('fetch followed feeds (conditional GET) and add their new entries to the library')
    .argument('[urls...]', 'feeds to update')
    .option('--all', 'update every followed feed')
    .option('--delay <ms>', 'pause between requests to one host (default 1000)', parseNonNegativeInt)
    .option('--concurrency <n>', 'hosts fetched at once (default 4)', parsePositiveInt)
    .option('--json', 'print the result as JSON')
    .action(async (urls: string[], opts) => setExit(await (await import('./commands/feed.js')).feedUpdateCommand(context, urls, opts)));

  const digest = program.command('digest').description("the day's AI-industry digest from the library, and its format check");
  digest
    .command('build', { isDefault: true })
    .description("build the digest of a day (publish time in Asia/Shanghai) from the library")
    .option('--date <YYYY-MM-DD>', 'the day (default: today in Asia/Shanghai)')
    .option('--since <hours>', 'instead of a day: the last hours, e.g. 24h')
    .option('--source <name>', 'only from this account or site (repeatable)', collect, [])
    .option('-c, --collection <name>', 'only from this collection (repeatable)', collect, [])
    .option('--items <n>', 'full items (default 10)', parsePositiveInt)
    .option('--per-source <n>', 'full items from one source at most (default 3)', parsePositiveInt)
    .option('--drop-non-ai', 'leave 非AI stories out instead of putting them last')
    .option('--source-weight <name=weight>', 'rank a source higher or lower, e.g. 机器之心=2 (repeatable; default 1)', collect, [])
    .option('--format <md|json|rss>', 'output format (rss: this digest and the earlier ones)', 'md')
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--offline', 'write the items offline even when a model endpoint is configured (ZHIKU_LLM_MODEL)')
    .option('--webhook <url>', 'also post the digest to this webhook')
    .option('--webhook-format <json|feishu>', 'generic JSON (default) or Feishu card messages; split to fit each message limit')
    .action(async (opts) => setExit(await (await import('./commands/digest.js')).digestCommand(context, opts)));
  digest
    .command('check')
    .description('check a digest file against the format; prints each violation and warning')
    .argument('<file>', 'the digest markdown')
    .action(async (file: string) => setExit(await (await import('./commands/digest.js')).digestCheckCommand(context, file)));

  program
    .command('fetch')
    .description('fetch one web or WeChat article and write it as archive markdown (the library is not touched)')
    .argument('<url>', 'the page')
    .requiredOption('-o, --out <file>', 'the markdown file to write')
    .action(async (url: string, opts) => setExit(await (await import('./commands/fetch.js')).fetchCommand(context, url, opts)));

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

  program
    .command('inspect')
    .description('show what add would extract from one file (text per page, slide or sheet), without storing it')
    .argument('<file>', 'a PDF, DOCX, PPTX, XLSX, CSV, markdown or text file')
    .option('--charts <dir>', 'for a data file, also render its default charts as SVG and PNG into this directory')
    .option('--json', 'print as JSON')
    .action(async (file: string, opts) => setExit(await (await import('./commands/inspect.js')).inspectCommand(context, file, opts)));

  program
    .command('research')
    .argument('[task-dir]', 'a task folder: query.json or query.md, attached files, long_context corpora')
    .description('write a cited report from a task folder, files and corpora, or the library')
    .option('-q, --query <text>', 'the research question (replaces the folder\'s query)')
    .option('--file <path>', 'attach a file (repeatable)', collect, [])
    .option('--corpus <path>', 'a background corpus JSON (repeatable)', collect, [])
    .option('--corpus-size <size>', 'which sampled corpus of the task folder: 32k, 64k, 128k or 60')
    .option('-c, --collection <name>', 'without a task folder: search only this collection (repeatable)', collect, [])
    .option('--since <date>', 'only documents published on or after this date')
    .option('--format <md|html>', 'output format (default: what the task asks for)')
    .option('--cite <style>', 'source (default: [long_context: "title", chunk N], [文档: file, p. N]) or numeric ([n])')
    .option('-o, --out <dir>', 'where report, evidence.json and task-report.md go (required unless --resume)')
    .option('--resume <task-id>', 'resume a model-backed run that was interrupted: its saved options, with the model replies it already had replayed')
    .option('--json', 'print paths and the self-check as JSON')
    .option('--offline', 'write offline even when a model endpoint is configured (ZHIKU_LLM_MODEL)')
    .option('--max-tokens <n>', 'stop cleanly (exit 3, partial report saved) before input + output tokens exceed this')
    .option('--max-cost <amount>', 'stop cleanly (exit 3) before the priced cost exceeds this, e.g. 0.05, $0.05 or ¥0.3')
    .action(async (dir: string | undefined, opts) => setExit(await (await import('./commands/research.js')).researchCommand(context, dir, opts)));

  program
    .command('translate')
    .argument('<source>', 'an http(s) URL, a markdown, text or HTML file, or a library document id')
    .description('translate an article into Chinese markdown with frontmatter and footer; code, links and images kept; stored next to its original')
    .option('--to <lang>', 'zh (Simplified, default) or zh-TW (Traditional)', 'zh')
    .option('--glossary <file>', 'terms and their required translations (JSON, YAML, CSV, TSV or "term = 译名" lines)')
    .option('--save-images', 'download the images next to the output file and link them locally (needs --out)')
    .option('-o, --out <file>', 'write the translation here (default: stdout)')
    .option('--concurrency <n>', 'model calls in flight at once', parsePositiveInt, 4)
    .option('--no-store', 'do not store the original and the translation in the library')
    .option('--json', 'print the outcome (paths, ids, checks, usage) as JSON')
    .action(async (source: string, opts) => setExit(await (await import('./commands/translate.js')).translateCommand(context, source, opts)));

  const models = program.command('models').description('the model catalog: prices per 1M tokens with source and as-of date, context windows');
  // The listing is the default subcommand, so `models lint --json` and `models --json` never share a flag.
  models
    .command('list', { isDefault: true })
    .description('list catalog models (the default)')
    .option('--vendor <id>', 'only this vendor (openai, anthropic, google, deepseek, qwen, moonshot, zhipu, bytedance, baidu, minimax, meta)')
    .option('--country <code>', 'only vendors from this country (US, CN)')
    .option('--all', 'include deprecated models')
    .option('--json', 'print every row with all tiers and provenance as JSON')
    .action(async (opts) => setExit(await (await import('./commands/models.js')).modelsCommand(context, opts)));
  models
    .command('note')
    .description('render a markdown note from the catalog: a ranked table and per-model sourced price tables')
    .option('--top <n>', 'number of models', parsePositiveInt, 10)
    .option('--by <field>', 'rank by input, output (price, low first) or context (window, large first)', 'input')
    .option('--vendor <id>', 'only this vendor')
    .option('--country <code>', 'only vendors from this country')
    .action(async (opts) => setExit(await (await import('./commands/models.js')).modelsNoteCommand(context, opts)));
  models
    .command('lint')
    .description('check a model note: names in the catalog, prices matching with source and date, anchors, budget sums')
    .argument('<file>', 'markdown note')
    .option('--json', 'print the issues as JSON')
    .action(async (file: string, opts) => setExit(await (await import('./commands/models.js')).modelsLintCommand(context, file, opts)));

  program
    .command('cost')
    .description('cost of token usage on a catalog model, or of a monthly scenario file')
    .option('-m, --model <name>', 'model name, id or provider/id')
    .option('--input <tokens>', 'input tokens, cache hits included (1000000, 1M, 1亿)')
    .option('--output <tokens>', 'output tokens')
    .option('--cached <tokens>', 'of the input, tokens served from the prompt cache')
    .option('--requests <n>', 'requests the input is spread over (the prompt size per request picks the price tier)')
    .option('--scenario <file>', 'JSON list of {label?, model, input, output, cached?, requests?}: a cost table with a total')
    .option('--currency <code>', 'currency for converted amounts and the total: CNY (default) or USD')
    .option('--json', 'print as JSON')
    .action(async (opts) => setExit(await (await import('./commands/cost.js')).costCommand(context, opts)));

  program
    .command('serve')
    .description('HTTP API and web UI over the library, with the scheduled digest and feed updates')
    .option('--host <address>', 'address to bind (default 127.0.0.1; any other needs server.token or ZHIKU_SERVER_TOKEN)')
    .option('--port <n>', 'port (default 5730; 0 picks a free one)')
    .option('--no-schedule', 'do not run the scheduled jobs')
    .action(async (opts) => setExit(await (await import('./commands/serve.js')).serveCommand(context, opts)));

  program
    .command('mcp')
    .description('MCP server on stdio: search_library, get_document, run_research, get_research, get_digest')
    .action(async () => setExit(await (await import('./commands/mcp.js')).mcpCommand(context)));

  const db = program.command('db').description('database maintenance');
  db.command('migrate')
    .description('bring the database schema to this version')
    .option('--json', 'print as JSON')
    .action(async (opts) => setExit(await (await import('./commands/db-migrate.js')).dbMigrateCommand(context, opts)));

  program
    .command('worker')
    .description('take jobs from the PostgreSQL queue (ZHIKU_DATABASE_URL) until SIGINT/SIGTERM; start any number, anywhere')
    .option('--concurrency <n>', 'jobs run at once (default 2)', parsePositiveInt)
    .option('--queues <names>', 'only these queues, comma-separated: ingest-file, fetch-url, feed-update, research, digest, translate')
    .action(async (opts) => setExit(await (await import('./commands/worker.js')).workerCommand(context, opts)));

  const jobs = program.command('jobs').description('the PostgreSQL job queue: progress, failed jobs, retries');
  jobs
    .command('ls')
    .description('jobs per queue and state, then the latest jobs')
    .option('--failed', 'only jobs that failed after their retries (the dead-letter list)')
    .option('--state <state>', 'only jobs in this state: created, retry, active, completed, cancelled, failed')
    .option('--queue <name>', 'only this queue')
    .option('-n, --limit <n>', 'number of jobs listed (default 20)', parsePositiveInt)
    .option('--json', 'print as JSON')
    .action(async (opts) => setExit(await (await import('./commands/jobs.js')).jobsListCommand(context, opts)));
  jobs
    .command('retry')
    .description('queue failed jobs again')
    .argument('<ids...>', 'job ids (zhiku jobs ls --failed)')
    .action(async (ids: string[]) => setExit(await (await import('./commands/jobs.js')).jobsRetryCommand(context, ids)));

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
