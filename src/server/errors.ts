/**
 * @module server/errors
 * Every throw ends here: a ZhikuError becomes its HTTP status and `{ error: { code, message, item } }`;
 * anything else is a 500 that names no internals (the stack goes to the operator's log).
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTP_STATUS, isZhikuError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface ErrorBody {
  error: { code: string; message: string; item: string | null };
}

/** The status and JSON body for a thrown value. */
export function errorResponse(error: unknown, logger: Logger): { status: ContentfulStatusCode; body: ErrorBody } {
  if (isZhikuError(error)) {
    return { status: HTTP_STATUS[error.code] as ContentfulStatusCode, body: { error: { code: error.code, message: error.message, item: error.item ?? null } } };
  }
  if (error instanceof HTTPException) {
    const status = error.status as ContentfulStatusCode;
    return { status, body: { error: { code: status === 413 ? 'E_TOO_LARGE' : `E_HTTP_${status}`, message: error.message || 'request refused', item: null } } };
  }
  logger.err(`zhiku: unexpected server error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return { status: 500, body: { error: { code: 'E_INTERNAL', message: 'internal error', item: null } } };
}

/** JSON for API paths; the page renderer's own error page for the web UI. */
export function createErrorHandler(logger: Logger, page: (c: Context, status: ContentfulStatusCode, body: ErrorBody) => Response | Promise<Response>) {
  return (error: unknown, c: Context) => {
    const { status, body } = errorResponse(error, logger);
    if (c.req.path.startsWith('/api/')) return c.json(body, status);
    return page(c, status, body);
  };
}
