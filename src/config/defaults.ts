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
