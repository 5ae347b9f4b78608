/**
 * @module mcp/server
 * The library as MCP tools: search_library, get_document, run_research (a task id, with progress
 * notifications while it runs), get_research and get_digest. Each tool answers with JSON text and
 * the same value as structured content; an expected failure is a tool error naming the item.
 */
import { readFile } from 'node:fs/promises';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { ResolvedConfig } from '../config/schema.js';
import { digestArchiveDir, listDigestDates, readDigest } from '../digest/archive.js';
import { renderDigestMarkdown } from '../digest/format/markdown.js';
import { ZhikuError, isZhikuError } from '../errors.js';
import type { Library } from '../library/library.js';
import type { Logger } from '../logger.js';
import { resolveReportCitations } from '../research/report-citations.js';
import type { EvidenceRecord } from '../research/selfcheck.js';
import { type TaskRecord, type TaskRunner, readTaskJson } from '../research/task-runner.js';

export interface McpServerOptions {
  config: ResolvedConfig;
  library: Library;
  runner: TaskRunner;
  logger: Logger;
  version: string;
}

/** A document's body is cut here unless the caller asks for more: a whole PDF does not fit a context. */
const DEFAULT_DOCUMENT_CHARACTERS = 20_000;

/**
 * @example
 * const server = createMcpServer({ config, library, runner, logger, version: '0.1.0' });
 * await server.connect(new StdioServerTransport());
 */
export function createMcpServer(options: McpServerOptions): McpServer {
  const { library, runner, config } = options;
  const server = new McpServer({ name: 'zhiku', version: options.version }, { capabilities: { tools: {}, logging: {} } });

  server.registerTool(
    'search_library',
    {
      title: 'Search the library',
      description: 'Full-text search over the Zhiku library (Chinese and English; Traditional and full-width forms match too). Returns ranked chunks with snippets; cite a hit by documentId and chunk.',
      inputSchema: {
        query: z.string().min(1).max(1000).describe('what to look for'),
        limit: z.number().int().min(1).max(100).optional().describe('results (default 10)'),
        offset: z.number().int().min(0).max(10_000).optional(),
        collections: z.array(z.string()).optional().describe('only these collections'),
        sources: z.array(z.string()).optional().describe('only these sources (account or site names)'),
        since: z.string().optional().describe('published on or after (YYYY-MM-DD)'),
        until: z.string().optional().describe('published before (YYYY-MM-DD)'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const result = await library.search(args.query, { limit: args.limit ?? config.search.limit, offset: args.offset, collections: args.collections, sources: args.sources, since: args.since, until: args.until });
        return {
          query: result.query,
          hits: result.hits.map((hit, i) => ({
            rank: (args.offset ?? 0) + i + 1,
            documentId: hit.documentId,
            chunk: hit.ordinal + 1,
            title: hit.title,
            source: hit.source,
            url: hit.canonicalUrl,
            publishedAt: hit.publishedAt,
            score: Math.round(hit.score * 1000) / 1000,
            snippet: hit.snippet.text,
          })),
        };
      }),
  );

  server.registerTool(
    'get_document',
    {
      title: 'Get a document',
      description: 'One library document: metadata and body (cut at maxCharacters), or one chunk by number.',
      inputSchema: {
        id: z.string().min(1).max(200).describe('documentId from search_library'),
        chunk: z.number().int().min(1).optional().describe('only this chunk (1-based, as search hits and citations number them)'),
        maxCharacters: z.number().int().min(100).max(1_000_000).optional().describe(`body characters at most (default ${DEFAULT_DOCUMENT_CHARACTERS})`),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const document = await library.getDocument(args.id);
        if (!document) throw new ZhikuError('E_NOT_FOUND', 'no such document', { item: args.id });
        const meta = { id: document.id, title: document.title, source: document.source, author: document.author, url: document.canonicalUrl, publishedAt: document.publishedAt, collections: document.collections, chunks: document.chunkCount };
        if (args.chunk !== undefined) {
          const chunk = (await library.getChunks(args.id)).find((entry) => entry.ordinal === args.chunk! - 1);
          if (!chunk) throw new ZhikuError('E_NOT_FOUND', `the document has no chunk ${args.chunk}`, { item: `${args.id}#${args.chunk}` });
          return { ...meta, chunk: { number: args.chunk, page: chunk.page, text: chunk.text } };
        }
        const max = args.maxCharacters ?? DEFAULT_DOCUMENT_CHARACTERS;
        return { ...meta, body: document.body.slice(0, max), truncated: document.body.length > max, bodyCharacters: document.body.length };
      }),
  );

  server.registerTool(
    'run_research',
    {
      title: 'Run a research task',
      description:
        'Writes a cited research report from a query (with requirements: sections, length, format), optional local files and corpus JSON files, or the library. Returns the task id; while it runs, progress notifications are sent when the request carries a progressToken. With wait=false it returns at once (poll get_research).',
      inputSchema: {
        query: z.string().min(1).max(20_000).describe('the research question with its requirements'),
        files: z.array(z.string()).optional().describe('absolute paths of attached files (PDF, DOCX, PPTX, XLSX/CSV, images, video)'),
        corpora: z.array(z.string()).optional().describe('absolute paths of background corpus JSON files'),
        collections: z.array(z.string()).optional().describe('without files: search only these collections'),
        since: z.string().optional().describe('without files: documents published on or after (YYYY-MM-DD)'),
        format: z.enum(['markdown', 'html']).optional(),
        offline: z.boolean().optional().describe('write offline even when a model endpoint is configured'),
        wait: z.boolean().optional().describe('wait for the report (default true)'),
      },
    },
    (args, extra) =>
      answer(async () => {
        const task = await runner.create({ query: args.query, files: args.files, corpora: args.corpora, collections: args.collections, since: args.since, format: args.format, offline: args.offline });
        if (args.wait === false) return taskSummary(task);
        const progressToken = extra._meta?.progressToken;
        const unsubscribe = runner.subscribe(task.id, (event) => {
          if (progressToken === undefined) return;
          void extra
            // seq only grows, as progress must; the total of steps is not known ahead.
            .sendNotification({ method: 'notifications/progress', params: { progressToken, progress: event.seq, message: `${task.id}: ${event.message}` } })
            .catch(() => {});
        });
        try {
          return taskSummary(await runner.wait(task.id));
        } finally {
          unsubscribe();
        }
      }),
  );

  server.registerTool(
    'get_research',
    {
      title: 'Get a research task',
      description: 'Status of a research task; once finished, its report, the self-check and each citation with its verdict (supported, unsupported, unresolved). Evidence texts on request.',
      inputSchema: {
        taskId: z.string().min(1).max(40),
        evidence: z.boolean().optional().describe('also return evidence.json (the exact text of every cited chunk)'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const task = runner.get(args.taskId);
        if (!task.report) return { ...taskSummary(task), events: runner.events(task.id).slice(-5) };
        const report = await readFile(runner.file(task.id, task.report), 'utf8');
        const evidence = await readTaskJson<EvidenceRecord[]>(runner.file(task.id, 'evidence.json'));
        const { citations } = resolveReportCitations(report, evidence);
        return {
          ...taskSummary(task),
          report,
          citations: citations.map(({ index, raw, sentence, status, support, evidence: e }) => ({ index, marker: raw, sentence, status, support, evidence: e })),
          ...(args.evidence ? { evidence } : {}),
        };
      }),
  );

  server.registerTool(
    'get_digest',
    {
      title: 'Get a daily digest',
      description: 'A daily AI-industry digest made earlier (the newest when no date is given), as markdown in the seed format plus its items as data.',
      inputSchema: { date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional().describe('YYYY-MM-DD') },
      annotations: { readOnlyHint: true },
    },
    (args) =>
      answer(async () => {
        const archive = digestArchiveDir(config.home);
        const date = args.date ?? listDigestDates(archive)[0];
        if (!date) throw new ZhikuError('E_NOT_FOUND', 'no digest has been made yet (zhiku digest, or the scheduled job in zhiku serve)', { item: 'digest' });
        const digest = readDigest(archive, date);
        return { date, markdown: renderDigestMarkdown(digest), digest };
      }),
  );

  return server;
}

// ---------------------------------------------------------------------------

function taskSummary(task: TaskRecord) {
  return {
    taskId: task.id,
    status: task.status,
    createdAt: task.createdAt,
    finishedAt: task.finishedAt,
    report: task.report,
    check: task.check,
    cost: task.cost,
    stopped: task.stopped,
    error: task.error,
    unreadable: task.unreadable,
  };
}

async function answer(run: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    const value = await run();
    return { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value };
  } catch (error) {
    if (!isZhikuError(error)) throw error;
    return { isError: true, content: [{ type: 'text', text: `${error.toLine()}` }] };
  }
}
