/**
 * `zhiku research --resume <task-id>`: a model-backed run killed mid-way (SIGKILL, in a child process)
 * resumes from its saved invocation, and no call it had already been answered is sent again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAi, type FakeRequest, startFakeOpenAi } from '../fake-openai.js';
import { tempDir } from '../helpers.js';
import { runZhikuProcess, spawnZhiku } from './child.js';

const EXAMPLE = resolve('examples/research-task');
const MODEL = 'gpt-4o-mini';

const isChat = (request: FakeRequest) => request.path.endsWith('/chat/completions');
const isTranslation = (request: FakeRequest) => JSON.stringify(request.body.messages).includes('bilingual search engine');
const bodyOf = (request: FakeRequest) => JSON.stringify(request.body.messages);

/** A draft quoting the first sentence of the pack's first block, cited to it. */
function draft(request: FakeRequest): string {
  if (isTranslation(request)) return '{}';
  const user = (request.body.messages as { role: string; content: string }[]).find((message) => message.role === 'user')?.content ?? '';
  const first = /\[E1\] 《[^\n]*》\n([^\n]*?[。！？])/.exec(user)?.[1];
  return first ? `${first}[E1]` : '本节没有可用的材料。';
}

describe('research --resume', () => {
  let server: FakeOpenAi | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('replays the calls answered before the kill and sends only the rest', async () => {
    const ANSWERED = 3;
    let hold = true;
    server = await startFakeOpenAi((request) => {
      // The call after the third answered one is held, so the run is killed while it waits.
      const chats = server!.requests.filter(isChat).length;
      if (hold && chats > ANSWERED) return { content: draft(request), delayMs: 600_000 };
      return { content: draft(request), promptTokens: 900, completionTokens: 40 };
    });
    const home = tempDir('zhiku-resume-');
    const out = join(tempDir('zhiku-resume-out-'), 'out');
    const env = { ZHIKU_LLM_BASE_URL: server.baseUrl, ZHIKU_LLM_MODEL: MODEL, ZHIKU_LLM_API_KEY: 'test' };

    const first = spawnZhiku(['--home', home, 'research', EXAMPLE, '--out', out], { env, timeoutMs: 240_000 });
    await until(() => server!.requests.filter(isChat).length > ANSWERED);
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(out, 'report.md'))).toBe(false);
    const id = /research task (\d{8}-[0-9a-f]{8})/.exec(killed.stdout)?.[1];
    expect(id, killed.stdout).toBeDefined();
    const answered = server.requests.filter(isChat).slice(0, ANSWERED).map(bodyOf);
    const sentBefore = server.requests.length;

    hold = false;
    const resumed = await runZhikuProcess(['--home', home, 'research', '--resume', id!], { env, timeoutMs: 240_000 });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resuming research task ${id}`);
    expect(resumed.stdout).toContain(`${ANSWERED} model replies replayed from the task's cache`);
    const resent = server.requests.slice(sentBefore).filter(isChat).map(bodyOf);
    expect(resent.length).toBeGreaterThan(0);
    for (const body of answered) expect(resent).not.toContain(body);
    // The held call was never answered, so it is the first one sent again.
    expect(resent[0]).toBe(bodyOf(server.requests.filter(isChat)[ANSWERED]!));
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('[long_context: ');
    const state = JSON.parse(readFileSync(join(home, 'tasks', id!, 'run.json'), 'utf8'));
    expect(state).toMatchObject({ id, status: 'done', resumed: 1 });
    // Usage covers the whole task: the replayed calls are metered with what they cost the first time.
    const calls = ANSWERED + resent.length;
    expect(readFileSync(join(out, 'task-report.md'), 'utf8')).toContain(`| ${MODEL} | ${calls} | ${(900 * calls).toLocaleString('en-US')} | 0 | ${(40 * calls).toLocaleString('en-US')} |`);
  }, 300_000);

  it('refuses an unknown or malformed task id in one line', async () => {
    const home = tempDir('zhiku-resume-');
    const env = { ZHIKU_LLM_MODEL: MODEL };
    const unknown = await runZhikuProcess(['--home', home, 'research', '--resume', '20250101-deadbeef'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('zhiku: 20250101-deadbeef: no research run with this id was started from the CLI in this library home [E_NOT_FOUND]\n');
    const malformed = await runZhikuProcess(['--home', home, 'research', '--resume', '../../etc'], { env });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toBe('zhiku: ../../etc: not a research task id (expected YYYYMMDD-xxxxxxxx) [E_USAGE]\n');
  }, 60_000);
});

async function until(condition: () => boolean, timeoutMs = 200_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the condition');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
  }
}
