/**
 * @module web/pages/research
 * The research pages: the form and the task list, a running task's progress (server-sent events,
 * a refresh without script), and a finished task's report.
 */
import type { TaskEvent, TaskRecord } from '../../research/task-runner.js';
import type { Lang, Messages } from '../i18n.js';
import { type Html, h, page } from '../layout.js';

export function researchIndexPage(lang: Lang, t: Messages, tasks: TaskRecord[]): Html {
  const form = h`<form method="post" action="/research" enctype="multipart/form-data" class="task-form">
<label for="query">${t.query}</label>
<textarea id="query" name="query" required placeholder="${t.queryPlaceholder}"></textarea>
<label for="file">${t.files}</label>
<input id="file" type="file" name="file" multiple>
<label for="corpus">${t.corpus}</label>
<input id="corpus" type="file" name="corpus" accept=".json,application/json" multiple>
<label for="collection">${t.collection}</label>
<input id="collection" type="text" name="collection">
<label class="check"><input type="checkbox" name="offline" value="1"> ${t.offline}</label>
<p><button type="submit">${t.start}</button></p>
</form>`;
  const rows = tasks.map(
    (task) => h`<li><a href="/research/${task.id}">${firstLine(task.query)}</a> <span class="badge ${task.status}">${t.statusNames[task.status]}</span> <span class="meta">${task.createdAt.slice(0, 16).replace('T', ' ')}</span></li>`,
  );
  return page({ lang, t, title: t.researchTitle, body: h`<h1>${t.researchTitle}</h1><h2>${t.newTask}</h2>${form}<h2>${t.recentTasks}</h2><ul>${rows}</ul>` });
}

export function taskProgressPage(lang: Lang, t: Messages, task: TaskRecord, events: TaskEvent[]): Html {
  const last = [...events].reverse().find((event) => event.total);
  return page({
    lang,
    t,
    title: `${t.progress} · ${firstLine(task.query)}`,
    // Without script the page refreshes itself; with it, events arrive as they happen.
    head: h`<noscript><meta http-equiv="refresh" content="3"></noscript>`,
    body: h`<h1>${firstLine(task.query)}</h1>
<p><span class="badge ${task.status}" id="status">${t.statusNames[task.status]}</span> ${t.waiting}</p>
<div data-task-events="/api/research/${task.id}/events?after=${events.at(-1)?.seq ?? 0}">
<progress id="bar" ${last?.total ? h`max="${last.total}" value="${last.done ?? 0}"` : ''}></progress>
<ul class="events" id="events">${events.map((event) => h`<li>${event.message}</li>`)}</ul>
</div>`,
  });
}

export function taskFailedPage(lang: Lang, t: Messages, task: TaskRecord, events: TaskEvent[]): Html {
  return page({
    lang,
    t,
    title: t.failed,
    body: h`<h1>${firstLine(task.query)}</h1><div class="error"><p><strong>${t.failed}</strong>: ${task.error?.item ? `${task.error.item}: ` : ''}${task.error?.message ?? ''} <code>[${task.error?.code ?? ''}]</code></p></div><ul class="events">${events.map((event) => h`<li>${event.message}</li>`)}</ul>`,
  });
}

export function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  const title = /《([^》]{1,80})》/.exec(text)?.[1];
  if (title) return title;
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
