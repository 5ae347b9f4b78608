/**
 * @module web/pages/jobs
 * The job queue page (PostgreSQL store): jobs per queue and state, and the failed jobs — the
 * dead-letter list — each with its item, last error and a button that queues it again.
 */
import type { JobsListing } from '../../server/routes/jobs.js';
import type { Lang, Messages } from '../i18n.js';
import { type Html, h, page } from '../layout.js';

const STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;

export function jobsPage(lang: Lang, t: Messages, listing: JobsListing): Html {
  if (!listing.available) return page({ lang, t, title: t.jobsTitle, body: h`<h1>${t.jobsTitle}</h1><p>${t.jobsInline}</p>` });
  const counts = h`<div class="table-wrap"><table><tr><th>${t.jobsQueue}</th>${STATES.map((state) => h`<th>${state}</th>`)}</tr>${listing.counts.map(
    (row) => h`<tr><td>${row.name}</td>${STATES.map((state) => h`<td>${row.counts[state]}</td>`)}</tr>`,
  )}</table></div>`;
  const failed = listing.jobs.length
    ? h`<ul class="jobs">${listing.jobs.map(
        (job) =>
          h`<li class="job-failed" data-job="${job.id}"><code>${job.name}</code> ${job.item}<div class="error">${job.error ?? ''}</div><div class="meta">${job.id} · ${t.jobsRetries} ${job.retryCount} · ${job.completedOn ?? job.createdOn}</div><form method="post" action="/jobs/${job.id}/retry"><button type="submit">${t.jobsRetry}</button></form></li>`,
      )}</ul>`
    : h`<p>${t.jobsNoneFailed}</p>`;
  return page({ lang, t, title: t.jobsTitle, body: h`<h1>${t.jobsTitle}</h1>${counts}<h2>${t.jobsFailed}</h2>${failed}` });
}
