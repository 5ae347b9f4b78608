/**
 * @module server/research-upload
 * A research task from a request: multipart (query and options as fields, attachments as `file`,
 * corpora as `corpus`, each streamed into the task's folder) or JSON (query and options only).
 */
import { rmSync } from 'node:fs';
import { ZhikuError } from '../errors.js';
import type { NewResearchTask, TaskRecord, TaskRunner } from '../research/task-runner.js';
import { type MultipartLimits, multipartBoundary, receiveMultipart } from './multipart.js';
import { dateParam, jsonBody } from './params.js';

const FILE_FIELDS = new Set(['file', 'files']);
const CORPUS_FIELDS = new Set(['corpus', 'corpora']);
const MAX_QUERY_CHARACTERS = 20_000;

export async function createTaskFromRequest(request: Request, runner: TaskRunner, limits: MultipartLimits): Promise<TaskRecord> {
  if (multipartBoundary(request.headers.get('content-type'))) {
    const { id, filesDir, corpusDir } = runner.reserve();
    try {
      const { fields, files } = await receiveMultipart(request, {
        limits,
        folderFor: (field) => (FILE_FIELDS.has(field) ? filesDir : CORPUS_FIELDS.has(field) ? corpusDir : null),
      });
      const one = (name: string) => fields.get(name)?.at(-1)?.trim() || undefined;
      const many = (name: string) => (fields.get(name) ?? []).flatMap((value) => value.split(',')).map((v) => v.trim()).filter(Boolean);
      const input = taskInput({
        query: one('query'),
        collections: [...many('collection'), ...many('collections')],
        since: one('since'),
        format: one('format'),
        offline: one('offline'),
        maxTokens: one('maxTokens'),
      });
      // A browser sends an empty file part when no file was chosen.
      for (const file of files) if (file.bytes === 0) rmSync(file.path, { force: true });
      const uploaded = files.filter((file) => file.bytes > 0);
      return runner.submit(id, {
        ...input,
        files: uploaded.filter((file) => FILE_FIELDS.has(file.field)).map((file) => file.path),
        corpora: uploaded.filter((file) => CORPUS_FIELDS.has(file.field)).map((file) => file.path),
      });
    } catch (error) {
      runner.discard(id);
      throw error;
    }
  }
  const body = await jsonBody(request);
  if (body.files !== undefined || body.corpora !== undefined) {
    throw new ZhikuError('E_USAGE', 'files and corpora are uploaded as multipart/form-data fields "file" and "corpus"', { item: body.files !== undefined ? 'files' : 'corpora' });
  }
  const collections = body.collections ?? (body.collection === undefined ? [] : [body.collection]);
  if (!Array.isArray(collections) || !collections.every((c) => typeof c === 'string')) throw new ZhikuError('E_USAGE', 'collections must be a list of names', { item: 'collections' });
  return runner.create(
    taskInput({
      query: typeof body.query === 'string' ? body.query : undefined,
      collections: collections as string[],
      since: stringOrUndefined(body.since, 'since'),
      format: stringOrUndefined(body.format, 'format'),
      offline: body.offline === undefined ? undefined : String(body.offline),
      maxTokens: body.maxTokens === undefined ? undefined : String(body.maxTokens),
    }),
  );
}

// ---------------------------------------------------------------------------

function taskInput(raw: { query?: string; collections: string[]; since?: string; format?: string; offline?: string; maxTokens?: string }): NewResearchTask {
  const query = raw.query?.trim();
  if (!query) throw new ZhikuError('E_USAGE', 'a research task needs a query', { item: 'query' });
  if (query.length > MAX_QUERY_CHARACTERS) throw new ZhikuError('E_TOO_LARGE', `the query is over ${MAX_QUERY_CHARACTERS} characters`, { item: 'query' });
  let format: NewResearchTask['format'];
  if (raw.format) {
    if (!['md', 'markdown', 'html'].includes(raw.format)) throw new ZhikuError('E_USAGE', 'format must be md or html', { item: 'format' });
    format = raw.format === 'html' ? 'html' : 'markdown';
  }
  let maxTokens: number | undefined;
  if (raw.maxTokens) {
    maxTokens = Number(raw.maxTokens);
    if (!Number.isInteger(maxTokens) || maxTokens < 1) throw new ZhikuError('E_USAGE', 'maxTokens must be a positive integer', { item: 'maxTokens' });
  }
  return {
    query,
    collections: raw.collections,
    since: dateParam(raw.since, 'since'),
    format,
    offline: raw.offline !== undefined && /^(?:1|true|on|yes)$/i.test(raw.offline),
    maxTokens,
  };
}

function stringOrUndefined(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new ZhikuError('E_USAGE', `${name} must be a string`, { item: name });
  return value;
}
