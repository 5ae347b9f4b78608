import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, type FakeRequest, startFakeOpenAi } from '../../test/fake-openai.js';
import { tempDir, thrownZhikuError } from '../../test/helpers.js';
import { loadConfig } from '../config/load-config.js';
import { Library } from '../library/library.js';
import { createMemoryLogger } from '../logger.js';
import { chunkSentences } from './compose.js';
import { type TaskEvent, TaskRunner } from './task-runner.js';

const EXAMPLE = resolve('examples/research-task');
const QUERY = (JSON.parse(readFileSync(join(EXAMPLE, 'query.json'), 'utf8')) as { query: string }).query;

/** Quotes the first sentence of the pack's first chunk, cited to it; translation requests get nothing. */
function quotingWriter(request: FakeRequest) {
  const messages = request.body.messages as { role: string; content: string }[];
  const user = messages.find((message) => message.role === 'user')?.content ?? '';
  if (JSON.stringify(messages).includes('bilingual search engine')) return { content: '{}' };
  const first = /\[E1\] 《[^\n]*》\n([\s\S]*?)(?=\n\n\[E\d+\] 《|$)/.exec(user)?.[1]?.trim() ?? '';
  return { content: `${chunkSentences(first)[0] ?? first}[E1]`, promptTokens: 900, completionTokens: 40 };
}

let fake: FakeOpenAi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe('TaskRunner', () => {
  it('runs a model-backed task against the fake endpoint: model progress, usage priced in the task report', async () => {
    fake = await startFakeOpenAi(quotingWriter);
    const home = tempDir();
    const config = loadConfig({ flags: { home }, env: { ZHIKU_LLM_BASE_URL: fake.baseUrl, ZHIKU_LLM_MODEL: 'gpt-4o-mini', ZHIKU_LLM_API_KEY: 'test' }, cwd: process.cwd() });
    const logger = createMemoryLogger();
    const library = await Library.open(config, { logger });
    const runner = TaskRunner.open({ home, library, config, logger });
    try {
      const task = await runner.create({ query: QUERY, corpora: [join(EXAMPLE, 'long_context.json')] });
      const seen: TaskEvent[] = [];
      runner.subscribe(task.id, (event) => seen.push(event));
      const done = await runner.wait(task.id);
      expect(done.status, JSON.stringify(done.error)).toBe('done');
      expect(seen.filter((event) => event.phase === 'model').length).toBeGreaterThanOrEqual(4);
      expect(done.cost).toMatch(/^\$\d+\.\d+ \(¥\d+\.\d+\), priced from the model catalog$/);
      const taskReport = readFileSync(runner.file(task.id, 'task-report.md'), 'utf8');
      expect(taskReport).toContain('gpt-4o-mini');
      // Every event is on disk too, in order, for readers in other processes.
      const onDisk = readFileSync(join(home, 'tasks', task.id, 'events.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TaskEvent);
      expect(onDisk.map((event) => event.seq)).toEqual(onDisk.map((_, i) => i + 1));
      expect(onDisk.at(-1)).toMatchObject({ phase: 'done' });
      expect(fake.requests.filter((request) => request.path.endsWith('/chat/completions')).length).toBe(seen.filter((event) => event.phase === 'model' && /^model call \d+$/.test(event.message)).length);
    } finally {
      await runner.close();
      await library.close();
    }
  });

  it('marks a task left running by a process that has ended as failed, and refuses ids and names outside its folder', async () => {
    const home = tempDir();
    const config = loadConfig({ flags: { home }, env: {}, cwd: process.cwd() });
    const logger = createMemoryLogger();
    const library = await Library.open(config, { logger });
    try {
      const id = '20250101-deadbeef';
      mkdirSync(join(home, 'tasks', id), { recursive: true });
      // Pid 2^22 + 1 is above Linux's pid_max ceiling, so no process has it.
      writeFileSync(join(home, 'tasks', id, 'task.json'), JSON.stringify({ id, query: 'q', status: 'running', owner: 4_194_305, report: null, error: null }));
      const runner = TaskRunner.open({ home, library, config, logger });
      expect(runner.get(id)).toMatchObject({ status: 'failed', error: { code: 'E_INTERRUPTED' } });
      expect(thrownZhikuError(() => runner.get('../../etc')).toLine()).toBe('../../etc: no such research task [E_NOT_FOUND]');
      expect(thrownZhikuError(() => runner.file(id, '../task.json')).code).toBe('E_INVALID_INPUT');
      expect(thrownZhikuError(() => runner.file(id, 'report.md')).code).toBe('E_NOT_FOUND');
      expect(thrownZhikuError(() => runner.submit(runner.reserve().id, { query: '  ' })).toLine()).toBe('query: a research task needs a query [E_USAGE]');
      await runner.close();
    } finally {
      await library.close();
    }
  });
});
