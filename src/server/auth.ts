/**
 * @module server/auth
 * Who may talk to the server. On loopback without a token: anyone on this machine, with the Host
 * header checked so a web page cannot reach it through DNS rebinding. Bound anywhere else: every
 * request, also one arriving via 127.0.0.1, carries the token (header or cookie), compared in
 * constant time. Unsafe methods from another site's page are refused either way.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import ipaddr from 'ipaddr.js';
import { ZhikuError } from '../errors.js';

export const TOKEN_COOKIE = 'zhiku_token';
export const TOKEN_HEADER = 'x-zhiku-token';

export interface AuthOptions {
  /** The address the server binds. */
  host: string;
  /** The shared secret; required unless `host` is loopback. */
  token: string | null;
}

export interface ResolvedAuth {
  /** True when every request must carry the token. */
  required: boolean;
  token: string | null;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (!ipaddr.isValid(bare)) return false;
  const address = ipaddr.process(bare);
  return address.range() === 'loopback';
}

/**
 * The auth a bind address needs; throws when an address off loopback has no token.
 * @example resolveAuth({ host: '0.0.0.0', token: process.env.ZHIKU_SERVER_TOKEN ?? null })
 */
export function resolveAuth(options: AuthOptions): ResolvedAuth {
  if (options.token !== null && options.token.length < 16) throw new ZhikuError('E_CONFIG', 'the server token needs at least 16 characters', { item: 'server.token' });
  if (isLoopbackHost(options.host)) return { required: options.token !== null, token: options.token };
  if (options.token === null) throw new ZhikuError('E_CONFIG', `binding ${options.host} (not loopback) requires a token: set server.token or ZHIKU_SERVER_TOKEN`, { item: 'server.token' });
  return { required: true, token: options.token };
}

/** Constant-time equality: both sides are hashed first, so their lengths leak nothing either. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token a request carries: `Authorization: Bearer`, `X-Zhiku-Token`, or the cookie. */
export function requestToken(header: (name: string) => string | undefined, cookie: string | undefined): string | undefined {
  const authorization = header('authorization');
  const bearer = authorization && /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
  return bearer || header(TOKEN_HEADER) || cookie || undefined;
}

/** The auth middleware for `resolveAuth`'s result. */
export function authMiddleware(auth: ResolvedAuth): MiddlewareHandler {
  return async (c, next) => {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method);
    if (unsafe && crossSite(c.req.header('origin'), c.req.header('sec-fetch-site'), c.req.header('host'))) {
      throw new ZhikuError('E_FORBIDDEN', 'cross-site request refused', { item: c.req.path });
    }
    if (!auth.required) {
      const host = c.req.header('host');
      // Only names that resolve to this machine: a rebinding attacker's page sends its own name.
      if (host && !isLoopbackHost(hostName(host))) throw new ZhikuError('E_FORBIDDEN', 'this server answers to localhost names only', { item: host });
      return next();
    }
    // A link such as /?token=… signs the browser in with a cookie and drops the token from the address.
    const fromQuery = c.req.method === 'GET' && !c.req.path.startsWith('/api/') ? c.req.query('token') : undefined;
    if (fromQuery !== undefined && auth.token && tokensEqual(fromQuery, auth.token)) {
      setCookie(c, TOKEN_COOKIE, fromQuery, { httpOnly: true, sameSite: 'Strict', path: '/' });
      const url = new URL(c.req.url);
      url.searchParams.delete('token');
      return c.redirect(`${url.pathname}${url.search}`, 303);
    }
    const given = requestToken((name) => c.req.header(name), getCookie(c, TOKEN_COOKIE));
    if (given === undefined || !auth.token || !tokensEqual(given, auth.token)) {
      throw new ZhikuError('E_UNAUTHORIZED', 'a valid token is required (Authorization: Bearer, X-Zhiku-Token or the zhiku_token cookie)', { item: c.req.path });
    }
    return next();
  };
}

// ---------------------------------------------------------------------------

function hostName(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.replace(/:\d+$/, '');
}

function crossSite(origin: string | undefined, fetchSite: string | undefined, host: string | undefined): boolean {
  // Browsers say where a request comes from; another port on localhost is 'same-site', still another site.
  if (fetchSite) return fetchSite !== 'same-origin' && fetchSite !== 'none';
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
