/**
 * @module server/routes/feeds
 * GET /api/feeds, POST /api/feeds {url}, POST /api/feeds/update {urls?}.
 */
import { Hono } from 'hono';
import { Subscriptions } from '../../collect/feed/subscriptions.js';
import { ZhikuError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { addFeed, runFeedJob } from '../jobs.js';
import { jsonBody } from '../params.js';

export function feedRoutes(ctx: ServerContext): Hono {
  const app = new Hono();

  app.get('/feeds', (c) => c.json({ feeds: Subscriptions.open(ctx.config.home).feeds }));

  app.post('/feeds', async (c) => {
    const body = await jsonBody(c.req.raw);
    if (typeof body.url !== 'string' || !body.url) throw new ZhikuError('E_USAGE', 'url (the feed URL) is required', { item: 'url' });
    const result = await addFeed(ctx.jobs, body.url);
    return c.json(result, result.added ? 201 : 200);
  });

  app.post('/feeds/update', async (c) => {
    const body = await jsonBody(c.req.raw, { allowEmpty: true });
    const urls = body.urls ?? [];
    if (!Array.isArray(urls) || !urls.every((u) => typeof u === 'string')) throw new ZhikuError('E_USAGE', 'urls must be a list of followed feed URLs', { item: 'urls' });
    return c.json(await runFeedJob(ctx.jobs, urls as string[]));
  });
  return app;
}
