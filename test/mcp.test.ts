/**
 * `zhiku mcp` as a separate process over stdio, driven by the SDK's client: initialize, list the
 * tools with their schemas, search the library, and run a research task while receiving progress.
 */
import { cpSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runZhiku, tempDir } from './helpers.js';
import { EXAMPLE_CORPUS, EXAMPLE_QUERY } from './server-fixture.js';

let client: Client;
/** The server's stderr, shown when a task fails so the cause is in the test output. */
let stderr = '';
let home: string;

beforeAll(async () => {
  home = tempDir('zhiku-mcp-');
  const library = join(home, 'articles');
  cpSync(resolve('examples/library'), library, { recursive: true });
  expect((await runZhiku(['--home', home, 'add', library])).code).toBe(0);
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', 'test/zhiku-cli.ts', '--home', home, 'mcp'],
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '' },
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
  client = new Client({ name: 'zhiku-test', version: '1.0.0' });
  await client.connect(transport);
});

afterAll(async () => {
  await client?.close();
});

describe('zhiku mcp', () => {
  it('lists its five tools with JSON schemas', async () => {
    expect(client.getServerVersion()?.name).toBe('zhiku');
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_digest', 'get_document', 'get_research', 'run_research', 'search_library']);
    const search = tools.find((tool) => tool.name === 'search_library')!;
    expect(search.inputSchema).toMatchObject({ type: 'object', required: ['query'], properties: { query: { type: 'string' }, limit: { type: 'integer' } } });
  });

  it('searches the library and reads a hit’s chunk', async () => {
    const result = await client.callTool({ name: 'search_library', arguments: { query: 'GLM-4.6 上下文窗口', limit: 3 } });
    const { hits } = result.structuredContent as { hits: { documentId: string; chunk: number; title: string }[] };
    expect(hits[0]!.title).toBe('智谱发布 GLM-4.6：上下文窗口扩展到 200K');
    const chunk = await client.callTool({ name: 'get_document', arguments: { id: hits[0]!.documentId, chunk: hits[0]!.chunk } });
    expect((chunk.structuredContent as { chunk: { text: string } }).chunk.text).toContain('GLM-4.6');
    const missing = await client.callTool({ name: 'get_document', arguments: { id: 'no-such-id' } });
    expect(missing.isError).toBe(true);
    expect((missing.content as { text: string }[])[0]!.text).toBe('no-such-id: no such document [E_NOT_FOUND]');
  });

  it('runs research with progress notifications and returns the task id; get_research has the report', async () => {
    const progress: { progress: number; message?: string }[] = [];
    const result = await client.callTool(
      { name: 'run_research', arguments: { query: EXAMPLE_QUERY, corpora: [EXAMPLE_CORPUS], offline: true } },
      undefined,
      { onprogress: (p) => void progress.push(p), timeout: 60_000, resetTimeoutOnProgress: true },
    );
    const task = result.structuredContent as { taskId: string; status: string };
    expect(task.status, stderr).toBe('done');
    expect(task.taskId).toMatch(/^\d{8}-[0-9a-f]{8}$/);
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(progress.some((p) => p.message?.includes('read 8 of 8 items'))).toBe(true);
    const research = await client.callTool({ name: 'get_research', arguments: { taskId: task.taskId } });
    const body = research.structuredContent as { report: string; citations: { status: string }[] };
    expect(body.report).toContain('# 《开源大模型长上下文与开放策略简报》');
    expect(body.citations.length).toBeGreaterThan(5);
    expect(body.citations.every((c) => c.status === 'supported')).toBe(true);
    const digest = await client.callTool({ name: 'get_digest', arguments: {} });
    expect(digest.isError).toBe(true);
  });
});
