/**
 * Model endpoint faults the writer.test.ts cases do not cover: a stream that stops (or breaks) before
 * the model finished, an endpoint that keeps failing, and the reply cache of a resumed task.
 */
import { type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZhikuError } from '../../src/errors.js';
import { UsageMeter, chat } from '../../src/model/chat.js';
import { modelClient } from '../../src/model/client.js';
import { openReplyCache } from '../../src/model/reply-cache.js';
import { tempDir } from '../helpers.js';

type Answer = (res: ServerResponse, call: number) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A chat endpoint answering the n-th call (from 1) with `answer`; returns its base URL and the call count. */
async function endpoint(answer: Answer): Promise<{ baseUrl: string; calls: () => number }> {
  let calls = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res, ++calls));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, calls: () => calls };
}

const event = (res: ServerResponse, delta: Record<string, unknown>, finish: string | null = null) =>
  res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);

function whole(res: ServerResponse, text: string): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  event(res, { role: 'assistant', content: text });
  event(res, {}, 'stop');
  res.end('data: [DONE]\n\n');
}

/** Half a reply, then the stream ends cleanly: no finish_reason, no [DONE]. */
function cut(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  event(res, { role: 'assistant', content: '智谱发布了' });
  res.end();
}

/** Half a reply, then the connection drops. */
function broken(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  event(res, { role: 'assistant', content: '智谱发布了' });
  setTimeout(() => res.socket?.destroy(), 20);
}

const ASK = [{ role: 'user' as const, content: '写一句话。' }];

describe('a truncated reply stream', () => {
  it('is asked again when it ends without a finish_reason, and the partial call is metered', async () => {
    const { baseUrl, calls } = await endpoint((res, call) => (call === 1 ? cut(res) : whole(res, '智谱发布了新模型。')));
    const meter = new UsageMeter();
    expect(await chat({ client: modelClient({ baseUrl }), model: 'm', meter }, ASK)).toBe('智谱发布了新模型。');
    expect(calls()).toBe(2);
    expect(meter.total().requests).toBe(2);
  });

  it('is asked again when the connection drops mid-reply', async () => {
    const { baseUrl, calls } = await endpoint((res, call) => (call === 1 ? broken(res) : whole(res, '完整的回答。')));
    expect(await chat({ client: modelClient({ baseUrl }), model: 'm', meter: new UsageMeter() }, ASK)).toBe('完整的回答。');
    expect(calls()).toBe(2);
  });

  it('fails in one line after three cut streams, never returning the partial text', async () => {
    const { baseUrl, calls } = await endpoint((res) => cut(res));
    const error = await chat({ client: modelClient({ baseUrl }), model: 'm', meter: new UsageMeter() }, ASK).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZhikuError);
    expect((error as ZhikuError).toLine()).toBe('m: the reply stream ended before the model finished, 3 times [E_MODEL]');
    expect(calls()).toBe(3);
  });
});

describe('an endpoint that keeps failing', () => {
  it('is an E_MODEL error in one line once the client has used its retries', async () => {
    const { baseUrl, calls } = await endpoint((res) => res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' }).end(JSON.stringify({ error: { message: 'overloaded' } })));
    const error = await chat({ client: modelClient({ baseUrl }), model: 'm', meter: new UsageMeter() }, ASK).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ZhikuError);
    expect((error as ZhikuError).code).toBe('E_MODEL');
    expect((error as ZhikuError).message).toMatch(/^the model endpoint failed: 503 /);
    expect(calls()).toBe(4); // the first try and the client's three retries
  }, 30_000);

  it('names an endpoint that cannot be reached', async () => {
    const { baseUrl } = await endpoint(() => undefined);
    server!.close();
    server!.closeAllConnections();
    server = undefined;
    const client = modelClient({ baseUrl }, 500);
    const error = await chat({ client: Object.assign(client, { maxRetries: 0 }), model: 'm', meter: new UsageMeter() }, ASK).catch((e: unknown) => e);
    expect((error as ZhikuError).toLine()).toMatch(/^m: cannot reach the model endpoint: .+ \[E_MODEL\]$/);
  });
});

describe('the reply cache', () => {
  it('answers a repeated request from disk with its original usage, and keeps no partial reply', async () => {
    const { baseUrl, calls } = await endpoint((res, call) => (call === 1 ? cut(res) : whole(res, `第${call}次的回答。`)));
    const dir = tempDir('zhiku-replies-');
    const cache = openReplyCache(dir);
    const first = new UsageMeter();
    const text = await chat({ client: modelClient({ baseUrl }), model: 'm', meter: first, cache }, ASK);
    expect(text).toBe('第2次的回答。');
    // Repeated within the run: not sent, and not metered twice.
    expect(await chat({ client: modelClient({ baseUrl }), model: 'm', meter: first, cache }, ASK)).toBe(text);
    expect(first.total()).toMatchObject({ requests: 2 });
    expect(cache.hits).toBe(0);
    // A resumed run (a new cache over the same folder): replayed with the usage it cost the first time.
    const resumed = openReplyCache(dir);
    const again = new UsageMeter();
    expect(await chat({ client: modelClient({ baseUrl }), model: 'm', meter: again, cache: resumed }, ASK)).toBe(text);
    expect(calls()).toBe(2);
    expect(resumed.hits).toBe(1);
    expect(again.total()).toEqual(first.total());
    const cache2 = resumed;
    // Another request is not a hit.
    expect(await chat({ client: modelClient({ baseUrl }), model: 'm', meter: again, cache: cache2 }, [{ role: 'user', content: '另一句。' }])).toBe('第3次的回答。');
  });
});
