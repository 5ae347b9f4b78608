/**
 * @module server/routes/library
 * GET /api/search, /api/documents, /api/documents/:id, /api/documents/:id/chunks[/:n], /api/stats.
 * Chunks are numbered from 1, as citations number them.
 */
import { Hono } from 'hono';
import { ZhikuError } from '../../errors.js';
import { hitJson } from '../../library/search/search.js';
import type { ServerContext } from '../context.js';
import { dateParam, intParam } from '../params.js';

const MAX_PAGE = 100;

export function libraryRoutes(ctx: ServerContext): Hono {
  const app = new Hono();

  app.get('/search', async (c) => {
    const q = c.req.query('q') ?? '';
    if (!q.trim()) throw new ZhikuError('E_USAGE', 'q (the query) is required', { item: 'q' });
    if (q.length > 1000) throw new ZhikuError('E_TOO_LARGE', 'the query is over 1000 characters', { item: 'q' });
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: MAX_PAGE, fallback: ctx.config.search.limit });
    const offset = intParam(c.req.query('offset'), 'offset', { min: 0, max: 10_000, fallback: 0 });
    const result = await ctx.library.search(q, {
      limit,
      offset,
      collections: list(c.req.queries('collection')),
      sources: list(c.req.queries('source')),
      documentIds: list(c.req.queries('document')),
      since: dateParam(c.req.query('since'), 'since'),
      until: dateParam(c.req.query('until'), 'until'),
    });
    return c.json({
      query: result.query,
      terms: result.terms,
      limit,
      offset,
      hits: result.hits.map((hit, i) => hitJson(hit, offset + i + 1)),
    });
  });

  app.get('/documents', async (c) => {
    const limit = intParam(c.req.query('limit'), 'limit', { min: 1, max: MAX_PAGE, fallback: 50 });
    const offset = intParam(c.req.query('offset'), 'offset', { min: 0, max: 1_000_000, fallback: 0 });
    const collection = c.req.query('collection') || undefined;
    return c.json({ limit, offset, documents: await ctx.library.listDocuments({ collection, limit, offset }) });
  });

  app.get('/documents/:id', async (c) => c.json(await documentOr404(ctx, c.req.param('id'))));

  app.get('/documents/:id/chunks', async (c) => {
    const id = c.req.param('id');
    await documentOr404(ctx, id);
    return c.json({ documentId: id, chunks: (await ctx.library.getChunks(id)).map(chunkJson) });
  });

  app.get('/documents/:id/chunks/:n', async (c) => {
    const id = c.req.param('id');
    const n = intParam(c.req.param('n'), 'n', { min: 1, max: 10_000_000, fallback: 1 });
    await documentOr404(ctx, id);
    const chunk = (await ctx.library.getChunks(id)).find((entry) => entry.ordinal === n - 1);
    if (!chunk) throw new ZhikuError('E_NOT_FOUND', `the document has no chunk ${n}`, { item: `${id}#${n}` });
    return c.json(chunkJson(chunk));
  });

  app.get('/stats', async (c) => c.json(await ctx.library.stats()));
  return app;
}

// ---------------------------------------------------------------------------

async function documentOr404(ctx: ServerContext, id: string) {
  // Ids are opaque, but never longer than a hash with a prefix; anything else cannot exist.
  if (id.length > 200) throw new ZhikuError('E_NOT_FOUND', 'no such document', { item: id.slice(0, 40) });
  const document = await ctx.library.getDocument(id);
  if (!document) throw new ZhikuError('E_NOT_FOUND', 'no such document', { item: id });
  return document;
}

function chunkJson(chunk: { id: number; documentId: string; ordinal: number; start: number; end: number; text: string; page: number | null }) {
  return { chunk: chunk.ordinal + 1, chunkId: chunk.id, documentId: chunk.documentId, start: chunk.start, end: chunk.end, page: chunk.page, text: chunk.text };
}

function list(values: string[] | undefined): string[] | undefined {
  const out = (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  return out.length ? out : undefined;
}
