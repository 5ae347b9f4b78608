/**
 * @module model/reply-cache
 * Model replies kept on disk by the hash of the request that produced them, so a research task
 * killed mid-way resumes without paying again for the calls it had already made. One file per
 * reply, written to a temporary name and renamed: a kill leaves a whole reply or none.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Usage } from './chat.js';

export interface CachedReply {
  /** The reply text, or the embedding vectors as JSON. */
  text: string;
  /** What the original call cost, metered again when the reply is replayed (the task's budget covers all of it). */
  usage: Usage;
}

export interface ReplyCache {
  /**
   * The stored reply, with `usage` zeroed when this cache already metered it (a call repeated within
   * one run costs nothing more; a reply made by an earlier run is metered once, on its first replay).
   */
  get(key: string): Promise<CachedReply | null>;
  put(key: string, reply: CachedReply): Promise<void>;
  /** Replies of earlier runs served so far (repeats within this run not counted). */
  readonly hits: number;
}

const NO_USAGE: Usage = { input: 0, output: 0, cached: 0, requests: 0 };

/** The cache key of a request: sha256 of its JSON with object keys sorted. */
export function requestKey(request: unknown): string {
  return createHash('sha256').update(stableJson(request)).digest('hex');
}

/** A cache in `dir` (created on the first write). */
export function openReplyCache(dir: string): ReplyCache {
  let hits = 0;
  const metered = new Set<string>();
  return {
    get hits() {
      return hits;
    },
    async get(key) {
      let text: string;
      try {
        text = await readFile(join(dir, `${key}.json`), 'utf8');
      } catch {
        return null;
      }
      try {
        const reply = JSON.parse(text) as CachedReply;
        if (typeof reply.text !== 'string' || typeof reply.usage !== 'object') return null;
        if (metered.has(key)) return { ...reply, usage: NO_USAGE };
        metered.add(key);
        hits++;
        return reply;
      } catch {
        return null; // a damaged entry is a miss: the call is made again
      }
    },
    async put(key, reply) {
      metered.add(key);
      await mkdir(dir, { recursive: true });
      const temporary = join(dir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
      await writeFile(temporary, JSON.stringify(reply));
      await rename(temporary, join(dir, `${key}.json`));
    },
  };
}

// ---------------------------------------------------------------------------

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
