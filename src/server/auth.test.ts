import { describe, expect, it } from 'vitest';
import { thrownZhikuError } from '../../test/helpers.js';
import { isLoopbackHost, requestToken, resolveAuth, tokensEqual } from './auth.js';

describe('server auth', () => {
  it('needs no token on loopback and refuses any other address without one', () => {
    expect(resolveAuth({ host: '127.0.0.1', token: null })).toEqual({ required: false, token: null });
    expect(resolveAuth({ host: '::1', token: null }).required).toBe(false);
    const error = thrownZhikuError(() => resolveAuth({ host: '0.0.0.0', token: null }));
    expect(error.toLine()).toBe('server.token: binding 0.0.0.0 (not loopback) requires a token: set server.token or ZHIKU_SERVER_TOKEN [E_CONFIG]');
    expect(resolveAuth({ host: '192.168.1.10', token: 'a-long-enough-secret' })).toEqual({ required: true, token: 'a-long-enough-secret' });
    expect(thrownZhikuError(() => resolveAuth({ host: '0.0.0.0', token: 'short' })).code).toBe('E_CONFIG');
  });

  it('classifies loopback names and addresses', () => {
    expect(['127.0.0.1', '127.8.9.10', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'].map(isLoopbackHost)).toEqual([true, true, true, true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.1', 'example.org', 'localhost.evil.org'].map(isLoopbackHost)).toEqual([false, false, false, false, false]);
  });

  it('compares tokens of any length without throwing and reads them from each carrier', () => {
    expect(tokensEqual('a-long-enough-secret', 'a-long-enough-secret')).toBe(true);
    expect(tokensEqual('a-long-enough-secreT', 'a-long-enough-secret')).toBe(false);
    expect(tokensEqual('', 'a-long-enough-secret')).toBe(false);
    const headers = (values: Record<string, string>) => (name: string) => values[name];
    expect(requestToken(headers({ authorization: 'Bearer abc' }), undefined)).toBe('abc');
    expect(requestToken(headers({ 'x-zhiku-token': 'def' }), undefined)).toBe('def');
    expect(requestToken(headers({}), 'ghi')).toBe('ghi');
    expect(requestToken(headers({ authorization: 'Basic abc' }), undefined)).toBeUndefined();
  });
});
