/**
 * A fake OpenAI-compatible server on 127.0.0.1 for model-backed paths: it records every request and
 * answers chat completions (with `usage` figures like a real server's), embeddings (`json` as given) and audio transcriptions
 * (multipart uploads; `body` holds the form's text fields and `fileBytes` the upload's size) with what
 * `reply` returns. A chat request with `stream: true` is answered as server-sent events in a few
 * pieces, with a final usage chunk when `stream_options.include_usage` is set, as OpenAI does.
 */
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingMessage['headers'];
  fileBytes?: number;
}

export interface FakeOpenAi {
  baseUrl: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

export interface FakeAnswer {
  content: string;
  status?: number;
  promptTokens?: number;
  completionTokens?: number;
  json?: unknown;
  /** Extra response headers (Retry-After on a 429). */
  headers?: Record<string, string>;
  /** Wait this long before answering (a timeout test). */
  delayMs?: number;
  finishReason?: 'stop' | 'length' | 'content_filter';
}

export type Reply = (request: FakeRequest) => FakeAnswer;

/** Text fields and the file size of a multipart/form-data body. */
function parseMultipart(raw: Buffer, contentType: string): { fields: Record<string, string>; fileBytes: number } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const marker = `--${boundary?.[1] ?? boundary?.[2] ?? ''}`;
  const fields: Record<string, string> = {};
  let fileBytes = 0;
  for (const part of raw.toString('latin1').split(marker).slice(1, -1)) {
    const [head = '', ...rest] = part.split('\r\n\r\n');
    const value = rest.join('\r\n\r\n').replace(/\r\n$/, '');
    const name = /name="([^"]+)"/.exec(head)?.[1];
    if (!name) continue;
    if (/filename="/.test(head)) fileBytes = Buffer.byteLength(value, 'latin1');
    else fields[name] = Buffer.from(value, 'latin1').toString('utf8');
  }
  return { fields, fileBytes };
}

export async function startFakeOpenAi(reply: Reply): Promise<FakeOpenAi> {
  const requests: FakeRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const contentType = req.headers['content-type'] ?? '';
      const request: FakeRequest = { path: req.url ?? '', body: {}, headers: req.headers };
      if (contentType.startsWith('multipart/form-data')) {
        const { fields, fileBytes } = parseMultipart(raw, contentType);
        request.body = fields;
        request.fileBytes = fileBytes;
      } else if (raw.length) {
        request.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      }
      requests.push(request);
      if (request.path.endsWith('/audio/transcriptions')) {
        const answer = reply(request);
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.status && answer.status >= 400 ? { error: { message: answer.content } } : (answer.json ?? { text: answer.content })));
        return;
      }
      if (request.path.endsWith('/embeddings')) {
        const answer = reply(request);
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.status && answer.status >= 400 ? { error: { message: answer.content } } : answer.json));
        return;
      }
      if (!request.path.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${request.path}` } }));
        return;
      }
      const answer = reply(request);
      const send = () => {
        if (res.destroyed) return;
        if (answer.status && answer.status >= 400) {
          res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(JSON.stringify({ error: { message: answer.content } }));
          return;
        }
        const promptTokens = answer.promptTokens ?? 100;
        const completionTokens = answer.completionTokens ?? 20;
        const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
        const id = `chatcmpl-${requests.length}`;
        const model = String(request.body.model ?? 'fake');
        const finishReason = answer.finishReason ?? 'stop';
        if (request.body.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream', ...answer.headers });
          const event = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
          const pieces = answer.content.match(/[\s\S]{1,40}/g) ?? [''];
          pieces.forEach((piece, i) =>
            event({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: i === 0 ? { role: 'assistant', content: piece } : { content: piece }, finish_reason: null }] }),
          );
          event({ id, object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: {}, finish_reason: finishReason }] });
          if ((request.body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) event({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage });
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', ...answer.headers }).end(
          JSON.stringify({ id, object: 'chat.completion', created: 0, model, choices: [{ index: 0, message: { role: 'assistant', content: answer.content }, finish_reason: finishReason }], usage }),
        );
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
