/**
 * A fake OpenAI-compatible server on 127.0.0.1 for model-backed paths: it records every request and
 * answers chat completions (with `usage` figures like a real server's) and audio transcriptions
 * (multipart uploads; `body` holds the form's text fields and `fileBytes` the upload's size) with what
 * `reply` returns.
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

export type Reply = (request: FakeRequest) => { content: string; status?: number; promptTokens?: number; completionTokens?: number; json?: unknown };

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
      if (!request.path.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${request.path}` } }));
        return;
      }
      const answer = reply(request);
      if (answer.status && answer.status >= 400) {
        res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: answer.content } }));
        return;
      }
      const promptTokens = answer.promptTokens ?? 100;
      const completionTokens = answer.completionTokens ?? 20;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: `chatcmpl-${requests.length}`,
          object: 'chat.completion',
          created: 0,
          model: String(request.body.model ?? 'fake'),
          choices: [{ index: 0, message: { role: 'assistant', content: answer.content }, finish_reason: 'stop' }],
          usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
