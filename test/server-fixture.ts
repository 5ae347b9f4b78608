/**
 * A server over a temporary library holding the bundled example articles, for the API, browser and
 * listener tests: the app in-process, or listening on a loopback port.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Hono } from 'hono';
import { collectFiles } from '../src/collect/files.js';
import { loadConfig } from '../src/config/load-config.js';
import type { ResolvedConfig, ZhikuUserConfig } from '../src/config/schema.js';
import { Library } from '../src/library/library.js';
import { createMemoryLogger } from '../src/logger.js';
import { TaskRunner } from '../src/research/task-runner.js';
import { createApp } from '../src/server/app.js';
import { tempDir } from './helpers.js';

export const EXAMPLE_TASK = resolve('examples/research-task');
export const EXAMPLE_QUERY = (JSON.parse(readFileSync(join(EXAMPLE_TASK, 'query.json'), 'utf8')) as { query: string }).query;
export const EXAMPLE_CORPUS = join(EXAMPLE_TASK, 'long_context.json');

export interface TestServer {
  home: string;
  config: ResolvedConfig;
  library: Library;
  runner: TaskRunner;
  app: Hono;
  logger: ReturnType<typeof createMemoryLogger>;
  close(): Promise<void>;
}

/** A library with examples/library (and `extra` markdown files) behind an app. */
export async function openTestServer(options: { config?: ZhikuUserConfig; extra?: Record<string, string> } = {}): Promise<TestServer> {
  const home = tempDir('zhiku-server-');
  writeFileSync(join(home, 'config.json'), JSON.stringify(options.config ?? {}));
  const config = loadConfig({ flags: { home }, env: {}, cwd: process.cwd() });
  const logger = createMemoryLogger();
  const library = await Library.open(config, { logger });
  const files = [resolve('examples/library')];
  for (const [name, text] of Object.entries(options.extra ?? {})) {
    writeFileSync(join(home, name), text);
    files.push(join(home, name));
  }
  await library.ingest(collectFiles(files, { maxFileBytes: 1e8 }), { threads: 1 });
  const runner = TaskRunner.open({ home, library, config, logger });
  const app = createApp({ config, library, runner, logger });
  return {
    home,
    config,
    library,
    runner,
    app,
    logger,
    async close() {
      await runner.close();
      await library.close();
    },
  };
}

/** The example task as a multipart form: its query and its corpus as an upload. */
export function exampleTaskForm(): FormData {
  const form = new FormData();
  form.set('query', EXAMPLE_QUERY);
  form.set('corpus', new Blob([readFileSync(EXAMPLE_CORPUS)], { type: 'application/json' }), 'long_context.json');
  form.set('offline', '1');
  return form;
}
