/**
 * @module research/task
 * A research task: the query, the files the user attached, and the background corpus. From a task
 * folder (`query.json` `{task, query, multimodal?}` or `query.md`, attachments, `long_context_*.json`
 * corpora) or from flags; without either, research runs over the whole library.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ZhikuError } from '../errors.js';

export interface ResearchTask {
  id: string;
  query: string;
  /** The task folder, when there is one. */
  dir: string | null;
  /** Files the task attaches (documents, data, images, video). */
  files: string[];
  /** Background corpus JSON files. */
  corpora: string[];
}

export const CORPUS_SIZES = ['32k', '64k', '128k', '60'] as const;
export type CorpusSize = (typeof CORPUS_SIZES)[number];

/** Files in a task folder that are not material: the task itself, labels, other systems' outputs. */
const NOT_MATERIAL = new Set(['query.json', 'query.md', 'relevance.json']);
const CORPUS_FILE = /^long_context(?:_sampled)?(?:_(32k|64k|128k|60))?\.json$/;

export interface TaskOptions {
  query?: string;
  files?: readonly string[];
  corpora?: readonly string[];
  /** Which of the folder's sampled corpora to use; the largest present by default. */
  corpusSize?: CorpusSize;
}

export function loadTask(dir: string | undefined, options: TaskOptions = {}): ResearchTask {
  const files = (options.files ?? []).map((file) => resolve(file));
  const corpora = (options.corpora ?? []).map((file) => resolve(file));
  for (const file of [...files, ...corpora]) {
    if (!existsSync(file)) throw new ZhikuError('E_NOT_FOUND', 'no such file', { item: file });
  }
  if (!dir) {
    if (!options.query?.trim()) throw new ZhikuError('E_USAGE', 'research needs a task folder or --query', { item: 'research' });
    return { id: 'query', query: options.query.trim(), dir: null, files, corpora };
  }
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new ZhikuError('E_NOT_FOUND', 'no such task folder', { item: dir });
  const { id, query } = readQuery(folder);
  const entries = readdirSync(folder, { withFileTypes: true }).filter((entry) => entry.isFile() && !entry.name.startsWith('.'));
  const sampled = entries.map((entry) => CORPUS_FILE.exec(entry.name)).filter((match): match is RegExpExecArray => match !== null);
  let corpus: string | undefined;
  if (options.corpusSize) {
    corpus = sampled.find((match) => match[1] === options.corpusSize)?.[0];
    if (!corpus) throw new ZhikuError('E_NOT_FOUND', `the task has no ${options.corpusSize} corpus (long_context_sampled_${options.corpusSize}.json)`, { item: folder });
  } else {
    // The largest sampled corpus (128k, then 64k, 32k; "60" is sixty documents), else the full one.
    corpus = [...['128k', '64k', '32k', '60'], undefined].map((size) => sampled.find((match) => match[1] === size)?.[0]).find(Boolean);
  }
  return {
    id,
    query: options.query?.trim() || query,
    dir: folder,
    files: [...entries.filter((entry) => !NOT_MATERIAL.has(entry.name) && !CORPUS_FILE.test(entry.name)).map((entry) => join(folder, entry.name)).sort(), ...files],
    corpora: [...(corpus ? [join(folder, corpus)] : []), ...corpora],
  };
}

function readQuery(folder: string): { id: string; query: string } {
  const json = join(folder, 'query.json');
  if (existsSync(json)) {
    let data: { task?: unknown; query?: unknown };
    try {
      data = JSON.parse(readFileSync(json, 'utf8')) as typeof data;
    } catch (error) {
      throw new ZhikuError('E_PARSE', `invalid JSON: ${(error as Error).message}`, { item: json });
    }
    const withNul = nulField(data);
    // A NUL is never text, and the task id names a collection and a folder: refuse rather than strip.
    if (withNul) throw new ZhikuError('E_INVALID_INPUT', `query.json: "${withNul}" contains a NUL character`, { item: json });
    if (typeof data.query !== 'string' || !data.query.trim()) throw new ZhikuError('E_PARSE', 'query.json has no "query" text', { item: json });
    return { id: typeof data.task === 'string' && data.task ? data.task : basename(folder), query: data.query.trim() };
  }
  const markdown = join(folder, 'query.md');
  if (existsSync(markdown)) {
    const query = readFileSync(markdown, 'utf8').trim();
    if (query.includes('\u0000')) throw new ZhikuError('E_INVALID_INPUT', 'query.md contains a NUL character', { item: markdown });
    return { id: basename(folder), query };
  }
  throw new ZhikuError('E_NOT_FOUND', 'a task folder needs query.json or query.md', { item: folder });
}

/** The path of the first string in a parsed JSON value that holds a NUL, e.g. `multimodal.0.name`. */
function nulField(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path || '(root)' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulField(inner, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return null;
}
