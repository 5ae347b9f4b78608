/**
 * Fetch faults beside src/collect/web/fetch.test.ts: a DNS answer that mixes public and private
 * addresses, numeric IP spellings, a body that trickles forever, and one cut off mid-way.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ZhikuError } from '../../src/errors.js';
import { fetchUrl } from '../../src/collect/web/fetch.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const failure = (promise: Promise<unknown>) => promise.then(() => new Error('expected a failure'), (error: unknown) => error) as Promise<ZhikuError>;

describe('the private-address guard', () => {
  it('refuses a name when any of its DNS answers is private, even if the first is public', async () => {
    const lookup = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.1.2.3', family: 4 },
    ];
    const error = await failure(fetchUrl('http://mixed.example/', { lookup }));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toContain('mixed.example resolves to 10.1.2.3, a private address');
  });

  it.each(['http://2130706433/', 'http://0x7f.0.0.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:7f00:1]/'])('refuses the loopback spelled %s', async (url) => {
    const error = await failure(fetchUrl(url));
    expect(error.code).toBe('E_INVALID_INPUT');
    expect(error.message).toMatch(/a loopback address/);
  });
});

describe('bodies that do not end', () => {
  it('cuts a body that trickles a byte at a time at the deadline', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write('a')), 50);
    });
    const started = Date.now();
    const error = await failure(fetchUrl(`${origin}/drip`, { allowHosts: ['127.0.0.1'], timeoutMs: 500 }));
    expect(error.message).toBe(`timed out fetching ${origin}/drip: no complete response within 500 ms (timeoutMs)`);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('reports a body cut off before its Content-Length as a read failure, not a short page', async () => {
    const origin = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '5000' });
      res.write('<p>only the start</p>', () => res.socket?.destroy());
    });
    const error = await failure(fetchUrl(`${origin}/cut`, { allowHosts: ['127.0.0.1'] }));
    expect(error.code).toBe('E_IO');
    expect(error.message).toMatch(/^cannot fetch .*\/cut: the body could not be read/);
  });
});
