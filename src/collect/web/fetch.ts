/**
 * @module collect/web/fetch
 * Fetches one http(s) URL for the collector, safely: the host is resolved and vetted before any
 * connection (private, loopback, link-local, CGNAT, metadata… refused unless allow-listed), the
 * connection goes to exactly the vetted address, redirects are followed by hand with the same check
 * on every hop, and the body is streamed under a byte limit and a whole-request deadline.
 */
import { promises as dns } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Transform, type TransformCallback, pipeline } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import zlib from 'node:zlib';
import ipaddr from 'ipaddr.js';
import { ZhikuError } from '../../errors.js';

/** One resolved address, as `dns.promises.lookup(host, { all: true })` returns it. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Resolves a host name to every address it maps to. Same contract as
 * `(host) => dns.promises.lookup(host, { all: true, verbatim: true })`, which is the default.
 * It is never called for IP literals.
 */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface FetchOptions {
  /** Deadline for the whole call: lookups, every redirect hop, retry waits and the body. Default 20 000 ms. */
  timeoutMs?: number;
  /** Largest body accepted, counted after decompression. Default 20 MB (20 × 1024 × 1024 bytes). */
  maxBytes?: number;
  /** Redirects followed before giving up. Default 5. */
  maxRedirects?: number;
  /** Media types accepted (`type/subtype`, or `type/*`). Default {@link DEFAULT_ALLOWED_TYPES}. A response without Content-Type is accepted. */
  allowedTypes?: readonly string[];
  /** Host names or IPs (as written in the URL) that may resolve to private addresses, e.g. `['127.0.0.1', 'localhost']`. Default none. */
  allowHosts?: readonly string[];
  /** Host resolver; inject one in tests or to use another DNS. Default `dns.promises.lookup` with `all: true`. */
  lookup?: HostResolver;
  /** Validator from an earlier fetch: sent as If-None-Match. */
  etag?: string | null;
  /** Validator from an earlier fetch: sent as If-Modified-Since. */
  lastModified?: string | null;
  /** Default {@link DEFAULT_USER_AGENT}. */
  userAgent?: string;
  /** Extra request headers; they override the defaults (Accept, Accept-Encoding, User-Agent). */
  headers?: Readonly<Record<string, string>>;
}

export interface FetchResult {
  status: 200 | 304;
  /** The final URL, after redirects. */
  url: string;
  /** The decompressed body; empty on 304. */
  bytes: Uint8Array;
  /** Media type from Content-Type, lower-cased, without parameters. */
  contentType: string | null;
  /** The charset parameter of Content-Type, lower-cased and unquoted. */
  charset: string | null;
  /** ETag of the response (on a 304 without one, the ETag that was sent). */
  etag: string | null;
  /** Last-Modified of the response (on a 304 without one, the value that was sent). */
  lastModified: string | null;
  /** Every URL that answered with a redirect, in order: `[...redirects, url]` is the whole chain. */
  redirects: string[];
}

export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_USER_AGENT = 'Zhiku/0.1 (research desk)';
export const DEFAULT_ALLOWED_TYPES: readonly string[] = [
  'text/html',
  'application/xhtml+xml',
  'application/xml',
  'text/xml',
  'application/rss+xml',
  'application/atom+xml',
  'application/feed+json',
  'application/json',
  'text/plain',
];

/** Retries after 429 and 5xx answers, per call. */
const MAX_RETRIES = 2;
/** A server cannot make us wait longer than this between retries. */
const MAX_RETRY_AFTER_MS = 10_000;
const BACKOFF_BASE_MS = 200;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials meant for one origin must not follow a redirect to another. */
const ORIGIN_BOUND_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * Cloud instance-metadata endpoints (AWS, ECS, GCP/Azure share 169.254.169.254, Alibaba, Oracle).
 * Refused even for an allow-listed host name; only listing the address itself opens one.
 */
const METADATA_ADDRESSES = new Set(
  ['169.254.169.254', '169.254.170.2', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192'].map(normalizeIp),
);

const RANGE_WORDS: Record<string, string> = {
  private: 'a private address',
  loopback: 'a loopback address',
  linkLocal: 'a link-local address',
  uniqueLocal: 'a unique-local address',
  carrierGradeNat: 'a carrier-grade NAT (CGNAT) address',
  multicast: 'a multicast address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  reserved: 'a reserved address',
};

/**
 * Why an address must not be fetched from, or null when it is a public unicast address.
 * IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by that address.
 * @example describeRestrictedAddress('::ffff:10.0.0.5') // 'a private address'
 */
export function describeRestrictedAddress(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  if (METADATA_ADDRESSES.has(parsed.toNormalizedString())) return 'a cloud metadata address';
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    return range === 'unicast' ? null : (RANGE_WORDS[range] ?? `a ${range} address`);
  }
  const v6 = ipaddr.IPv6.parse(address);
  const embedded = embeddedIpv4(v6);
  if (embedded) return describeRestrictedAddress(embedded);
  const range = v6.range();
  return range === 'unicast' ? null : (RANGE_WORDS[range] ?? `a ${range} address`);
}

/**
 * GETs `url` under the limits in `options` and returns the body as bytes (decoding text is the caller's job).
 * Throws a one-line ZhikuError: E_INVALID_INPUT for a refused URL, address or content type;
 * E_IO for network failures, timeouts, too large bodies, too many redirects and error statuses.
 */
export async function fetchUrl(url: string, options: FetchOptions = {}): Promise<FetchResult> {
  const settings = resolveSettings(options);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), settings.timeoutMs);
  const progress: FetchProgress = { currentUrl: url, retries: 0, redirects: [] };
  try {
    return await fetchWithRedirects(url, settings, controller.signal, progress);
  } catch (error) {
    if (controller.signal.aborted) {
      throw new ZhikuError('E_IO', `timed out fetching ${progress.currentUrl}: no complete response within ${settings.timeoutMs} ms (timeoutMs)`, {
        item: url,
        cause: error,
      });
    }
    if (error instanceof ZhikuError && error.item !== url) throw new ZhikuError(error.code, error.message, { item: url, cause: error.cause });
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

interface FetchSettings {
  timeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowedTypes: readonly string[];
  allowHosts: ReadonlySet<string>;
  lookup: HostResolver;
  headers: Record<string, string>;
  etag: string | null;
  lastModified: string | null;
}

interface FetchProgress {
  currentUrl: string;
  retries: number;
  redirects: string[];
}

function resolveSettings(options: FetchOptions): FetchSettings {
  const headers: Record<string, string> = {
    'user-agent': options.userAgent ?? DEFAULT_USER_AGENT,
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,application/json;q=0.9,*/*;q=0.8',
    'accept-encoding': 'gzip, deflate, br',
  };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  return {
    timeoutMs: positive(options.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs'),
    maxBytes: positive(options.maxBytes, DEFAULT_MAX_BYTES, 'maxBytes'),
    maxRedirects: Math.max(0, Math.floor(options.maxRedirects ?? DEFAULT_MAX_REDIRECTS)),
    allowedTypes: (options.allowedTypes ?? DEFAULT_ALLOWED_TYPES).map((type) => type.trim().toLowerCase()),
    allowHosts: new Set((options.allowHosts ?? []).map(normalizeHost)),
    lookup: options.lookup ?? ((hostname) => dns.lookup(hostname, { all: true, verbatim: true })),
    headers,
    etag: options.etag ?? null,
    lastModified: options.lastModified ?? null,
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ZhikuError('E_INVALID_INPUT', `fetch option ${name} must be a positive number, got ${value}`);
  return value;
}

async function fetchWithRedirects(url: string, settings: FetchSettings, signal: AbortSignal, progress: FetchProgress): Promise<FetchResult> {
  let target = parseTarget(url);
  let headers = settings.headers;
  for (;;) {
    progress.currentUrl = target.href;
    const response = await requestWithRetries(target, headers, settings, signal, progress);
    const status = response.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status)) {
      response.destroy();
      const location = response.headers.location;
      if (!location) throw failure('E_IO', target, `the server answered ${status} without a Location header`);
      if (progress.redirects.length >= settings.maxRedirects) {
        throw failure('E_IO', target, `more than ${settings.maxRedirects} redirects (maxRedirects)`);
      }
      const next = parseTarget(location, target);
      if (next.origin !== target.origin) headers = withoutOriginBoundHeaders(headers);
      progress.redirects.push(target.href);
      target = next;
      continue;
    }
    return await readResult(response, target, settings, signal, progress);
  }
}

async function requestWithRetries(
  target: URL,
  headers: Record<string, string>,
  settings: FetchSettings,
  signal: AbortSignal,
  progress: FetchProgress,
): Promise<http.IncomingMessage> {
  for (;;) {
    const pinned = await vetHost(target, settings, signal);
    const response = await sendRequest(target, pinned, headers, signal);
    const status = response.statusCode ?? 0;
    const retryable = status === 429 || status >= 500;
    if (!retryable || progress.retries >= MAX_RETRIES) return response;
    response.destroy();
    const waitMs = retryAfterMs(response.headers['retry-after']) ?? backoffMs(progress.retries);
    progress.retries += 1;
    await sleep(waitMs, undefined, { signal });
  }
}

/** Milliseconds asked for by Retry-After (delta-seconds or an HTTP date), capped; null when absent or unreadable. */
function retryAfterMs(header: string | undefined): number | null {
  if (!header) return null;
  const seconds = /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  if (!Number.isFinite(seconds)) return null;
  return Math.min(Math.max(seconds, 0), MAX_RETRY_AFTER_MS);
}

/** Exponential with jitter, so many collectors hitting one failing server do not retry in step. */
function backoffMs(attempt: number): number {
  return BACKOFF_BASE_MS * 2 ** attempt + Math.floor(Math.random() * BACKOFF_BASE_MS);
}

function parseTarget(href: string, base?: URL): URL {
  let target: URL;
  try {
    target = new URL(href, base);
  } catch {
    throw new ZhikuError('E_INVALID_INPUT', `refused to fetch "${oneLine(href)}": not a valid URL`, { item: href });
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw failure('E_INVALID_INPUT', target, `only http and https URLs are fetched, not ${target.protocol}`);
  }
  target.hash = '';
  return target;
}

/**
 * Resolves the URL's host and checks every address before anything connects.
 * Returns the address to connect to, or null for an IP literal (nothing to resolve, nothing to pin).
 */
async function vetHost(target: URL, settings: FetchSettings, signal: AbortSignal): Promise<ResolvedAddress | null> {
  const host = normalizeHost(target.hostname);
  const allowed = settings.allowHosts.has(host);
  if (ipaddr.isValid(host)) {
    const reason = allowed ? null : describeRestrictedAddress(host);
    if (reason) throw failure('E_INVALID_INPUT', target, `${host} is ${reason} (add it to fetch.allowHosts to allow it)`);
    return null;
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await abortable(settings.lookup(host), signal);
  } catch (error) {
    if (signal.aborted) throw error;
    throw failure('E_IO', target, `cannot resolve ${host} (${errorCode(error)})`);
  }
  if (addresses.length === 0) throw failure('E_IO', target, `${host} resolves to no address`);
  for (const { address } of addresses) {
    const reason = describeRestrictedAddress(address);
    // Metadata endpoints stay closed for allow-listed names: only listing the address itself opens one.
    const refused = reason !== null && (!allowed || (reason === 'a cloud metadata address' && !settings.allowHosts.has(normalizeIp(address))));
    if (refused) {
      throw failure('E_INVALID_INPUT', target, `${host} resolves to ${address}, ${reason} (add the host to fetch.allowHosts to allow it)`);
    }
  }
  const first = addresses[0] as ResolvedAddress;
  return { address: first.address, family: ipaddr.parse(first.address).kind() === 'ipv6' ? 6 : 4 };
}

function sendRequest(target: URL, pinned: ResolvedAddress | null, headers: Record<string, string>, signal: AbortSignal): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const transport = target.protocol === 'https:' ? https : http;
    const request = transport.request({
      hostname: normalizeHost(target.hostname),
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method: 'GET',
      headers,
      // No pooled sockets: a reused connection would skip the address check of this request.
      agent: false,
      signal,
      ...(pinned ? { lookup: pinnedLookup(pinned) } : {}),
    });
    request.on('response', (response) => {
      // Errors after the response are reported by whoever reads it; without a listener they would crash the process.
      response.on('error', () => {});
      resolve(response);
    });
    request.on('error', (error) => {
      reject(signal.aborted ? error : failure('E_IO', target, describeNetworkError(error)));
    });
    request.end();
  });
}

/** A `lookup` for the socket that answers with the vetted address only, so a second DNS answer (rebinding) is never used. */
function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}

async function readResult(
  response: http.IncomingMessage,
  target: URL,
  settings: FetchSettings,
  signal: AbortSignal,
  progress: FetchProgress,
): Promise<FetchResult> {
  const status = response.statusCode ?? 0;
  const { contentType, charset } = parseContentType(response.headers['content-type']);
  const etag = headerValue(response.headers.etag);
  const lastModified = headerValue(response.headers['last-modified']);
  const base = { url: target.href, contentType, charset, redirects: progress.redirects };
  if (status === 304) {
    response.destroy();
    return { ...base, status, bytes: new Uint8Array(0), etag: etag ?? settings.etag, lastModified: lastModified ?? settings.lastModified };
  }
  if (status !== 200) {
    response.destroy();
    const retried = progress.retries > 0 ? ` after ${progress.retries} ${progress.retries === 1 ? 'retry' : 'retries'}` : '';
    const text = oneLine(response.statusMessage ?? '') || http.STATUS_CODES[status] || '';
    throw failure('E_IO', target, `the server answered ${status}${text ? ` ${text}` : ''}${retried}`);
  }
  if (contentType && !isAllowedType(contentType, settings.allowedTypes)) {
    response.destroy();
    throw failure('E_INVALID_INPUT', target, `content type ${contentType} is not in allowedTypes`);
  }
  const bytes = await readBody(response, target, settings.maxBytes, signal);
  return { ...base, status, bytes, etag, lastModified };
}

/** Streams the body through its decoders, counting decoded bytes, and stops at the first byte over the limit. */
async function readBody(response: http.IncomingMessage, target: URL, maxBytes: number, signal: AbortSignal): Promise<Uint8Array> {
  const tooLarge = (): ZhikuError => failure('E_IO', target, `the body exceeds the limit of ${maxBytes} bytes (maxBytes)`);
  const declaredLength = Number(response.headers['content-length']);
  if (Number.isFinite(declaredLength) && declaredLength > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  let decoders: Transform[];
  try {
    decoders = createDecoders(response.headers['content-encoding']);
  } catch (error) {
    response.destroy();
    throw failure('E_INVALID_INPUT', target, (error as Error).message);
  }
  const body = decoders.length === 0 ? response : pipeline([response, ...decoders], () => {});
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) throw tooLarge();
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ZhikuError || signal.aborted) throw error;
    const what = decoders.length > 0 ? 'the body could not be read or decoded' : 'the body could not be read';
    throw failure('E_IO', target, `${what}: ${describeNetworkError(error)}`);
  } finally {
    // Closing the socket is what stops the server sending; leaving it open would let the body keep arriving.
    response.destroy();
    for (const decoder of decoders) decoder.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}

/** One decoder per content coding, in the order they must be undone. */
function createDecoders(header: string | undefined): Transform[] {
  const codings = (header ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip();
      case 'deflate':
        return new DeflateDecoder();
      case 'br':
        return zlib.createBrotliDecompress();
      default:
        throw new Error(`content encoding ${coding} is not supported`);
    }
  });
}

/**
 * `Content-Encoding: deflate` means zlib-wrapped data, but some servers send raw deflate;
 * the first byte tells them apart (a zlib header's low nibble is 8).
 */
class DeflateDecoder extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | null = null;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (chunk.length === 0) return done();
    if (!this.inner) {
      const inner = ((chunk[0] ?? 0) & 0x0f) === 0x08 ? zlib.createInflate() : zlib.createInflateRaw();
      inner.on('data', (out: Buffer) => this.push(out));
      inner.on('error', (error) => this.destroy(error));
      this.inner = inner;
    }
    this.inner.write(chunk, () => done());
  }

  override _flush(done: TransformCallback): void {
    if (!this.inner) return done();
    this.inner.once('end', () => done());
    this.inner.end();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    this.inner?.destroy();
    done(error);
  }
}

function parseContentType(header: string | undefined): { contentType: string | null; charset: string | null } {
  if (!header) return { contentType: null, charset: null };
  const [type = '', ...parameters] = header.split(';');
  let charset: string | null = null;
  for (const parameter of parameters) {
    const match = /^\s*charset\s*=\s*"?([^";\s]+)"?\s*$/i.exec(parameter);
    if (match?.[1]) charset = match[1].toLowerCase();
  }
  return { contentType: type.trim().toLowerCase() || null, charset };
}

function isAllowedType(contentType: string, allowedTypes: readonly string[]): boolean {
  return allowedTypes.some((allowed) => allowed === contentType || (allowed.endsWith('/*') && contentType.startsWith(allowed.slice(0, -1))));
}

function withoutOriginBoundHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ORIGIN_BOUND_HEADERS.includes(name)));
}

/** The IPv4 address carried inside an IPv4-mapped, NAT64, 6to4 or Teredo IPv6 address, if any. */
function embeddedIpv4(address: ipaddr.IPv6): string | null {
  const range = address.range();
  const parts = address.parts;
  const fromWords = (high: number, low: number): string => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  if (range === 'ipv4Mapped' || range === 'rfc6145' || range === 'rfc6052') return fromWords(parts[6] ?? 0, parts[7] ?? 0);
  if (range === '6to4') return fromWords(parts[1] ?? 0, parts[2] ?? 0);
  // Teredo stores the client's address bit-inverted in the last 32 bits.
  if (range === 'teredo') return fromWords(~(parts[6] ?? 0) & 0xffff, ~(parts[7] ?? 0) & 0xffff);
  return null;
}

/** Host as written in a URL → the form allow lists compare: lower case, no IPv6 brackets, no trailing dot, canonical IPs. */
function normalizeHost(host: string): string {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return ipaddr.isValid(bare) ? normalizeIp(bare) : bare;
}

function normalizeIp(address: string): string {
  const parsed = ipaddr.parse(address);
  return parsed.kind() === 'ipv6' ? (parsed as ipaddr.IPv6).toNormalizedString() : parsed.toString();
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The message names the URL of the failing hop; fetchUrl sets the item to the URL it was asked for. */
function failure(code: 'E_INVALID_INPUT' | 'E_IO', target: URL, why: string): ZhikuError {
  const verb = code === 'E_INVALID_INPUT' ? 'refused to fetch' : 'cannot fetch';
  return new ZhikuError(code, `${verb} ${target.href}: ${oneLine(why)}`, { item: target.href });
}

function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = errorCode(error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function errorCode(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

function headerValue(value: string | string[] | undefined): string | null {
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || null;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
