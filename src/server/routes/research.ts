/**
 * @module server/routes/research
 * POST /api/research (multipart or JSON) → 202 with the task; GET /api/research, /api/research/:id,
 * /api/research/:id/events (server-sent progress), /report, /evidence, /citations, /task-report,
 * /files/:name (figures).
 */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { ZhikuError } from '../../errors.js';
import { resolveReportCitations } from '../../research/report-citations.js';
import type { EvidenceRecord } from '../../research/selfcheck.js';
import { type TaskEvent, type TaskRecord, type TaskRunner, readTaskJson } from '../../research/task-runner.js';
import type { ServerContext } from '../context.js';
import { intParam } from '../params.js';
import { createTaskFromRequest } from '../research-upload.js';

const TERMINAL = new Set(['done', 'failed', 'stopped']);
const POLL_MS = 500;
const KEEP_ALIVE_MS = 15_000;

export function researchRoutes(ctx: ServerContext): Hono {
  const app = new Hono();
  const { runner } = ctx;

  app.post('/research', async (c) => {
    const task = await createTaskFromRequest(c.req.raw, runner, ctx.uploadLimits);
    c.header('Location', `/api/research/${task.id}`);
    return c.json(task, 202);
  });

  app.get('/research', (c) => c.json({ tasks: runner.list(intParam(c.req.query('limit'), 'limit', { min: 1, max: 500, fallback: 50 })) }));

  app.get('/research/:id', (c) => c.json(runner.get(c.req.param('id'))));

  app.get('/research/:id/events', (c) => {
    const id = c.req.param('id');
    runner.get(id);
    const after = intParam(c.req.header('last-event-id') ?? c.req.query('after'), 'after', { min: 0, max: 1_000_000_000, fallback: 0 });
    return streamSSE(c, async (stream) => {
      let last = after;
      const send = async (event: TaskEvent) => {
        if (event.seq <= last) return;
        last = event.seq;
        await stream.writeSSE({ id: String(event.seq), event: 'progress', data: JSON.stringify(event) });
      };
      const end = async (record: TaskRecord) => stream.writeSSE({ event: 'end', data: JSON.stringify({ id: record.id, status: record.status, error: record.error }) });
      const keepAlive = setInterval(() => void stream.write(': keep-alive\n\n').catch(() => {}), KEEP_ALIVE_MS);
      try {
        if (runner.isLive(id)) {
          // Snapshot and subscribe with no await between them, so no event falls in a gap.
          const pending: TaskEvent[] = [...runner.events(id, last)];
          let wake: (() => void) | null = null;
          const unsubscribe = runner.subscribe(id, (event) => {
            pending.push(event);
            wake?.();
          });
          const finished = runner.wait(id);
          let done = false;
          void finished.then(() => {
            done = true;
            wake?.();
          });
          stream.onAbort(() => {
            done = true;
            wake?.();
          });
          try {
            while (!stream.aborted) {
              while (pending.length) await send(pending.shift()!);
              if (done) break;
              await new Promise<void>((resolve) => (wake = resolve));
              wake = null;
            }
          } finally {
            unsubscribe();
          }
          if (!stream.aborted) await end(await finished);
          return;
        }
        // Another process runs it (or it has finished): read its folder.
        for (;;) {
          for (const event of runner.events(id, last)) await send(event);
          const record = runner.get(id);
          if (TERMINAL.has(record.status)) {
            for (const event of runner.events(id, last)) await send(event);
            await end(record);
            return;
          }
          if (stream.aborted) return;
          await stream.sleep(POLL_MS);
        }
      } finally {
        clearInterval(keepAlive);
      }
    });
  });

  app.get('/research/:id/report', async (c) => {
    const { path, record } = await reportPath(runner, c.req.param('id'));
    const text = await readFile(path, 'utf8');
    // An HTML report is served as text: it is data to read here, not a page of this origin.
    return c.body(text, 200, { 'Content-Type': record.report === 'report.html' ? 'text/plain; charset=utf-8' : 'text/markdown; charset=utf-8' });
  });

  app.get('/research/:id/evidence', async (c) => c.json(await readTaskJson<EvidenceRecord[]>(runner.file(c.req.param('id'), 'evidence.json'))));

  app.get('/research/:id/citations', async (c) => {
    const id = c.req.param('id');
    const { path } = await reportPath(runner, id);
    const evidence = await readTaskJson<EvidenceRecord[]>(runner.file(id, 'evidence.json'));
    const { citations } = resolveReportCitations(await readFile(path, 'utf8'), evidence);
    return c.json({ id, citations });
  });

  app.get('/research/:id/task-report', async (c) => c.body(await readFile(runner.file(c.req.param('id'), 'task-report.md'), 'utf8'), 200, { 'Content-Type': 'text/markdown; charset=utf-8' }));

  app.get('/research/:id/files/:name', async (c) => {
    const name = c.req.param('name');
    if (!/^figure-\d+\.(?:svg|png)$/.test(name)) throw new ZhikuError('E_INVALID_INPUT', 'not a figure of a research task', { item: name });
    const bytes = await readFile(runner.file(c.req.param('id'), name));
    return c.body(bytes, 200, { 'Content-Type': name.endsWith('.svg') ? 'image/svg+xml' : 'image/png' });
  });

  return app;
}

export async function reportPath(runner: TaskRunner, id: string): Promise<{ path: string; record: TaskRecord }> {
  const record = runner.get(id);
  if (!record.report) throw new ZhikuError('E_NOT_FOUND', `the task has no report yet (status: ${record.status})`, { item: id });
  return { path: runner.file(id, record.report), record };
}
