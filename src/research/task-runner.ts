/**
 * @module research/task-runner
 * Research tasks run in-process, one at a time, under `$home/tasks/<id>/`: `task.json` (status),
 * `events.jsonl` (progress), the materials, then `report.md` (or `.html`), `evidence.json`,
 * `task-report.md` and figures. The HTTP API and the MCP server share the ids and the files.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join, resolve, sep } from 'node:path';
import type { ResolvedConfig } from '../config/schema.js';
import { ZhikuError, isZhikuError } from '../errors.js';
import type { Library } from '../library/library.js';
import type { Logger } from '../logger.js';
import type { CitationStyle } from './render.js';
import type { ResearchResult } from './research.js';
import { taskModelWriter, usageRows } from './task-model.js';
import type { SelfCheck } from './selfcheck.js';

export type TaskStatus = 'queued' | 'running' | 'done' | 'failed' | 'stopped';
export type TaskPhase = 'queued' | 'materials' | 'writing' | 'model' | 'saving' | 'done' | 'failed' | 'stopped';

/** One progress event; `seq` numbers them from 1 so a listener can resume after the last it saw. */
export interface TaskEvent {
  seq: number;
  at: string;
  phase: TaskPhase;
  message: string;
  done?: number;
  total?: number;
}

export interface NewResearchTask {
  query: string;
  /** Attached files (absolute paths): documents, data, images, video. */
  files?: readonly string[];
  /** Background corpus JSON files (absolute paths). */
  corpora?: readonly string[];
  /** Without files and corpora: search only these collections of the library. */
  collections?: readonly string[];
  since?: string;
  format?: 'markdown' | 'html';
  cite?: CitationStyle;
  /** Write offline even when a model endpoint is configured. */
  offline?: boolean;
  /** With a model: stop cleanly before input + output tokens pass this. */
  maxTokens?: number;
}

export interface TaskRecord {
  id: string;
  query: string;
  status: TaskStatus;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  files: { name: string; bytes: number }[];
  corpora: { name: string; bytes: number }[];
  collections: string[];
  since: string | null;
  format: 'markdown' | 'html' | null;
  cite: CitationStyle;
  offline: boolean;
  maxTokens: number | null;
  /** The report's file name once written (report.md or report.html). */
  report: string | null;
  check: SelfCheck | null;
  unreadable: { item: string; reason: string }[];
  /** Priced cost of a model-backed run, or why it is unpriced; null offline. */
  cost: string | null;
  /** Why writing stopped early (a budget), for status `stopped`. */
  stopped: string | null;
  error: { code: string; message: string; item: string | null } | null;
  /** Process that owns a queued or running task; another process leaves it alone while that one lives. */
  owner: number;
}

export interface TaskRunnerOptions {
  /** The library home; tasks live in `<home>/tasks`. */
  home: string;
  library: Library;
  config: ResolvedConfig;
  logger: Logger;
}

export type TaskListener = (event: TaskEvent, record: TaskRecord) => void;

/** Task ids: the UTC day and 8 hex digits; nothing else is ever joined to a path. */
export const TASK_ID = /^\d{8}-[0-9a-f]{8}$/;
/** Files a task folder may serve: report, evidence, task report, figures. */
const SERVED_FILE = /^(?:report\.(?:md|html)|evidence\.json|task-report\.md|figure-\d+\.(?:svg|png))$/;
const TERMINAL: ReadonlySet<TaskStatus> = new Set(['done', 'failed', 'stopped']);
/** Ingest progress is written at most this often: a corpus has thousands of entries. */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Creates, runs and reads research tasks.
 * @example
 * const runner = TaskRunner.open({ home, library, config, logger });
 * const task = await runner.create({ query: '《…》', corpora: ['/data/corpus.json'] });
 * const done = await runner.wait(task.id);
 */
export class TaskRunner {
  readonly root: string;
  private readonly live = new Map<string, { record: TaskRecord; events: TaskEvent[]; listeners: Set<TaskListener>; finished: Promise<TaskRecord>; resolve: (r: TaskRecord) => void }>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly options: TaskRunnerOptions) {
    this.root = join(options.home, 'tasks');
  }

  /** Opens the task folder; tasks left queued or running by a process that has ended are marked failed. */
  static open(options: TaskRunnerOptions): TaskRunner {
    const runner = new TaskRunner(options);
    mkdirSync(runner.root, { recursive: true });
    for (const id of runner.ids()) {
      const record = runner.readRecord(id);
      if (!record || TERMINAL.has(record.status) || processAlive(record.owner)) continue;
      record.status = 'failed';
      record.finishedAt = new Date().toISOString();
      record.error = { code: 'E_INTERRUPTED', message: 'the process running this task ended before it finished; create the task again', item: id };
      runner.writeRecord(record);
    }
    return runner;
  }

  /**
   * Reserves an id and its folders, for uploads streamed in before the task is submitted. Call
   * `submit` with the files written there, or `discard` when the upload fails.
   */
  reserve(): { id: string; filesDir: string; corpusDir: string } {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    const id = `${day}-${randomBytes(4).toString('hex')}`;
    const dir = join(this.root, id);
    mkdirSync(join(dir, 'files'), { recursive: true });
    mkdirSync(join(dir, 'corpus'), { recursive: true });
    return { id, filesDir: join(dir, 'files'), corpusDir: join(dir, 'corpus') };
  }

  /** Removes a reserved task that was never submitted. */
  discard(id: string): void {
    checkId(id);
    if (this.live.has(id)) throw new ZhikuError('E_USAGE', 'a submitted task cannot be discarded', { item: id });
    rmSync(join(this.root, id), { recursive: true, force: true });
  }

  /** Creates a task under a new id and queues it. */
  async create(input: NewResearchTask): Promise<TaskRecord> {
    const { id } = this.reserve();
    return this.submit(id, input);
  }

  /** Queues a reserved task; it runs after the tasks before it. */
  submit(id: string, input: NewResearchTask): TaskRecord {
    checkId(id);
    if (this.closed) throw new ZhikuError('E_USAGE', 'the task runner is closed', { item: id });
    const query = input.query.trim();
    if (!query) throw new ZhikuError('E_USAGE', 'a research task needs a query', { item: 'query' });
    for (const file of [...(input.files ?? []), ...(input.corpora ?? [])]) {
      if (!existsSync(file)) throw new ZhikuError('E_NOT_FOUND', 'no such file', { item: file });
    }
    const size = (file: string) => ({ name: basename(file), bytes: statSize(file) });
    const record: TaskRecord = {
      id,
      query,
      status: 'queued',
      createdAt: new Date().toISOString(),
      startedAt: null,
      finishedAt: null,
      files: (input.files ?? []).map(size),
      corpora: (input.corpora ?? []).map(size),
      collections: [...(input.collections ?? [])],
      since: input.since ?? null,
      format: input.format ?? null,
      cite: input.cite ?? 'source',
      offline: input.offline ?? false,
      maxTokens: input.maxTokens ?? null,
      report: null,
      check: null,
      unreadable: [],
      cost: null,
      stopped: null,
      error: null,
      owner: process.pid,
    };
    let resolveFinished!: (r: TaskRecord) => void;
    const finished = new Promise<TaskRecord>((r) => (resolveFinished = r));
    this.live.set(id, { record, events: [], listeners: new Set(), finished, resolve: resolveFinished });
    this.writeRecord(record);
    this.emit(id, { phase: 'queued', message: 'queued' });
    const paths = { files: [...(input.files ?? [])].map((f) => resolve(f)), corpora: [...(input.corpora ?? [])].map((f) => resolve(f)) };
    this.queue = this.queue.then(() => this.run(id, paths));
    return { ...record };
  }

  /** The task's record, from memory while this process runs it, else from its folder. */
  get(id: string): TaskRecord {
    checkId(id);
    const live = this.live.get(id);
    if (live) return { ...live.record };
    const record = this.readRecord(id);
    if (!record) throw new ZhikuError('E_NOT_FOUND', 'no such research task', { item: id });
    return record;
  }

  /** Tasks, newest first. */
  list(limit = 50): TaskRecord[] {
    return this.ids()
      .sort()
      .reverse()
      .slice(0, limit)
      .map((id) => (this.live.has(id) ? { ...this.live.get(id)!.record } : this.readRecord(id)))
      .filter((record): record is TaskRecord => record !== null);
  }

  /** Progress events after `after` (a `seq`). */
  events(id: string, after = 0): TaskEvent[] {
    checkId(id);
    const live = this.live.get(id);
    const events = live ? live.events : this.readEvents(id);
    return events.filter((event) => event.seq > after);
  }

  /** Calls `listener` on every new event of a task this process runs; returns the unsubscribe. */
  subscribe(id: string, listener: TaskListener): () => void {
    const live = this.live.get(id);
    if (!live) return () => {};
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  /** True while this process runs or queues the task (events arrive through `subscribe`). */
  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /** Resolves when the task has finished (done, failed or stopped). */
  async wait(id: string): Promise<TaskRecord> {
    const live = this.live.get(id);
    return live ? live.finished : this.get(id);
  }

  /** Path of a file the task wrote; names other than its outputs are refused. */
  file(id: string, name: string): string {
    checkId(id);
    if (!SERVED_FILE.test(name)) throw new ZhikuError('E_INVALID_INPUT', 'not a file of a research task', { item: name });
    const path = resolve(this.root, id, name);
    if (!path.startsWith(resolve(this.root, id) + sep)) throw new ZhikuError('E_INVALID_INPUT', 'not a file of a research task', { item: name });
    if (!existsSync(path)) throw new ZhikuError('E_NOT_FOUND', 'the task has not written this file', { item: `${id}/${name}` });
    return path;
  }

  /** Stops taking tasks and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  // -------------------------------------------------------------------------

  private async run(id: string, paths: { files: string[]; corpora: string[] }): Promise<void> {
    const live = this.live.get(id)!;
    const { record } = live;
    const dir = join(this.root, id);
    record.status = 'running';
    record.startedAt = new Date().toISOString();
    this.writeRecord(record);
    try {
      const { research } = await import('./research.js');
      const model = await taskModelWriter(this.options.config, record, (event) => this.emit(id, event));
      const library = this.observedLibrary(id, paths);
      const materials = paths.files.length + paths.corpora.length;
      this.emit(id, { phase: materials ? 'materials' : 'writing', message: materials ? `reading ${materials} material file(s)` : 'searching the library' });
      const result: ResearchResult = await research({
          library,
          task: { id, query: record.query, dir: null, files: paths.files, corpora: paths.corpora },
          writer: model?.writer,
          format: record.format ?? undefined,
          cite: record.cite,
          collections: record.collections.length ? record.collections : undefined,
          since: record.since ?? undefined,
          maxFileBytes: this.options.config.ingest.maxFileBytes,
          threads: this.options.config.ingest.threads,
        });
      this.emit(id, { phase: 'saving', message: 'writing the report, evidence and task report' });
      const reportName = result.check.format.html ? 'report.html' : 'report.md';
      writeFileSync(join(dir, reportName), result.report);
      writeFileSync(join(dir, 'evidence.json'), `${JSON.stringify(result.evidence, null, 2)}\n`);
      for (const figure of result.figures) {
        writeFileSync(join(dir, figure.file), figure.svg);
        writeFileSync(join(dir, figure.file.replace(/\.svg$/, '.png')), figure.png);
      }
      const usage = model ? usageRows(model.meter, model.catalog) : undefined;
      const { taskReportFor } = await import('./task-report.js');
      writeFileSync(join(dir, 'task-report.md'), taskReportFor({ id, query: record.query }, result, usage));
      record.report = reportName;
      record.check = result.check;
      record.unreadable = result.unreadable;
      record.cost = usage?.total ?? null;
      record.stopped = result.model?.stopped ?? null;
      record.status = record.stopped ? 'stopped' : 'done';
      const { citations, length } = result.check;
      this.finish(id, {
        phase: record.status,
        message: record.stopped
          ? `stopped early: ${record.stopped}; partial report saved`
          : `report written: ${length.count} units, ${citations.resolvable}/${citations.total} citations resolvable, ${citations.supported} supported`,
      });
    } catch (error) {
      record.status = 'failed';
      if (isZhikuError(error)) record.error = { code: error.code, message: error.message, item: error.item ?? null };
      else {
        // The stack goes to the operator's log; readers of the task see no internals.
        this.options.logger.err(`zhiku: research task ${id} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        record.error = { code: 'E_INTERNAL', message: 'unexpected error while writing the report', item: id };
      }
      this.finish(id, { phase: 'failed', message: `${record.error.item ? `${record.error.item}: ` : ''}${record.error.message} [${record.error.code}]` });
    }
  }

  private finish(id: string, event: Omit<TaskEvent, 'seq' | 'at'>): void {
    const live = this.live.get(id)!;
    live.record.finishedAt = new Date().toISOString();
    this.writeRecord(live.record);
    this.emit(id, event);
    this.live.delete(id);
    live.listeners.clear();
    live.resolve({ ...live.record });
  }

  private emit(id: string, event: Omit<TaskEvent, 'seq' | 'at'>): void {
    const live = this.live.get(id);
    if (!live) return;
    const full: TaskEvent = { seq: live.events.length + 1, at: new Date().toISOString(), ...event };
    live.events.push(full);
    appendFileSync(join(this.root, id, 'events.jsonl'), `${JSON.stringify(full)}\n`);
    for (const listener of live.listeners) {
      try {
        listener(full, { ...live.record });
      } catch (error) {
        this.options.logger.err(`zhiku: a progress listener of task ${id} failed: ${(error as Error).message}`);
      }
    }
  }

  /** The library with its ingest reporting progress, so reading the materials shows up as events. */
  private observedLibrary(id: string, paths: { files: string[]; corpora: string[] }): Library {
    const { library } = this.options;
    const total = paths.files.length + paths.corpora.reduce((sum, file) => sum + corpusEntries(file), 0);
    let last = 0;
    const observed = Object.create(library) as Library;
    observed.ingest = (items, options = {}) =>
      library.ingest(items, {
        ...options,
        onProgress: (done, outcome) => {
          options.onProgress?.(done, outcome);
          const now = Date.now();
          if (now - last < PROGRESS_INTERVAL_MS && done !== total) return;
          last = now;
          this.emit(id, { phase: 'materials', message: `read ${done} of ${total} items`, done, total });
        },
      });
    // Ingest ends where retrieval starts; the first search marks the switch.
    let searching = false;
    observed.search = (query, options) => {
      if (!searching) {
        searching = true;
        this.emit(id, { phase: 'writing', message: 'retrieving evidence and composing the sections' });
      }
      return library.search(query, options);
    };
    return observed;
  }

  private ids(): string[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).filter((name) => TASK_ID.test(name) && existsSync(join(this.root, name, 'task.json')));
  }

  private readRecord(id: string): TaskRecord | null {
    const path = join(this.root, id, 'task.json');
    if (!existsSync(path)) return null;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as TaskRecord;
    } catch (error) {
      throw new ZhikuError('E_PARSE', `damaged task record: ${(error as Error).message}`, { item: path });
    }
  }

  private readEvents(id: string): TaskEvent[] {
    const path = join(this.root, id, 'events.jsonl');
    if (!existsSync(path)) return [];
    const events: TaskEvent[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        events.push(JSON.parse(line) as TaskEvent);
      } catch {
        // A line cut short by a crash is the only kind that fails; the events before it stand.
      }
    }
    return events;
  }

  private writeRecord(record: TaskRecord): void {
    const path = join(this.root, record.id, 'task.json');
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(temporary, path);
  }
}

/** Reads the JSON a finished task wrote (evidence.json). */
export async function readTaskJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch (error) {
    throw new ZhikuError('E_PARSE', `not valid JSON: ${(error as Error).message}`, { item: path });
  }
}

// ---------------------------------------------------------------------------

function checkId(id: string): void {
  if (!TASK_ID.test(id)) throw new ZhikuError('E_NOT_FOUND', 'no such research task', { item: id });
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Entries of a corpus JSON array, for the progress total; 1 when it is not one. */
function corpusEntries(file: string): number {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(data) ? data.length : 1;
  } catch {
    return 1;
  }
}
