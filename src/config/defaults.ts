/**
 * @module config/defaults
 * Every default value in one place.
 */
import { availableParallelism } from 'node:os';

export const DEFAULT_HOME = '.zhiku';
export const DEFAULT_SQLITE_FILE = 'library.db';
export const DEFAULT_BENCH_DIR = '../shared/bench';
export const DEFAULT_SEARCH_LIMIT = 10;
/** 200 MiB: larger files are refused before they are read. */
export const DEFAULT_MAX_FILE_BYTES = 200 * 1024 * 1024;
export const CONFIG_FILE_NAME = 'config.json';

/** One segmenting worker per core: ingest is bound by segmentation. */
export function defaultIngestThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()));
}

/** `zhiku serve`: loopback only unless a token is set. */
export const DEFAULT_SERVER_HOST = '127.0.0.1';
export const DEFAULT_SERVER_PORT = 5730;
/** 512 MiB per upload request. */
export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
/** The digest at 08:00 and feeds every 30 minutes, in the schedule's time zone. */
export const DEFAULT_SCHEDULE = { digest: '0 8 * * *', feeds: '*/30 * * * *', timezone: 'Asia/Shanghai' } as const;
