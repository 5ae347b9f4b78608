/**
 * @module server/routes/digests
 * GET /api/digests (dates), GET /api/digests/:date (?format=json|md|rss), POST /api/digests (build).
 */
import { Hono } from 'hono';
import { digestArchiveDir, listDigestDates, readDigest, readDigests } from '../../digest/archive.js';
import { renderDigestRss } from '../../digest/format/feed.js';
import { renderDigestMarkdown } from '../../digest/format/markdown.js';
import { ZhikuError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { runDigestJob, type DigestBuildOptions } from '../jobs.js';
import { enumParam, jsonBody } from '../params.js';

const FEED_DIGESTS = 30;

export function digestRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const archive = () => digestArchiveDir(ctx.config.home);

  app.get('/digests', (c) => c.json({ dates: listDigestDates(archive()) }));

  app.get('/digests/:date', (c) => {
    const format = enumParam(c.req.query('format'), 'format', ['json', 'md', 'rss'] as const) ?? 'json';
    const digest = readDigest(archive(), c.req.param('date'));
    if (format === 'md') return c.body(renderDigestMarkdown(digest), 200, { 'Content-Type': 'text/markdown; charset=utf-8' });
    if (format === 'rss') {
      const digests = [digest, ...readDigests(archive()).filter((d) => d.date < digest.date)].slice(0, FEED_DIGESTS);
      const link = new URL('/digests', c.req.url).toString();
      return c.body(renderDigestRss(digests, { title: 'Zhiku AI行业速递', link }), 200, { 'Content-Type': 'application/rss+xml; charset=utf-8' });
    }
    return c.json(digest);
  });

  app.post('/digests', async (c) => {
    const body = await jsonBody(c.req.raw, { allowEmpty: true });
    const digest = await runDigestJob(ctx.jobs, digestOptions(body));
    return c.json(digest, 201);
  });
  return app;
}

// ---------------------------------------------------------------------------

function digestOptions(body: Record<string, unknown>): DigestBuildOptions {
  const known = new Set(['date', 'since', 'sources', 'collections', 'items', 'perSource', 'dropNonAi', 'sourceWeights', 'offline']);
  for (const key of Object.keys(body)) if (!known.has(key)) throw new ZhikuError('E_USAGE', `unknown field "${key}"`, { item: key });
  const str = (key: string) => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw new ZhikuError('E_USAGE', `${key} must be a string`, { item: key });
    return value;
  };
  const int = (key: string) => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 100) throw new ZhikuError('E_USAGE', `${key} must be an integer from 1 to 100`, { item: key });
    return value;
  };
  const names = (key: string) => {
    const value = body[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new ZhikuError('E_USAGE', `${key} must be a list of names`, { item: key });
    return value as string[];
  };
  const weights = body.sourceWeights;
  if (weights !== undefined && (typeof weights !== 'object' || weights === null || Object.values(weights).some((w) => typeof w !== 'number' || !(w >= 0)))) {
    throw new ZhikuError('E_USAGE', 'sourceWeights maps source names to non-negative numbers', { item: 'sourceWeights' });
  }
  return {
    date: str('date'),
    since: str('since'),
    sources: names('sources'),
    collections: names('collections'),
    items: int('items'),
    perSource: int('perSource'),
    dropNonAi: body.dropNonAi === true,
    sourceWeights: weights as Record<string, number> | undefined,
    offline: body.offline === true,
  };
}
