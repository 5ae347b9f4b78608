/**
 * @module web/routes
 * The server-rendered UI: search, documents, research (form, progress, report, citations), digests,
 * and the two assets. Pages read through the same library, runner and jobs as the API.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Hono } from 'hono';
import { digestArchiveDir, listDigestDates, readDigest } from '../digest/archive.js';
import { ZhikuError } from '../errors.js';
import type { Library } from '../library/library.js';
import { resolveReportCitations } from '../research/report-citations.js';
import type { EvidenceRecord } from '../research/selfcheck.js';
import { readTaskJson } from '../research/task-runner.js';
import type { ServerContext } from '../server/context.js';
import { runDigestJob } from '../server/jobs.js';
import { intParam } from '../server/params.js';
import { createTaskFromRequest } from '../server/research-upload.js';
import { listJobs, retryJob } from '../server/routes/jobs.js';
import { reportPath } from '../server/routes/research.js';
import { SCRIPT, STYLESHEET } from './assets.js';
import { type Lang, messages } from './i18n.js';
import { digestPage } from './pages/digest.js';
import { jobsPage } from './pages/jobs.js';
import { documentPage, searchPage } from './pages/library.js';
import { citationPage, reportPage } from './pages/report.js';
import { researchIndexPage, taskFailedPage, taskProgressPage } from './pages/research.js';

const PAGE_SIZE = 10;

export function webRoutes(ctx: ServerContext, lang: Lang): Hono {
  const app = new Hono();
  const t = messages(lang);
  const { library, runner } = ctx;

  app.get('/assets/app.css', (c) => c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  app.get('/assets/app.js', (c) => c.body(SCRIPT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));

  // Browsers ask for it on every first visit; there is none.
  app.get('/favicon.ico', (c) => c.body(null, 204));

  app.get('/', async (c) => {
    const q = c.req.query('q')?.trim();
    if (!q) return c.html(searchPage(lang, t, null));
    const offset = intParam(c.req.query('offset'), 'offset', { min: 0, max: 10_000, fallback: 0 });
    const result = await library.search(q.slice(0, 1000), { limit: PAGE_SIZE, offset });
    return c.html(searchPage(lang, t, { q, hits: result.hits, offset, limit: PAGE_SIZE }));
  });

  app.get('/documents/:id', async (c) => {
    const id = c.req.param('id');
    const document = id.length <= 200 ? await library.getDocument(id) : null;
    if (!document) throw new ZhikuError('E_NOT_FOUND', 'no such document', { item: id.slice(0, 80) });
    const chunk = c.req.query('chunk');
    const highlight = chunk ? intParam(chunk, 'chunk', { min: 1, max: 10_000_000, fallback: 1 }) : null;
    return c.html(documentPage(lang, t, document, await library.getChunks(id), highlight));
  });

  app.get('/research', (c) => c.html(researchIndexPage(lang, t, runner.list(30))));

  app.post('/research', async (c) => {
    const task = await createTaskFromRequest(c.req.raw, runner, ctx.uploadLimits);
    return c.redirect(`/research/${task.id}`, 303);
  });

  app.get('/research/:id', async (c) => {
    const task = runner.get(c.req.param('id'));
    const events = runner.events(task.id);
    if (task.status === 'failed') return c.html(taskFailedPage(lang, t, task, events));
    if (!task.report) return c.html(taskProgressPage(lang, t, task, events));
    const { path } = await reportPath(runner, task.id);
    const evidence = await readTaskJson<EvidenceRecord[]>(runner.file(task.id, 'evidence.json'));
    return c.html(reportPage(lang, t, task, resolveReportCitations(await readFile(path, 'utf8'), evidence)));
  });

  app.get('/research/:id/cite/:n', async (c) => {
    const { path, record: task } = await reportPath(runner, c.req.param('id'));
    const evidence = await readTaskJson<EvidenceRecord[]>(runner.file(task.id, 'evidence.json'));
    const { citations } = resolveReportCitations(await readFile(path, 'utf8'), evidence);
    const n = intParam(c.req.param('n'), 'n', { min: 0, max: 1_000_000, fallback: 0 });
    const citation = citations[n];
    if (!citation) throw new ZhikuError('E_NOT_FOUND', `the report has no citation ${n}`, { item: `${task.id}/cite/${n}` });
    const record = citation.evidence === null ? null : evidence[citation.evidence]!;
    const context = record ? await passageContext(library, task.id, record) : null;
    return c.html(citationPage(lang, t, { task, citation, record, context }));
  });

  app.get('/digests', (c) => {
    const dates = listDigestDates(digestArchiveDir(ctx.config.home));
    return c.html(digestPage(lang, t, dates, dates[0] ? readDigest(digestArchiveDir(ctx.config.home), dates[0]) : null));
  });

  app.get('/digests/:date', (c) => {
    const archive = digestArchiveDir(ctx.config.home);
    return c.html(digestPage(lang, t, listDigestDates(archive), readDigest(archive, c.req.param('date'))));
  });

  app.post('/digests', async (c) => {
    const digest = await runDigestJob(ctx.jobs, {});
    return c.redirect(`/digests/${digest.date}`, 303);
  });

  app.get('/jobs', async (c) => c.html(jobsPage(lang, t, await listJobs(ctx.queue, { state: 'failed', limit: 100 }))));
  app.post('/jobs/:id/retry', async (c) => {
    await retryJob(ctx.queue, c.req.param('id'));
    return c.redirect('/jobs', 303);
  });

  return app;
}

// ---------------------------------------------------------------------------

const titleKey = (title: string) => title.normalize('NFKC').toLowerCase().replace(/[\s"'“”‘’「」『』《》`*]/g, '');
/** Attachments are matched by file name only in collections this small: each needs a document read. */
const ORIGIN_SCAN_LIMIT = 200;

/**
 * The stored document a piece of evidence came from (by title, or by file name for an attachment,
 * in the task's collection) and the chunks either side of the cited one; null when it is gone or
 * its chunk no longer holds the recorded text.
 */
async function passageContext(library: Library, taskId: string, record: EvidenceRecord): Promise<{ documentId: string; before: string | null; after: string | null } | null> {
  const documents = await library.listDocuments({ collection: `task-${taskId}`, limit: 100_000 });
  const key = titleKey(record.title);
  let id = documents.find((d) => titleKey(d.title) === key)?.id;
  if (!id && documents.length <= ORIGIN_SCAN_LIMIT) {
    for (const summary of documents) {
      const document = await library.getDocument(summary.id);
      if (document?.origin && titleKey(basename(document.origin)) === key) {
        id = summary.id;
        break;
      }
    }
  }
  if (!id) {
    // A task over the library (no materials): the title is a stored document's title.
    const hits = await library.search(record.title.slice(0, 200), { limit: 10 });
    id = hits.hits.find((hit) => titleKey(hit.title) === key)?.documentId;
  }
  if (!id) return null;
  const chunks = await library.getChunks(id);
  const index = chunks.findIndex((chunk) => chunk.ordinal === record.chunk - 1);
  if (index < 0 || chunks[index]!.text !== record.text) return null;
  return { documentId: id, before: chunks[index - 1]?.text ?? null, after: chunks[index + 1]?.text ?? null };
}
