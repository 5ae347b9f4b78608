/**
 * @module server/routes/catalog
 * GET /api/models (?vendor, ?country, ?all) and GET /api/cost (?model, ?input, ?output, ?cached, ?requests).
 */
import { Hono } from 'hono';
import { type Catalog, computeCost, openCatalog, parseTokenCount } from '../../catalog/index.js';
import { ZhikuError, isZhikuError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { flagParam } from '../params.js';

export function catalogRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  let catalog: Promise<Catalog> | undefined;
  const open = () => (catalog ??= openCatalog(ctx.config).catch((error: unknown) => {
    catalog = undefined;
    throw error;
  }));

  app.get('/models', async (c) => {
    const loaded = await open();
    const vendor = c.req.query('vendor');
    const country = c.req.query('country')?.toUpperCase();
    if (vendor && !loaded.models.some((m) => m.vendor === vendor)) throw new ZhikuError('E_USAGE', 'no such vendor in the catalog', { item: vendor });
    const all = flagParam(c.req.query('all'));
    const models = loaded.models
      .filter((m) => all || !m.deprecated)
      .filter((m) => !vendor || m.vendor === vendor)
      .filter((m) => !country || loaded.vendorOf(m).country === country);
    return c.json({ rate: loaded.rate, models });
  });

  app.get('/cost', async (c) => {
    const loaded = await open();
    const model = c.req.query('model');
    if (!model) throw new ZhikuError('E_USAGE', 'model is required', { item: 'model' });
    const tokens = (name: string, fallback?: number) => {
      const value = c.req.query(name);
      if (value === undefined || value === '') {
        if (fallback === undefined) throw new ZhikuError('E_USAGE', `${name} (tokens) is required`, { item: name });
        return fallback;
      }
      try {
        return parseTokenCount(value);
      } catch (error) {
        if (isZhikuError(error)) throw new ZhikuError(error.code, error.message, { item: name });
        throw error;
      }
    };
    const usage = { input: tokens('input'), output: tokens('output'), cached: tokens('cached', 0), requests: tokens('requests', 1) };
    return c.json(computeCost(loaded.resolve(model), usage));
  });
  return app;
}
