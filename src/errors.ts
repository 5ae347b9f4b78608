/**
 * @module errors
 * One error class for every expected failure, with a code that maps to a CLI exit code and an HTTP status.
 */

/** Every code Zhiku can raise on purpose. Codes are API: tests and callers match on them. */
export type ZhikuErrorCode =
  | 'E_USAGE'
  | 'E_CONFIG'
  | 'E_NEEDS_MODEL'
  | 'E_NOT_FOUND'
  | 'E_UNSUPPORTED'
  | 'E_PARSE'
  | 'E_INVALID_INPUT'
  | 'E_EMPTY'
  | 'E_INVALID_CHUNK'
  | 'E_SCHEMA_VERSION'
  | 'E_STORE'
  | 'E_IO'
  | 'E_MODEL'
  | 'E_BUDGET'
  | 'E_TOO_LARGE'
  | 'E_UNAUTHORIZED'
  | 'E_FORBIDDEN';

/** CLI exit codes: 1 failed items or runtime error, 2 usage or configuration, 3 stopped by a budget. */
export const EXIT_CODES: Record<ZhikuErrorCode, number> = {
  E_USAGE: 2,
  E_CONFIG: 2,
  E_NEEDS_MODEL: 2,
  E_NOT_FOUND: 1,
  E_UNSUPPORTED: 1,
  E_PARSE: 1,
  E_INVALID_INPUT: 1,
  E_EMPTY: 1,
  E_INVALID_CHUNK: 1,
  E_SCHEMA_VERSION: 2,
  E_STORE: 1,
  E_IO: 1,
  E_MODEL: 1,
  E_BUDGET: 3,
  E_TOO_LARGE: 1,
  E_UNAUTHORIZED: 2,
  E_FORBIDDEN: 2,
};

/** HTTP statuses for the same codes; anything unknown is a 500. */
export const HTTP_STATUS: Record<ZhikuErrorCode, number> = {
  E_USAGE: 400,
  E_CONFIG: 500,
  E_NEEDS_MODEL: 503,
  E_NOT_FOUND: 404,
  E_UNSUPPORTED: 415,
  E_PARSE: 422,
  E_INVALID_INPUT: 400,
  E_EMPTY: 422,
  E_INVALID_CHUNK: 422,
  E_SCHEMA_VERSION: 500,
  E_STORE: 500,
  E_IO: 500,
  E_MODEL: 502,
  E_BUDGET: 402,
  E_TOO_LARGE: 413,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
};

export interface ZhikuErrorOptions {
  /** The path, URL or id the error is about. */
  item?: string;
  cause?: unknown;
}

/**
 * An expected failure. The CLI prints it as `zhiku: <item>: <reason> [E_CODE]`.
 * @example throw new ZhikuError('E_NOT_FOUND', 'no such document', { item: 'd_123' })
 */
export class ZhikuError extends Error {
  override readonly name = 'ZhikuError';
  readonly code: ZhikuErrorCode;
  readonly item: string | undefined;

  constructor(code: ZhikuErrorCode, message: string, options: ZhikuErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.item = options.item;
  }

  /** The one-line form used by the CLI and logs. */
  toLine(): string {
    return `${this.item ? `${this.item}: ` : ''}${this.message} [${this.code}]`;
  }
}

export function isZhikuError(value: unknown): value is ZhikuError {
  return value instanceof ZhikuError;
}

/** A failed batch item: the rest of the batch still lands. */
export interface ItemFailure {
  item: string;
  code: ZhikuErrorCode;
  reason: string;
}

/** Turns an expected error into a batch failure record; unexpected errors are rethrown. */
export function toItemFailure(error: unknown, item: string): ItemFailure {
  if (!isZhikuError(error)) throw error;
  return { item: error.item ?? item, code: error.code, reason: error.message };
}
