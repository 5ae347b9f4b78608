import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ZhikuError } from '../../errors.js';
import { type FetchOptions, type ResolvedAddress, describeRestrictedAddress, fetchUrl } from './fetch.js';

interface TestServer {
  origin: string;
  port: number;
  /** TCP connections accepted so far. */
  connections: () => number;
  /** Requests received so far, with their headers. */
  requests: http.IncomingHttpHeaders[];
}

const servers: http.Server[] = [];

async function startServer(handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => (connections += 1));
  const requests: http.IncomingHttpHeaders[] = [];
  server.on('request', (request: http.IncomingMessage) => requests.push(request.headers));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, port, connections: () => connections, requests };
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

const LOCAL: FetchOptions = { allowHosts: ['127.0.0.1'] };

/** A resolver that answers from a table and remembers every host it was asked about. */
function recordingLookup(table: Record<string, string>): { lookup: (host: string) => Promise<ResolvedAddress[]>; asked: string[] } {
  const asked: string[] = [];
  const lookup = async (host: string): Promise<ResolvedAddress[]> => {
    asked.push(host);
    const address = table[host];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  return { lookup, asked };
}

/** Every outgoing socket connect in this process, as `host:port`. */
function spyOnConnects(): string[] {
  const targets: string[] = [];
  const original = net.Socket.prototype.connect;
  vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(function (this: net.Socket, ...args: unknown[]) {
    const [first, second] = args;
    if (first && typeof first === 'object' && 'port' in first) {
      const options = first as { host?: string; port: number };
      targets.push(`${options.host ?? 'localhost'}:${options.port}`);
    } else if (Array.isArray(first)) {
      const [options] = first as [{ host?: string; port: number }];
      targets.push(`${options.host ?? 'localhost'}:${options.port}`);
    } else {
      targets.push(`${String(second ?? 'localhost')}:${String(first)}`);
    }
    return (original as (...connectArgs: unknown[]) => net.Socket).apply(this, args);
  });
  return targets;
}

function drainedOrClosed(response: http.ServerResponse): Promise<void> {
  return new Promise((resume) => {
    const done = (): void => {
      response.off('drain', done).off('close', done);
      resume();
    };
    response.on('drain', done).on('close', done);
  });
}

async function caught(promise: Promise<unknown>): Promise<ZhikuError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ZhikuError);
    return error as ZhikuError;
  }
  throw new Error('expected the fetch to fail');
}

describe('describeRestrictedAddress', () => {
  it.each([
    ['10.0.0.5', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['127.0.0.1', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['169.254.1.1', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fc00::1', 'a unique-local address'],
    ['100.64.0.1', 'a carrier-grade NAT (CGNAT) address'],
    ['224.0.0.1', 'a multicast address'],
    ['ff02::1', 'a multicast address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::', 'an unspecified address'],
    ['::ffff:10.0.0.5', 'a private address'],
    ['::ffff:a9fe:a9fe', 'a cloud metadata address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['64:ff9b::7f00:1', 'a loopback address'],
    ['2002:c0a8:101::1', 'a private address'],
  ])('refuses %s as %s', (address, reason) => {
    expect(describeRestrictedAddress(address)).toBe(reason);
  });

  it.each(['93.184.216.34', '2606:4700::1111', '::ffff:8.8.8.8'])('accepts the public address %s', (address) => {
    expect(describeRestrictedAddress(address)).toBeNull();
  });
});

describe('fetchUrl', () => {
  it('fetches a page and reports the charset from the Content-Type header', async () => {
    const gbkBytes = Buffer.from([0xd6, 0xc7, 0xbf, 0xe2]); // 智库 in GBK
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'Text/HTML; Charset="GBK"' });
      response.end(gbkBytes);
    });
    const result = await fetchUrl(`${server.origin}/page`, LOCAL);
    expect(result).toMatchObject({ status: 200, url: `${server.origin}/page`, contentType: 'text/html', charset: 'gbk', redirects: [] });
    expect(Buffer.from(result.bytes)).toEqual(gbkBytes);
  });

  it('sends the validators back and returns an empty 304', async () => {
    const lastModified = 'Wed, 01 Oct 2025 08:00:00 GMT';
    const server = await startServer((request, response) => {
      if (request.headers['if-none-match'] === '"v1"') {
        response.writeHead(304, { etag: '"v1"' });
        response.end();
        return;
      }
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', etag: '"v1"', 'last-modified': lastModified });
      response.end('第一次');
    });
    const first = await fetchUrl(`${server.origin}/feed`, LOCAL);
    expect(first).toMatchObject({ status: 200, etag: '"v1"', lastModified });
    const second = await fetchUrl(`${server.origin}/feed`, { ...LOCAL, etag: first.etag, lastModified: first.lastModified });
    expect(second.status).toBe(304);
    expect(second.bytes.byteLength).toBe(0);
    expect(second).toMatchObject({ etag: '"v1"', lastModified });
    expect(server.requests[1]).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': lastModified });
  });

  it('follows redirects between allowed hosts and reports the chain', async () => {
    const server = await startServer((request, response) => {
      if (request.url === '/old') response.writeHead(301, { location: '/new' }).end();
      else response.writeHead(200, { 'content-type': 'text/html' }).end('<p>new</p>');
    });
    const result = await fetchUrl(`${server.origin}/old`, LOCAL);
    expect(result).toMatchObject({ status: 200, url: `${server.origin}/new`, redirects: [`${server.origin}/old`] });
  });

  it('refuses a redirect to a private IP literal without connecting to it', async () => {
    const server = await startServer((_request, response) => response.writeHead(302, { location: 'http://10.0.0.5/x' }).end());
    const connects = spyOnConnects();
    const { lookup, asked } = recordingLookup({});
    const error = await caught(fetchUrl(`${server.origin}/start`, { ...LOCAL, lookup }));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toBe('refused to fetch http://10.0.0.5/x: 10.0.0.5 is a private address (add it to fetch.allowHosts to allow it)');
    expect(error.item).toBe(`${server.origin}/start`);
    expect(asked).toEqual([]);
    expect(connects).toEqual([`127.0.0.1:${server.port}`]);
  });

  it.each([
    ['a name that resolves to a private address', 'intranet.example', '10.0.0.5', 'a private address'],
    ['a name that resolves to the metadata service', 'metadata.example', '169.254.169.254', 'a cloud metadata address'],
    ['a name that resolves to an IPv4-mapped loopback', 'mapped.example', '::ffff:127.0.0.1', 'a loopback address'],
  ])('refuses a redirect to %s before connecting', async (_label, host, address, reason) => {
    const server = await startServer((_request, response) => response.writeHead(307, { location: `http://${host}/latest/meta-data/` }).end());
    const connects = spyOnConnects();
    const { lookup, asked } = recordingLookup({ [host]: address });
    const error = await caught(fetchUrl(`${server.origin}/start`, { ...LOCAL, lookup }));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toContain(`${host} resolves to ${address}, ${reason}`);
    expect(asked).toEqual([host]);
    expect(connects).toEqual([`127.0.0.1:${server.port}`]);
  });

  it('refuses a host that resolves to 127.0.0.1 when only the address 127.0.0.1 is allowed', async () => {
    const untouched = await startServer((_request, response) => response.end('should never be served'));
    const connects = spyOnConnects();
    const { lookup, asked } = recordingLookup({ 'sneaky.example': '127.0.0.1' });
    const error = await caught(fetchUrl(`http://sneaky.example:${untouched.port}/`, { ...LOCAL, lookup }));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toContain('sneaky.example resolves to 127.0.0.1, a loopback address');
    expect(asked).toEqual(['sneaky.example']);
    expect(connects).toEqual([]);
    expect(untouched.connections()).toBe(0);
  });

  it('connects to the vetted address, not to a second DNS answer', async () => {
    const server = await startServer((_request, response) => response.writeHead(200, { 'content-type': 'text/plain' }).end('pinned'));
    let calls = 0;
    // A rebinding resolver: the first answer is the allowed one, any later answer points elsewhere.
    const lookup = async (): Promise<ResolvedAddress[]> => [{ address: calls++ === 0 ? '127.0.0.1' : '10.0.0.5', family: 4 }];
    const result = await fetchUrl(`http://pinned.example:${server.port}/`, { allowHosts: ['pinned.example'], lookup });
    expect(Buffer.from(result.bytes).toString()).toBe('pinned');
    expect(calls).toBe(1);
    expect(server.requests[0]?.host).toBe(`pinned.example:${server.port}`);
  });

  it('refuses non-http schemes', async () => {
    const error = await caught(fetchUrl('file:///etc/passwd'));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toBe('refused to fetch file:///etc/passwd: only http and https URLs are fetched, not file:');
  });

  it('stops a 50 MB body at maxBytes without buffering it', async () => {
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let written = 0;
    let finished = false;
    let resolveClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
    const server = await startServer(async (_request, response) => {
      response.on('close', () => resolveClosed());
      response.writeHead(200, { 'content-type': 'text/plain' });
      // Honour backpressure so the server, like the client, never holds more than a chunk or two.
      while (written < total && !response.destroyed) {
        written += chunk.length;
        if (!response.write(chunk)) await drainedOrClosed(response);
      }
      if (!response.destroyed) {
        finished = true;
        response.end();
      }
    });
    const origin = server.origin;
    const maxBytes = 2 * 1024 * 1024;
    const error = await caught(fetchUrl(`${origin}/big`, { ...LOCAL, maxBytes }));
    expect(error.code).toBe('E_IO');
    expect(error.message).toBe(`cannot fetch ${origin}/big: the body exceeds the limit of 2097152 bytes (maxBytes)`);
    await closed;
    expect(finished).toBe(false);
    // What the server got out before noticing the closed socket: the limit plus what sat in socket buffers.
    expect(written).toBeGreaterThan(maxBytes);
    expect(written).toBeLessThan(maxBytes + 8 * 1024 * 1024);
  });

  it('refuses a declared Content-Length over the limit before reading the body', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(10 * 1024 * 1024) });
      response.write(Buffer.alloc(1024));
    });
    const error = await caught(fetchUrl(`${server.origin}/declared`, { ...LOCAL, maxBytes: 1024 * 1024 }));
    expect(error.message).toContain('exceeds the limit of 1048576 bytes (maxBytes)');
  });

  it('counts decompressed bytes against the limit', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024));
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      response.end(bomb);
    });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const error = await caught(fetchUrl(`${server.origin}/bomb`, { ...LOCAL, maxBytes: 1024 * 1024 }));
    expect(error.code).toBe('E_IO');
    expect(error.message).toContain('exceeds the limit of 1048576 bytes');
  });

  it('gives up at the deadline with an error naming the timeout', async () => {
    const server = await startServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.write('<p>a start, and then nothing');
    });
    const started = Date.now();
    const error = await caught(fetchUrl(`${server.origin}/slow`, { ...LOCAL, timeoutMs: 300 }));
    expect(error.code).toBe('E_IO');
    expect(error.message).toBe(`timed out fetching ${server.origin}/slow: no complete response within 300 ms (timeoutMs)`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('counts a resolver that never answers against the deadline', async () => {
    const lookup = (): Promise<ResolvedAddress[]> => new Promise(() => {});
    const error = await caught(fetchUrl('http://hanging.example/', { lookup, timeoutMs: 200 }));
    expect(error.message).toBe('timed out fetching http://hanging.example/: no complete response within 200 ms (timeoutMs)');
  });

  it('refuses the metadata address even for an allow-listed name', async () => {
    const connects = spyOnConnects();
    const { lookup } = recordingLookup({ 'cloud.example': '169.254.169.254' });
    const error = await caught(fetchUrl('http://cloud.example/latest/', { allowHosts: ['cloud.example'], lookup }));
    expect(error.message).toContain('cloud.example resolves to 169.254.169.254, a cloud metadata address');
    expect(connects).toEqual([]);
  });

  it('refuses a content type that is not allowed', async () => {
    const server = await startServer((_request, response) => response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(16)));
    const error = await caught(fetchUrl(`${server.origin}/logo.png`, LOCAL));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toBe(`refused to fetch ${server.origin}/logo.png: content type image/png is not in allowedTypes`);
  });

  it('retries a 429 after Retry-After and then succeeds', async () => {
    let hits = 0;
    const server = await startServer((_request, response) => {
      hits += 1;
      if (hits === 1) response.writeHead(429, { 'retry-after': '1' }).end();
      else response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const started = performance.now();
    const result = await fetchUrl(`${server.origin}/api`, LOCAL);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result.status).toBe(200);
    expect(Buffer.from(result.bytes).toString()).toBe('{"ok":true}');
    expect(hits).toBe(2);
  });

  it('retries a 5xx twice, then fails naming the status', async () => {
    const server = await startServer((_request, response) => response.writeHead(502).end());
    const error = await caught(fetchUrl(`${server.origin}/down`, LOCAL));
    expect(error.code).toBe('E_IO');
    expect(error.message).toBe(`cannot fetch ${server.origin}/down: the server answered 502 Bad Gateway after 2 retries`);
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a 404', async () => {
    const server = await startServer((_request, response) => response.writeHead(404).end());
    const error = await caught(fetchUrl(`${server.origin}/missing`, LOCAL));
    expect(error.message).toBe(`cannot fetch ${server.origin}/missing: the server answered 404 Not Found`);
    expect(server.requests).toHaveLength(1);
  });

  it('stops after maxRedirects with an error naming the limit', async () => {
    const server = await startServer((request, response) => {
      const step = Number(request.url?.slice(1) ?? 0);
      response.writeHead(302, { location: `/${step + 1}` }).end();
    });
    const error = await caught(fetchUrl(`${server.origin}/0`, { ...LOCAL, maxRedirects: 2 }));
    expect(error.code).toBe('E_IO');
    expect(error.message).toBe(`cannot fetch ${server.origin}/2: more than 2 redirects (maxRedirects)`);
  });

  it.each([
    ['gzip', (body: Buffer) => zlib.gzipSync(body)],
    ['br', (body: Buffer) => zlib.brotliCompressSync(body)],
    ['deflate', (body: Buffer) => zlib.deflateSync(body)],
    ['deflate', (body: Buffer) => zlib.deflateRawSync(body)],
  ])('decodes a %s-encoded response', async (encoding, encode) => {
    const text = '<p>智库：中文优先的研究台</p>'.repeat(200);
    const server = await startServer((request, response) => {
      expect(request.headers['accept-encoding']).toContain(encoding);
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': encoding });
      response.end(encode(Buffer.from(text)));
    });
    const result = await fetchUrl(`${server.origin}/zipped`, LOCAL);
    expect(Buffer.from(result.bytes).toString('utf8')).toBe(text);
  });
});
