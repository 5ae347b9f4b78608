/**
 * @module research/run-state
 * A model-backed research run started from the CLI, saved as `$home/tasks/<id>/run.json` so that a
 * run killed mid-way resumes with `zhiku research --resume <id>`: the saved invocation runs again,
 * its materials re-ingest as unchanged, and every model call it had already answered is replayed
 * from the reply cache beside it (`replies/`) instead of being sent (and paid for) again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ZhikuError } from '../errors.js';

/** Ids share the server's task format (UTC day and 8 hex digits): nothing else is joined to a path. */
export const RUN_ID = /^\d{8}-[0-9a-f]{8}$/;

/** The invocation as given, with paths made absolute: what a resume runs again. */
export interface RunInvocation {
  dir: string | null;
  query?: string;
  file: string[];
  corpus: string[];
  corpusSize?: string;
  collection: string[];
  since?: string;
  format?: string;
  cite?: string;
  out: string;
  maxTokens?: string;
  maxCost?: string;
}

export interface RunState {
  id: string;
  invocation: RunInvocation;
  status: 'running' | 'done' | 'stopped' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  /** How many times the run was resumed. */
  resumed: number;
  /** Why it stopped or failed, when it did. */
  reason: string | null;
}

export function runDir(home: string, id: string): string {
  return join(home, 'tasks', id);
}

/** Saves a new run under a fresh id. */
export function createRun(home: string, invocation: RunInvocation): RunState {
  const id = `${new Date().toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(4).toString('hex')}`;
  const state: RunState = { id, invocation, status: 'running', startedAt: new Date().toISOString(), finishedAt: null, resumed: 0, reason: null };
  saveRun(home, state);
  return state;
}

/** The saved run `id`; E_USAGE for a malformed id, E_NOT_FOUND when no run has it. */
export function loadRun(home: string, id: string): RunState {
  if (!RUN_ID.test(id)) throw new ZhikuError('E_USAGE', 'not a research task id (expected YYYYMMDD-xxxxxxxx)', { item: id });
  const path = join(runDir(home, id), 'run.json');
  if (!existsSync(path)) throw new ZhikuError('E_NOT_FOUND', 'no research run with this id was started from the CLI in this library home', { item: id });
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as RunState;
  } catch (error) {
    throw new ZhikuError('E_PARSE', `damaged run state: ${(error as Error).message}`, { item: path });
  }
}

/** Writes the state whole (temporary file, then rename), so a kill never leaves half of it. */
export function saveRun(home: string, state: RunState): void {
  const dir = runDir(home, state.id);
  mkdirSync(dir, { recursive: true });
  const temporary = join(dir, `.run.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, join(dir, 'run.json'));
}
