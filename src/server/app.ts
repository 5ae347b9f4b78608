/**
 * @module server/app
 * The Hono app: security headers on every response, auth, body limits, the JSON API under /api and
 * the web UI beside it, and one error handler for both.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ResolvedConfig } from '../config/schema.js';
import type { JobQueue } from '../jobs/queue.js';
import type { Library } from '../library/library.js';
import type { Logger } from '../logger.js';
import type { TaskRunner } from '../research/task-runner.js';
import { errorPage } from '../web/layout.js';
import { messages } from '../web/i18n.js';
import { webRoutes } from '../web/routes.js';
import { ZhikuError } from '../errors.js';
import { type ResolvedAuth, authMiddleware, resolveAuth } from './auth.js';
import type { ServerContext } from './context.js';
import { createErrorHandler } from './errors.js';
import { JobGate } from './jobs.js';
import type { MultipartLimits } from './multipart.js';
import { catalogRoutes } from './routes/catalog.js';
import { jobRoutes } from './routes/jobs.js';
import { digestRoutes } from './routes/digests.js';
import { feedRoutes } from './routes/feeds.js';
import { libraryRoutes } from './routes/library.js';
import { researchRoutes } from './routes/research.js';
import type { Scheduler } from './scheduler.js';

export interface AppOptions {
  config: ResolvedConfig;
  library: Library;
  runner: TaskRunner;
  logger: Logger;
  /** Shared with the scheduler so API-started and scheduled runs of a job never overlap. */
  gate?: JobGate;
  scheduler?: Scheduler;
  /** The job queue, on the PostgreSQL store. */
  queue?: JobQueue;
  /** The address the server binds (decides whether the token is required); the config's host by default. */
  host?: string;
  /** Upload limits; the config's by default. */
  uploadLimits?: Partial<MultipartLimits>;
}

/** JSON bodies (not uploads) above this are refused before they are read. */
const MAX_JSON_BYTES = 1024 * 1024;

/**
 * Content-Security-Policy of every response: scripts and styles from this origin only (no inline
 * code anywhere), images from here or https, nothing framed, forms posting back here.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * @example
 * const app = createApp({ config, library, runner: TaskRunner.open({ home: config.home, library, config, logger }), logger });
 * const res = await app.request('/api/search?q=GLM');
 */
export function createApp(options: AppOptions): Hono {
  const { config, logger } = options;
  const auth: ResolvedAuth = resolveAuth({ host: options.host ?? config.server.host, token: config.server.token });
  const gate = options.gate ?? new JobGate();
  const ctx: ServerContext = {
    config,
    library: options.library,
    runner: options.runner,
    logger,
    jobs: { config, library: options.library, logger, gate, queue: options.queue },
    uploadLimits: {
      maxBytes: config.server.maxUploadBytes,
      maxFileBytes: config.ingest.maxFileBytes,
      maxFieldBytes: 256 * 1024,
      maxParts: 200,
      ...options.uploadLimits,
    },
    scheduler: options.scheduler,
    queue: options.queue,
  };
  const lang = config.server.lang;
  const t = messages(lang);
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    c.res.headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.res.headers.set('X-Content-Type-Options', 'nosniff');
    // same-origin, not no-referrer: with no-referrer a form post says Origin: null.
    c.res.headers.set('Referrer-Policy', 'same-origin');
    c.res.headers.set('X-Frame-Options', 'DENY');
  });
  app.use('*', authMiddleware(auth));
  // Uploads have their own streaming limits; every other body is small.
  app.use('*', async (c, next) => {
    if (/^multipart\/form-data/i.test(c.req.header('content-type') ?? '')) return next();
    return bodyLimit({
      maxSize: MAX_JSON_BYTES,
      onError: () => {
        throw new ZhikuError('E_TOO_LARGE', `over the limit of ${MAX_JSON_BYTES.toLocaleString('en-US')} bytes`, { item: 'body' });
      },
    })(c, next);
  });

  const api = new Hono();
  api.route('/', libraryRoutes(ctx));
  api.route('/', researchRoutes(ctx));
  api.route('/', digestRoutes(ctx));
  api.route('/', feedRoutes(ctx));
  api.route('/', catalogRoutes(ctx));
  api.route('/', jobRoutes(ctx));
  api.get('/schedule', (c) => c.json({ jobs: ctx.scheduler?.jobs() ?? [] }));
  app.route('/api', api);
  app.route('/', webRoutes(ctx, lang));

  app.notFound((c) => {
    throw new ZhikuError('E_NOT_FOUND', 'no such page', { item: c.req.path.slice(0, 200) });
  });
  app.onError(
    createErrorHandler(logger, (c, status, body) => {
      const { code, message, item } = body.error;
      return c.html(errorPage(lang, t, status, code, message, item), status);
    }),
  );
  return app;
}
