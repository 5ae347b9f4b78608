/**
 * @module web/layout
 * The page shell: one stylesheet and one script from /assets, the navigation, and the error page.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Lang, Messages } from './i18n.js';

export type Html = HtmlEscapedString;

/** `html` from hono, typed as the synchronous string it is when no value is a promise. */
export const h = (strings: TemplateStringsArray, ...values: unknown[]): Html => html(strings, ...values) as Html;

export interface PageOptions {
  lang: Lang;
  t: Messages;
  title: string;
  body: Html;
  /** Extra head lines (a refresh for pages that wait without script). */
  head?: Html;
}

export function page(options: PageOptions): Html {
  const { t } = options;
  return h`<!doctype html>
<html lang="${options.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · ${t.appName}</title>
<link rel="stylesheet" href="/assets/app.css">
${options.head ?? ''}
</head>
<body>
<header class="top"><a class="brand" href="/">${t.appName}</a><a href="/">${t.navSearch}</a><a href="/research">${t.navResearch}</a><a href="/digests">${t.navDigest}</a><a href="/jobs">${t.navJobs}</a></header>
<main>
${options.body}
</main>
<script src="/assets/app.js" defer></script>
</body>
</html>`;
}

export function errorPage(lang: Lang, t: Messages, status: number, code: string, message: string, item: string | null): Html {
  return page({
    lang,
    t,
    title: `${t.error} ${status}`,
    body: h`<h1>${t.error} ${status}</h1><div class="error"><p>${item ? `${item}: ` : ''}${message} <code>[${code}]</code></p></div>`,
  });
}
