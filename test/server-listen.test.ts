/**
 * `zhiku serve`'s listener on real sockets: an ephemeral loopback port, and a server bound to
 * 0.0.0.0 that answers 401 to requests without the token, also when they come via 127.0.0.1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { createMemoryLogger } from '../src/logger.js';
import { type RunningServer, startServer } from '../src/server/listen.js';
import { runZhiku, tempDir } from './helpers.js';

const running: RunningServer[] = [];
afterAll(async () => {
  for (const server of running) await server.close();
});

async function start(host: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({ flags: { home: tempDir('zhiku-listen-') }, env, cwd: process.cwd() });
  const server = await startServer({ config: { ...config, server: { ...config.server, host, port: 0 } }, logger: createMemoryLogger(), schedule: false });
  running.push(server);
  return server;
}

describe('the listener', () => {
  it('serves the API and the UI on an ephemeral loopback port', async () => {
    const server = await start('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token).toBeNull();
    const stats = await fetch(`${server.url}/api/stats`);
    expect(stats.status).toBe(200);
    expect(((await stats.json()) as { documents: number }).documents).toBe(0);
    const home = await fetch(`${server.url}/`);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await home.text()).toContain('<form class="search"');
  });

  it('bound to 0.0.0.0, refuses requests without the token via 127.0.0.1 and accepts it', async () => {
    // Every request to this listener needs the token, so binding all interfaces for the test exposes nothing.
    const token = 'listen-test-token-0123456789';
    const server = await start('0.0.0.0', { ZHIKU_SERVER_TOKEN: token });
    const via = `http://127.0.0.1:${server.port}`;
    const refused = await fetch(`${via}/api/stats`);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { code: 'E_UNAUTHORIZED', message: 'a valid token is required (Authorization: Bearer, X-Zhiku-Token or the zhiku_token cookie)', item: '/api/stats' } });
    expect((await fetch(`${via}/`)).status).toBe(401);
    expect((await fetch(`${via}/api/stats`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('generates a token for an address off loopback when none is configured', async () => {
    const server = await start('0.0.0.0');
    expect(server.generatedToken).toBe(true);
    expect(server.token).toMatch(/^[\w-]{32}$/);
    const via = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${via}/api/stats`)).status).toBe(401);
    expect((await fetch(`${via}/api/stats`, { headers: { 'x-zhiku-token': server.token! } })).status).toBe(200);
  });

  it('reads the server section from config.json and the token from ZHIKU_SERVER_TOKEN; unknown keys are errors', () => {
    const home = tempDir('zhiku-listen-');
    writeFileSync(join(home, 'config.json'), JSON.stringify({ server: { port: 8080, lang: 'en', schedule: { digest: null, timezone: 'UTC' } } }));
    const config = loadConfig({ flags: { home }, env: { ZHIKU_SERVER_TOKEN: 'env-token-0123456789' }, cwd: process.cwd() });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8080, token: 'env-token-0123456789', lang: 'en', maxUploadBytes: 512 * 1024 * 1024, schedule: { digest: null, feeds: '*/30 * * * *', timezone: 'UTC' } });
    writeFileSync(join(home, 'config.json'), JSON.stringify({ server: { schedule: { weekly: '0 0 * * 0' } } }));
    expect(() => loadConfig({ flags: { home }, env: {}, cwd: process.cwd() })).toThrow('invalid config at server.schedule: unknown key "weekly"');
  });

  it('zhiku serve refuses a bad port with a one-line usage error', async () => {
    const result = await runZhiku(['--home', tempDir(), 'serve', '--port', '70000']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('zhiku: port: --port must be 0 to 65535, got "70000" [E_USAGE]');
  });
});
